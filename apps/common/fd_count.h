/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdio>
#include <dirent.h>

namespace scanout::apps {

/** Open file descriptors of this process, or -1 without /proc. Used to prove nothing leaked. */
inline int countOpenFds()
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return -1;
    int n = 0;
    while (dirent *e = readdir(dir))
        if (e->d_name[0] != '.')
            n++;
    closedir(dir);
    return n - 1; /* the directory's own fd */
}

/**
 * Prints the fd counts at start and now (the line tests look for) and turns
 * a zero \a status into 1 when any fd leaked.
 */
inline int checkFdLeak(const char *prog, int fdsAtStart, int status)
{
    int fdsAtExit = countOpenFds();
    std::printf("%s: open fds at start %d, at exit %d\n", prog, fdsAtStart, fdsAtExit);
    if (fdsAtExit == fdsAtStart)
        return status;
    std::fprintf(stderr, "%s: %d file descriptors leaked\n", prog, fdsAtExit - fdsAtStart);
    return status ? status : 1;
}

} /* namespace scanout::apps */
