/* SPDX-License-Identifier: MIT */
#pragma once

namespace scanout {

enum class LogLevel { Error = 0, Warn, Info, Debug };

/**
 * The threshold comes from SCANOUT_LOG=error|warn|info|debug, read once at the
 * first message; the default is info. An app may override it.
 */
LogLevel logLevel();
void setLogLevel(LogLevel level);

[[gnu::format(printf, 2, 3)]] void logMessage(LogLevel level, const char *fmt, ...);

} /* namespace scanout */

#define SCANOUT_LOG_AT(level, ...)                                                                 \
    do {                                                                                           \
        if (::scanout::logLevel() >= (level))                                                      \
            ::scanout::logMessage((level), __VA_ARGS__);                                           \
    } while (0)

#define LOG_ERROR(...) SCANOUT_LOG_AT(::scanout::LogLevel::Error, __VA_ARGS__)
#define LOG_WARN(...) SCANOUT_LOG_AT(::scanout::LogLevel::Warn, __VA_ARGS__)
#define LOG_INFO(...) SCANOUT_LOG_AT(::scanout::LogLevel::Info, __VA_ARGS__)
#define LOG_DEBUG(...) SCANOUT_LOG_AT(::scanout::LogLevel::Debug, __VA_ARGS__)
