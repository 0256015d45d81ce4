/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <gbm.h>

#include <scanout/dma_buf.h>
#include <scanout/result.h>
#include <scanout/select.h>

namespace scanout {

struct GbmDeviceDeleter {
    void operator()(gbm_device *d) const { gbm_device_destroy(d); }
};
struct GbmSurfaceDeleter {
    void operator()(gbm_surface *s) const { gbm_surface_destroy(s); }
};
struct GbmBoDeleter {
    void operator()(gbm_bo *bo) const { gbm_bo_destroy(bo); }
};
using GbmDevicePtr = std::unique_ptr<gbm_device, GbmDeviceDeleter>;
using GbmSurfacePtr = std::unique_ptr<gbm_surface, GbmSurfaceDeleter>;
using GbmBoPtr = std::unique_ptr<gbm_bo, GbmBoDeleter>;

/** Owns an initialized EGLDisplay; terminates it on destruction. */
class EglDisplay
{
public:
    /** eglGetPlatformDisplay(EXT) with EGL_PLATFORM_GBM_KHR on \a gbm. */
    static Result<std::unique_ptr<EglDisplay>> create(gbm_device *gbm);
    ~EglDisplay();
    EglDisplay(const EglDisplay &) = delete;
    EglDisplay &operator=(const EglDisplay &) = delete;

    EGLDisplay get() const { return dpy_; }
    bool hasExtension(const char *name) const;
    /** EGL version as major * 10 + minor: 15 for EGL 1.5. */
    int version() const { return version_; }

    /** An EGLConfig for window surfaces whose native visual is the GBM \a format. */
    Result<EGLConfig> configForFormat(uint32_t format) const;

private:
    EglDisplay() = default;
    EGLDisplay dpy_ = EGL_NO_DISPLAY;
    int version_ = 0;
    std::string extensions_;
};

/** Owns an EGLContext (GLES 2 or newer) of an EglDisplay. */
class EglContext
{
public:
    static Result<std::unique_ptr<EglContext>> create(const EglDisplay &display, EGLConfig config);
    ~EglContext();
    EglContext(const EglContext &) = delete;
    EglContext &operator=(const EglContext &) = delete;
    EGLContext get() const { return ctx_; }

private:
    EglContext(EGLDisplay dpy, EGLContext ctx) : dpy_(dpy), ctx_(ctx) {}
    EGLDisplay dpy_;
    EGLContext ctx_;
};

/** Owns an EGLSurface. */
class EglSurface
{
public:
    static Result<std::unique_ptr<EglSurface>> create(const EglDisplay &display, EGLConfig config,
                                                      gbm_surface *window);
    ~EglSurface();
    EglSurface(const EglSurface &) = delete;
    EglSurface &operator=(const EglSurface &) = delete;
    EGLSurface get() const { return surface_; }

private:
    EglSurface(EGLDisplay dpy, EGLSurface s) : dpy_(dpy), surface_(s) {}
    EGLDisplay dpy_;
    EGLSurface surface_;
};

/** Owns an EGLImage (EGL_KHR_image_base). */
class EglImage
{
public:
    static Result<std::unique_ptr<EglImage>> create(const EglDisplay &display, EGLenum target,
                                                    EGLClientBuffer buffer,
                                                    const std::vector<EGLint> &attribs);
    ~EglImage();
    EglImage(const EglImage &) = delete;
    EglImage &operator=(const EglImage &) = delete;
    EGLImageKHR get() const { return image_; }

private:
    EglImage(EGLDisplay dpy, EGLImageKHR image) : dpy_(dpy), image_(image) {}
    EGLDisplay dpy_;
    EGLImageKHR image_;
};

/** DRM_FORMAT_R8 and DRM_FORMAT_GR88: one plane of a YUV buffer as a GL texture. */
inline constexpr uint32_t kFormatR8 = fourcc('R', '8', ' ', ' ');
inline constexpr uint32_t kFormatGr88 = fourcc('G', 'R', '8', '8');

/**
 * How a multi-planar YUV buffer is sampled plane by plane: each plane of
 * the buffer is imported as an EGLImage of its own (R8 for luma and for
 * planar chroma, GR88 for interleaved chroma) and bound as a
 * GL_TEXTURE_2D; a shader of ours converts to RGB. Texture i reads plane i,
 * as large as the format's FormatLayout makes that plane. Y is the R
 * channel of texture 0; U and V are one channel each of the textures
 * named below.
 */
struct YuvPlaneLayout {
    struct Texture {
        uint32_t format; /* DRM fourcc the plane is imported as */
    };
    uint32_t textureCount; /* the format's plane count */
    Texture textures[3];
    /* Where U and V are: texture index, and channel in it (0 = R, 1 = G). */
    uint32_t uTexture, uChannel;
    uint32_t vTexture, vChannel;
};

/**
 * The per-plane layout of \a format (NV12, NV21, NV16, YUV420), or nullptr
 * for formats sampled as one external image (RGB, YUYV, UYVY).
 */
const YuvPlaneLayout *yuvPlaneLayout(uint32_t format);

/**
 * The GL textures sampling a dma_buf through EGLImages
 * (EGL_EXT_image_dma_buf_import, with modifiers where the buffer has an
 * explicit one). Create and destroy it with the context current.
 *
 * Single-plane formats (RGB, YUYV, UYVY) are one GL_TEXTURE_EXTERNAL_OES
 * image, YUV converted by the driver as BT.601 limited range, what V4L2
 * cameras send by default. Multi-planar YUV is one GL_TEXTURE_2D per plane
 * (yuvPlaneLayout()), converted by our shader: Mesa's llvmpipe (22.3)
 * accepts NV12 as a single external image but samples it as black, and
 * per-plane R8/GR88 images work wherever dma_buf import does.
 */
class DmaBufTexture
{
public:
    static Result<std::unique_ptr<DmaBufTexture>> create(const EglDisplay &display,
                                                         const DmaBufDescription &buffer);
    ~DmaBufTexture();
    DmaBufTexture(const DmaBufTexture &) = delete;
    DmaBufTexture &operator=(const DmaBufTexture &) = delete;

    /** The texture of \a index: 0 (the only one, or luma) up to textureCount() - 1. */
    uint32_t name(uint32_t index = 0) const { return index < count_ ? textures_[index] : 0; }
    uint32_t textureCount() const { return count_; }
    /** GL_TEXTURE_EXTERNAL_OES for one external image, GL_TEXTURE_2D per plane. */
    uint32_t target() const;
    /** The per-plane layout, nullptr for one external image. */
    const YuvPlaneLayout *yuv() const { return yuv_; }

private:
    DmaBufTexture() = default;
    Result<void> bind(uint32_t index, uint32_t target, const EglImage &image);

    const YuvPlaneLayout *yuv_ = nullptr;
    std::unique_ptr<EglImage> images_[3];
    uint32_t textures_[3] = {};
    uint32_t count_ = 0;
};

/** The name of the last EGL error, e.g. "EGL_BAD_MATCH". */
const char *eglErrorName(EGLint error);

/**
 * A GBM surface with an EGL window surface and context on it: the render
 * target of one output. Buffers come out of swap() locked, and go back with
 * release() once the display no longer scans them out.
 */
class RenderSurface
{
public:
    static Result<std::unique_ptr<RenderSurface>> create(int drmFd, uint32_t width, uint32_t height,
                                                         const FormatChoice &choice);
    ~RenderSurface();

    Result<void> makeCurrent();
    /** eglSwapBuffers, then locks and returns the new front buffer. */
    Result<gbm_bo *> swap();
    void release(gbm_bo *bo);

    gbm_device *gbmDevice() const { return gbm_.get(); }
    const EglDisplay &display() const { return *display_; }
    /** Whether the surface was made with explicit modifiers. */
    bool explicitModifiers() const { return explicitModifiers_; }
    const std::string &renderer() const { return renderer_; }

    /**
     * Whether the renderer can reach \a buffer's memory. A GPU can. Mesa's
     * software renderers (llvmpipe, softpipe through kms_swrast) read a
     * dma_buf through DRM_IOCTL_MODE_MAP_DUMB on its GEM handle, which the
     * kernel refuses (EINVAL) for memory imported from another device, such
     * as a camera's: the EGLImage is made all the same and the first draw
     * faults inside llvmpipe. Asked on an open file of our own, so no GEM
     * handle Mesa holds is touched.
     */
    Result<void> canSample(const DmaBufDescription &buffer) const;

private:
    RenderSurface() = default;

    /* Destruction runs bottom-up: EGL objects before the GBM surface and device. */
    GbmDevicePtr gbm_;
    GbmSurfacePtr surface_;
    std::unique_ptr<EglDisplay> display_;
    std::unique_ptr<EglContext> context_;
    std::unique_ptr<EglSurface> eglSurface_;
    bool explicitModifiers_ = false;
    std::string renderer_;
    /* llvmpipe or softpipe, and the device node kms_swrast maps buffers through. */
    bool software_ = false;
    std::string devicePath_;
};

} /* namespace scanout */
