/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <scanout/kms_types.h>

/*
 * Where the app's picture lands on a rotated output. The app draws, and
 * receives input, in logical coordinates: the output as the user sees it.
 * The mode's own pixels (what a screenshot or a touch panel reports) are
 * physical coordinates. Rotation is counter-clockwise, as the KMS plane
 * property "rotation" defines it: with 90, the logical picture's top-right
 * corner is at the physical top-left. A reflection mirrors the picture
 * before it turns, as the same property's "reflect-x" and "reflect-y" do.
 */

namespace scanout {

/** Degrees counter-clockwise: 0, 90, 180 or 270. */
enum class Rotation : uint32_t { R0 = 0, R90 = 90, R180 = 180, R270 = 270 };

/** The rotation for \a degrees, or false when it is not 0, 90, 180 or 270. */
bool rotationFromDegrees(uint32_t degrees, Rotation *rotation);

/**
 * A mirror of the picture, applied before it turns: X swaps left and right
 * (KMS "reflect-x"), Y swaps top and bottom ("reflect-y"), XY both (the
 * same as turning 180 degrees).
 */
enum class Reflection : uint32_t { None = 0, X = 1, Y = 2, XY = 3 };

/** The reflection named \a name ("none", "x", "y" or "xy"), or false. */
bool reflectionFromName(const std::string &name, Reflection *reflection);
/** "none", "x", "y" or "xy". */
const char *reflectionName(Reflection reflection);

struct PointF {
    double x = 0, y = 0;
};

class OutputTransform
{
public:
    OutputTransform() = default;
    OutputTransform(uint32_t physicalWidth, uint32_t physicalHeight, Rotation rotation,
                    Reflection reflection = Reflection::None)
        : width_(physicalWidth), height_(physicalHeight), rotation_(rotation),
          reflection_(reflection)
    {
    }
    /** The transform that shows a \a logicalWidth x \a logicalHeight picture (an image, say). */
    static OutputTransform forLogical(uint32_t logicalWidth, uint32_t logicalHeight,
                                      Rotation rotation, Reflection reflection);

    Rotation rotation() const { return rotation_; }
    Reflection reflection() const { return reflection_; }
    /** No turn and no mirror: logical and physical coordinates are the same. */
    bool identity() const { return rotation_ == Rotation::R0 && reflection_ == Reflection::None; }
    /** "turned 90 degrees", "mirrored left to right", both joined by "and", or "upright". */
    std::string describe() const;
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
    Reflection reflection_ = Reflection::None;
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
