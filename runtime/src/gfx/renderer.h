/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <scanout/display.h>
#include <scanout/dma_buf.h>
#include <scanout/kms_types.h>
#include <scanout/result.h>
#include <scanout/select.h>
#include <scanout/transform.h>

/*
 * What the display needs of GL, behind an interface with no GBM, EGL or GL
 * type in it: the implementation (gl_renderer.cpp, with egl.cpp and
 * quad.cpp) is the module libscanout-gl.so, loaded the first time a display
 * draws with GL. A process showing only planes never maps Mesa.
 */

namespace scanout {

class Framebuffer;

/** A dma_buf sampled by GL through EGLImages. Destroy it with the context current. */
class RendererTexture
{
public:
    virtual ~RendererTexture() = default;
    /** The GL texture names and target, as the app sees them. */
    virtual BufferTexture info() const = 0;
};

/** GL frames of one output, rendered into GBM buffers the display scans out. */
class Renderer
{
public:
    /** A rendered frame: the renderer's buffer (locked until release()) and its framebuffer. */
    struct Frame {
        void *buffer = nullptr;
        const Framebuffer *framebuffer = nullptr;
    };

    virtual ~Renderer() = default;

    /** GL_RENDERER and GL_VERSION. */
    virtual const std::string &name() const = 0;
    virtual Result<void> makeCurrent() = 0;
    /** Fills the whole frame with \a rgb (0xRRGGBB). */
    virtual void clear(uint32_t rgb) = 0;
    /** Fills \a rect (pixels, from the frame's top left) with \a rgb. */
    virtual void fill(const Rect &rect, uint32_t rgb) = 0;
    /** Ends the frame: swaps, and returns the new front buffer with its framebuffer. */
    virtual Result<Frame> swap() = 0;
    /** Gives a buffer from swap() back, once the display no longer scans it out. */
    virtual void release(void *buffer) = 0;

    /** Whether GL can read \a buffer's memory (software renderers cannot read every dma_buf). */
    virtual Result<void> canSample(const DmaBufDescription &buffer) const = 0;
    /**
     * Textures sampling \a buffer; the program drawing them is compiled and
     * run once (over nothing) now, not in the first frame showing them.
     */
    virtual Result<std::unique_ptr<RendererTexture>>
    createTexture(const DmaBufDescription &buffer) = 0;
    /**
     * Draws \a texture stretched over \a dst, mirrored by \a reflection and
     * then turned counter-clockwise by \a turn (as OutputTransform lays out).
     */
    virtual Result<void> draw(const RendererTexture &texture, const Rect &dst, Rotation turn,
                              Reflection reflection) = 0;
};

/**
 * The entry point the module exports as kRendererSymbol (C linkage, so the
 * result comes back through \a out).
 */
using CreateRendererFn = void (*)(int drmFd, uint32_t width, uint32_t height,
                                  const FormatChoice *format, bool addFb2Modifiers,
                                  Result<std::unique_ptr<Renderer>> *out);

/* The module's file name, from the build (its soname follows the project's major version). */
inline constexpr const char *kRendererModule = SCANOUT_GL_MODULE;
inline constexpr const char *kRendererSymbol = "scanout_create_gl_renderer";

/**
 * Loads the GL module and makes a \a width x \a height renderer of
 * \a format on the device \a drmFd.
 */
Result<std::unique_ptr<Renderer>> createRenderer(int drmFd, uint32_t width, uint32_t height,
                                                 const FormatChoice &format, bool addFb2Modifiers);

} /* namespace scanout */
