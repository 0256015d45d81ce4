/* SPDX-License-Identifier: MIT */
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>

namespace scanout::apps {

/**
 * After getopt_long: true (with a message on stderr) when operands are left,
 * which none of the apps take.
 */
inline bool extraArguments(const char *prog, int argc, char **argv, int optind)
{
    if (optind >= argc)
        return false;
    std::fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
    return true;
}

/** A decimal count (no sign, no trailing text). */
inline bool parseCount(const char *text, uint64_t &out)
{
    char *end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text, &end, 10);
    if (errno || !end || *end || text[0] == '-' || text[0] == '\0')
        return false;
    out = v;
    return true;
}

/** User plus system CPU time of this process so far. */
inline double cpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

} /* namespace scanout::apps */
