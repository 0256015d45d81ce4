/* SPDX-License-Identifier: MIT */
/*
 * The GL renderer module (libscanout-gl.so): GBM surface, EGL context and
 * GLES drawing behind the Renderer interface, loaded by the display on
 * first use.
 */
#include <type_traits>

#include <GLES2/gl2.h>
#include <gbm.h>

#include <scanout/log.h>

#include "gfx/egl.h"
#include "gfx/quad.h"
#include "gfx/renderer.h"
#include "kms/framebuffer.h"

namespace scanout {

namespace {

void destroyBoFramebuffer(gbm_bo *, void *data)
{
    delete static_cast<Framebuffer *>(data);
}

/*
 * The framebuffer of a GBM bo, created on first use and cached on the bo
 * (gbm_bo_set_user_data), so it lives exactly as long as the bo. GBM owns
 * the handles: they are not closed after AddFB.
 */
Result<const Framebuffer *> framebufferForBo(int fd, gbm_bo *bo, bool modifiers)
{
    if (void *cached = gbm_bo_get_user_data(bo))
        return static_cast<const Framebuffer *>(cached);

    FramebufferLayout layout;
    layout.width = gbm_bo_get_width(bo);
    layout.height = gbm_bo_get_height(bo);
    layout.format = gbm_bo_get_format(bo);
    layout.modifier = gbm_bo_get_modifier(bo);
    int planes = gbm_bo_get_plane_count(bo);
    for (int i = 0; i < planes && i < 4; i++) {
        layout.handles[i] = gbm_bo_get_handle_for_plane(bo, i).u32;
        layout.pitches[i] = gbm_bo_get_stride_for_plane(bo, i);
        layout.offsets[i] = gbm_bo_get_offset(bo, i);
    }

    Result<std::unique_ptr<Framebuffer>> fb = Framebuffer::fromHandles(fd, layout, modifiers);
    if (!fb)
        return fb.error();
    Framebuffer *raw = fb->release();
    gbm_bo_set_user_data(bo, raw, destroyBoFramebuffer);
    LOG_DEBUG("framebuffer %u for GBM bo %p: %ux%u %s %s", raw->id(), static_cast<void *>(bo),
              layout.width, layout.height, fourccName(layout.format).c_str(),
              modifierName(layout.modifier).c_str());
    return static_cast<const Framebuffer *>(raw);
}

void clearColour(uint32_t rgb)
{
    glClearColor(((rgb >> 16) & 0xff) / 255.0f, ((rgb >> 8) & 0xff) / 255.0f, (rgb & 0xff) / 255.0f,
                 1.0f);
}

class GlTexture final : public RendererTexture
{
public:
    explicit GlTexture(std::unique_ptr<DmaBufTexture> texture) : texture_(std::move(texture)) {}

    BufferTexture info() const override
    {
        BufferTexture out{texture_->name(), texture_->target(), texture_->textureCount(), {}};
        for (uint32_t i = 0; i < out.planeCount; i++)
            out.planes[i] = texture_->name(i);
        return out;
    }

    const DmaBufTexture &texture() const { return *texture_; }

private:
    std::unique_ptr<DmaBufTexture> texture_;
};

class GlRenderer final : public Renderer
{
public:
    GlRenderer(int fd, uint32_t width, uint32_t height, bool modifiers,
               std::unique_ptr<RenderSurface> surface)
        : fd_(fd), width_(width), height_(height), modifiers_(modifiers),
          surface_(std::move(surface))
    {
    }

    ~GlRenderer() override
    {
        /* The quad's programs need their context. */
        if (quad_ && surface_->makeCurrent())
            quad_.reset();
    }

    const std::string &name() const override { return surface_->renderer(); }

    Result<void> makeCurrent() override { return surface_->makeCurrent(); }

    void clear(uint32_t rgb) override
    {
        clearColour(rgb);
        glClear(GL_COLOR_BUFFER_BIT);
    }

    void fill(const Rect &rect, uint32_t rgb) override
    {
        /* A scissored clear: no shader, no texture. GL counts rows from the bottom. */
        glEnable(GL_SCISSOR_TEST);
        glScissor(rect.x, static_cast<GLint>(height_) - rect.y - static_cast<GLint>(rect.height),
                  static_cast<GLsizei>(rect.width), static_cast<GLsizei>(rect.height));
        clear(rgb);
        glDisable(GL_SCISSOR_TEST);
    }

    Result<Frame> swap() override
    {
        Result<gbm_bo *> bo = surface_->swap();
        if (!bo)
            return bo.error();
        Result<const Framebuffer *> fb =
            framebufferForBo(fd_, *bo, modifiers_ && surface_->explicitModifiers());
        if (!fb) {
            surface_->release(*bo);
            return fb.error();
        }
        return Frame{*bo, *fb};
    }

    void release(void *buffer) override { surface_->release(static_cast<gbm_bo *>(buffer)); }

    Result<void> canSample(const DmaBufDescription &buffer) const override
    {
        return surface_->canSample(buffer);
    }

    Result<std::unique_ptr<RendererTexture>> createTexture(const DmaBufDescription &buffer) override
    {
        if (Result<void> r = surface_->makeCurrent(); !r)
            return r.error();
        if (Result<void> r = surface_->canSample(buffer); !r)
            return r.error();
        Result<std::unique_ptr<DmaBufTexture>> texture =
            DmaBufTexture::create(surface_->display(), buffer);
        if (!texture)
            return texture.error();
        if (!quad_) {
            Result<std::unique_ptr<TextureQuad>> quad = TextureQuad::create();
            if (!quad)
                return quad.error();
            quad_ = std::move(*quad);
        }
        if (Result<void> r = quad_->prepare(**texture, width_, height_); !r)
            return r.error();
        return std::unique_ptr<RendererTexture>(new GlTexture(std::move(*texture)));
    }

    Result<void> draw(const RendererTexture &texture, const Rect &dst, Rotation turn,
                      Reflection reflection) override
    {
        if (!quad_)
            return makeError(EINVAL, "draw: no texture was made by this renderer");
        return quad_->draw(static_cast<const GlTexture &>(texture).texture(), dst, width_, height_,
                           OutputTransform(1, 1, turn, reflection));
    }

private:
    int fd_;
    uint32_t width_, height_;
    bool modifiers_;
    std::unique_ptr<RenderSurface> surface_;
    std::unique_ptr<TextureQuad> quad_;
};

} /* namespace */

} /* namespace scanout */

extern "C" __attribute__((visibility("default"))) void
scanout_create_gl_renderer(int drmFd, uint32_t width, uint32_t height,
                           const scanout::FormatChoice *format, bool addFb2Modifiers,
                           scanout::Result<std::unique_ptr<scanout::Renderer>> *out)
{
    using namespace scanout;
    Result<std::unique_ptr<RenderSurface>> surface =
        RenderSurface::create(drmFd, width, height, *format);
    if (!surface) {
        *out = surface.error();
        return;
    }
    *out = std::unique_ptr<Renderer>(
        new GlRenderer(drmFd, width, height, addFb2Modifiers, std::move(*surface)));
}

static_assert(std::is_same_v<decltype(&scanout_create_gl_renderer), scanout::CreateRendererFn>,
              "the module's entry point has the type the display calls it with");
