/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

/*
 * Plain value types describing a KMS device. They mirror the kernel's objects
 * without exposing libdrm, so that apps and the pure selection functions can
 * use them, and unit tests can build them by hand.
 */

namespace scanout {

/** DRM_FORMAT_MOD_INVALID: "no explicit modifier", the implicit layout. */
inline constexpr uint64_t kModifierInvalid = 0x00ffffffffffffffULL;
inline constexpr uint64_t kModifierLinear = 0;

/** Builds a fourcc code from its four characters, e.g. fourcc('X','R','2','4'). */
constexpr uint32_t fourcc(char a, char b, char c, char d)
{
    return static_cast<uint32_t>(a) | static_cast<uint32_t>(b) << 8 |
           static_cast<uint32_t>(c) << 16 | static_cast<uint32_t>(d) << 24;
}

inline constexpr uint32_t kFormatXrgb8888 = fourcc('X', 'R', '2', '4');
inline constexpr uint32_t kFormatArgb8888 = fourcc('A', 'R', '2', '4');
inline constexpr uint32_t kFormatXbgr8888 = fourcc('X', 'B', '2', '4');
inline constexpr uint32_t kFormatRgb565 = fourcc('R', 'G', '1', '6');
inline constexpr uint32_t kFormatBgrx8888 = fourcc('B', 'X', '2', '4');
inline constexpr uint32_t kFormatBgra8888 = fourcc('B', 'A', '2', '4');
inline constexpr uint32_t kFormatAbgr8888 = fourcc('A', 'B', '2', '4');
inline constexpr uint32_t kFormatRgbx8888 = fourcc('R', 'X', '2', '4');
inline constexpr uint32_t kFormatRgba8888 = fourcc('R', 'A', '2', '4');
inline constexpr uint32_t kFormatYuyv = fourcc('Y', 'U', 'Y', 'V');
inline constexpr uint32_t kFormatUyvy = fourcc('U', 'Y', 'V', 'Y');
inline constexpr uint32_t kFormatNv12 = fourcc('N', 'V', '1', '2');
inline constexpr uint32_t kFormatNv21 = fourcc('N', 'V', '2', '1');
inline constexpr uint32_t kFormatNv16 = fourcc('N', 'V', '1', '6');
inline constexpr uint32_t kFormatYuv420 = fourcc('Y', 'U', '1', '2');

/** How a DRM format lays out its pixels in memory. */
struct FormatLayout {
    uint32_t format = 0;
    uint8_t planes = 1;         /* colour planes: 1 packed, 2 semi-planar, 3 planar */
    uint8_t hsub = 1, vsub = 1; /* chroma subsampling of planes after the first */
    uint8_t cpp[3] = {};        /* bytes per pixel of each plane (per pixel pair: 4:2:2 packed) */
    bool yuv = false;

    /** Samples per row of plane \a plane, for \a width pixels. */
    uint32_t columns(unsigned plane, uint32_t width) const;
    /** Bytes per row of plane \a plane, for \a width pixels. */
    uint32_t rowBytes(unsigned plane, uint32_t width) const;
    /** Rows of plane \a plane, for \a height pixels. */
    uint32_t rows(unsigned plane, uint32_t height) const;
};

/** The layout of \a format, or null for formats scanout does not handle. */
const FormatLayout *formatLayout(uint32_t format);

/**
 * 0xRRGGBB as one opaque pixel of an RGB \a format of formatLayout()'s
 * table, in the pixel's own byte order; RG16 takes the nearest 5- and 6-bit
 * values. Nothing for YUV and other formats.
 */
std::optional<uint32_t> packRgb(uint32_t format, uint32_t rgb);

/** "XR24" for XRGB8888; non-printable bytes become '?'. Big-endian formats get " (BE)". */
std::string fourccName(uint32_t format);

/** "LINEAR", "INVALID", or the vendor and value in hex for other modifiers. */
std::string modifierName(uint64_t modifier);

/** "XR24, AR24": fourccName() of each, comma-separated. */
std::string fourccNames(std::span<const uint32_t> formats);

/** "LINEAR, INVALID": modifierName() of each, comma-separated. */
std::string modifierNames(std::span<const uint64_t> modifiers);

/** A display mode, field for field the kernel's drm_mode_modeinfo. */
struct ModeInfo {
    uint32_t clock = 0; /* kHz */
    uint16_t hdisplay = 0, hsyncStart = 0, hsyncEnd = 0, htotal = 0, hskew = 0;
    uint16_t vdisplay = 0, vsyncStart = 0, vsyncEnd = 0, vtotal = 0, vscan = 0;
    uint32_t vrefresh = 0;
    uint32_t flags = 0;
    uint32_t type = 0;
    std::string name;

    bool preferred() const { return type & (1u << 3); /* DRM_MODE_TYPE_PREFERRED */ }
    bool interlaced() const { return flags & (1u << 4); /* DRM_MODE_FLAG_INTERLACE */ }

    /** Refresh in mHz computed from the timings, which is exact where vrefresh is rounded. */
    uint32_t refreshMilliHz() const;

    /** Nanoseconds per frame, from the timings; 16.67 ms when the timings are empty. */
    uint64_t framePeriodNs() const;

    bool operator==(const ModeInfo &) const = default;
};

enum class ConnectorStatus { Connected, Disconnected, Unknown };

struct ConnectorInfo {
    uint32_t id = 0;
    uint32_t type = 0;   /* DRM_MODE_CONNECTOR_* */
    uint32_t typeId = 0; /* the N in "HDMI-A-N" */
    std::string name;    /* "HDMI-A-1", "Virtual-1", "Writeback-1" */
    ConnectorStatus status = ConnectorStatus::Unknown;
    uint32_t widthMm = 0, heightMm = 0;
    uint32_t encoderId = 0; /* current encoder, 0 if none */
    uint32_t crtcId = 0;    /* CRTC currently driving it, 0 if none */
    std::vector<uint32_t> encoders;
    std::vector<ModeInfo> modes;
    bool writeback() const { return type == 18; /* DRM_MODE_CONNECTOR_WRITEBACK */ }
};

struct EncoderInfo {
    uint32_t id = 0;
    uint32_t crtcId = 0;
    uint32_t possibleCrtcs = 0; /* bitmask over CRTC indices */
};

struct CrtcInfo {
    uint32_t id = 0;
    uint32_t index = 0;
    uint32_t fbId = 0; /* framebuffer shown by the primary plane, 0 if none */
    uint32_t x = 0, y = 0;
    std::optional<ModeInfo> mode; /* empty when the CRTC is off */
    uint32_t gammaSize = 0;
};

enum class PlaneType { Overlay, Primary, Cursor };

const char *planeTypeName(PlaneType type);

/** One format a plane accepts, with the modifiers IN_FORMATS lists for it. */
/** A rectangle in output pixels. */
struct Rect {
    int32_t x = 0, y = 0;
    uint32_t width = 0, height = 0;
    bool empty() const { return width == 0 || height == 0; }
    bool operator==(const Rect &) const = default;
};

struct PlaneFormat {
    uint32_t format = 0;
    std::vector<uint64_t> modifiers; /* empty when the plane has no IN_FORMATS */
};

struct PlaneInfo {
    uint32_t id = 0;
    PlaneType type = PlaneType::Overlay;
    uint32_t possibleCrtcs = 0; /* bitmask over CRTC indices */
    uint32_t crtcId = 0, fbId = 0;
    std::vector<PlaneFormat> formats;
    bool hasInFormats = false;
    std::optional<uint64_t> zpos;
    uint64_t zposMin = 0, zposMax = 0;
    bool zposImmutable = false;
    std::vector<std::string> rotations; /* "rotate-0", "reflect-x", ... */

    bool supportsFormat(uint32_t format) const;
    const PlaneFormat *findFormat(uint32_t format) const;
};

struct DeviceCaps {
    bool dumbBuffer = false;
    bool prime = false;
    bool addFb2Modifiers = false;
    bool timestampMonotonic = false;
    bool asyncPageFlip = false;
    bool crtcInVblankEvent = false;
    bool atomic = false; /* the client cap was accepted */
    bool universalPlanes = false;
    bool writebackConnectors = false;
    uint64_t cursorWidth = 0, cursorHeight = 0;
};

struct DeviceInfo {
    std::string path;
    std::string driver;
    std::string description;
    int versionMajor = 0, versionMinor = 0, versionPatch = 0;
    std::string busInfo;
    DeviceCaps caps;
};

/** Everything enumerable about one KMS device, read once. */
struct Snapshot {
    DeviceInfo device;
    std::vector<ConnectorInfo> connectors;
    std::vector<EncoderInfo> encoders;
    std::vector<CrtcInfo> crtcs;
    std::vector<PlaneInfo> planes;

    const ConnectorInfo *connector(uint32_t id) const;
    const EncoderInfo *encoder(uint32_t id) const;
    const CrtcInfo *crtc(uint32_t id) const;
    const PlaneInfo *plane(uint32_t id) const;
};

const char *connectorStatusName(ConnectorStatus status);

} /* namespace scanout */
