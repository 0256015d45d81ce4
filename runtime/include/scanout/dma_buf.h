/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>

#include <scanout/kms_types.h>

namespace scanout {

/**
 * A buffer described by dma_buf fds, as a camera (VIDIOC_EXPBUF), a GPU
 * (gbm_bo_get_fd_for_plane, EGL_MESA_image_dma_buf_export) or another
 * process hands it over. The fds are borrowed: whoever made the description
 * keeps them open for as long as it is used.
 */
struct DmaBufDescription {
    uint32_t width = 0;
    uint32_t height = 0;
    uint32_t format = 0;                  /* DRM fourcc */
    uint64_t modifier = kModifierInvalid; /* kModifierInvalid: implicit layout */
    uint32_t planeCount = 0;              /* 1 to 4 */
    struct Plane {
        int fd = -1;
        uint32_t offset = 0;
        uint32_t pitch = 0;
    };
    std::array<Plane, 4> planes{};
};

} /* namespace scanout */
