/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include <scanout/image.h>
#include <scanout/kms_types.h>
#include <scanout/result.h>

#include "kms/properties.h"

namespace scanout {

/** The writeback connector and format a capture of one CRTC uses. */
struct WritebackChoice {
    uint32_t connectorId = 0;
    std::string name; /* "Writeback-1" */
    uint32_t format = 0;
};

/**
 * A writeback connector that can be routed to \a crtcId (one of its encoders
 * lists that CRTC) and writes XRGB8888. Pure: unit-tested without a device.
 * The Snapshot only lists writeback connectors when the device was opened
 * with DeviceOptions::writeback.
 */
Result<WritebackChoice> chooseWriteback(const Snapshot &snapshot, const PropertyTable &props,
                                        uint32_t crtcId);

/** XRGB8888 rows (\a pitch bytes apart, little-endian B,G,R,X) as an RGB Image. */
Image imageFromXrgb8888(const uint8_t *data, uint32_t pitch, uint32_t width, uint32_t height);

/** How long captureWriteback waits for the out fence before giving up. */
inline constexpr int kWritebackTimeoutMs = 5000;

/**
 * Captures what CRTC \a crtcId, showing \a mode, sends to its display: the
 * composition of all its planes, as the hardware blends them.
 *
 * One blocking commit routes a writeback connector (chooseWriteback) to the
 * CRTC with a dumb buffer of the mode's size as WRITEBACK_FB_ID and asks for
 * an out fence; the fence is polled (kWritebackTimeoutMs); the pixels are
 * copied out; a second blocking commit unroutes the connector (CRTC_ID 0).
 * Atomic commits are incremental, so the planes and mode of the CRTC are
 * untouched. Routing a connector to a CRTC counts as a modeset for the
 * kernel (connectors_changed), so both commits carry ALLOW_MODESET.
 *
 * Where the driver does not let the writeback encoder clone the display's
 * (vkms), the display connectors of the CRTC are unrouted for the capture
 * and routed back by the second commit: the displays see a modeset.
 *
 * \a fd must have the atomic and writeback client caps set and be DRM
 * master; \a snapshot and \a props must come from that fd. The CRTC must be
 * active and no commit of this fd may be pending on it (the caller calls
 * this between page flips).
 */
Result<Image> captureWriteback(int fd, const Snapshot &snapshot, const PropertyTable &props,
                               uint32_t crtcId, const ModeInfo &mode);

} /* namespace scanout */
