/* SPDX-License-Identifier: MIT */
#pragma once

#include <scanout/transform.h>

/*
 * Where input lands on the output, as pure functions: the unit tests run
 * them without a device. libinput hands absolute points (touch screens,
 * tablets) already calibrated and scaled to the physical mode size; they
 * become logical here. Relative motion moves a pointer that lives in
 * logical coordinates, so a mouse pushed right moves the pointer right as
 * the user sees the rotated picture.
 */

namespace scanout::input {

/** \a logical, kept inside the output: [0, width - 1] x [0, height - 1]. */
PointF clampToOutput(const OutputTransform &output, PointF logical);

/**
 * A point in physical output pixels (libinput's *_transformed() with the
 * mode's width and height) in logical pixels, clamped to the output.
 */
PointF physicalToLogical(const OutputTransform &output, PointF physical);

/** The pointer of a seat, in logical pixels. It starts at the centre of the output. */
class PointerPosition
{
public:
    explicit PointerPosition(const OutputTransform &output = {});

    /**
     * A new output size or rotation: the pointer keeps its place relative
     * to the output's logical size (the centre stays the centre).
     */
    void setOutput(const OutputTransform &output);

    /** Relative motion, in logical pixels; returns the clamped position. */
    PointF moveBy(PointF delta);
    /** Absolute motion to a logical point; returns the clamped position. */
    PointF moveTo(PointF logical);

    PointF position() const { return position_; }
    const OutputTransform &output() const { return output_; }

private:
    OutputTransform output_;
    PointF position_;
};

} /* namespace scanout::input */
