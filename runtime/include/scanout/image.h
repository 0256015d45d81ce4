/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <scanout/result.h>

namespace scanout {

/** One pixel of an Image. */
struct Rgb {
    uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb &) const = default;
};

/**
 * An 8-bit RGB picture held in memory, such as a screenshot: rows from top
 * to bottom, three bytes (R, G, B) per pixel, no padding between rows.
 */
struct Image {
    uint32_t width = 0, height = 0;
    std::vector<uint8_t> rgb; /* width * height * 3 bytes */

    /** The pixel at \a x, \a y; both must be inside the image. */
    Rgb pixel(uint32_t x, uint32_t y) const
    {
        const uint8_t *p = &rgb[(size_t{y} * width + x) * 3];
        return {p[0], p[1], p[2]};
    }
};

/** Writes \a image as an 8-bit RGB PNG file at \a path, replacing any file there. */
Result<void> savePng(const Image &image, const std::string &path);

} /* namespace scanout */
