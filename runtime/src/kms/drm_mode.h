/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include <xf86drmMode.h>

#include <scanout/kms_types.h>

namespace scanout {

ModeInfo toModeInfo(const drmModeModeInfo &mode);
drmModeModeInfo toDrmMode(const ModeInfo &mode);
/** The name userspace knows a connector by: "HDMI-A-1", "DSI-1", "Virtual-1". */
std::string connectorName(const drmModeConnector &connector);

} /* namespace scanout */
