/* SPDX-License-Identifier: MIT */
#include "painter.h"

#include <algorithm>

#include <GLES2/gl2.h>

namespace scanout::kiosk {

namespace {

void setClearColour(Colour c)
{
    glClearColor(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, 1.0f);
}

} /* namespace */

Rect scissorBox(const Rect &logical, const OutputTransform &transform, bool rotateInGl)
{
    Rect r = rotateInGl ? transform.toPhysical(logical) : logical;
    int64_t fbWidth = rotateInGl ? transform.physicalWidth() : transform.logicalWidth();
    int64_t fbHeight = rotateInGl ? transform.physicalHeight() : transform.logicalHeight();

    int64_t x0 = std::max<int64_t>(r.x, 0), y0 = std::max<int64_t>(r.y, 0);
    int64_t x1 = std::min<int64_t>(int64_t{r.x} + r.width, fbWidth);
    int64_t y1 = std::min<int64_t>(int64_t{r.y} + r.height, fbHeight);
    if (x1 <= x0 || y1 <= y0)
        return {};
    /* GL's scissor origin is the bottom-left corner. */
    return Rect{static_cast<int32_t>(x0), static_cast<int32_t>(fbHeight - y1),
                static_cast<uint32_t>(x1 - x0), static_cast<uint32_t>(y1 - y0)};
}

void Painter::draw(const std::vector<Fill> &fills, const OutputTransform &transform,
                   bool rotateInGl)
{
    glEnable(GL_SCISSOR_TEST);
    /* Text comes as runs of one colour; set it once per run. */
    bool haveColour = false;
    Colour current{};
    for (const Fill &fill : fills) {
        Rect box = scissorBox(fill.rect, transform, rotateInGl);
        if (box.empty())
            continue;
        if (!haveColour || !(fill.colour == current)) {
            setClearColour(fill.colour);
            current = fill.colour;
            haveColour = true;
        }
        glScissor(box.x, box.y, static_cast<GLsizei>(box.width), static_cast<GLsizei>(box.height));
        glClear(GL_COLOR_BUFFER_BIT);
    }
    glDisable(GL_SCISSOR_TEST);
}

void Painter::clear(Colour colour)
{
    glDisable(GL_SCISSOR_TEST);
    setClearColour(colour);
    glClear(GL_COLOR_BUFFER_BIT);
}

} /* namespace scanout::kiosk */
