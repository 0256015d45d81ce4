/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * A minimal Unity-style test framework: plain C++ with no dependency beyond
 * the standard library, so the unit tests build and run on any board.
 *
 * A failing assertion reports file:line with the expected and actual values
 * and returns from the test function (tests are void functions; helpers
 * that assert must be too). RUN_TEST runs one test; UNITY_END prints the
 * summary and gives the exit status.
 */

#include <cstdint>
#include <string>

namespace unity {

void begin(const char *file);
int end();
void run(void (*test)(), const char *name, int line);
void fail(const char *file, int line, const std::string &message);
bool currentFailed();

std::string describe(long long v);
std::string describe(unsigned long long v);
std::string describeHex(unsigned long long v);
std::string describe(const char *v);
std::string describe(const std::string &v);

} /* namespace unity */

#define UNITY_BEGIN() ::unity::begin(__FILE__)
#define UNITY_END() ::unity::end()
#define RUN_TEST(fn) ::unity::run(fn, #fn, __LINE__)

#define UNITY_CHECK(cond, message)                                                                 \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ::unity::fail(__FILE__, __LINE__, (message));                                          \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define UNITY_CHECK_EQUAL(expected, actual, describeFn, cast)                                      \
    do {                                                                                           \
        auto unityExpected_ = (expected);                                                          \
        auto unityActual_ = (actual);                                                              \
        if (!(unityExpected_ == unityActual_)) {                                                   \
            ::unity::fail(__FILE__, __LINE__,                                                      \
                          "Expected " + describeFn(cast(unityExpected_)) + " Was " +               \
                              describeFn(cast(unityActual_)));                                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define UNITY_AS_LL(v) static_cast<long long>(v)
#define UNITY_AS_ULL(v) static_cast<unsigned long long>(v)
#define UNITY_AS_STR(v) std::string(v)

#define TEST_FAIL_MESSAGE(msg) UNITY_CHECK(false, std::string(msg))
#define TEST_ASSERT_TRUE(cond) UNITY_CHECK((cond), "Expected TRUE Was FALSE: " #cond)
#define TEST_ASSERT_FALSE(cond) UNITY_CHECK(!(cond), "Expected FALSE Was TRUE: " #cond)
#define TEST_ASSERT_TRUE_MESSAGE(cond, msg)                                                        \
    UNITY_CHECK((cond), std::string("Expected TRUE Was FALSE: " #cond ": ") + (msg))
#define TEST_ASSERT_NULL(p) UNITY_CHECK((p) == nullptr, "Expected NULL: " #p)
#define TEST_ASSERT_NOT_NULL(p) UNITY_CHECK((p) != nullptr, "Expected non-NULL: " #p)
#define TEST_ASSERT_EQUAL_INT(e, a)                                                                \
    UNITY_CHECK_EQUAL(UNITY_AS_LL(e), UNITY_AS_LL(a), ::unity::describe, UNITY_AS_LL)
#define TEST_ASSERT_EQUAL_UINT(e, a)                                                               \
    UNITY_CHECK_EQUAL(UNITY_AS_ULL(e), UNITY_AS_ULL(a), ::unity::describe, UNITY_AS_ULL)
#define TEST_ASSERT_EQUAL_UINT64(e, a) TEST_ASSERT_EQUAL_UINT(e, a)
#define TEST_ASSERT_EQUAL_HEX(e, a)                                                                \
    UNITY_CHECK_EQUAL(UNITY_AS_ULL(e), UNITY_AS_ULL(a), ::unity::describeHex, UNITY_AS_ULL)
#define TEST_ASSERT_EQUAL_STRING(e, a)                                                             \
    UNITY_CHECK_EQUAL(UNITY_AS_STR(e), UNITY_AS_STR(a), ::unity::describe, UNITY_AS_STR)
#define TEST_ASSERT_EQUAL_DOUBLE_WITHIN(delta, e, a)                                               \
    UNITY_CHECK(((a) - (e)) <= (delta) && ((e) - (a)) <= (delta),                                  \
                "Expected " + std::to_string(e) + " Was " + std::to_string(a))
