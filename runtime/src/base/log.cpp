/* SPDX-License-Identifier: MIT */
#include <scanout/log.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace scanout {

namespace {

LogLevel parseLevel(const char *text)
{
    if (!text)
        return LogLevel::Info;
    if (!std::strcmp(text, "error"))
        return LogLevel::Error;
    if (!std::strcmp(text, "warn"))
        return LogLevel::Warn;
    if (!std::strcmp(text, "debug"))
        return LogLevel::Debug;
    if (std::strcmp(text, "info"))
        std::fprintf(stderr,
                     "scanout: SCANOUT_LOG=%s is not one of error|warn|info|debug; "
                     "using info\n",
                     text);
    return LogLevel::Info;
}

LogLevel &level()
{
    static LogLevel current = parseLevel(std::getenv("SCANOUT_LOG"));
    return current;
}

const char *levelName(LogLevel l)
{
    switch (l) {
    case LogLevel::Error:
        return "error";
    case LogLevel::Warn:
        return "warn";
    case LogLevel::Info:
        return "info";
    case LogLevel::Debug:
        return "debug";
    }
    return "?";
}

} /* namespace */

LogLevel logLevel()
{
    return level();
}

void setLogLevel(LogLevel l)
{
    level() = l;
}

void logMessage(LogLevel l, const char *fmt, ...)
{
    /* One fprintf per message so lines from the loop never interleave. */
    char buf[1024];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);
    std::fprintf(stderr, "scanout %s: %s\n", levelName(l), buf);
}

} /* namespace scanout */
