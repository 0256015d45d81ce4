/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdio>

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

} /* namespace scanout::apps */
