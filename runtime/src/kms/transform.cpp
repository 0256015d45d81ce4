/* SPDX-License-Identifier: MIT */
#include <scanout/transform.h>

#include <algorithm>
#include <cstdint>

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

bool swapsAxes(Rotation r)
{
    return r == Rotation::R90 || r == Rotation::R270;
}

} /* namespace */

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

PointF OutputTransform::toPhysical(PointF p) const
{
    return turnToPhysical<PointF, double>(rotation_, logicalWidth(), logicalHeight(), p);
}

PointF OutputTransform::toLogical(PointF p) const
{
    return turnToLogical<PointF, double>(rotation_, logicalWidth(), logicalHeight(), p);
}

Rect OutputTransform::toPhysical(const Rect &logical) const
{
    return mapRect(logical, [this](Corner p) {
        return turnToPhysical<Corner, int64_t>(rotation_, logicalWidth(), logicalHeight(), p);
    });
}

Rect OutputTransform::toLogical(const Rect &physical) const
{
    return mapRect(physical, [this](Corner p) {
        return turnToLogical<Corner, int64_t>(rotation_, logicalWidth(), logicalHeight(), p);
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
