/* SPDX-License-Identifier: MIT */
/*
 * The V4L2 <-> DRM format table. Expectations are written out from the
 * kernel's documents, not taken from the table: the memory byte order of
 * each V4L2 32-bit RGB format (pixfmt-rgb.rst) and the DRM fourccs
 * (drm_fourcc.h), so a mapping by name instead of by byte order fails here.
 */
#include <cstring>
#include <string>

#include <linux/videodev2.h>

#include <scanout/kms_types.h>
#include <scanout/v4l2/formats.h>

#include "unity.h"

using namespace scanout;
using namespace scanout::v4l2;

namespace {

constexpr uint32_t code(const char (&s)[5])
{
    return fourcc(s[0], s[1], s[2], s[3]);
}

/* DRM's 32-bit RGB formats (drm_fourcc.h): the name lists the components of a
 * little-endian 32-bit word from bit 31 down. */
struct DrmRgb {
    const char *name;
    uint32_t fourcc;
};
constexpr DrmRgb kDrmRgb[] = {
    {"XRGB8888", code("XR24")}, {"XBGR8888", code("XB24")}, {"RGBX8888", code("RX24")},
    {"BGRX8888", code("BX24")}, {"ARGB8888", code("AR24")}, {"ABGR8888", code("AB24")},
    {"RGBA8888", code("RA24")}, {"BGRA8888", code("BA24")},
};

uint32_t drmFromWordOrder(const std::string &word)
{
    for (const DrmRgb &d : kDrmRgb)
        if (word + "8888" == d.name)
            return d.fourcc;
    return 0;
}

/* V4L2's 32-bit RGB formats: code, name and bytes 0..3 in memory (pixfmt-rgb.rst). */
struct V4l2Rgb {
    uint32_t fourcc;
    const char *name;
    const char *memoryOrder;
};
constexpr V4l2Rgb kV4l2Rgb[] = {
    {code("AR24"), "ABGR32", "BGRA"},
    {code("XR24"), "XBGR32", "BGRX"},
    {code("RA24"), "BGRA32", "ABGR"},
    {code("RX24"), "BGRX32", "XBGR"},
    {code("AB24"), "RGBA32", "RGBA"},
    {code("XB24"), "RGBX32", "RGBX"},
    {code("BA24"), "ARGB32", "ARGB"},
    {code("BX24"), "XRGB32", "XRGB"},
    /* Deprecated, alpha byte ill-defined: mapped as padding. */
    {code("BGR4"), "BGR32", "BGRX"},
    {code("RGB4"), "RGB32", "XRGB"},
};

} /* namespace */

static void test_v4l2_constants_are_the_documented_codes()
{
    /* Guards the expectations below against a header that disagrees with the docs. */
    TEST_ASSERT_EQUAL_HEX(code("XR24"), V4L2_PIX_FMT_XBGR32);
    TEST_ASSERT_EQUAL_HEX(code("BX24"), V4L2_PIX_FMT_XRGB32);
    TEST_ASSERT_EQUAL_HEX(code("BGR4"), V4L2_PIX_FMT_BGR32);
    TEST_ASSERT_EQUAL_HEX(code("RGB4"), V4L2_PIX_FMT_RGB32);
    TEST_ASSERT_EQUAL_HEX(code("RGBP"), V4L2_PIX_FMT_RGB565);
    TEST_ASSERT_EQUAL_HEX(code("YU12"), V4L2_PIX_FMT_YUV420);
    TEST_ASSERT_EQUAL_HEX(code("NM12"), V4L2_PIX_FMT_NV12M);
}

static void test_rgb32_maps_by_byte_order()
{
    for (const V4l2Rgb &v : kV4l2Rgb) {
        /* A little-endian word read from bit 31 down is the memory order reversed. */
        std::string mem = v.memoryOrder;
        std::string word(mem.rbegin(), mem.rend());
        uint32_t expected = drmFromWordOrder(word);
        TEST_ASSERT_TRUE_MESSAGE(expected != 0, v.name);

        const FormatInfo *f = formatFromV4l2(v.fourcc);
        TEST_ASSERT_TRUE_MESSAGE(f != nullptr, v.name);
        TEST_ASSERT_EQUAL_STRING(v.name, f->name);
        TEST_ASSERT_EQUAL_STRING(fourccName(expected), fourccName(f->drm));
        TEST_ASSERT_EQUAL_UINT(1, f->planes);
        TEST_ASSERT_EQUAL_UINT(1, f->memPlanes);
        TEST_ASSERT_EQUAL_UINT(1, f->hsub);
        TEST_ASSERT_EQUAL_UINT(1, f->vsub);
        TEST_ASSERT_EQUAL_UINT(4, f->cpp[0]);
        TEST_ASSERT_FALSE(f->yuv);
    }
}

static void test_the_naming_trap()
{
    /* V4L2 "XBGR32" is DRM XRGB8888, not DRM XBGR8888; V4L2 "XRGB32" is DRM BGRX8888. */
    const FormatInfo *xbgr32 = formatFromV4l2(V4L2_PIX_FMT_XBGR32);
    TEST_ASSERT_NOT_NULL(xbgr32);
    TEST_ASSERT_EQUAL_HEX(code("XR24"), xbgr32->drm);
    TEST_ASSERT_TRUE(xbgr32->drm != code("XB24"));
    const FormatInfo *xrgb32 = formatFromV4l2(V4L2_PIX_FMT_XRGB32);
    TEST_ASSERT_NOT_NULL(xrgb32);
    TEST_ASSERT_EQUAL_HEX(code("BX24"), xrgb32->drm);
    TEST_ASSERT_TRUE(xrgb32->drm != code("XR24"));
    /* Same 32-bit fourcc value on both sides for the newer formats. */
    for (const V4l2Rgb &v : kV4l2Rgb)
        if (std::strcmp(v.name, "BGR32") && std::strcmp(v.name, "RGB32"))
            TEST_ASSERT_EQUAL_HEX(v.fourcc, formatFromV4l2(v.fourcc)->drm);
    TEST_ASSERT_EQUAL_HEX(kFormatXrgb8888, formatFromV4l2(code("BGR4"))->drm);
    TEST_ASSERT_EQUAL_HEX(code("BX24"), formatFromV4l2(code("RGB4"))->drm);
}

static void test_drm_to_v4l2_prefers_current_single_plane_names()
{
    TEST_ASSERT_EQUAL_STRING("XBGR32", formatFromDrm(code("XR24"))->name);
    TEST_ASSERT_EQUAL_STRING("XRGB32", formatFromDrm(code("BX24"))->name);
    TEST_ASSERT_EQUAL_STRING("RGBX32", formatFromDrm(code("XB24"))->name);
    TEST_ASSERT_EQUAL_STRING("BGRA32", formatFromDrm(code("RA24"))->name);
    TEST_ASSERT_EQUAL_STRING("RGB565", formatFromDrm(code("RG16"))->name);
    TEST_ASSERT_EQUAL_STRING("NV12", formatFromDrm(code("NV12"))->name);
    TEST_ASSERT_EQUAL_STRING("NV16", formatFromDrm(code("NV16"))->name);
    TEST_ASSERT_EQUAL_STRING("YUV420", formatFromDrm(code("YU12"))->name);
    TEST_ASSERT_NULL(formatFromDrm(code("YV12")));
    TEST_ASSERT_NULL(formatFromDrm(0));
    TEST_ASSERT_NULL(formatFromV4l2(code("RGBR"))); /* RGB565X: big-endian, no DRM twin here */
    TEST_ASSERT_NULL(formatFromV4l2(0));

    /* Both directions agree for every current single-memory-plane entry. */
    for (const FormatInfo &f : formatTable()) {
        TEST_ASSERT_TRUE_MESSAGE(formatFromV4l2(f.v4l2) == &f, f.name);
        bool deprecated = !std::strcmp(f.name, "BGR32") || !std::strcmp(f.name, "RGB32");
        const FormatInfo *back = formatFromDrm(f.drm);
        TEST_ASSERT_NOT_NULL(back);
        TEST_ASSERT_EQUAL_UINT(1, back->memPlanes);
        TEST_ASSERT_EQUAL_HEX(f.drm, back->drm);
        if (f.memPlanes == 1 && !deprecated)
            TEST_ASSERT_TRUE_MESSAGE(back == &f, f.name);
    }
    TEST_ASSERT_EQUAL_STRING("XBGR32", formatTable().front().name);
}

static void test_yuv_and_rgb565_entries()
{
    struct Expect {
        const char *v4l2, *drm, *name;
        unsigned planes, memPlanes, hsub, vsub, cpp0, cpp1, cpp2;
        bool yuv;
    };
    static const Expect expect[] = {
        {"RGBP", "RG16", "RGB565", 1, 1, 1, 1, 2, 0, 0, false},
        {"YUYV", "YUYV", "YUYV", 1, 1, 2, 1, 2, 0, 0, true},
        {"UYVY", "UYVY", "UYVY", 1, 1, 2, 1, 2, 0, 0, true},
        {"NV12", "NV12", "NV12", 2, 1, 2, 2, 1, 2, 0, true},
        {"NM12", "NV12", "NV12M", 2, 2, 2, 2, 1, 2, 0, true},
        {"NV21", "NV21", "NV21", 2, 1, 2, 2, 1, 2, 0, true},
        {"NM21", "NV21", "NV21M", 2, 2, 2, 2, 1, 2, 0, true},
        {"NV16", "NV16", "NV16", 2, 1, 2, 1, 1, 2, 0, true},
        {"NM16", "NV16", "NV16M", 2, 2, 2, 1, 1, 2, 0, true},
        {"YU12", "YU12", "YUV420", 3, 1, 2, 2, 1, 1, 1, true},
        {"YM12", "YU12", "YUV420M", 3, 3, 2, 2, 1, 1, 1, true},
    };
    for (const Expect &e : expect) {
        const FormatInfo *f = formatFromV4l2(parseFourcc(e.v4l2));
        TEST_ASSERT_TRUE_MESSAGE(f != nullptr, e.name);
        TEST_ASSERT_EQUAL_STRING(e.name, f->name);
        TEST_ASSERT_EQUAL_STRING(e.drm, fourccName(f->drm));
        TEST_ASSERT_EQUAL_UINT(e.planes, f->planes);
        TEST_ASSERT_EQUAL_UINT(e.memPlanes, f->memPlanes);
        TEST_ASSERT_EQUAL_UINT(e.hsub, f->hsub);
        TEST_ASSERT_EQUAL_UINT(e.vsub, f->vsub);
        TEST_ASSERT_EQUAL_UINT(e.cpp0, f->cpp[0]);
        TEST_ASSERT_EQUAL_UINT(e.cpp1, f->cpp[1]);
        TEST_ASSERT_EQUAL_UINT(e.cpp2, f->cpp[2]);
        TEST_ASSERT_TRUE(e.yuv == f->yuv);
    }
}

static void test_fourcc_text()
{
    TEST_ASSERT_EQUAL_STRING("YUYV", fourccName(V4L2_PIX_FMT_YUYV));
    TEST_ASSERT_EQUAL_STRING("NV12", fourccName(V4L2_PIX_FMT_NV12));
    TEST_ASSERT_EQUAL_STRING("XR24", fourccName(V4L2_PIX_FMT_XBGR32));
    TEST_ASSERT_EQUAL_STRING("A?~? (BE)", fourccName(0x80u << 24 | 0x7eu << 16 | 0x01u << 8 | 'A'));
    TEST_ASSERT_EQUAL_HEX(V4L2_PIX_FMT_YUYV, parseFourcc("YUYV"));
    TEST_ASSERT_EQUAL_HEX(V4L2_PIX_FMT_XBGR32, parseFourcc("XR24"));
    TEST_ASSERT_EQUAL_HEX(code("Y8  "), parseFourcc("Y8"));
    TEST_ASSERT_EQUAL_HEX(code("R   "), parseFourcc("R"));
    TEST_ASSERT_EQUAL_HEX(0, parseFourcc(""));
    TEST_ASSERT_EQUAL_HEX(0, parseFourcc("NV12M"));
    TEST_ASSERT_EQUAL_HEX(0, parseFourcc("NV\n2"));
    TEST_ASSERT_EQUAL_HEX(0, parseFourcc(std::string("N\0", 2)));
    for (const FormatInfo &f : formatTable())
        TEST_ASSERT_EQUAL_HEX(f.v4l2, parseFourcc(fourccName(f.v4l2)));
}

static void test_packed_plane_layout()
{
    /* 640x480 with bytesperline padded to 768 (e.g. a 64-byte aligned stride). */
    const FormatInfo *nv12 = formatFromV4l2(V4L2_PIX_FMT_NV12);
    PlaneLayout y = packedPlaneLayout(*nv12, 768, 480, 0);
    PlaneLayout uv = packedPlaneLayout(*nv12, 768, 480, 1);
    TEST_ASSERT_EQUAL_UINT(0, y.offset);
    TEST_ASSERT_EQUAL_UINT(768, y.pitch);
    TEST_ASSERT_EQUAL_UINT(768 * 480, uv.offset);
    TEST_ASSERT_EQUAL_UINT(768, uv.pitch); /* Cb,Cr pairs: as wide in bytes as Y */
    TEST_ASSERT_EQUAL_UINT(0, packedPlaneLayout(*nv12, 768, 480, 2).pitch);

    const FormatInfo *i420 = formatFromV4l2(V4L2_PIX_FMT_YUV420);
    PlaneLayout cb = packedPlaneLayout(*i420, 768, 480, 1);
    PlaneLayout cr = packedPlaneLayout(*i420, 768, 480, 2);
    TEST_ASSERT_EQUAL_UINT(368640, cb.offset);
    TEST_ASSERT_EQUAL_UINT(384, cb.pitch); /* half the pad bytes too, per pixfmt-yuv420 */
    TEST_ASSERT_EQUAL_UINT(368640 + 384 * 240, cr.offset);
    TEST_ASSERT_EQUAL_UINT(384, cr.pitch);
    /* An odd height rounds the chroma rows up. */
    TEST_ASSERT_EQUAL_UINT(768 * 481 + 384 * 241, packedPlaneLayout(*i420, 768, 481, 2).offset);

    const FormatInfo *nv16 = formatFromV4l2(V4L2_PIX_FMT_NV16);
    PlaneLayout c16 = packedPlaneLayout(*nv16, 704, 480, 1);
    TEST_ASSERT_EQUAL_UINT(704 * 480, c16.offset);
    TEST_ASSERT_EQUAL_UINT(704, c16.pitch);

    const FormatInfo *xr24 = formatFromV4l2(V4L2_PIX_FMT_XBGR32);
    TEST_ASSERT_EQUAL_UINT(2560, packedPlaneLayout(*xr24, 2560, 360, 0).pitch);
    TEST_ASSERT_EQUAL_UINT(0, packedPlaneLayout(*xr24, 2560, 360, 1).pitch);
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_v4l2_constants_are_the_documented_codes);
    RUN_TEST(test_rgb32_maps_by_byte_order);
    RUN_TEST(test_the_naming_trap);
    RUN_TEST(test_drm_to_v4l2_prefers_current_single_plane_names);
    RUN_TEST(test_yuv_and_rgb565_entries);
    RUN_TEST(test_fourcc_text);
    RUN_TEST(test_packed_plane_layout);
    return UNITY_END();
}
