/* SPDX-License-Identifier: MIT */
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <getopt.h>
#include <sys/resource.h>

#include <scanout/transform.h>

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

/** --rotate DEG: 0, 90, 180 or 270 degrees counter-clockwise; false after a message. */
inline bool parseRotate(const char *prog, const char *text, Rotation &out)
{
    uint64_t degrees = 0;
    if (parseCount(text, degrees) && degrees <= 270 &&
        rotationFromDegrees(static_cast<uint32_t>(degrees), &out))
        return true;
    std::fprintf(stderr, "%s: --rotate '%s': need 0, 90, 180 or 270\n", prog, text);
    return false;
}

/** getopt_long's value for --reflect; put kReflectLongOption in the app's long option table. */
inline constexpr int kReflectOption = 0x1b0b;
inline constexpr option kReflectLongOption = {"reflect", required_argument, nullptr,
                                              kReflectOption};
/** --reflect WHICH: none, x, y or xy; false after a message. */
inline bool parseReflect(const char *prog, const char *text, Reflection &out)
{
    if (reflectionFromName(text, &out))
        return true;
    std::fprintf(stderr,
                 "%s: --reflect '%s': need none, x (left and right swap), y (top and "
                 "bottom swap) or xy\n",
                 prog, text);
    return false;
}

/** User plus system CPU time of this process so far. */
inline double cpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/** The \a p quantile (0..1) of nanosecond values, in milliseconds; 0 when there are none. */
inline double percentileMs(std::vector<int64_t> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    size_t i = static_cast<size_t>(p * (values.size() - 1) + 0.5);
    return static_cast<double>(values[std::min(i, values.size() - 1)]) / 1e6;
}

} /* namespace scanout::apps */
