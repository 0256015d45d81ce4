/* SPDX-License-Identifier: MIT */
#pragma once

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

} /* namespace scanout::apps */
