/* SPDX-License-Identifier: MIT */
#include "image/png_module.h"

#include <cerrno>
#include <cstring>

#include <png.h>

namespace scanout {

namespace {

int writeRgb(FILE *file, uint32_t width, uint32_t height, const uint8_t *rgb, char *why,
             size_t whySize)
{
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = width;
    png.height = height;
    png.format = PNG_FORMAT_RGB;
    errno = 0;
    bool ok =
        png_image_write_to_stdio(&png, file, 0, rgb, static_cast<png_int_32>(width * 3), nullptr);
    int err = errno;
    png_image_free(&png); /* the message stays: it is an array in png */
    if (whySize)
        std::snprintf(why, whySize, "%s", ok ? "" : png.message);
    return ok ? 0 : (err ? err : EIO);
}

} /* namespace */

} /* namespace scanout */

extern "C" [[gnu::visibility("default")]] const scanout::PngModule *scanout_png_module()
{
    static const scanout::PngModule module = {
        .writeRgb = scanout::writeRgb,
    };
    return &module;
}
