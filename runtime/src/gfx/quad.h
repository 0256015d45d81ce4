/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <scanout/kms_types.h>
#include <scanout/result.h>
#include <scanout/transform.h>

namespace scanout {

class DmaBufTexture;
struct YuvPlaneLayout;

/**
 * Draws a camera frame (a DmaBufTexture) into a rectangle of the current
 * GL frame: the composition fallback when no plane can show a buffer. One
 * program samples external images; per-plane YUV gets a program for its
 * plane layout, converting BT.601 limited range. Each is compiled on first
 * use. Made and used with the context current.
 */
class TextureQuad
{
public:
    static Result<std::unique_ptr<TextureQuad>> create();
    ~TextureQuad();
    TextureQuad(const TextureQuad &) = delete;
    TextureQuad &operator=(const TextureQuad &) = delete;

    /**
     * Draws \a texture stretched over \a dst of a \a width x \a height frame,
     * laid out as \a unit (a 1x1 OutputTransform: mirrored, then turned
     * counter-clockwise) lays out a picture; dst is where it lands.
     */
    Result<void> draw(const DmaBufTexture &texture, const Rect &dst, uint32_t width,
                      uint32_t height, const OutputTransform &unit);

    /**
     * Builds the program for \a texture and draws it once over an empty
     * scissor box: nothing is written, but drivers that compile at first
     * draw (llvmpipe JITs each shader variant then, seconds under TCG) do
     * it now rather than in the first frame showing the texture. The
     * scissor state is put back.
     */
    Result<void> prepare(const DmaBufTexture &texture, uint32_t width, uint32_t height);

private:
    TextureQuad() = default;

    struct Program {
        /* nullptr: the external-image program. */
        const YuvPlaneLayout *layout = nullptr;
        uint32_t program = 0;
        int position = -1, texcoord = -1, viewport = -1;
        int samplers[3] = {-1, -1, -1};
    };
    static Result<Program> build(const YuvPlaneLayout *layout);
    Result<const Program *> program(const YuvPlaneLayout *layout);
    void drawQuad(const Program &p, const DmaBufTexture &texture, const Rect &dst, uint32_t width,
                  uint32_t height, const OutputTransform &unit);

    std::vector<Program> programs_;
};

} /* namespace scanout */
