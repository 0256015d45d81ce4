/* SPDX-License-Identifier: MIT */
#include <scanout/transform.h>

#include "unity.h"

using namespace scanout;

/* A 640x480 mode; the corners of the logical picture, and where a viewer sees them. */
static void checkPoint(const OutputTransform &t, PointF logical, PointF physical)
{
    PointF p = t.toPhysical(logical);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, physical.x, p.x);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, physical.y, p.y);
    PointF back = t.toLogical(physical);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, logical.x, back.x);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, logical.y, back.y);
}

static void test_rotation_0_is_identity()
{
    OutputTransform t(640, 480, Rotation::R0);
    TEST_ASSERT_EQUAL_UINT(640, t.logicalWidth());
    TEST_ASSERT_EQUAL_UINT(480, t.logicalHeight());
    checkPoint(t, {10, 20}, {10, 20});
}

static void test_rotation_90_counter_clockwise()
{
    /* Portrait picture 480x640 turned left: its top-right corner is the screen's top-left. */
    OutputTransform t(640, 480, Rotation::R90);
    TEST_ASSERT_EQUAL_UINT(480, t.logicalWidth());
    TEST_ASSERT_EQUAL_UINT(640, t.logicalHeight());
    checkPoint(t, {480, 0}, {0, 0});
    checkPoint(t, {0, 0}, {0, 480});
    checkPoint(t, {0, 640}, {640, 480});
    checkPoint(t, {480, 640}, {640, 0});
    checkPoint(t, {100, 30}, {30, 380});
}

static void test_rotation_180()
{
    OutputTransform t(640, 480, Rotation::R180);
    checkPoint(t, {0, 0}, {640, 480});
    checkPoint(t, {100, 30}, {540, 450});
}

static void test_rotation_270()
{
    OutputTransform t(640, 480, Rotation::R270);
    TEST_ASSERT_EQUAL_UINT(480, t.logicalWidth());
    checkPoint(t, {0, 0}, {640, 0});
    checkPoint(t, {0, 640}, {0, 0});
    checkPoint(t, {100, 30}, {610, 100});
}

static void test_rect_maps_to_the_covered_rectangle()
{
    OutputTransform t(640, 480, Rotation::R90);
    /* A 100x50 button at logical (20, 40): physical x from 40, y from 480-120. */
    Rect r = t.toPhysical(Rect{20, 40, 100, 50});
    TEST_ASSERT_EQUAL_INT(40, r.x);
    TEST_ASSERT_EQUAL_INT(360, r.y);
    TEST_ASSERT_EQUAL_UINT(50, r.width);
    TEST_ASSERT_EQUAL_UINT(100, r.height);
    TEST_ASSERT_TRUE(t.toLogical(r) == (Rect{20, 40, 100, 50}));

    OutputTransform t180(640, 480, Rotation::R180);
    TEST_ASSERT_TRUE(t180.toPhysical(Rect{0, 0, 640, 40}) == (Rect{0, 440, 640, 40}));

    /* 270: logical (x, y) lands on physical (H - y, x), H the logical height (640). */
    OutputTransform t270(640, 480, Rotation::R270);
    TEST_ASSERT_TRUE(t270.toPhysical(Rect{20, 40, 100, 50}) == (Rect{550, 20, 50, 100}));
    TEST_ASSERT_TRUE(t270.toLogical(Rect{550, 20, 50, 100}) == (Rect{20, 40, 100, 50}));
    /* Corners outside the output map exactly too, with no rounding. */
    TEST_ASSERT_TRUE(t.toPhysical(Rect{-10, -20, 30, 40}) == (Rect{-20, 460, 40, 30}));
}

static void test_rotation_from_degrees()
{
    Rotation r = Rotation::R0;
    TEST_ASSERT_TRUE(rotationFromDegrees(270, &r));
    TEST_ASSERT_TRUE(r == Rotation::R270);
    TEST_ASSERT_FALSE(rotationFromDegrees(45, &r));
    TEST_ASSERT_TRUE(r == Rotation::R270);
}

static void test_reflection_mirrors_before_the_turn()
{
    /* x swaps left and right, y top and bottom, in the picture's own coordinates. */
    OutputTransform x(640, 480, Rotation::R0, Reflection::X);
    TEST_ASSERT_FALSE(x.identity());
    checkPoint(x, {10, 20}, {630, 20});
    TEST_ASSERT_TRUE(x.toPhysical(Rect{20, 40, 100, 50}) == (Rect{520, 40, 100, 50}));
    OutputTransform y(640, 480, Rotation::R0, Reflection::Y);
    checkPoint(y, {10, 20}, {10, 460});

    /* Mirrored left to right, then turned 90: the 480x640 picture lands transposed. */
    OutputTransform x90(640, 480, Rotation::R90, Reflection::X);
    TEST_ASSERT_EQUAL_UINT(480, x90.logicalWidth());
    checkPoint(x90, {0, 0}, {0, 0});
    checkPoint(x90, {100, 30}, {30, 100});
    TEST_ASSERT_TRUE(x90.toPhysical(Rect{20, 40, 100, 50}) == (Rect{40, 20, 50, 100}));
    TEST_ASSERT_TRUE(x90.toLogical(Rect{40, 20, 50, 100}) == (Rect{20, 40, 100, 50}));

    /* y then 90 is x then 270; xy is a turn of 180. */
    OutputTransform y90(640, 480, Rotation::R90, Reflection::Y);
    OutputTransform x270(640, 480, Rotation::R270, Reflection::X);
    checkPoint(y90, {100, 30}, {610, 380});
    checkPoint(x270, {100, 30}, {610, 380});
    OutputTransform xy(640, 480, Rotation::R0, Reflection::XY);
    OutputTransform turned(640, 480, Rotation::R180);
    checkPoint(xy, {100, 30}, turned.toPhysical(PointF{100, 30}));
}

static void test_for_logical_takes_the_picture_size()
{
    /* A 64x32 image turned 90 needs a 32x64 physical area; upright it keeps its size. */
    OutputTransform t = OutputTransform::forLogical(64, 32, Rotation::R90, Reflection::X);
    TEST_ASSERT_EQUAL_UINT(32, t.physicalWidth());
    TEST_ASSERT_EQUAL_UINT(64, t.physicalHeight());
    TEST_ASSERT_EQUAL_UINT(64, t.logicalWidth());
    TEST_ASSERT_EQUAL_UINT(32, t.logicalHeight());
    TEST_ASSERT_TRUE(t.reflection() == Reflection::X);
    OutputTransform u = OutputTransform::forLogical(64, 32, Rotation::R180, Reflection::None);
    TEST_ASSERT_EQUAL_UINT(64, u.physicalWidth());
    TEST_ASSERT_EQUAL_UINT(32, u.physicalHeight());
}

static void test_reflection_names_and_description()
{
    Reflection r = Reflection::None;
    TEST_ASSERT_TRUE(reflectionFromName("xy", &r));
    TEST_ASSERT_TRUE(r == Reflection::XY);
    TEST_ASSERT_FALSE(reflectionFromName("z", &r));
    TEST_ASSERT_FALSE(reflectionFromName("X", &r));
    TEST_ASSERT_TRUE(r == Reflection::XY);
    TEST_ASSERT_EQUAL_STRING("y", reflectionName(Reflection::Y));
    TEST_ASSERT_EQUAL_STRING("none", reflectionName(Reflection::None));

    TEST_ASSERT_EQUAL_STRING("upright", OutputTransform(640, 480, Rotation::R0).describe().c_str());
    TEST_ASSERT_EQUAL_STRING("turned 90 degrees",
                             OutputTransform(640, 480, Rotation::R90).describe().c_str());
    TEST_ASSERT_EQUAL_STRING(
        "mirrored left to right",
        OutputTransform(640, 480, Rotation::R0, Reflection::X).describe().c_str());
    TEST_ASSERT_EQUAL_STRING(
        "turned 270 degrees and mirrored top to bottom",
        OutputTransform(640, 480, Rotation::R270, Reflection::Y).describe().c_str());
}

static void test_calibration_matrix()
{
    CalibrationMatrix identity;
    TEST_ASSERT_TRUE(identity.identity());
    PointF p = identity.apply({0.25, 0.5});
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, 0.25, p.x);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, 0.5, p.y);

    /* A panel mounted upside down and inset by 10 % (libinput's own example shapes). */
    CalibrationMatrix flip{{-1, 0, 1, 0, -1, 1}};
    TEST_ASSERT_FALSE(flip.identity());
    p = flip.apply({0.25, 0.5});
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, 0.75, p.x);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, 0.5, p.y);
    CalibrationMatrix swap{{0, 1, 0, 1, 0, 0}};
    p = swap.apply({0.25, 0.5});
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, 0.5, p.x);
    TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, 0.25, p.y);
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_rotation_0_is_identity);
    RUN_TEST(test_rotation_90_counter_clockwise);
    RUN_TEST(test_rotation_180);
    RUN_TEST(test_rotation_270);
    RUN_TEST(test_rect_maps_to_the_covered_rectangle);
    RUN_TEST(test_rotation_from_degrees);
    RUN_TEST(test_reflection_mirrors_before_the_turn);
    RUN_TEST(test_for_logical_takes_the_picture_size);
    RUN_TEST(test_reflection_names_and_description);
    RUN_TEST(test_calibration_matrix);
    return UNITY_END();
}
