/* SPDX-License-Identifier: MIT */
#pragma once

#include <scanout/kms_types.h>

namespace fixtures {

/* A 60 Hz CEA mode, or a custom one with the given timings. */
inline scanout::ModeInfo mode(uint16_t w, uint16_t h, uint32_t clockKHz, uint16_t htotal,
                              uint16_t vtotal, bool preferred = false, bool interlaced = false)
{
    scanout::ModeInfo m;
    m.hdisplay = w;
    m.vdisplay = h;
    m.clock = clockKHz;
    m.htotal = htotal;
    m.vtotal = vtotal;
    m.hsyncStart = static_cast<uint16_t>(w + 8);
    m.hsyncEnd = static_cast<uint16_t>(w + 16);
    m.vsyncStart = static_cast<uint16_t>(h + 2);
    m.vsyncEnd = static_cast<uint16_t>(h + 4);
    m.vrefresh =
        static_cast<uint32_t>((clockKHz * 1000ull + htotal * vtotal / 2) / (htotal * vtotal));
    m.type = preferred ? (1u << 3) : 0;
    m.flags = interlaced ? (1u << 4) : 0;
    m.name = std::to_string(w) + "x" + std::to_string(h) + (interlaced ? "i" : "");
    return m;
}

inline scanout::PlaneInfo plane(uint32_t id, scanout::PlaneType type, uint32_t possibleCrtcs,
                                std::vector<scanout::PlaneFormat> formats, uint32_t crtcId = 0)
{
    scanout::PlaneInfo p;
    p.id = id;
    p.type = type;
    p.possibleCrtcs = possibleCrtcs;
    p.formats = std::move(formats);
    p.crtcId = crtcId;
    return p;
}

inline scanout::ConnectorInfo connector(uint32_t id, uint32_t type, const char *name,
                                        scanout::ConnectorStatus status,
                                        std::vector<uint32_t> encoders,
                                        std::vector<scanout::ModeInfo> modes)
{
    scanout::ConnectorInfo c;
    c.id = id;
    c.type = type;
    c.typeId = 1;
    c.name = name;
    c.status = status;
    c.encoders = std::move(encoders);
    c.modes = std::move(modes);
    return c;
}

/*
 * A board-like device: HDMI-A-1 (connected, routed to CRTC 41 at start),
 * DSI-1 (connected, not routed) and DP-1 (disconnected). Two CRTCs, each
 * with its own primary plane, one overlay usable on both, one cursor.
 * The DSI encoder can only drive the second CRTC.
 */
inline scanout::Snapshot board()
{
    using namespace scanout;
    Snapshot s;
    s.device.path = "/dev/dri/card1";
    s.device.driver = "fake";

    s.crtcs = {{41, 0, 100, 0, 0, mode(1920, 1080, 148500, 2200, 1125), 256},
               {42, 1, 0, 0, 0, std::nullopt, 256}};
    s.encoders = {{31, 41, 0b01}, {32, 0, 0b10}, {33, 0, 0b11}};

    ConnectorInfo hdmi = connector(51, 11, "HDMI-A-1", ConnectorStatus::Connected, {31},
                                   {mode(1920, 1080, 148500, 2200, 1125, true),       // 60 Hz
                                    mode(1920, 1080, 148352, 2200, 1125),             // 59.94 Hz
                                    mode(1920, 1080, 74250, 2640, 1125),              // 25 Hz
                                    mode(1920, 1080, 74250, 2200, 1125, false, true), // 1080i60
                                    mode(1280, 720, 74250, 1650, 750),                // 60 Hz
                                    mode(1280, 720, 74250, 1980, 750)});              // 50 Hz
    hdmi.encoderId = 31;
    hdmi.crtcId = 41;
    ConnectorInfo dsi = connector(52, 16, "DSI-1", ConnectorStatus::Connected, {32},
                                  {mode(800, 480, 33000, 1056, 525)});
    ConnectorInfo dp = connector(53, 10, "DP-1", ConnectorStatus::Disconnected, {33}, {});

    s.connectors = {dp, hdmi, dsi};

    PlaneFormat xr24{kFormatXrgb8888, {kModifierLinear, 0x0100000000000001ULL}};
    PlaneFormat ar24{kFormatArgb8888, {kModifierLinear}};
    PlaneFormat nv12{fourcc('N', 'V', '1', '2'), {kModifierLinear}};
    s.planes = {plane(61, PlaneType::Primary, 0b01, {ar24, xr24}, 41),
                plane(62, PlaneType::Primary, 0b10, {xr24}),
                plane(63, PlaneType::Overlay, 0b11, {nv12, xr24}),
                plane(64, PlaneType::Cursor, 0b11, {ar24}, 41)};
    for (PlaneInfo &p : s.planes)
        p.hasInFormats = true;
    return s;
}

} /* namespace fixtures */
