/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <cinttypes>
#include <cmath>

namespace scanout::apps {

void JsonWriter::string(std::string_view s)
{
    std::fputc('"', out_);
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            std::fputs("\\\"", out_);
            break;
        case '\\':
            std::fputs("\\\\", out_);
            break;
        case '\n':
            std::fputs("\\n", out_);
            break;
        case '\t':
            std::fputs("\\t", out_);
            break;
        default:
            if (c < 0x20)
                std::fprintf(out_, "\\u%04x", c);
            else
                std::fputc(c, out_);
        }
    }
    std::fputc('"', out_);
}

void JsonWriter::prefix(std::string_view key)
{
    if (!first_.back())
        std::fputc(',', out_);
    first_.back() = false;
    if (!key.empty()) {
        string(key);
        std::fputc(':', out_);
    }
}

JsonWriter &JsonWriter::open(std::string_view key, char bracket)
{
    prefix(key);
    std::fputc(bracket, out_);
    first_.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::close(char bracket)
{
    first_.pop_back();
    std::fputc(bracket, out_);
    return *this;
}

JsonWriter &JsonWriter::value(std::string_view key, std::string_view v)
{
    prefix(key);
    string(v);
    return *this;
}

JsonWriter &JsonWriter::value(std::string_view key, uint64_t v)
{
    prefix(key);
    std::fprintf(out_, "%" PRIu64, v);
    return *this;
}

JsonWriter &JsonWriter::value(std::string_view key, int64_t v)
{
    prefix(key);
    std::fprintf(out_, "%" PRId64, v);
    return *this;
}

JsonWriter &JsonWriter::value(std::string_view key, double v)
{
    prefix(key);
    if (std::isfinite(v))
        std::fprintf(out_, "%.3f", v);
    else
        std::fputs("null", out_);
    return *this;
}

JsonWriter &JsonWriter::value(std::string_view key, bool v)
{
    prefix(key);
    std::fputs(v ? "true" : "false", out_);
    return *this;
}

JsonWriter &JsonWriter::null(std::string_view key)
{
    prefix(key);
    std::fputs("null", out_);
    return *this;
}

} /* namespace scanout::apps */
