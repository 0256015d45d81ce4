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
    RUN_TEST(test_calibration_matrix);
    return UNITY_END();
}
