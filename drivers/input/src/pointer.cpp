/* SPDX-License-Identifier: MIT */
#include "pointer.h"

#include <algorithm>

namespace scanout::input {

PointF clampToOutput(const OutputTransform &output, PointF p)
{
    /* An output without a size has no inside: everything lands on its origin. */
    double maxX = std::max(0.0, static_cast<double>(output.logicalWidth()) - 1);
    double maxY = std::max(0.0, static_cast<double>(output.logicalHeight()) - 1);
    return {std::clamp(p.x, 0.0, maxX), std::clamp(p.y, 0.0, maxY)};
}

PointF physicalToLogical(const OutputTransform &output, PointF physical)
{
    return clampToOutput(output, output.toLogical(physical));
}

PointerPosition::PointerPosition(const OutputTransform &output)
    : output_(output), position_{output.logicalWidth() / 2.0, output.logicalHeight() / 2.0}
{
}

void PointerPosition::setOutput(const OutputTransform &output)
{
    double oldW = output_.logicalWidth(), oldH = output_.logicalHeight();
    PointF p{output.logicalWidth() / 2.0, output.logicalHeight() / 2.0};
    if (oldW > 0 && oldH > 0) {
        p.x = position_.x / oldW * output.logicalWidth();
        p.y = position_.y / oldH * output.logicalHeight();
    }
    output_ = output;
    position_ = clampToOutput(output_, p);
}

PointF PointerPosition::moveBy(PointF delta)
{
    position_ = clampToOutput(output_, {position_.x + delta.x, position_.y + delta.y});
    return position_;
}

PointF PointerPosition::moveTo(PointF logical)
{
    position_ = clampToOutput(output_, logical);
    return position_;
}

} /* namespace scanout::input */
