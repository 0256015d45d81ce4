/* SPDX-License-Identifier: MIT */
#pragma once

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace scanout::apps {

inline uint64_t monotonicNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

/**
 * Stops the process (SIGSTOP) with frame \a frame on screen, so a test or a
 * person can look at it; SIGCONT resumes. Returns the time spent stopped.
 */
inline uint64_t pauseAtFrame(const char *prog, uint64_t frame)
{
    std::printf("%s: paused at frame %llu (SIGCONT resumes)\n", prog,
                static_cast<unsigned long long>(frame));
    std::fflush(stdout);
    uint64_t t0 = monotonicNs();
    raise(SIGSTOP);
    return monotonicNs() - t0;
}

} /* namespace scanout::apps */
