/* SPDX-License-Identifier: MIT */
#include "demo/scene.h"

#include "unity.h"

using namespace scanout::demo;

static void test_bars_tile_the_top_three_quarters()
{
    Layout l = layoutFor(1280, 800, 0);
    uint32_t x = 0;
    for (const Rect &bar : l.bars) {
        TEST_ASSERT_EQUAL_UINT(x, bar.x);
        TEST_ASSERT_EQUAL_UINT(0, bar.y);
        TEST_ASSERT_EQUAL_UINT(600, bar.h);
        x += bar.w;
    }
    TEST_ASSERT_EQUAL_UINT(1280, x);
    TEST_ASSERT_TRUE((l.band == Rect{0, 600, 1280, 200}));
}

static void test_uneven_width_leaves_no_gap()
{
    Layout l = layoutFor(1023, 767, 0);
    TEST_ASSERT_EQUAL_UINT(1023, l.bars[7].x + l.bars[7].w);
    TEST_ASSERT_EQUAL_UINT(575, l.band.y);
    TEST_ASSERT_EQUAL_UINT(767, l.band.y + l.band.h);
}

static void test_block_moves_a_known_step()
{
    Layout a = layoutFor(1280, 800, 10);
    Layout b = layoutFor(1280, 800, 40);
    TEST_ASSERT_EQUAL_UINT(80, a.block.x);
    TEST_ASSERT_EQUAL_UINT(320, b.block.x);
    TEST_ASSERT_EQUAL_UINT(100, a.block.w);
    TEST_ASSERT_EQUAL_UINT(650, a.block.y);
    TEST_ASSERT_TRUE(a.block.y + a.block.h <= 800);
}

static void test_block_wraps_inside_the_screen()
{
    /* travel = 1280 - 100 = 1180; frame 150 is 1200 px, wrapping to 20. */
    Layout l = layoutFor(1280, 800, 150);
    TEST_ASSERT_EQUAL_UINT(20, l.block.x);
    for (uint64_t f = 0; f < 1000; f++) {
        Layout k = layoutFor(1280, 800, f);
        TEST_ASSERT_TRUE(k.block.x + k.block.w <= 1280);
    }
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_bars_tile_the_top_three_quarters);
    RUN_TEST(test_uneven_width_leaves_no_gap);
    RUN_TEST(test_block_moves_a_known_step);
    RUN_TEST(test_block_wraps_inside_the_screen);
    return UNITY_END();
}
