/* SPDX-License-Identifier: MIT */
#include "kms/framebuffer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <scanout/log.h>

#ifndef DRM_IOCTL_MODE_CLOSEFB
/* Linux 6.8 uAPI; defined here so builds against older headers still use it at run time. */
struct drm_mode_closefb {
    __u32 fb_id;
    __u32 pad;
};
#define DRM_IOCTL_MODE_CLOSEFB DRM_IOWR(0xD0, struct drm_mode_closefb)
#endif

namespace scanout {

Framebuffer::~Framebuffer()
{
    /* Older kernels answer CLOSEFB with EINVAL or ENOTTY; remember that and use RMFB. */
    static bool closeFbMissing = false;
    if (!closeFbMissing) {
        drm_mode_closefb arg{id_, 0};
        if (drmIoctl(fd_, DRM_IOCTL_MODE_CLOSEFB, &arg) == 0)
            return;
        if (errno == EINVAL || errno == ENOTTY)
            closeFbMissing = true;
        else
            LOG_WARN("CLOSEFB framebuffer %u on fd %d: %s", id_, fd_, strerror(errno));
    }
    if (drmModeRmFB(fd_, id_) < 0)
        LOG_WARN("RMFB framebuffer %u on fd %d: %s", id_, fd_, strerror(errno));
}

Result<std::unique_ptr<Framebuffer>> Framebuffer::fromHandles(int fd, const FramebufferLayout &l,
                                                              bool modifiers)
{
    uint32_t id = 0;
    int ret;
    if (modifiers && l.modifier != kModifierInvalid) {
        uint64_t mods[4] = {};
        for (int i = 0; i < 4; i++)
            if (l.handles[i])
                mods[i] = l.modifier;
        ret = drmModeAddFB2WithModifiers(fd, l.width, l.height, l.format, l.handles, l.pitches,
                                         l.offsets, mods, &id, DRM_MODE_FB_MODIFIERS);
    } else {
        ret =
            drmModeAddFB2(fd, l.width, l.height, l.format, l.handles, l.pitches, l.offsets, &id, 0);
    }
    if (ret < 0)
        return makeError(errno, "AddFB2 %ux%u %s modifier %s on fd %d", l.width, l.height,
                         fourccName(l.format).c_str(), modifierName(l.modifier).c_str(), fd);
    return std::unique_ptr<Framebuffer>(new Framebuffer(fd, id, l));
}

Result<std::unique_ptr<Framebuffer>> Framebuffer::fromDmaBuf(int fd, const DmaBufDescription &desc,
                                                             bool modifiers)
{
    if (desc.planeCount < 1 || desc.planeCount > 4)
        return makeError(EINVAL, "dma_buf %ux%u %s: %u planes (1 to 4 allowed)", desc.width,
                         desc.height, fourccName(desc.format).c_str(), desc.planeCount);

    FramebufferLayout layout;
    layout.width = desc.width;
    layout.height = desc.height;
    layout.format = desc.format;
    layout.modifier = desc.modifier;

    /* GEM handles are per-bo: planes sharing one dma_buf get the same handle. */
    auto closeHandles = [&](uint32_t count) {
        for (uint32_t i = 0; i < count; i++) {
            bool seen = false;
            for (uint32_t j = 0; j < i; j++)
                seen |= layout.handles[j] == layout.handles[i];
            if (!seen && layout.handles[i])
                drmCloseBufferHandle(fd, layout.handles[i]);
        }
    };

    for (uint32_t i = 0; i < desc.planeCount; i++) {
        if (drmPrimeFDToHandle(fd, desc.planes[i].fd, &layout.handles[i]) < 0) {
            int err = errno;
            closeHandles(i);
            return makeError(err, "drmPrimeFDToHandle dma_buf fd %d (plane %u) on fd %d",
                             desc.planes[i].fd, i, fd);
        }
        layout.pitches[i] = desc.planes[i].pitch;
        layout.offsets[i] = desc.planes[i].offset;
    }

    Result<std::unique_ptr<Framebuffer>> fb = fromHandles(fd, layout, modifiers);
    /* The framebuffer holds its own references to the bos. */
    closeHandles(desc.planeCount);
    return fb;
}

Result<std::unique_ptr<DumbBuffer>> DumbBuffer::create(int fd, uint32_t width, uint32_t height,
                                                       uint32_t format, uint64_t modifier)
{
    const FormatLayout *fl = formatLayout(format);
    if (!fl || !packRgb(format, 0))
        return makeError(ENOTSUP, "dumb buffer: format %s not supported (packed RGB only)",
                         fourccName(format).c_str());

    Result<std::unique_ptr<DumbBuffer>> made = make(fd, width, height, fl->cpp[0] * 8u);
    if (!made)
        return made.error();
    std::unique_ptr<DumbBuffer> buf = std::move(*made);
    buf->format_ = format;

    FramebufferLayout layout;
    layout.width = width;
    layout.height = height;
    layout.format = format;
    layout.modifier = modifier;
    layout.handles[0] = buf->handle_;
    layout.pitches[0] = buf->pitch_;
    Result<std::unique_ptr<Framebuffer>> fb =
        Framebuffer::fromHandles(fd, layout, modifier != kModifierInvalid);
    if (!fb)
        return fb.error();
    buf->fb_ = std::move(*fb);
    return buf;
}

void DumbBuffer::fill(uint32_t rgb)
{
    uint32_t pixel = packRgb(format_, rgb).value_or(0);
    bool sixteenBit = formatLayout(format_)->cpp[0] == 2;
    for (uint32_t y = 0; y < height_; y++) {
        uint8_t *row = data() + size_t{y} * pitch_;
        if (sixteenBit)
            std::fill_n(reinterpret_cast<uint16_t *>(row), width_, static_cast<uint16_t>(pixel));
        else
            std::fill_n(reinterpret_cast<uint32_t *>(row), width_, pixel);
    }
}

Result<std::unique_ptr<DumbBuffer>> DumbBuffer::allocate(int fd, uint32_t rowBytes, uint32_t rows)
{
    if (rowBytes == 0 || rowBytes % 4 || rows == 0)
        return makeError(EINVAL,
                         "dumb buffer of %u rows of %u bytes on fd %d: rows must be whole "
                         "32-bit pixels",
                         rows, rowBytes, fd);
    return make(fd, rowBytes / 4, rows, 32);
}

Result<std::unique_ptr<DumbBuffer>> DumbBuffer::make(int fd, uint32_t width, uint32_t height,
                                                     uint32_t bpp)
{
    std::unique_ptr<DumbBuffer> buf(new DumbBuffer());
    buf->fd_ = fd;
    uint32_t pitch = 0;
    uint64_t size = 0;
    if (drmModeCreateDumbBuffer(fd, width, height, bpp, 0, &buf->handle_, &pitch, &size) < 0)
        return makeError(errno, "create dumb buffer %ux%u %ubpp on fd %d", width, height, bpp, fd);
    buf->width_ = width;
    buf->height_ = height;
    buf->pitch_ = pitch;
    buf->size_ = size;

    uint64_t offset = 0;
    if (drmModeMapDumbBuffer(fd, buf->handle_, &offset) < 0)
        return makeError(errno, "map dumb buffer handle %u on fd %d", buf->handle_, fd);
    void *map = mmap(nullptr, buf->size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                     static_cast<off_t>(offset));
    if (map == MAP_FAILED)
        return makeError(errno, "mmap dumb buffer handle %u (%zu bytes) on fd %d", buf->handle_,
                         buf->size_, fd);
    buf->map_ = map;
    return buf;
}

Result<UniqueFd> DumbBuffer::exportDmaBuf() const
{
    int out = -1;
    if (drmPrimeHandleToFD(fd_, handle_, DRM_CLOEXEC | DRM_RDWR, &out) < 0)
        return makeError(errno, "drmPrimeHandleToFD dumb buffer handle %u on fd %d", handle_, fd_);
    return UniqueFd(out);
}

DumbBuffer::~DumbBuffer()
{
    fb_.reset();
    if (map_)
        munmap(map_, size_);
    if (handle_)
        drmModeDestroyDumbBuffer(fd_, handle_);
}

} /* namespace scanout */
