/* SPDX-License-Identifier: MIT */
#include <scanout/transform.h>

#include "pointer.h"
#include "unity.h"

using namespace scanout;
using scanout::input::physicalToLogical;
using scanout::input::PointerPosition;

/*
 * What the input driver does with an absolute event: libinput scales the
 * device's range, after its calibration matrix, to the mode's physical
 * size (*_transformed()); then it becomes logical. \a normalized is the
 * calibrated point in 0..1 of the device's range.
 */
static PointF landing(const OutputTransform &t, PointF normalized)
{
    return physicalToLogical(t,
                             {normalized.x * t.physicalWidth(), normalized.y * t.physicalHeight()});
}

#define CHECK_POINT(expectX, expectY, p)                                                           \
    do {                                                                                           \
        PointF got_ = (p);                                                                         \
        TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, (expectX), got_.x);                                  \
        TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, (expectY), got_.y);                                  \
    } while (0)

static void test_absolute_rotation_0()
{
    OutputTransform t(640, 480, Rotation::R0);
    CHECK_POINT(160, 240, landing(t, {0.25, 0.5}));
    CHECK_POINT(0, 0, landing(t, {0, 0}));
    /* The far edge is one past the last pixel, and outside: clamped. */
    CHECK_POINT(639, 479, landing(t, {1, 1}));
    CHECK_POINT(0, 479, landing(t, {-0.1, 1.5}));
}

static void test_absolute_rotation_90()
{
    /* Turned counter-clockwise: the logical picture is 480x640, its top-right at physical 0,0. */
    OutputTransform t(640, 480, Rotation::R90);
    CHECK_POINT(240, 160, landing(t, {0.25, 0.5}));
    CHECK_POINT(479, 0, landing(t, {0, 0}));
    CHECK_POINT(0, 639, landing(t, {1, 1}));
}

static void test_absolute_rotation_180()
{
    OutputTransform t(640, 480, Rotation::R180);
    CHECK_POINT(480, 240, landing(t, {0.25, 0.5}));
    CHECK_POINT(576, 432, landing(t, {0.1, 0.1}));
    CHECK_POINT(639, 479, landing(t, {0, 0}));
}

static void test_absolute_rotation_270()
{
    OutputTransform t(640, 480, Rotation::R270);
    CHECK_POINT(240, 480, landing(t, {0.25, 0.5}));
    /* The physical top-left is the logical bottom-left. */
    CHECK_POINT(0, 639, landing(t, {0, 0}));
    CHECK_POINT(479, 0, landing(t, {1, 1}));
}

static void test_calibration_then_rotation()
{
    /*
     * A portrait kiosk: the panel scans out 640x480 landscape, shown
     * rotated by 90, and its touch sensor reports in the user's portrait
     * frame (x across the 480 pixels, y down the 640). The calibration
     * matrix maps the sensor onto the physical output; the rotation then
     * maps that back, so a touch lands where the user touched.
     */
    OutputTransform t(640, 480, Rotation::R90);
    CalibrationMatrix sensorToOutput{{0, 1, 0, -1, 0, 1}};
    auto touch = [&](double x, double y) { return landing(t, sensorToOutput.apply({x, y})); };
    CHECK_POINT(120, 480, touch(0.25, 0.75));
    CHECK_POINT(0, 0, touch(0, 0));
    CHECK_POINT(240, 320, touch(0.5, 0.5));
    CHECK_POINT(479, 639, touch(1, 1));

    /* Without rotation, docs/boards.md's matrix for a panel mounted a quarter turn. */
    OutputTransform flat(640, 480, Rotation::R0);
    CalibrationMatrix quarter{{0, -1, 1, 1, 0, 0}};
    CHECK_POINT(512, 48, landing(flat, quarter.apply({0.1, 0.2})));
}

static void test_relative_motion_starts_at_centre_and_clamps()
{
    PointerPosition p(OutputTransform(640, 480, Rotation::R0));
    CHECK_POINT(320, 240, p.position());
    CHECK_POINT(330, 220, p.moveBy({10, -20}));
    CHECK_POINT(330.5, 220.25, p.moveBy({0.5, 0.25}));
    CHECK_POINT(639, 220.25, p.moveBy({1000, 0}));
    CHECK_POINT(0, 0, p.moveBy({-5000, -5000}));
    CHECK_POINT(3, 4, p.moveBy({3, 4}));
    CHECK_POINT(0, 479, p.moveTo({-3, 1000}));
}

static void test_relative_motion_is_logical_on_rotated_outputs()
{
    /* The mouse moves the pointer as the user sees the picture: right is logical right. */
    PointerPosition p(OutputTransform(640, 480, Rotation::R90));
    CHECK_POINT(240, 320, p.position());
    CHECK_POINT(479, 320, p.moveBy({300, 0}));
    CHECK_POINT(479, 639, p.moveBy({0, 1000}));

    PointerPosition q(OutputTransform(640, 480, Rotation::R270));
    CHECK_POINT(140, 300, q.moveBy({-100, -20}));
}

static void test_pointer_follows_output_changes()
{
    PointerPosition p(OutputTransform(640, 480, Rotation::R0));
    p.moveBy({-160, -120});
    CHECK_POINT(160, 120, p.position());
    /* Same place relative to the output. */
    p.setOutput(OutputTransform(1280, 960, Rotation::R0));
    CHECK_POINT(320, 240, p.position());
    /* Into the top-right corner, then a rotation: still the top-right, of a narrower output. */
    CHECK_POINT(1279, 0, p.moveBy({5000, -5000}));
    p.setOutput(OutputTransform(640, 480, Rotation::R90));
    CHECK_POINT(479, 0, p.position());
    p.moveBy({-239, 320});
    p.setOutput(OutputTransform(480, 640, Rotation::R0));
    CHECK_POINT(240, 320, p.position());
}

static void test_output_without_size()
{
    PointerPosition p;
    CHECK_POINT(0, 0, p.position());
    CHECK_POINT(0, 0, p.moveBy({10, 10}));
    CHECK_POINT(0, 0, physicalToLogical(OutputTransform(), {5, 5}));
    p.setOutput(OutputTransform(800, 600, Rotation::R0));
    CHECK_POINT(400, 300, p.position());
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_absolute_rotation_0);
    RUN_TEST(test_absolute_rotation_90);
    RUN_TEST(test_absolute_rotation_180);
    RUN_TEST(test_absolute_rotation_270);
    RUN_TEST(test_calibration_then_rotation);
    RUN_TEST(test_relative_motion_starts_at_centre_and_clamps);
    RUN_TEST(test_relative_motion_is_logical_on_rotated_outputs);
    RUN_TEST(test_pointer_follows_output_changes);
    RUN_TEST(test_output_without_size);
    return UNITY_END();
}
