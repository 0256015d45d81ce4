/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include <scanout/result.h>
#include <scanout/transform.h>

/*
 * The demo scene, laid out so a test can predict every pixel:
 *  - the top three quarters hold 8 vertical bars of equal width, in the
 *    order of kBarColors;
 *  - the bottom quarter is a grey band with an orange square block, half the
 *    band high, centred vertically, whose left edge is at
 *    (frame * kBlockStep) mod (width - block size).
 * The bars are drawn with scissored clears, the block with a shader. All
 * of it is laid out in logical coordinates (the picture as the user sees
 * it) and turned into the frame's by an OutputTransform, so every piece
 * stays an axis-aligned rectangle.
 */

namespace scanout::demo {

struct Rgb {
    uint8_t r, g, b;
};

inline constexpr std::array<Rgb, 8> kBarColors = {{
    {255, 255, 255}, /* white */
    {255, 255, 0},   /* yellow */
    {0, 255, 255},   /* cyan */
    {0, 255, 0},     /* green */
    {255, 0, 255},   /* magenta */
    {255, 0, 0},     /* red */
    {0, 0, 255},     /* blue */
    {0, 0, 0},       /* black */
}};
inline constexpr Rgb kBandColor = {64, 64, 64};
inline constexpr Rgb kBlockColor = {255, 128, 0};
inline constexpr uint32_t kBlockStep = 8; /* pixels per frame */

struct Rect {
    uint32_t x, y, w, h; /* top-left origin, as on screen */
    bool operator==(const Rect &) const = default;
};

struct Layout {
    std::array<Rect, 8> bars;
    Rect band;
    Rect block;
};

/** Where everything is in frame \a frame on a \a width x \a height screen. */
Layout layoutFor(uint32_t width, uint32_t height, uint64_t frame);

/** Draws the scene with GLES2 into the current context. */
class Scene
{
public:
    /**
     * \a turn: from the picture (logical) to the GL frame (physical); the
     * frame is turn.physicalWidth() x turn.physicalHeight().
     */
    static Result<std::unique_ptr<Scene>> create(const OutputTransform &turn);
    ~Scene();
    void draw(uint64_t frame);

private:
    Scene() = default;
    OutputTransform turn_;
    unsigned program_ = 0;
    int posLoc_ = -1, sizeLoc_ = -1, colorLoc_ = -1;
};

} /* namespace scanout::demo */
