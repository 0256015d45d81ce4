/* SPDX-License-Identifier: MIT */
/*
 * The Input object without a device of its own: how it fails (each error
 * names the object and carries the errno), and that it sets up and tears
 * down on the udev seat of whatever machine runs the test, devices or not.
 */
#include <cerrno>
#include <string>

#include <scanout/event_loop.h>
#include <scanout/input/input.h>

#include "unity.h"

using namespace scanout;
using scanout::input::Input;
using scanout::input::InputOptions;

static InputOptions withOutput()
{
    InputOptions o;
    o.output = OutputTransform(800, 480, Rotation::R0);
    return o;
}

#define CHECK_CONTAINS(needle, haystack)                                                           \
    TEST_ASSERT_TRUE_MESSAGE(std::string(haystack).find(needle) != std::string::npos,              \
                             std::string(haystack))

static void test_output_without_size_is_refused()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    auto input = Input::create(**loop, InputOptions{}, {});
    TEST_ASSERT_FALSE(input.ok());
    TEST_ASSERT_EQUAL_INT(EINVAL, input.error().errnum());
    CHECK_CONTAINS("0x0", input.error().message());
}

static void test_missing_device_names_path_and_errno()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    InputOptions o = withOutput();
    o.devices = {"/dev/input/scanout-test-nope"};
    auto input = Input::create(**loop, o, {});
    TEST_ASSERT_FALSE(input.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, input.error().errnum());
    TEST_ASSERT_EQUAL_STRING("input device /dev/input/scanout-test-nope: No such file or directory",
                             input.error().describe());
}

static void test_a_file_is_not_an_input_device()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    InputOptions o = withOutput();
    o.devices = {"/proc/self/status"};
    auto input = Input::create(**loop, o, {});
    TEST_ASSERT_FALSE(input.ok());
    TEST_ASSERT_EQUAL_INT(ENODEV, input.error().errnum());
    CHECK_CONTAINS("/proc/self/status", input.error().message());
}

static void test_bad_keymap_is_named()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    InputOptions o = withOutput();
    o.keymapLayout = "scanout-test-nope";
    auto input = Input::create(**loop, o, {});
    TEST_ASSERT_FALSE(input.ok());
    CHECK_CONTAINS("layout 'scanout-test-nope'", input.error().message());
}

static void test_udev_seat_sets_up_and_tears_down()
{
    auto loop = EventLoop::create();
    TEST_ASSERT_TRUE(loop.ok());
    InputOptions o = withOutput();
    o.output = OutputTransform(800, 480, Rotation::R90);
    int added = 0;
    scanout::input::InputHandlers h;
    h.device = [&](const scanout::input::DeviceEvent &e) { added += e.added ? 1 : 0; };
    auto input = Input::create(**loop, o, h);
    TEST_ASSERT_TRUE_MESSAGE(input.ok(), input.ok() ? "" : input.error().describe());
    Input &in = **input;
    TEST_ASSERT_EQUAL_STRING("udev", in.backend());
    /* Logical 480x800: the pointer starts in its centre. */
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-9, 240.0, in.pointerPosition().x);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-9, 400.0, in.pointerPosition().y);

    /* One loop turn: the devices present (none in a container) are reported from the loop. */
    TEST_ASSERT_TRUE((*loop)->addTimer(1000000, 0, [&] { (*loop)->exit(0); }).ok());
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
    TEST_ASSERT_EQUAL_INT(added, in.devices().size());

    TEST_ASSERT_TRUE(in.suspend().ok());
    TEST_ASSERT_TRUE(in.suspend().ok());
    TEST_ASSERT_TRUE((*loop)->addTimer(1000000, 0, [&] { (*loop)->exit(0); }).ok());
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
    TEST_ASSERT_EQUAL_INT(0, in.devices().size());
    TEST_ASSERT_TRUE(in.resume().ok());

    in.setOutput(OutputTransform(1920, 1080, Rotation::R0));
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-9, 960.0, in.pointerPosition().x);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-9, 540.0, in.pointerPosition().y);

    /* Destroyed with its posted work still queued: the loop must not call into it. */
    input->reset();
    TEST_ASSERT_TRUE((*loop)->addTimer(1000000, 0, [&] { (*loop)->exit(0); }).ok());
    TEST_ASSERT_EQUAL_INT(0, (*loop)->run());
}

static void test_board_input_section_applies()
{
    BoardConfig::Input board;
    board.devices = {"/dev/input/event1"};
    board.touchCalibration = std::array<float, 6>{0, -1, 1, 1, 0, 0};
    board.keymapLayout = "de";
    board.keymapVariant = "nodeadkeys";
    InputOptions o;
    o.keymapOptions = "ctrl:nocaps";
    scanout::input::applyBoardInput(board, o);
    TEST_ASSERT_EQUAL_STRING("seat0", o.seat);
    TEST_ASSERT_EQUAL_INT(1, o.devices.size());
    TEST_ASSERT_EQUAL_STRING("/dev/input/event1", o.devices[0]);
    TEST_ASSERT_TRUE(o.touchCalibration.has_value());
    TEST_ASSERT_TRUE(o.touchCalibration->m[1] == -1.0f);
    TEST_ASSERT_EQUAL_STRING("de", o.keymapLayout);
    TEST_ASSERT_EQUAL_STRING("nodeadkeys", o.keymapVariant);
    /* What the board leaves out stays. */
    TEST_ASSERT_EQUAL_STRING("ctrl:nocaps", o.keymapOptions);
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_output_without_size_is_refused);
    RUN_TEST(test_missing_device_names_path_and_errno);
    RUN_TEST(test_a_file_is_not_an_input_device);
    RUN_TEST(test_bad_keymap_is_named);
    RUN_TEST(test_udev_seat_sets_up_and_tears_down);
    RUN_TEST(test_board_input_section_applies);
    return UNITY_END();
}
