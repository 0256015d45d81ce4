/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>

#include <scanout/dma_buf.h>
#include <scanout/result.h>
#include <scanout/unique_fd.h>

namespace scanout {

/** Buffer handles as AddFB2 takes them: up to four planes of one or more GEM objects. */
struct FramebufferLayout {
    uint32_t width = 0, height = 0, format = 0;
    uint64_t modifier = kModifierInvalid;
    uint32_t handles[4] = {};
    uint32_t pitches[4] = {};
    uint32_t offsets[4] = {};
};

/**
 * Owns one KMS framebuffer id. Destruction uses CLOSEFB where the kernel has
 * it (6.8+: a framebuffer still on screen stays there, so a "leave the last
 * frame" exit works), else RMFB.
 */
class Framebuffer
{
public:
    ~Framebuffer();
    Framebuffer(const Framebuffer &) = delete;
    Framebuffer &operator=(const Framebuffer &) = delete;

    uint32_t id() const { return id_; }
    uint32_t width() const { return width_; }
    uint32_t height() const { return height_; }
    uint32_t format() const { return format_; }

    /**
     * AddFB2 over GEM handles the caller owns. Uses the modifier only when it
     * is explicit and \a modifiers (the device's ADDFB2_MODIFIERS cap) is set.
     */
    static Result<std::unique_ptr<Framebuffer>> fromHandles(int fd, const FramebufferLayout &layout,
                                                            bool modifiers);

    /**
     * Imports dma_buf fds with drmPrimeFDToHandle, adds the framebuffer and
     * closes the GEM handles right away (each distinct handle once).
     * GEM handles are per open file: a dma_buf exported from a bo that GBM
     * allocated on this same fd resolves to GBM's own handle, which this
     * would close under it. Such buffers get theirs from the GL renderer.
     */
    static Result<std::unique_ptr<Framebuffer>> fromDmaBuf(int fd, const DmaBufDescription &desc,
                                                           bool modifiers);

private:
    Framebuffer(int fd, uint32_t id, const FramebufferLayout &layout)
        : fd_(fd), id_(id), width_(layout.width), height_(layout.height), format_(layout.format)
    {
    }

    int fd_;
    uint32_t id_;
    uint32_t width_, height_, format_;
};

/** A dumb buffer: CPU-mapped scanout memory every KMS driver offers. */
class DumbBuffer
{
public:
    /**
     * A buffer of a packed RGB \a format (formatLayout()'s 16- and 32-bit
     * RGB ones) with its framebuffer on \a fd. Dumb buffers are linear:
     * \a modifier is kModifierLinear to say so in AddFB2, or kModifierInvalid
     * to add the framebuffer without a modifier.
     */
    static Result<std::unique_ptr<DumbBuffer>> create(int fd, uint32_t width, uint32_t height,
                                                      uint32_t format,
                                                      uint64_t modifier = kModifierInvalid);
    /**
     * Memory only, no framebuffer: \a rowBytes by \a rows bytes. Allocated
     * as 32 bpp pixels because some drivers (virtio-gpu) take no other
     * depth, so \a rowBytes must be a multiple of 4.
     */
    static Result<std::unique_ptr<DumbBuffer>> allocate(int fd, uint32_t rowBytes, uint32_t rows);
    ~DumbBuffer();
    DumbBuffer(const DumbBuffer &) = delete;
    DumbBuffer &operator=(const DumbBuffer &) = delete;

    uint32_t handle() const { return handle_; }
    uint32_t pitch() const { return pitch_; }
    uint8_t *data() const { return static_cast<uint8_t *>(map_); }
    size_t size() const { return size_; }
    /** Only for buffers made with create(). */
    const Framebuffer &framebuffer() const { return *fb_; }
    /** Paints every pixel 0xRRGGBB (packRgb()). Only for buffers made with create(). */
    void fill(uint32_t rgb);

    /** Exports the buffer as a dma_buf fd (close-on-exec, read-write). */
    Result<UniqueFd> exportDmaBuf() const;

private:
    DumbBuffer() = default;
    static Result<std::unique_ptr<DumbBuffer>> make(int fd, uint32_t width, uint32_t height,
                                                    uint32_t bpp);

    int fd_ = -1;
    uint32_t handle_ = 0, pitch_ = 0;
    uint32_t width_ = 0, height_ = 0, format_ = 0; /* format_: create() only */
    size_t size_ = 0;
    void *map_ = nullptr;
    std::unique_ptr<Framebuffer> fb_;
};

} /* namespace scanout */
