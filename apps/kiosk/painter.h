/* SPDX-License-Identifier: MIT */
#pragma once

#include <vector>

#include <scanout/transform.h>

#include "ui.h"

/*
 * Draws the kiosk's fills with scissored clears only: no shaders, no
 * textures, which llvmpipe does quickly and which leave flat, exact colours.
 */

namespace scanout::kiosk {

/**
 * The glScissor box for a logical rectangle: bottom-left origin, clipped to
 * the framebuffer; empty when nothing of it is on screen. With
 * \a rotateInGl the framebuffer is the mode's (physical) size and the
 * rectangle is turned by \a transform; otherwise KMS rotates the plane and
 * the framebuffer is logical-sized.
 */
Rect scissorBox(const Rect &logical, const OutputTransform &transform, bool rotateInGl);

class Painter
{
public:
    /** Draws \a fills in order into the current framebuffer. Leaves the scissor test off. */
    void draw(const std::vector<Fill> &fills, const OutputTransform &transform, bool rotateInGl);
    /** Clears the whole framebuffer to \a colour. */
    void clear(Colour colour);
};

} /* namespace scanout::kiosk */
