/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace scanout::apps {

/**
 * A streaming JSON writer: enough for the apps' reports. Commas and nesting
 * are tracked here so callers only say what comes next.
 */
class JsonWriter
{
public:
    explicit JsonWriter(FILE *out) : out_(out) {}

    JsonWriter &beginObject(std::string_view key = {}) { return open(key, '{'); }
    JsonWriter &endObject() { return close('}'); }
    JsonWriter &beginArray(std::string_view key = {}) { return open(key, '['); }
    JsonWriter &endArray() { return close(']'); }

    JsonWriter &value(std::string_view key, std::string_view v);
    JsonWriter &value(std::string_view key, const char *v)
    {
        return value(key, std::string_view(v));
    }
    JsonWriter &value(std::string_view key, const std::string &v)
    {
        return value(key, std::string_view(v));
    }
    JsonWriter &value(std::string_view key, uint64_t v);
    JsonWriter &value(std::string_view key, int v) { return value(key, static_cast<int64_t>(v)); }
    JsonWriter &value(std::string_view key, uint32_t v) { return value(key, uint64_t{v}); }
    JsonWriter &value(std::string_view key, int64_t v);
    JsonWriter &value(std::string_view key, double v);
    JsonWriter &value(std::string_view key, bool v);
    JsonWriter &null(std::string_view key);

    /** Ends the document with a newline. */
    void finish() { std::fputc('\n', out_); }

private:
    JsonWriter &open(std::string_view key, char bracket);
    JsonWriter &close(char bracket);
    void prefix(std::string_view key);
    void string(std::string_view s);

    FILE *out_;
    std::vector<bool> first_{true};
};

} /* namespace scanout::apps */
