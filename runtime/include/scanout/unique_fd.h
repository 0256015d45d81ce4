/* SPDX-License-Identifier: MIT */
#pragma once

#include <utility>

namespace scanout {

/** Owns one file descriptor and closes it on destruction. Move-only. */
class UniqueFd
{
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
    UniqueFd &operator=(UniqueFd &&other) noexcept
    {
        reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd &) = delete;
    UniqueFd &operator=(const UniqueFd &) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    bool isValid() const { return fd_ >= 0; }

    /** Gives up ownership without closing. */
    int release() { return std::exchange(fd_, -1); }

    /** Closes the owned fd, if any, and takes ownership of \a fd. */
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

} /* namespace scanout */
