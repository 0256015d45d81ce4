/* SPDX-License-Identifier: MIT */
#include "unity.h"

#include <cstdio>
#include <cstring>

namespace unity {

namespace {

struct State {
    const char *file = "";
    const char *test = "";
    int tests = 0;
    int failures = 0;
    bool failed = false;
} state;

} /* namespace */

void begin(const char *file)
{
    state = {};
    const char *slash = std::strrchr(file, '/');
    state.file = slash ? slash + 1 : file;
}

void run(void (*test)(), const char *name, int line)
{
    state.test = name;
    state.failed = false;
    state.tests++;
    test();
    if (state.failed)
        state.failures++;
    else
        std::printf("%s:%d:%s:PASS\n", state.file, line, name);
    std::fflush(stdout);
}

void fail(const char *file, int line, const std::string &message)
{
    const char *slash = std::strrchr(file, '/');
    std::printf("%s:%d:%s:FAIL: %s\n", slash ? slash + 1 : file, line, state.test, message.c_str());
    state.failed = true;
}

bool currentFailed()
{
    return state.failed;
}

int end()
{
    std::printf("\n-----------------------\n%d Tests %d Failures 0 Ignored\n%s\n", state.tests,
                state.failures, state.failures ? "FAIL" : "OK");
    return state.failures ? 1 : 0;
}

std::string describe(long long v)
{
    return std::to_string(v);
}

std::string describe(unsigned long long v)
{
    return std::to_string(v);
}

std::string describeHex(unsigned long long v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", v);
    return buf;
}

std::string describe(const char *v)
{
    return v ? "\"" + std::string(v) + "\"" : "NULL";
}

std::string describe(const std::string &v)
{
    return "\"" + v + "\"";
}

} /* namespace unity */
