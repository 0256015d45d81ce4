/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <string>
#include <vector>

#include <scanout/image.h>

#include "fixtures.h"
#include "kms/writeback.h"
#include "unity.h"

using namespace scanout;

static constexpr uint32_t kWriteback = 18; /* DRM_MODE_CONNECTOR_WRITEBACK */
static constexpr uint32_t kFormatRgb565Code = fourcc('R', 'G', '1', '6');

/*
 * The board of fixtures.h with three writeback connectors: Writeback-1 can
 * only reach the second CRTC (42); Writeback-2 reaches CRTC 41 but writes
 * RG16 only; Writeback-3 reaches both and writes AR24 and XR24.
 */
static Snapshot boardWithWriteback()
{
    Snapshot s = fixtures::board();
    s.encoders.push_back({34, 0, 0b10});
    s.encoders.push_back({35, 0, 0b01});
    s.encoders.push_back({36, 0, 0b11});
    s.connectors.push_back(
        fixtures::connector(71, kWriteback, "Writeback-1", ConnectorStatus::Unknown, {34}, {}));
    s.connectors.push_back(
        fixtures::connector(72, kWriteback, "Writeback-2", ConnectorStatus::Unknown, {35}, {}));
    s.connectors.push_back(
        fixtures::connector(73, kWriteback, "Writeback-3", ConnectorStatus::Unknown, {36}, {}));
    return s;
}

static PropertyTable writebackProps()
{
    PropertyTable t;
    for (uint32_t id : {51u, 52u, 53u})
        t.connectors[id].crtcId = 1;
    auto wb = [&](uint32_t id, std::vector<uint32_t> formats) {
        ConnectorProps &p = t.connectors[id];
        p.crtcId = 1;
        p.writebackFbId = 2;
        p.writebackOutFencePtr = 3;
        p.writebackPixelFormats = 4;
        p.writebackFormats = std::move(formats);
    };
    wb(71, {kFormatXrgb8888});
    wb(72, {kFormatRgb565Code});
    wb(73, {kFormatArgb8888, kFormatXrgb8888});
    return t;
}

static void test_choose_writeback_reaching_the_crtc_with_xr24()
{
    Snapshot s = boardWithWriteback();
    PropertyTable t = writebackProps();

    Result<WritebackChoice> c = chooseWriteback(s, t, 41);
    TEST_ASSERT_TRUE_MESSAGE(c.ok(), c.ok() ? "" : c.error().describe());
    /* Writeback-1 cannot reach CRTC 41; Writeback-2 has no XR24. */
    TEST_ASSERT_EQUAL_UINT(73, c->connectorId);
    TEST_ASSERT_EQUAL_STRING("Writeback-3", c->name);
    TEST_ASSERT_EQUAL_HEX(kFormatXrgb8888, c->format);

    c = chooseWriteback(s, t, 42);
    TEST_ASSERT_TRUE(c.ok());
    TEST_ASSERT_EQUAL_STRING("Writeback-1", c->name);
}

static void test_no_writeback_connector_says_so()
{
    Snapshot s = fixtures::board();
    Result<WritebackChoice> c = chooseWriteback(s, writebackProps(), 41);
    TEST_ASSERT_FALSE(c.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, c.error().errnum());
    TEST_ASSERT_EQUAL_STRING("/dev/dri/card1 (fake): no writeback connector; screenshots need one",
                             c.error().message());
}

static void test_unusable_writeback_connectors_are_listed()
{
    Snapshot s = boardWithWriteback();
    s.connectors.pop_back(); /* no Writeback-3 */
    PropertyTable t = writebackProps();
    t.connectors[71].writebackFbId = 0;

    Result<WritebackChoice> c = chooseWriteback(s, t, 41);
    TEST_ASSERT_FALSE(c.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, c.error().errnum());
    const std::string &m = c.error().message();
    TEST_ASSERT_TRUE_MESSAGE(m.find("CRTC 41") != std::string::npos, m);
    TEST_ASSERT_TRUE_MESSAGE(m.find("Writeback-1 (not for this CRTC)") != std::string::npos, m);
    TEST_ASSERT_TRUE_MESSAGE(m.find("Writeback-2 (no XR24)") != std::string::npos, m);

    /* Reaching the CRTC but lacking WRITEBACK_FB_ID is named as such. */
    c = chooseWriteback(s, t, 42);
    TEST_ASSERT_FALSE(c.ok());
    TEST_ASSERT_TRUE_MESSAGE(c.error().message().find("Writeback-1 (lacks writeback properties)") !=
                                 std::string::npos,
                             c.error().message());
}

static void test_choose_writeback_unknown_crtc()
{
    Result<WritebackChoice> c = chooseWriteback(boardWithWriteback(), writebackProps(), 99);
    TEST_ASSERT_FALSE(c.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, c.error().errnum());
}

static void test_xrgb8888_rows_become_rgb()
{
    /* 2x2 pixels, pitch 12: 4 bytes of padding per row that must be skipped. */
    const uint8_t rows[] = {
        0x30, 0x20, 0x10, 0xff, 0x00, 0x00, 0xff, 0x00, 0xee, 0xee, 0xee, 0xee,
        0x00, 0xff, 0x00, 0x7f, 0xff, 0x00, 0x00, 0x00, 0xee, 0xee, 0xee, 0xee,
    };
    Image image = imageFromXrgb8888(rows, 12, 2, 2);
    TEST_ASSERT_EQUAL_UINT(2, image.width);
    TEST_ASSERT_EQUAL_UINT(2, image.height);
    TEST_ASSERT_EQUAL_UINT(12, image.rgb.size());
    TEST_ASSERT_TRUE(image.pixel(0, 0) == (Rgb{0x10, 0x20, 0x30}));
    TEST_ASSERT_TRUE(image.pixel(1, 0) == (Rgb{0xff, 0x00, 0x00}));
    TEST_ASSERT_TRUE(image.pixel(0, 1) == (Rgb{0x00, 0xff, 0x00}));
    TEST_ASSERT_TRUE(image.pixel(1, 1) == (Rgb{0x00, 0x00, 0xff}));
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_choose_writeback_reaching_the_crtc_with_xr24);
    RUN_TEST(test_no_writeback_connector_says_so);
    RUN_TEST(test_unusable_writeback_connectors_are_listed);
    RUN_TEST(test_choose_writeback_unknown_crtc);
    RUN_TEST(test_xrgb8888_rows_become_rgb);
    return UNITY_END();
}
