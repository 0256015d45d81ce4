/* SPDX-License-Identifier: MIT */
#include "gfx/egl.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>

#include <GLES2/gl2.h>
#include <GLES2/gl2ext.h>
#include <xf86drm.h>

#include <scanout/log.h>
#include <scanout/unique_fd.h>

namespace scanout {

const char *eglErrorName(EGLint error)
{
    switch (error) {
#define CASE(e)                                                                                    \
    case e:                                                                                        \
        return #e
        CASE(EGL_SUCCESS);
        CASE(EGL_NOT_INITIALIZED);
        CASE(EGL_BAD_ACCESS);
        CASE(EGL_BAD_ALLOC);
        CASE(EGL_BAD_ATTRIBUTE);
        CASE(EGL_BAD_CONFIG);
        CASE(EGL_BAD_CONTEXT);
        CASE(EGL_BAD_CURRENT_SURFACE);
        CASE(EGL_BAD_DISPLAY);
        CASE(EGL_BAD_MATCH);
        CASE(EGL_BAD_NATIVE_PIXMAP);
        CASE(EGL_BAD_NATIVE_WINDOW);
        CASE(EGL_BAD_PARAMETER);
        CASE(EGL_BAD_SURFACE);
        CASE(EGL_CONTEXT_LOST);
#undef CASE
    default:
        return "unknown EGL error";
    }
}

namespace {

/* EGL reports failures through eglGetError, not errno: carry the name in the message. */
Error eglFailure(const char *what)
{
    EGLint err = eglGetError();
    return makeError(0, "%s failed: %s (0x%x)", what, eglErrorName(err), err);
}

bool hasToken(const char *list, const char *name)
{
    if (!list)
        return false;
    size_t len = strlen(name);
    for (const char *p = list; (p = strstr(p, name)); p += len)
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return true;
    return false;
}

} /* namespace */

Result<std::unique_ptr<EglDisplay>> EglDisplay::create(gbm_device *gbm)
{
    const char *clientExts = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (!hasToken(clientExts, "EGL_KHR_platform_gbm") &&
        !hasToken(clientExts, "EGL_MESA_platform_gbm"))
        return makeError(ENOTSUP, "EGL has no GBM platform (client extensions: %s)",
                         clientExts ? clientExts : "none");

    std::unique_ptr<EglDisplay> d(new EglDisplay());

    /* EGL 1.5 core first; the EXT entry point serves EGL 1.4 stacks. */
    auto getPlatformDisplay = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
        eglGetProcAddress("eglGetPlatformDisplayEXT"));
    d->dpy_ = eglGetPlatformDisplay(EGL_PLATFORM_GBM_KHR, gbm, nullptr);
    if (d->dpy_ == EGL_NO_DISPLAY && getPlatformDisplay)
        d->dpy_ = getPlatformDisplay(EGL_PLATFORM_GBM_KHR, gbm, nullptr);
    if (d->dpy_ == EGL_NO_DISPLAY)
        return eglFailure("eglGetPlatformDisplay(EGL_PLATFORM_GBM_KHR)");

    EGLint major = 0, minor = 0;
    if (!eglInitialize(d->dpy_, &major, &minor)) {
        Error err = eglFailure("eglInitialize");
        d->dpy_ = EGL_NO_DISPLAY;
        return err;
    }
    d->version_ = major * 10 + minor;
    const char *exts = eglQueryString(d->dpy_, EGL_EXTENSIONS);
    d->extensions_ = exts ? exts : "";
    LOG_DEBUG("EGL %d.%d, %s", major, minor, eglQueryString(d->dpy_, EGL_VENDOR));

    if (!eglBindAPI(EGL_OPENGL_ES_API))
        return eglFailure("eglBindAPI(EGL_OPENGL_ES_API)");
    return d;
}

EglDisplay::~EglDisplay()
{
    if (dpy_ != EGL_NO_DISPLAY) {
        eglMakeCurrent(dpy_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        eglTerminate(dpy_);
        eglReleaseThread();
    }
}

bool EglDisplay::hasExtension(const char *name) const
{
    return hasToken(extensions_.c_str(), name);
}

Result<EGLConfig> EglDisplay::configForFormat(uint32_t format) const
{
    static const EGLint attribs[] = {
        EGL_SURFACE_TYPE,
        EGL_WINDOW_BIT,
        EGL_RENDERABLE_TYPE,
        EGL_OPENGL_ES2_BIT,
        EGL_RED_SIZE,
        1,
        EGL_GREEN_SIZE,
        1,
        EGL_BLUE_SIZE,
        1,
        EGL_NONE,
    };
    EGLint count = 0;
    if (!eglChooseConfig(dpy_, attribs, nullptr, 0, &count) || count < 1)
        return eglFailure("eglChooseConfig (window, GLES2)");

    std::vector<EGLConfig> configs(static_cast<size_t>(count));
    if (!eglChooseConfig(dpy_, attribs, configs.data(), count, &count))
        return eglFailure("eglChooseConfig (window, GLES2)");

    /* The GBM surface format must match the config's native visual exactly. */
    for (EGLint i = 0; i < count; i++) {
        EGLint visual = 0;
        if (eglGetConfigAttrib(dpy_, configs[i], EGL_NATIVE_VISUAL_ID, &visual) &&
            static_cast<uint32_t>(visual) == format)
            return configs[i];
    }
    return makeError(ENOTSUP, "no EGL config with native visual %s among %d GLES2 configs",
                     fourccName(format).c_str(), count);
}

Result<std::unique_ptr<EglContext>> EglContext::create(const EglDisplay &display, EGLConfig config)
{
    static const EGLint attribs[] = {EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE};
    EGLContext ctx = eglCreateContext(display.get(), config, EGL_NO_CONTEXT, attribs);
    if (ctx == EGL_NO_CONTEXT)
        return eglFailure("eglCreateContext (GLES 2)");
    return std::unique_ptr<EglContext>(new EglContext(display.get(), ctx));
}

EglContext::~EglContext()
{
    eglDestroyContext(dpy_, ctx_);
}

Result<std::unique_ptr<EglSurface>> EglSurface::create(const EglDisplay &display, EGLConfig config,
                                                       gbm_surface *window)
{
    /* The EGL 1.5 entry point on 1.5 displays, the EXT one on 1.4 stacks. */
    EGLSurface s = EGL_NO_SURFACE;
    if (display.version() >= 15) {
        s = eglCreatePlatformWindowSurface(display.get(), config, window, nullptr);
    } else {
        auto create = reinterpret_cast<PFNEGLCREATEPLATFORMWINDOWSURFACEEXTPROC>(
            eglGetProcAddress("eglCreatePlatformWindowSurfaceEXT"));
        if (create)
            s = create(display.get(), config, window, nullptr);
    }
    if (s == EGL_NO_SURFACE)
        return eglFailure("eglCreatePlatformWindowSurface on the GBM surface");
    return std::unique_ptr<EglSurface>(new EglSurface(display.get(), s));
}

EglSurface::~EglSurface()
{
    eglDestroySurface(dpy_, surface_);
}

Result<std::unique_ptr<EglImage>> EglImage::create(const EglDisplay &display, EGLenum target,
                                                   EGLClientBuffer buffer,
                                                   const std::vector<EGLint> &attribs)
{
    auto createImage =
        reinterpret_cast<PFNEGLCREATEIMAGEKHRPROC>(eglGetProcAddress("eglCreateImageKHR"));
    if (!createImage || !display.hasExtension("EGL_KHR_image_base"))
        return makeError(ENOTSUP, "EGL_KHR_image_base is not supported");
    EGLImageKHR image = createImage(display.get(), EGL_NO_CONTEXT, target, buffer, attribs.data());
    if (image == EGL_NO_IMAGE_KHR)
        return eglFailure("eglCreateImageKHR");
    return std::unique_ptr<EglImage>(new EglImage(display.get(), image));
}

EglImage::~EglImage()
{
    auto destroyImage =
        reinterpret_cast<PFNEGLDESTROYIMAGEKHRPROC>(eglGetProcAddress("eglDestroyImageKHR"));
    if (destroyImage)
        destroyImage(dpy_, image_);
}

namespace {

/* Chroma as drm_fourcc.h lays it out: NV12/NV16 bytes U, V (GR88's R, G); NV21 V, U. */
constexpr YuvPlaneLayout kNv12Layout = {
    .textureCount = 2,
    .textures = {{kFormatR8}, {kFormatGr88}},
    .uTexture = 1,
    .uChannel = 0,
    .vTexture = 1,
    .vChannel = 1,
};
constexpr YuvPlaneLayout kNv21Layout = {
    .textureCount = 2,
    .textures = {{kFormatR8}, {kFormatGr88}},
    .uTexture = 1,
    .uChannel = 1,
    .vTexture = 1,
    .vChannel = 0,
};
constexpr YuvPlaneLayout kNv16Layout = {
    .textureCount = 2,
    .textures = {{kFormatR8}, {kFormatGr88}},
    .uTexture = 1,
    .uChannel = 0,
    .vTexture = 1,
    .vChannel = 1,
};
constexpr YuvPlaneLayout kYuv420Layout = {
    .textureCount = 3,
    .textures = {{kFormatR8}, {kFormatR8}, {kFormatR8}},
    .uTexture = 1,
    .uChannel = 0,
    .vTexture = 2,
    .vChannel = 0,
};

/* An image of \a format, \a width x \a height, from \a count planes of \a buffer from \a first. */
std::vector<EGLint> imageAttribs(const DmaBufDescription &buffer, bool modifiers, uint32_t format,
                                 uint32_t width, uint32_t height, uint32_t first, uint32_t count)
{
    static const EGLint planeKeys[3][5] = {
        {EGL_DMA_BUF_PLANE0_FD_EXT, EGL_DMA_BUF_PLANE0_OFFSET_EXT, EGL_DMA_BUF_PLANE0_PITCH_EXT,
         EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT},
        {EGL_DMA_BUF_PLANE1_FD_EXT, EGL_DMA_BUF_PLANE1_OFFSET_EXT, EGL_DMA_BUF_PLANE1_PITCH_EXT,
         EGL_DMA_BUF_PLANE1_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE1_MODIFIER_HI_EXT},
        {EGL_DMA_BUF_PLANE2_FD_EXT, EGL_DMA_BUF_PLANE2_OFFSET_EXT, EGL_DMA_BUF_PLANE2_PITCH_EXT,
         EGL_DMA_BUF_PLANE2_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE2_MODIFIER_HI_EXT},
    };
    std::vector<EGLint> attribs = {
        EGL_WIDTH,
        static_cast<EGLint>(width),
        EGL_HEIGHT,
        static_cast<EGLint>(height),
        EGL_LINUX_DRM_FOURCC_EXT,
        static_cast<EGLint>(format),
    };
    for (uint32_t i = 0; i < count; i++) {
        const DmaBufDescription::Plane &p = buffer.planes[first + i];
        attribs.insert(attribs.end(),
                       {planeKeys[i][0], p.fd, planeKeys[i][1], static_cast<EGLint>(p.offset),
                        planeKeys[i][2], static_cast<EGLint>(p.pitch)});
        if (modifiers)
            attribs.insert(attribs.end(),
                           {planeKeys[i][3], static_cast<EGLint>(buffer.modifier & 0xffffffff),
                            planeKeys[i][4], static_cast<EGLint>(buffer.modifier >> 32)});
    }
    const FormatLayout *layout = formatLayout(format);
    if (layout && layout->yuv)
        attribs.insert(attribs.end(), {EGL_YUV_COLOR_SPACE_HINT_EXT, EGL_ITU_REC601_EXT,
                                       EGL_SAMPLE_RANGE_HINT_EXT, EGL_YUV_NARROW_RANGE_EXT});
    attribs.push_back(EGL_NONE);
    return attribs;
}

} /* namespace */

const YuvPlaneLayout *yuvPlaneLayout(uint32_t format)
{
    switch (format) {
    case kFormatNv12:
        return &kNv12Layout;
    case kFormatNv21:
        return &kNv21Layout;
    case kFormatNv16:
        return &kNv16Layout;
    case kFormatYuv420:
        return &kYuv420Layout;
    default:
        return nullptr;
    }
}

Result<std::unique_ptr<DmaBufTexture>> DmaBufTexture::create(const EglDisplay &display,
                                                             const DmaBufDescription &buffer)
{
    const YuvPlaneLayout *yuv = yuvPlaneLayout(buffer.format);
    const char *glExtension = yuv ? "GL_OES_EGL_image" : "GL_OES_EGL_image_external";
    if (!display.hasExtension("EGL_EXT_image_dma_buf_import"))
        return makeError(ENOTSUP, "EGL_EXT_image_dma_buf_import is not supported");
    const char *glExtensions = reinterpret_cast<const char *>(glGetString(GL_EXTENSIONS));
    if (!eglGetProcAddress("glEGLImageTargetTexture2DOES") || !hasToken(glExtensions, glExtension))
        return makeError(ENOTSUP, "%s is not supported, needed for %s", glExtension,
                         fourccName(buffer.format).c_str());
    const FormatLayout *layout = formatLayout(buffer.format);
    if (yuv && !layout)
        return makeError(EINVAL, "dma_buf %s: no plane layout", fourccName(buffer.format).c_str());
    uint32_t planesNeeded = yuv ? yuv->textureCount : 1;
    if (buffer.planeCount < planesNeeded || buffer.planeCount > 3)
        return makeError(EINVAL, "dma_buf %ux%u %s: %u planes (the format needs %u, EGL takes 3)",
                         buffer.width, buffer.height, fourccName(buffer.format).c_str(),
                         buffer.planeCount, planesNeeded);

    bool modifiers = buffer.modifier != kModifierInvalid &&
                     display.hasExtension("EGL_EXT_image_dma_buf_import_modifiers");
    std::unique_ptr<DmaBufTexture> tex(new DmaBufTexture());
    tex->yuv_ = yuv;
    tex->count_ = yuv ? yuv->textureCount : 1;
    for (uint32_t i = 0; i < tex->count_; i++) {
        std::vector<EGLint> attribs;
        uint32_t format = buffer.format;
        uint32_t plane = yuv ? i : 0;
        if (yuv) {
            format = yuv->textures[i].format;
            attribs = imageAttribs(buffer, modifiers, format, layout->columns(i, buffer.width),
                                   layout->rows(i, buffer.height), i, 1);
        } else {
            attribs = imageAttribs(buffer, modifiers, buffer.format, buffer.width, buffer.height, 0,
                                   buffer.planeCount);
        }
        Result<std::unique_ptr<EglImage>> image =
            EglImage::create(display, EGL_LINUX_DMA_BUF_EXT, nullptr, attribs);
        if (!image)
            return makeError(image.error().errnum(),
                             "import plane %u of dma_buf %ux%u %s (fd %d, offset %u) as %s "
                             "EGLImage: %s",
                             plane, buffer.width, buffer.height, fourccName(buffer.format).c_str(),
                             buffer.planes[plane].fd, buffer.planes[plane].offset,
                             fourccName(format).c_str(), image.error().message().c_str());
        tex->images_[i] = std::move(*image);
        if (Result<void> r = tex->bind(i, tex->target(), *tex->images_[i]); !r)
            return makeError(0, "plane %u of dma_buf %ux%u %s as %s: %s", plane, buffer.width,
                             buffer.height, fourccName(buffer.format).c_str(),
                             fourccName(format).c_str(), r.error().message().c_str());
    }
    return tex;
}

/* A texture of the image, filtered and clamped as GLES 2 allows any size. */
Result<void> DmaBufTexture::bind(uint32_t index, uint32_t target, const EglImage &image)
{
    auto targetTexture = reinterpret_cast<PFNGLEGLIMAGETARGETTEXTURE2DOESPROC>(
        eglGetProcAddress("glEGLImageTargetTexture2DOES"));
    GLuint name = 0;
    glGenTextures(1, &name);
    textures_[index] = name;
    glBindTexture(target, name);
    glTexParameteri(target, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(target, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    targetTexture(target, image.get());
    GLenum err = glGetError();
    glBindTexture(target, 0);
    if (err != GL_NO_ERROR)
        return makeError(0, "glEGLImageTargetTexture2DOES(0x%x): GL error 0x%x", target, err);
    return {};
}

DmaBufTexture::~DmaBufTexture()
{
    for (uint32_t i = 0; i < count_; i++) {
        GLuint name = textures_[i];
        if (name)
            glDeleteTextures(1, &name);
    }
}

uint32_t DmaBufTexture::target() const
{
    return yuv_ ? GL_TEXTURE_2D : GL_TEXTURE_EXTERNAL_OES;
}

Result<std::unique_ptr<RenderSurface>>
RenderSurface::create(int drmFd, uint32_t width, uint32_t height, const FormatChoice &choice)
{
    std::unique_ptr<RenderSurface> rs(new RenderSurface());

    errno = 0;
    rs->gbm_.reset(gbm_create_device(drmFd));
    if (!rs->gbm_)
        return makeError(errno ? errno : ENODEV, "gbm_create_device on fd %d: no GBM backend",
                         drmFd);

    const uint32_t usage = GBM_BO_USE_SCANOUT | GBM_BO_USE_RENDERING;
    /* GBM does not always set errno: cleared before each call, EINVAL where it stays 0. */
    if (!choice.modifiers.empty()) {
        errno = 0;
        rs->surface_.reset(gbm_surface_create_with_modifiers2(
            rs->gbm_.get(), width, height, choice.format, choice.modifiers.data(),
            static_cast<unsigned>(choice.modifiers.size()), usage));
        if (rs->surface_)
            rs->explicitModifiers_ = true;
        else if (!choice.implicitAllowed)
            return makeError(errno ? errno : EINVAL,
                             "gbm_surface_create_with_modifiers2 on fd %d: %ux%u %s modifiers %s "
                             "(the implicit layout is not allowed)",
                             drmFd, width, height, fourccName(choice.format).c_str(),
                             modifierNames(choice.modifiers).c_str());
        else
            LOG_INFO("GBM surface %ux%u %s with modifiers %s failed; trying without", width, height,
                     fourccName(choice.format).c_str(), modifierNames(choice.modifiers).c_str());
    }
    if (!rs->surface_) {
        errno = 0;
        rs->surface_.reset(gbm_surface_create(rs->gbm_.get(), width, height, choice.format, usage));
        if (!rs->surface_)
            return makeError(errno ? errno : EINVAL,
                             "gbm_surface_create on fd %d: %ux%u %s (scanout, rendering)", drmFd,
                             width, height, fourccName(choice.format).c_str());
    }

    Result<std::unique_ptr<EglDisplay>> display = EglDisplay::create(rs->gbm_.get());
    if (!display)
        return display.error();
    rs->display_ = std::move(*display);

    Result<EGLConfig> config = rs->display_->configForFormat(choice.format);
    if (!config)
        return config.error();

    Result<std::unique_ptr<EglContext>> context = EglContext::create(*rs->display_, *config);
    if (!context)
        return context.error();
    rs->context_ = std::move(*context);

    Result<std::unique_ptr<EglSurface>> surface =
        EglSurface::create(*rs->display_, *config, rs->surface_.get());
    if (!surface)
        return surface.error();
    rs->eglSurface_ = std::move(*surface);

    if (Result<void> r = rs->makeCurrent(); !r)
        return r.error();
    const char *renderer = reinterpret_cast<const char *>(glGetString(GL_RENDERER));
    const char *version = reinterpret_cast<const char *>(glGetString(GL_VERSION));
    rs->renderer_ = format("%s, %s", renderer ? renderer : "?", version ? version : "?");
    rs->software_ = renderer && (strncmp(renderer, "llvmpipe", 8) == 0 ||
                                 strncmp(renderer, "softpipe", 8) == 0);
    if (char *path = drmGetDeviceNameFromFd2(drmFd)) {
        rs->devicePath_ = path;
        free(path);
    }
    LOG_INFO("GL: %s; surface %ux%u %s%s", rs->renderer_.c_str(), width, height,
             fourccName(choice.format).c_str(),
             rs->explicitModifiers_ ? " with explicit modifiers" : "");
    return rs;
}

RenderSurface::~RenderSurface()
{
    if (display_)
        eglMakeCurrent(display_->get(), EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
}

Result<void> RenderSurface::makeCurrent()
{
    if (!eglMakeCurrent(display_->get(), eglSurface_->get(), eglSurface_->get(), context_->get()))
        return eglFailure("eglMakeCurrent");
    return {};
}

Result<gbm_bo *> RenderSurface::swap()
{
    if (!eglSwapBuffers(display_->get(), eglSurface_->get()))
        return eglFailure("eglSwapBuffers");
    gbm_bo *bo = gbm_surface_lock_front_buffer(surface_.get());
    if (!bo)
        return makeError(EBUSY, "gbm_surface_lock_front_buffer: every buffer of the GBM "
                                "surface is locked");
    return bo;
}

void RenderSurface::release(gbm_bo *bo)
{
    gbm_surface_release_buffer(surface_.get(), bo);
}

Result<void> RenderSurface::canSample(const DmaBufDescription &buffer) const
{
    if (!software_ || devicePath_.empty())
        return {};
    UniqueFd probe(::open(devicePath_.c_str(), O_RDWR | O_CLOEXEC));
    if (!probe.isValid())
        return makeError(errno, "open %s to check access to dma_buf fd %d", devicePath_.c_str(),
                         buffer.planes[0].fd);
    for (uint32_t i = 0; i < buffer.planeCount; i++) {
        int fd = buffer.planes[i].fd;
        if (i > 0 && fd == buffer.planes[i - 1].fd)
            continue;
        uint32_t handle = 0;
        if (drmPrimeFDToHandle(probe.get(), fd, &handle) < 0)
            return makeError(errno, "drmPrimeFDToHandle dma_buf fd %d (plane %u) on %s", fd, i,
                             devicePath_.c_str());
        drm_mode_map_dumb map = {};
        map.handle = handle;
        int ret = drmIoctl(probe.get(), DRM_IOCTL_MODE_MAP_DUMB, &map);
        int err = errno;
        drmCloseBufferHandle(probe.get(), handle);
        if (ret < 0)
            return makeError(err,
                             "software GL (%s) cannot read dma_buf fd %d (plane %u, %ux%u %s): "
                             "MAP_DUMB on %s refuses memory imported from another device",
                             renderer_.c_str(), fd, i, buffer.width, buffer.height,
                             fourccName(buffer.format).c_str(), devicePath_.c_str());
    }
    return {};
}

} /* namespace scanout */
