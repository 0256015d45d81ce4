/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>

#include <xf86drm.h>
#include <xf86drmMode.h>

namespace scanout {

/* unique_ptr owners for the structs libdrm allocates, each with its free function. */
template <typename T>
struct DrmFree;

#define SCANOUT_DRM_FREE(type, fn)                                                                 \
    template <>                                                                                    \
    struct DrmFree<type> {                                                                         \
        void operator()(type *p) const { fn(p); }                                                  \
    }

SCANOUT_DRM_FREE(drmModeRes, drmModeFreeResources);
SCANOUT_DRM_FREE(drmModeCrtc, drmModeFreeCrtc);
SCANOUT_DRM_FREE(drmModeEncoder, drmModeFreeEncoder);
SCANOUT_DRM_FREE(drmModeConnector, drmModeFreeConnector);
SCANOUT_DRM_FREE(drmModePlaneRes, drmModeFreePlaneResources);
SCANOUT_DRM_FREE(drmModePlane, drmModeFreePlane);
SCANOUT_DRM_FREE(drmModeObjectProperties, drmModeFreeObjectProperties);
SCANOUT_DRM_FREE(drmModePropertyRes, drmModeFreeProperty);
SCANOUT_DRM_FREE(drmModePropertyBlobRes, drmModeFreePropertyBlob);
SCANOUT_DRM_FREE(drmModeAtomicReq, drmModeAtomicFree);
SCANOUT_DRM_FREE(drmVersion, drmFreeVersion);

#undef SCANOUT_DRM_FREE

template <typename T>
using DrmPtr = std::unique_ptr<T, DrmFree<T>>;

} /* namespace scanout */
