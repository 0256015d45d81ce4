/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include <scanout/device.h>
#include <scanout/image.h>
#include <scanout/result.h>

namespace scanout {

/** Which output to capture. With neither set, the first active CRTC. */
struct CaptureTarget {
    /** The CRTC driving this connector ("HDMI-A-1"). */
    std::string connector;
    /** This CRTC, by object id. */
    uint32_t crtcId = 0;
};

struct Screenshot {
    Image image;
    uint32_t crtcId = 0;
    /** The display connector the CRTC drives; empty when it drives none. */
    std::string connector;
    /** The writeback connector that took the picture ("Writeback-1"). */
    std::string writeback;
};

/**
 * Captures what a CRTC sends to its display, all planes composed, through a
 * writeback connector of the device. Needs hardware (or a driver such as
 * vkms) with a writeback connector able to reach that CRTC; elsewhere the
 * error says there is none.
 *
 * \a device must be opened with DeviceOptions::writeback and atomic, and be
 * DRM master (captures are atomic commits). The CRTC's planes and mode are
 * left as they were. Not for a CRTC that another part of the process is
 * page-flipping: the two would race for it.
 */
Result<Screenshot> captureScreen(const Device &device, const CaptureTarget &target = {});

} /* namespace scanout */
