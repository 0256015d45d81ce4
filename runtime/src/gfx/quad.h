/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>

#include <scanout/kms_types.h>
#include <scanout/result.h>

namespace scanout {

class DmaBufTexture;

/**
 * Draws a camera frame (a DmaBufTexture) into a rectangle of the current
 * GL frame: the composition fallback when no plane can show a buffer. One
 * program samples external images, another converts per-plane YUV (BT.601,
 * limited range); each is compiled on first use. Made and used with the
 * context current.
 */
class TextureQuad
{
public:
    static Result<std::unique_ptr<TextureQuad>> create();
    ~TextureQuad();
    TextureQuad(const TextureQuad &) = delete;
    TextureQuad &operator=(const TextureQuad &) = delete;

    /** Draws \a texture stretched over \a dst of a \a width x \a height frame. */
    Result<void> draw(const DmaBufTexture &texture, const Rect &dst, uint32_t width,
                      uint32_t height);

private:
    TextureQuad() = default;

    struct Program {
        uint32_t program = 0;
        int position = -1, viewport = -1;
        int samplers[3] = {-1, -1, -1};
        int uPick = -1, vPick = -1;
    };
    enum Kind { External, YuvPlanes, KindCount };
    static Result<Program> build(Kind kind);

    Program programs_[KindCount];
};

} /* namespace scanout */
