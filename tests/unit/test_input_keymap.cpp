/* SPDX-License-Identifier: MIT */
#include <cerrno>

#include "keymap.h"
#include "unity.h"

using scanout::input::Keymap;
using scanout::input::KeymapNames;

/* evdev codes, linux/input-event-codes.h */
constexpr uint32_t kKeyEsc = 1;
constexpr uint32_t kKeyY = 21;
constexpr uint32_t kKeyA = 30;
constexpr uint32_t kKeyLeftShift = 42;
constexpr uint32_t kKeyCapsLock = 58;

static std::unique_ptr<Keymap> us()
{
    scanout::Result<std::unique_ptr<Keymap>> k = Keymap::create({"us", "", "", ""});
    if (!k) {
        std::fprintf(stderr, "%s\n", k.error().describe().c_str());
        return nullptr;
    }
    return std::move(*k);
}

static void tap(Keymap &k, uint32_t code)
{
    k.update(code, true);
    k.update(code, false);
}

static void test_us_letters_and_escape()
{
    std::unique_ptr<Keymap> k = us();
    TEST_ASSERT_NOT_NULL(k);
    Keymap::Key a = k->lookup(kKeyA, true);
    TEST_ASSERT_EQUAL_HEX(0x61, a.keysym); /* XKB_KEY_a */
    TEST_ASSERT_EQUAL_STRING("a", a.name);
    TEST_ASSERT_EQUAL_STRING("a", a.utf8);
    TEST_ASSERT_TRUE(a.repeats);

    Keymap::Key esc = k->lookup(kKeyEsc, true);
    TEST_ASSERT_EQUAL_HEX(0xff1b, esc.keysym); /* XKB_KEY_Escape */
    TEST_ASSERT_EQUAL_STRING("Escape", esc.name);
    TEST_ASSERT_EQUAL_STRING("\x1b", esc.utf8);

    /* Releases carry no text. */
    TEST_ASSERT_EQUAL_STRING("", k->lookup(kKeyA, false).utf8);
}

static void test_the_default_layout_compiles()
{
    /* Empty names: xkbcommon's defaults (us on a machine without XKB_DEFAULT_*). */
    scanout::Result<std::unique_ptr<Keymap>> k = Keymap::create({});
    TEST_ASSERT_TRUE_MESSAGE(k.ok(), k.ok() ? "" : k.error().describe());
    TEST_ASSERT_EQUAL_STRING("Escape", (*k)->lookup(kKeyEsc, true).name);
}

static void test_shift_and_caps_lock()
{
    std::unique_ptr<Keymap> k = us();
    TEST_ASSERT_NOT_NULL(k);
    Keymap::Key shift = k->lookup(kKeyLeftShift, true);
    TEST_ASSERT_EQUAL_STRING("Shift_L", shift.name);
    TEST_ASSERT_FALSE(shift.repeats);
    TEST_ASSERT_FALSE(k->modifiers().shift);

    k->update(kKeyLeftShift, true);
    TEST_ASSERT_TRUE(k->modifiers().shift);
    TEST_ASSERT_EQUAL_STRING("A", k->lookup(kKeyA, true).utf8);
    TEST_ASSERT_EQUAL_STRING("A", k->lookup(kKeyA, true).name);
    k->update(kKeyLeftShift, false);
    TEST_ASSERT_EQUAL_STRING("a", k->lookup(kKeyA, true).utf8);

    TEST_ASSERT_EQUAL_UINT(0, k->leds());
    tap(*k, kKeyCapsLock);
    TEST_ASSERT_TRUE(k->modifiers().capsLock);
    TEST_ASSERT_EQUAL_UINT(scanout::input::kLedCapsLock, k->leds());
    TEST_ASSERT_EQUAL_STRING("A", k->lookup(kKeyA, true).utf8);
    tap(*k, kKeyCapsLock);
    TEST_ASSERT_EQUAL_UINT(0, k->leds());
}

static void test_reset_lets_every_key_go()
{
    std::unique_ptr<Keymap> k = us();
    TEST_ASSERT_NOT_NULL(k);
    k->update(kKeyLeftShift, true);
    TEST_ASSERT_EQUAL_STRING("A", k->lookup(kKeyA, true).utf8);
    k->reset();
    TEST_ASSERT_FALSE(k->modifiers().shift);
    TEST_ASSERT_EQUAL_STRING("a", k->lookup(kKeyA, true).utf8);
}

static void test_german_layout()
{
    scanout::Result<std::unique_ptr<Keymap>> k = Keymap::create({"de", "nodeadkeys", "", ""});
    TEST_ASSERT_TRUE_MESSAGE(k.ok(), k.ok() ? "" : k.error().describe());
    /* QWERTZ: the key labelled Y on a US keyboard types z. */
    TEST_ASSERT_EQUAL_STRING("z", (*k)->lookup(kKeyY, true).utf8);
}

static void test_unknown_layout_names_it()
{
    scanout::Result<std::unique_ptr<Keymap>> k = Keymap::create({"nope", "dvorak", "", ""});
    TEST_ASSERT_FALSE(k.ok());
    TEST_ASSERT_EQUAL_INT(EINVAL, k.error().errnum());
    const std::string &m = k.error().message();
    TEST_ASSERT_TRUE_MESSAGE(m.find("layout 'nope'") != std::string::npos, m);
    TEST_ASSERT_TRUE_MESSAGE(m.find("variant 'dvorak'") != std::string::npos, m);
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_us_letters_and_escape);
    RUN_TEST(test_the_default_layout_compiles);
    RUN_TEST(test_shift_and_caps_lock);
    RUN_TEST(test_reset_lets_every_key_go);
    RUN_TEST(test_german_layout);
    RUN_TEST(test_unknown_layout_names_it);
    return UNITY_END();
}
