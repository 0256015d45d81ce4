/* SPDX-License-Identifier: MIT */
#include <scanout/v4l2/formats.h>

#include <drm_fourcc.h>
#include <linux/videodev2.h>

namespace scanout::v4l2 {

namespace {

/*
 * Matched by memory byte order, checked against the kernel's pixfmt-rgb.rst
 * and pixfmt-yuv-*.rst (V4L2) and drm_fourcc.h (DRM):
 *
 * - V4L2 names 8-bit-per-component RGB by the component order in memory,
 *   DRM by the order in a little-endian 32-bit word, i.e. reversed. The newer
 *   V4L2 32-bit formats were given the DRM fourcc of the same layout, so
 *   V4L2's XBGR32 ('XR24': B, G, R, X in memory) is DRM's XRGB8888 ('XR24'),
 *   and V4L2's XRGB32 ('BX24': X, R, G, B) is DRM's BGRX8888 ('BX24').
 * - The deprecated BGR32 ('BGR4': B, G, R, a) and RGB32 ('RGB4': a, R, G, B)
 *   have an alpha byte whose meaning is left to the driver; drivers fill it
 *   either as alpha or as padding, so they map to the X (padding) variants
 *   XRGB8888 and BGRX8888, which ignore it. They come last so that
 *   formatFromDrm() answers with the current names.
 * - V4L2 RGB565 ('RGBP') is a little-endian 16-bit word R:G:B 5:6:5, which
 *   is DRM RGB565 ('RG16'); V4L2 RGB565X is the big-endian one (not mapped).
 * - YUYV, UYVY, NV12, NV21, NV16 and YUV420 ('YU12', Y then Cb then Cr)
 *   carry the same fourcc and layout on both sides; the *M variants put each
 *   colour plane in its own memory plane.
 *
 * cpp follows DRM's drm_format_info: bytes per pixel in each colour plane,
 * so 2 for packed 4:2:2 (a Y and every other chroma sample per pixel) and 2
 * for the interleaved CbCr plane of NV12 (one Cb,Cr pair per chroma sample).
 */
constexpr FormatInfo kTable[] = {
    {V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888, 1, 1, 1, 1, {4, 0, 0}, false, "XBGR32"},
    {V4L2_PIX_FMT_ABGR32, DRM_FORMAT_ARGB8888, 1, 1, 1, 1, {4, 0, 0}, false, "ABGR32"},
    {V4L2_PIX_FMT_XRGB32, DRM_FORMAT_BGRX8888, 1, 1, 1, 1, {4, 0, 0}, false, "XRGB32"},
    {V4L2_PIX_FMT_ARGB32, DRM_FORMAT_BGRA8888, 1, 1, 1, 1, {4, 0, 0}, false, "ARGB32"},
    {V4L2_PIX_FMT_RGBX32, DRM_FORMAT_XBGR8888, 1, 1, 1, 1, {4, 0, 0}, false, "RGBX32"},
    {V4L2_PIX_FMT_RGBA32, DRM_FORMAT_ABGR8888, 1, 1, 1, 1, {4, 0, 0}, false, "RGBA32"},
    {V4L2_PIX_FMT_BGRX32, DRM_FORMAT_RGBX8888, 1, 1, 1, 1, {4, 0, 0}, false, "BGRX32"},
    {V4L2_PIX_FMT_BGRA32, DRM_FORMAT_RGBA8888, 1, 1, 1, 1, {4, 0, 0}, false, "BGRA32"},
    {V4L2_PIX_FMT_RGB565, DRM_FORMAT_RGB565, 1, 1, 1, 1, {2, 0, 0}, false, "RGB565"},
    {V4L2_PIX_FMT_YUYV, DRM_FORMAT_YUYV, 1, 1, 2, 1, {2, 0, 0}, true, "YUYV"},
    {V4L2_PIX_FMT_UYVY, DRM_FORMAT_UYVY, 1, 1, 2, 1, {2, 0, 0}, true, "UYVY"},
    {V4L2_PIX_FMT_NV12, DRM_FORMAT_NV12, 2, 1, 2, 2, {1, 2, 0}, true, "NV12"},
    {V4L2_PIX_FMT_NV21, DRM_FORMAT_NV21, 2, 1, 2, 2, {1, 2, 0}, true, "NV21"},
    {V4L2_PIX_FMT_NV16, DRM_FORMAT_NV16, 2, 1, 2, 1, {1, 2, 0}, true, "NV16"},
    {V4L2_PIX_FMT_YUV420, DRM_FORMAT_YUV420, 3, 1, 2, 2, {1, 1, 1}, true, "YUV420"},
    {V4L2_PIX_FMT_NV12M, DRM_FORMAT_NV12, 2, 2, 2, 2, {1, 2, 0}, true, "NV12M"},
    {V4L2_PIX_FMT_NV21M, DRM_FORMAT_NV21, 2, 2, 2, 2, {1, 2, 0}, true, "NV21M"},
    {V4L2_PIX_FMT_NV16M, DRM_FORMAT_NV16, 2, 2, 2, 1, {1, 2, 0}, true, "NV16M"},
    {V4L2_PIX_FMT_YUV420M, DRM_FORMAT_YUV420, 3, 3, 2, 2, {1, 1, 1}, true, "YUV420M"},
    {V4L2_PIX_FMT_BGR32, DRM_FORMAT_XRGB8888, 1, 1, 1, 1, {4, 0, 0}, false, "BGR32"},
    {V4L2_PIX_FMT_RGB32, DRM_FORMAT_BGRX8888, 1, 1, 1, 1, {4, 0, 0}, false, "RGB32"},
};

} /* namespace */

std::span<const FormatInfo> formatTable()
{
    return kTable;
}

const FormatInfo *formatFromV4l2(uint32_t v4l2Fourcc)
{
    for (const FormatInfo &f : kTable)
        if (f.v4l2 == v4l2Fourcc)
            return &f;
    return nullptr;
}

const FormatInfo *formatFromDrm(uint32_t drmFourcc)
{
    for (const FormatInfo &f : kTable)
        if (f.drm == drmFourcc && f.memPlanes == 1)
            return &f;
    return nullptr;
}

uint32_t parseFourcc(const std::string &text)
{
    if (text.empty() || text.size() > 4)
        return 0;
    uint32_t code = 0;
    for (size_t i = 0; i < 4; i++) {
        /* Short codes are padded with spaces, as in 'Y8  ' or DRM's 'R8  '. */
        unsigned char c = i < text.size() ? static_cast<unsigned char>(text[i]) : ' ';
        if (c < 0x20 || c >= 0x7f)
            return 0;
        code |= static_cast<uint32_t>(c) << (8 * i);
    }
    return code;
}

PlaneLayout packedPlaneLayout(const FormatInfo &format, uint32_t bytesperline, uint32_t height,
                              unsigned plane)
{
    if (plane >= format.planes || format.cpp[0] == 0)
        return {};
    auto pitchOf = [&](unsigned p) {
        if (p == 0)
            return bytesperline;
        /* A chroma row holds width/hsub samples of cpp[p] bytes; padding scales the same way. */
        return bytesperline * format.cpp[p] / (format.cpp[0] * format.hsub);
    };
    auto rowsOf = [&](unsigned p) {
        return p == 0 ? height : (height + format.vsub - 1) / format.vsub;
    };

    PlaneLayout layout;
    for (unsigned p = 0; p < plane; p++)
        layout.offset += pitchOf(p) * rowsOf(p);
    layout.pitch = pitchOf(plane);
    return layout;
}

} /* namespace scanout::v4l2 */
