/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>

#include <scanout/kms_types.h>

/*
 * Where the app's picture lands on a rotated output. The app draws, and
 * receives input, in logical coordinates: the output as the user sees it.
 * The mode's own pixels (what a screenshot or a touch panel reports) are
 * physical coordinates. Rotation is counter-clockwise, as the KMS plane
 * property "rotation" defines it: with 90, the logical picture's top-right
 * corner is at the physical top-left.
 */

namespace scanout {

/** Degrees counter-clockwise: 0, 90, 180 or 270. */
enum class Rotation : uint32_t { R0 = 0, R90 = 90, R180 = 180, R270 = 270 };

/** The rotation for \a degrees, or false when it is not 0, 90, 180 or 270. */
bool rotationFromDegrees(uint32_t degrees, Rotation *rotation);

struct PointF {
    double x = 0, y = 0;
};

class OutputTransform
{
public:
    OutputTransform() = default;
    OutputTransform(uint32_t physicalWidth, uint32_t physicalHeight, Rotation rotation)
        : width_(physicalWidth), height_(physicalHeight), rotation_(rotation)
    {
    }

    Rotation rotation() const { return rotation_; }
    /** The mode's size. */
    uint32_t physicalWidth() const { return width_; }
    uint32_t physicalHeight() const { return height_; }
    /** The size the app draws at: the mode's, swapped for 90 and 270. */
    uint32_t logicalWidth() const;
    uint32_t logicalHeight() const;

    PointF toPhysical(PointF logical) const;
    PointF toLogical(PointF physical) const;
    /** The physical rectangle a logical one covers. */
    Rect toPhysical(const Rect &logical) const;
    Rect toLogical(const Rect &physical) const;

private:
    uint32_t width_ = 0, height_ = 0;
    Rotation rotation_ = Rotation::R0;
};

/**
 * libinput's calibration matrix (LIBINPUT_CALIBRATION_MATRIX order a b c
 * d e f), applied to coordinates normalised to 0..1 of the device's range:
 * x' = a x + b y + c, y' = d x + e y + f.
 */
struct CalibrationMatrix {
    std::array<float, 6> m = {1, 0, 0, 0, 1, 0};

    PointF apply(PointF normalized) const;
    bool identity() const;
};

} /* namespace scanout */
