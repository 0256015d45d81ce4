/* SPDX-License-Identifier: MIT */
#include <scanout/kms_types.h>

#include <scanout/result.h>

namespace scanout {

std::optional<uint32_t> packRgb(uint32_t format, uint32_t rgb)
{
    uint32_t r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
    switch (format) {
    case kFormatXrgb8888:
    case kFormatArgb8888:
        return 0xff000000u | r << 16 | g << 8 | b;
    case kFormatXbgr8888:
    case kFormatAbgr8888:
        return 0xff000000u | b << 16 | g << 8 | r;
    case kFormatBgrx8888:
    case kFormatBgra8888:
        return b << 24 | g << 16 | r << 8 | 0xffu;
    case kFormatRgbx8888:
    case kFormatRgba8888:
        return r << 24 | g << 16 | b << 8 | 0xffu;
    case kFormatRgb565:
        return ((r * 31 + 127) / 255) << 11 | ((g * 63 + 127) / 255) << 5 | (b * 31 + 127) / 255;
    default:
        return std::nullopt;
    }
}

std::string fourccName(uint32_t format)
{
    std::string name;
    for (int i = 0; i < 4; i++) {
        char c = static_cast<char>((format >> (8 * i)) & 0x7f);
        name += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    if (format & (1u << 31))
        name += " (BE)";
    return name;
}

namespace {

/* 4:2:2 packed formats count a pixel pair as 4 bytes over 2 pixels: cpp 2. */
constexpr FormatLayout kLayouts[] = {
    {kFormatXrgb8888, 1, 1, 1, {4}, false},    {kFormatArgb8888, 1, 1, 1, {4}, false},
    {kFormatXbgr8888, 1, 1, 1, {4}, false},    {kFormatAbgr8888, 1, 1, 1, {4}, false},
    {kFormatBgrx8888, 1, 1, 1, {4}, false},    {kFormatBgra8888, 1, 1, 1, {4}, false},
    {kFormatRgbx8888, 1, 1, 1, {4}, false},    {kFormatRgba8888, 1, 1, 1, {4}, false},
    {kFormatRgb565, 1, 1, 1, {2}, false},      {kFormatYuyv, 1, 1, 1, {2}, true},
    {kFormatUyvy, 1, 1, 1, {2}, true},         {kFormatNv12, 2, 2, 2, {1, 2}, true},
    {kFormatNv21, 2, 2, 2, {1, 2}, true},      {kFormatNv16, 2, 2, 1, {1, 2}, true},
    {kFormatYuv420, 3, 2, 2, {1, 1, 1}, true},
};

} /* namespace */

const FormatLayout *formatLayout(uint32_t format)
{
    for (const FormatLayout &l : kLayouts)
        if (l.format == format)
            return &l;
    return nullptr;
}

uint32_t FormatLayout::columns(unsigned plane, uint32_t width) const
{
    if (plane >= planes)
        return 0;
    return plane == 0 ? width : (width + hsub - 1) / hsub;
}

uint32_t FormatLayout::rowBytes(unsigned plane, uint32_t width) const
{
    return columns(plane, width) * (plane < planes ? cpp[plane] : 0);
}

uint32_t FormatLayout::rows(unsigned plane, uint32_t height) const
{
    if (plane >= planes)
        return 0;
    return plane == 0 ? height : (height + vsub - 1) / vsub;
}

std::string modifierName(uint64_t modifier)
{
    if (modifier == kModifierInvalid)
        return "INVALID";
    if (modifier == kModifierLinear)
        return "LINEAR";

    static const char *const vendors[] = {"NONE",    "INTEL",     "AMD",     "NVIDIA",
                                          "SAMSUNG", "QCOM",      "VIVANTE", "BROADCOM",
                                          "ARM",     "ALLWINNER", "AMLOGIC"};
    unsigned vendor = static_cast<unsigned>(modifier >> 56);
    unsigned long long value = modifier & 0x00ffffffffffffffULL;
    if (vendor < sizeof(vendors) / sizeof(vendors[0]))
        return format("%s:0x%llx", vendors[vendor], value);
    return format("0x%016llx", static_cast<unsigned long long>(modifier));
}

namespace {

template <typename T, typename Name>
std::string joinNames(std::span<const T> values, Name name)
{
    std::string out;
    for (T v : values)
        out += (out.empty() ? "" : ", ") + name(v);
    return out;
}

} /* namespace */

std::string fourccNames(std::span<const uint32_t> formats)
{
    return joinNames(formats, fourccName);
}

std::string modifierNames(std::span<const uint64_t> modifiers)
{
    return joinNames(modifiers, modifierName);
}

uint32_t ModeInfo::refreshMilliHz() const
{
    if (!htotal || !vtotal)
        return vrefresh * 1000;
    uint64_t num = static_cast<uint64_t>(clock) * 1000000u;
    uint64_t den = static_cast<uint64_t>(htotal) * vtotal;
    if (interlaced())
        num *= 2;
    if (flags & (1u << 5)) /* DRM_MODE_FLAG_DBLSCAN */
        den *= 2;
    if (vscan > 1)
        den *= vscan;
    return static_cast<uint32_t>((num + den / 2) / den);
}

uint64_t ModeInfo::framePeriodNs() const
{
    uint32_t mhz = refreshMilliHz();
    if (!mhz)
        return 16666667;
    return 1000000000000ULL / mhz;
}

bool PlaneInfo::supportsFormat(uint32_t fmt) const
{
    return findFormat(fmt) != nullptr;
}

const PlaneFormat *PlaneInfo::findFormat(uint32_t fmt) const
{
    for (const PlaneFormat &f : formats)
        if (f.format == fmt)
            return &f;
    return nullptr;
}

const char *planeTypeName(PlaneType type)
{
    switch (type) {
    case PlaneType::Overlay:
        return "overlay";
    case PlaneType::Primary:
        return "primary";
    case PlaneType::Cursor:
        return "cursor";
    }
    return "unknown";
}

const char *connectorStatusName(ConnectorStatus status)
{
    switch (status) {
    case ConnectorStatus::Connected:
        return "connected";
    case ConnectorStatus::Disconnected:
        return "disconnected";
    case ConnectorStatus::Unknown:
        return "unknown";
    }
    return "unknown";
}

template <typename T>
static const T *findById(const std::vector<T> &items, uint32_t id)
{
    for (const T &item : items)
        if (item.id == id)
            return &item;
    return nullptr;
}

const ConnectorInfo *Snapshot::connector(uint32_t id) const
{
    return findById(connectors, id);
}

const EncoderInfo *Snapshot::encoder(uint32_t id) const
{
    return findById(encoders, id);
}

const CrtcInfo *Snapshot::crtc(uint32_t id) const
{
    return findById(crtcs, id);
}

const PlaneInfo *Snapshot::plane(uint32_t id) const
{
    return findById(planes, id);
}

} /* namespace scanout */
