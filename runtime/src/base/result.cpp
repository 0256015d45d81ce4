/* SPDX-License-Identifier: MIT */
#include <scanout/result.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace scanout {

namespace {

std::string vformat(const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int len = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    if (len <= 0)
        return {};
    std::string out(static_cast<size_t>(len), '\0');
    std::vsnprintf(out.data(), out.size() + 1, fmt, args);
    return out;
}

} /* namespace */

std::string format(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    std::string out = vformat(fmt, args);
    va_end(args);
    return out;
}

Error makeError(int errnum, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    std::string message = vformat(fmt, args);
    va_end(args);
    return Error(errnum, std::move(message));
}

std::string Error::describe() const
{
    if (errnum_ == 0)
        return message_;
    return message_ + ": " + std::strerror(errnum_);
}

} /* namespace scanout */
