/* SPDX-License-Identifier: MIT */
#pragma once

#include <xf86drmMode.h>

#include <scanout/kms_types.h>

namespace scanout {

ModeInfo toModeInfo(const drmModeModeInfo &mode);
drmModeModeInfo toDrmMode(const ModeInfo &mode);

} /* namespace scanout */
