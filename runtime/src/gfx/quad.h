/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>

#include <scanout/kms_types.h>
#include <scanout/result.h>

namespace scanout {

/**
 * Draws an external-image texture (a camera frame through an EGLImage)
 * into a rectangle of the current GL frame: the composition fallback when
 * no plane can show a buffer. Made and used with the context current.
 */
class TextureQuad
{
public:
    static Result<std::unique_ptr<TextureQuad>> create();
    ~TextureQuad();
    TextureQuad(const TextureQuad &) = delete;
    TextureQuad &operator=(const TextureQuad &) = delete;

    /** Draws \a texture (GL_TEXTURE_EXTERNAL_OES) stretched over \a dst of a \a width x \a height
     * frame. */
    void draw(uint32_t texture, const Rect &dst, uint32_t width, uint32_t height);

private:
    TextureQuad() = default;
    uint32_t program_ = 0;
    int position_ = -1, viewport_ = -1, sampler_ = -1;
};

} /* namespace scanout */
