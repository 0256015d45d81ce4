/* SPDX-License-Identifier: MIT */
#include <scanout/transform.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace scanout {

bool rotationFromDegrees(uint32_t degrees, Rotation *rotation)
{
    switch (degrees) {
    case 0:
    case 90:
    case 180:
    case 270:
        *rotation = static_cast<Rotation>(degrees);
        return true;
    default:
        return false;
    }
}

namespace {

/* Indexed by Reflection. */
const char *const kReflectionNames[] = {"none", "x", "y", "xy"};

} /* namespace */

bool reflectionFromName(const std::string &name, Reflection *reflection)
{
    for (uint32_t i = 0; i < 4; i++) {
        if (name == kReflectionNames[i]) {
            *reflection = static_cast<Reflection>(i);
            return true;
        }
    }
    return false;
}

const char *reflectionName(Reflection reflection)
{
    return kReflectionNames[static_cast<uint32_t>(reflection) & 3];
}

namespace {

bool swapsAxes(Rotation r)
{
    return r == Rotation::R90 || r == Rotation::R270;
}

} /* namespace */

OutputTransform OutputTransform::forLogical(uint32_t logicalWidth, uint32_t logicalHeight,
                                            Rotation rotation, Reflection reflection)
{
    bool swaps = swapsAxes(rotation);
    return OutputTransform(swaps ? logicalHeight : logicalWidth,
                           swaps ? logicalWidth : logicalHeight, rotation, reflection);
}

uint32_t OutputTransform::logicalWidth() const
{
    return swapsAxes(rotation_) ? height_ : width_;
}

uint32_t OutputTransform::logicalHeight() const
{
    return swapsAxes(rotation_) ? width_ : height_;
}

namespace {

/* A rectangle's corner: whole pixels, so a turn maps it exactly, with no rounding. */
struct Corner {
    int64_t x = 0, y = 0;
};

/*
 * A picture turned counter-clockwise by 90 puts its top-right corner at the
 * output's top-left: logical (x, y) lands on physical (y, W - x), W being
 * the logical width. 180 mirrors both axes; 270 is 90 the other way round.
 */
template <typename Point, typename N>
Point turnToPhysical(Rotation rotation, N lw, N lh, Point p)
{
    switch (rotation) {
    case Rotation::R0:
        return p;
    case Rotation::R90:
        return {p.y, lw - p.x};
    case Rotation::R180:
        return {lw - p.x, lh - p.y};
    case Rotation::R270:
        return {lh - p.y, p.x};
    }
    return p;
}

/* The mirror, in the picture's own coordinates: it comes before the turn. Its own inverse. */
template <typename Point, typename N>
Point mirror(Reflection reflection, N lw, N lh, Point p)
{
    uint32_t r = static_cast<uint32_t>(reflection);
    if (r & static_cast<uint32_t>(Reflection::X))
        p.x = lw - p.x;
    if (r & static_cast<uint32_t>(Reflection::Y))
        p.y = lh - p.y;
    return p;
}

template <typename Point, typename N>
Point turnToLogical(Rotation rotation, N lw, N lh, Point p)
{
    switch (rotation) {
    case Rotation::R0:
        return p;
    case Rotation::R90:
        return {lw - p.y, p.x};
    case Rotation::R180:
        return {lw - p.x, lh - p.y};
    case Rotation::R270:
        return {p.y, lh - p.x};
    }
    return p;
}

/* Rectangles map corner to corner; the two corners come back in any order. */
template <typename Map>
Rect mapRect(const Rect &r, Map map)
{
    Corner a = map(Corner{r.x, r.y});
    Corner b = map(Corner{int64_t{r.x} + r.width, int64_t{r.y} + r.height});
    return Rect{static_cast<int32_t>(std::min(a.x, b.x)), static_cast<int32_t>(std::min(a.y, b.y)),
                static_cast<uint32_t>(a.x > b.x ? a.x - b.x : b.x - a.x),
                static_cast<uint32_t>(a.y > b.y ? a.y - b.y : b.y - a.y)};
}

} /* namespace */

std::string OutputTransform::describe() const
{
    static const char *const kMirrors[] = {"", "mirrored left to right", "mirrored top to bottom",
                                           "mirrored both ways"};
    std::string turn =
        rotation_ == Rotation::R0
            ? ""
            : "turned " + std::to_string(static_cast<uint32_t>(rotation_)) + " degrees";
    std::string mirrored = kMirrors[static_cast<uint32_t>(reflection_) & 3];
    if (turn.empty())
        return mirrored.empty() ? "upright" : mirrored;
    return mirrored.empty() ? turn : turn + " and " + mirrored;
}

PointF OutputTransform::toPhysical(PointF p) const
{
    double lw = logicalWidth(), lh = logicalHeight();
    return turnToPhysical(rotation_, lw, lh, mirror(reflection_, lw, lh, p));
}

PointF OutputTransform::toLogical(PointF p) const
{
    double lw = logicalWidth(), lh = logicalHeight();
    return mirror(reflection_, lw, lh, turnToLogical(rotation_, lw, lh, p));
}

Rect OutputTransform::toPhysical(const Rect &logical) const
{
    int64_t lw = logicalWidth(), lh = logicalHeight();
    return mapRect(logical, [this, lw, lh](Corner p) {
        return turnToPhysical(rotation_, lw, lh, mirror(reflection_, lw, lh, p));
    });
}

Rect OutputTransform::toLogical(const Rect &physical) const
{
    int64_t lw = logicalWidth(), lh = logicalHeight();
    return mapRect(physical, [this, lw, lh](Corner p) {
        return mirror(reflection_, lw, lh, turnToLogical(rotation_, lw, lh, p));
    });
}

PointF CalibrationMatrix::apply(PointF p) const
{
    return {m[0] * p.x + m[1] * p.y + m[2], m[3] * p.x + m[4] * p.y + m[5]};
}

bool CalibrationMatrix::identity() const
{
    return m == std::array<float, 6>{1, 0, 0, 0, 1, 0};
}

} /* namespace scanout */
