/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include <scanout/kms_types.h> /* fourccName(): V4L2 codes print as DRM ones */

namespace scanout::v4l2 {

/**
 * One V4L2 pixel format and the DRM format with the same memory layout.
 *
 * The two fourcc spaces disagree on names: V4L2's XBGR32 is the fourcc
 * 'XR24', which DRM calls XRGB8888 (B, G, R, X in memory order on both
 * sides), while V4L2's XRGB32 'BX24' is DRM's BGRX8888. The table maps by
 * byte order, never by name.
 */
struct FormatInfo {
    uint32_t v4l2;      /* V4L2_PIX_FMT_* */
    uint32_t drm;       /* DRM_FORMAT_* */
    uint8_t planes;     /* colour planes (1 packed, 2 semi-planar, 3 planar) */
    uint8_t memPlanes;  /* V4L2 memory planes: 1, or one per colour plane for the *M formats */
    uint8_t hsub, vsub; /* chroma subsampling: 1, or 2 for halved */
    uint8_t cpp[3];     /* bytes per pixel (per sample pair for 4:2:2 packed) per colour plane */
    bool yuv;
    const char *name; /* V4L2's name for it */
};

/** Every format scanout knows, in the order it prefers them for scanout. */
std::span<const FormatInfo> formatTable();

const FormatInfo *formatFromV4l2(uint32_t v4l2Fourcc);
/** The single-memory-plane V4L2 format for a DRM format. */
const FormatInfo *formatFromDrm(uint32_t drmFourcc);

/** Parses a 1-4 character fourcc ("YUYV", "XR24"); 0 if malformed. */
uint32_t parseFourcc(const std::string &text);

/**
 * Byte offset and pitch of colour plane \a plane for a buffer whose first
 * plane has \a bytesperline, laid out as V4L2 packs single-memory-plane
 * formats (planes back to back, chroma pitch scaled by cpp and hsub).
 */
struct PlaneLayout {
    uint32_t offset = 0;
    uint32_t pitch = 0;
};
PlaneLayout packedPlaneLayout(const FormatInfo &format, uint32_t bytesperline, uint32_t height,
                              unsigned plane);

} /* namespace scanout::v4l2 */
