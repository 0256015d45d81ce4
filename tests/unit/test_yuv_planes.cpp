/* SPDX-License-Identifier: MIT */
/*
 * The per-plane import of multi-planar YUV for GL (gfx/egl.h). A frame is
 * packed here byte by byte as drm_fourcc.h describes each format (NV12:
 * "2x2 subsampled Cr:Cb plane, [15:0] Cr:Cb little endian", so U first;
 * NV21 the other way round; NV16 2x1; YUV420 three planes, U then V), and
 * read back only through the layout: the texture each of Y, U and V comes
 * from, that texture's size, the format it is imported as (R8: 1 byte,
 * GR88: 2 bytes, R first) and the channel picked. A swapped chroma order or
 * subsampling fails here, not as wrong colours on a screen.
 */
#include <cstdint>
#include <vector>

#include <scanout/kms_types.h>

#include "gfx/egl.h"
#include "unity.h"

using namespace scanout;

namespace {

constexpr uint32_t kWidth = 10, kHeight = 6;

uint8_t lumaAt(uint32_t x, uint32_t y)
{
    return static_cast<uint8_t>(16 + x * 7 + y * 19);
}
/* Chroma by the chroma sample's own coordinates. */
uint8_t uAt(uint32_t cx, uint32_t cy)
{
    return static_cast<uint8_t>(40 + cx * 11 + cy * 5);
}
uint8_t vAt(uint32_t cx, uint32_t cy)
{
    return static_cast<uint8_t>(200 - cx * 3 - cy * 13);
}

struct Packed {
    uint32_t format = 0;
    std::vector<std::vector<uint8_t>> planes;
    std::vector<uint32_t> pitches;
};

/* The frame as drm_fourcc.h lays \a format out, pitches with some padding. */
Packed pack(uint32_t format)
{
    Packed p;
    p.format = format;
    uint32_t hsub = 2, vsub = format == kFormatNv16 ? 1 : 2;
    uint32_t cw = (kWidth + hsub - 1) / hsub, ch = (kHeight + vsub - 1) / vsub;
    uint32_t pitch = kWidth + 6;
    p.planes.emplace_back(pitch * kHeight, 0);
    p.pitches.push_back(pitch);
    for (uint32_t y = 0; y < kHeight; y++)
        for (uint32_t x = 0; x < kWidth; x++)
            p.planes[0][y * pitch + x] = lumaAt(x, y);
    if (format == kFormatYuv420) {
        uint32_t cp = pitch / 2;
        for (int c = 0; c < 2; c++) {
            p.planes.emplace_back(cp * ch, 0);
            p.pitches.push_back(cp);
            for (uint32_t y = 0; y < ch; y++)
                for (uint32_t x = 0; x < cw; x++)
                    p.planes.back()[y * cp + x] = c == 0 ? uAt(x, y) : vAt(x, y);
        }
        return p;
    }
    bool uFirst = format != kFormatNv21;
    p.planes.emplace_back(pitch * ch, 0);
    p.pitches.push_back(pitch);
    for (uint32_t y = 0; y < ch; y++)
        for (uint32_t x = 0; x < cw; x++) {
            p.planes[1][y * pitch + 2 * x] = uFirst ? uAt(x, y) : vAt(x, y);
            p.planes[1][y * pitch + 2 * x + 1] = uFirst ? vAt(x, y) : uAt(x, y);
        }
    return p;
}

uint32_t bytesPerTexel(uint32_t format)
{
    if (format == kFormatR8)
        return 1;
    if (format == kFormatGr88)
        return 2;
    return 0;
}

/* Channel \a channel of the texel of texture \a index that covers luma pixel (x, y). */
int sample(const YuvPlaneLayout &l, const Packed &p, uint32_t index, uint32_t channel, uint32_t x,
           uint32_t y)
{
    const YuvPlaneLayout::Texture &t = l.textures[index];
    const FormatLayout *fl = formatLayout(p.format);
    uint32_t bpp = bytesPerTexel(t.format);
    if (!fl || index >= p.planes.size() || channel >= bpp)
        return -1;
    /* The texture's own size, as DmaBufTexture imports it: the plane's, from FormatLayout. */
    uint32_t tw = fl->columns(index, kWidth), th = fl->rows(index, kHeight);
    uint32_t tx = index == 0 ? x : x / fl->hsub, ty = index == 0 ? y : y / fl->vsub;
    if (tx >= tw || ty >= th || tw * bpp > p.pitches[index])
        return -1;
    return p.planes[index][ty * p.pitches[index] + tx * bpp + channel];
}

void checkFormat(uint32_t format, uint32_t planes, uint32_t hsub, uint32_t vsub)
{
    const YuvPlaneLayout *l = yuvPlaneLayout(format);
    TEST_ASSERT_NOT_NULL(l);
    if (!l)
        return;
    TEST_ASSERT_EQUAL_UINT(planes, l->textureCount);
    /* The same planes as the rest of the runtime allocates. */
    const FormatLayout *fl = formatLayout(format);
    TEST_ASSERT_NOT_NULL(fl);
    if (fl) {
        TEST_ASSERT_EQUAL_UINT(fl->planes, l->textureCount);
        TEST_ASSERT_EQUAL_UINT(fl->hsub, hsub);
        TEST_ASSERT_EQUAL_UINT(fl->vsub, vsub);
    }
    TEST_ASSERT_EQUAL_HEX(kFormatR8, l->textures[0].format);

    Packed p = pack(format);
    for (uint32_t y = 0; y < kHeight; y++)
        for (uint32_t x = 0; x < kWidth; x++) {
            TEST_ASSERT_EQUAL_INT(lumaAt(x, y), sample(*l, p, 0, 0, x, y));
            TEST_ASSERT_EQUAL_INT(uAt(x / hsub, y / vsub),
                                  sample(*l, p, l->uTexture, l->uChannel, x, y));
            TEST_ASSERT_EQUAL_INT(vAt(x / hsub, y / vsub),
                                  sample(*l, p, l->vTexture, l->vChannel, x, y));
        }
}

} /* namespace */

void test_nv12()
{
    checkFormat(kFormatNv12, 2, 2, 2);
    TEST_ASSERT_EQUAL_HEX(kFormatGr88, yuvPlaneLayout(kFormatNv12)->textures[1].format);
}

void test_nv21_swaps_chroma()
{
    checkFormat(kFormatNv21, 2, 2, 2);
    const YuvPlaneLayout *nv12 = yuvPlaneLayout(kFormatNv12);
    const YuvPlaneLayout *nv21 = yuvPlaneLayout(kFormatNv21);
    TEST_ASSERT_EQUAL_UINT(nv12->uChannel, nv21->vChannel);
    TEST_ASSERT_EQUAL_UINT(nv12->vChannel, nv21->uChannel);
}

void test_nv16_is_full_height()
{
    checkFormat(kFormatNv16, 2, 2, 1);
}

void test_yuv420_has_three_r8_planes()
{
    checkFormat(kFormatYuv420, 3, 2, 2);
    const YuvPlaneLayout *l = yuvPlaneLayout(kFormatYuv420);
    TEST_ASSERT_EQUAL_HEX(kFormatR8, l->textures[1].format);
    TEST_ASSERT_EQUAL_HEX(kFormatR8, l->textures[2].format);
}

void test_single_plane_formats_stay_external()
{
    for (uint32_t f : {kFormatXrgb8888, kFormatArgb8888, kFormatXbgr8888, kFormatRgb565,
                       kFormatYuyv, kFormatUyvy})
        TEST_ASSERT_NULL(yuvPlaneLayout(f));
}

void test_import_fourccs()
{
    /* drm_fourcc.h: DRM_FORMAT_R8 fourcc_code('R', '8', ' ', ' '), GR88 ('G', 'R', '8', '8'). */
    TEST_ASSERT_EQUAL_HEX(0x20203852u, kFormatR8);
    TEST_ASSERT_EQUAL_HEX(0x38385247u, kFormatGr88);
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_nv12);
    RUN_TEST(test_nv21_swaps_chroma);
    RUN_TEST(test_nv16_is_full_height);
    RUN_TEST(test_yuv420_has_three_r8_planes);
    RUN_TEST(test_single_plane_formats_stay_external);
    RUN_TEST(test_import_fourccs);
    return UNITY_END();
}
