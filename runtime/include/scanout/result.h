/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace scanout {

/**
 * An error: a positive errno value plus a message that names the object the
 * failing operation was about (connector, plane, fd, file:line).
 */
class Error
{
public:
    Error(int errnum, std::string message) : errnum_(errnum), message_(std::move(message)) {}

    /** The positive errno value, or 0 where no errno applies. */
    int errnum() const { return errnum_; }
    const std::string &message() const { return message_; }

    /** The message followed by the errno text, e.g. "open /dev/dri/card0: Permission denied". */
    std::string describe() const;

private:
    int errnum_;
    std::string message_;
};

/** printf-style formatting into a std::string. */
[[gnu::format(printf, 1, 2)]] std::string format(const char *fmt, ...);

/** An Error from an errno value and a printf-style message. */
[[gnu::format(printf, 2, 3)]] Error makeError(int errnum, const char *fmt, ...);

/**
 * Either a value or an Error. Fallible setup returns a Result rather than
 * throwing, so no exception ever crosses the event loop.
 */
template <typename T = void>
class [[nodiscard]] Result
{
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(v_); }
    T &&value() && { return std::get<0>(std::move(v_)); }
    const T &value() const & { return std::get<0>(v_); }
    T *operator->() { return &std::get<0>(v_); }
    T &operator*() & { return std::get<0>(v_); }

    const Error &error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error &error() const { return error_; }

private:
    Error error_{0, {}};
    bool ok_ = true;
};

} /* namespace scanout */
