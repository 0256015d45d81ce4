/* SPDX-License-Identifier: MIT */
#include <scanout/transform.h>

#include <algorithm>
#include <cmath>

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

/*
 * A picture turned counter-clockwise by 90 puts its top-right corner at the
 * output's top-left: logical (x, y) lands on physical (y, W - x), W being
 * the logical width. 180 mirrors both axes; 270 is 90 the other way round.
 */
PointF OutputTransform::toPhysical(PointF p) const
{
    double lw = logicalWidth(), lh = logicalHeight();
    switch (rotation_) {
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

PointF OutputTransform::toLogical(PointF p) const
{
    double lw = logicalWidth(), lh = logicalHeight();
    switch (rotation_) {
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

namespace {

/* Rectangles map corner to corner; the two corners come back in any order. */
template <typename Map>
Rect mapRect(const Rect &r, Map map)
{
    PointF a = map(PointF{static_cast<double>(r.x), static_cast<double>(r.y)});
    PointF b = map(PointF{static_cast<double>(r.x) + r.width, static_cast<double>(r.y) + r.height});
    double x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
    double x1 = std::max(a.x, b.x), y1 = std::max(a.y, b.y);
    return Rect{static_cast<int32_t>(std::lround(x0)), static_cast<int32_t>(std::lround(y0)),
                static_cast<uint32_t>(std::lround(x1 - x0)),
                static_cast<uint32_t>(std::lround(y1 - y0))};
}

} /* namespace */

Rect OutputTransform::toPhysical(const Rect &logical) const
{
    return mapRect(logical, [this](PointF p) { return toPhysical(p); });
}

Rect OutputTransform::toLogical(const Rect &physical) const
{
    return mapRect(physical, [this](PointF p) { return toLogical(p); });
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
