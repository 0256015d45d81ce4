/* SPDX-License-Identifier: MIT */
#include <scanout/image.h>

#include <cerrno>
#include <cstdio>

#include <png.h>

namespace scanout {

Result<void> savePng(const Image &image, const std::string &path)
{
    if (!image.width || !image.height || image.rgb.size() != size_t{image.width} * image.height * 3)
        return makeError(EINVAL, "PNG %s: image %ux%u with %zu bytes of RGB", path.c_str(),
                         image.width, image.height, image.rgb.size());

    /* Opened here rather than by libpng so that a failure keeps its errno. */
    FILE *file = std::fopen(path.c_str(), "wbe");
    if (!file)
        return makeError(errno, "PNG %s: open for writing", path.c_str());

    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = image.width;
    png.height = image.height;
    png.format = PNG_FORMAT_RGB;
    errno = 0;
    bool ok = png_image_write_to_stdio(&png, file, 0, image.rgb.data(),
                                       static_cast<png_int_32>(image.width * 3), nullptr);
    int err = errno;
    png_image_free(&png); /* the message stays: it is an array in png */
    if (std::fflush(file) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (std::fclose(file) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        std::remove(path.c_str());
        return makeError(err ? err : EIO, "PNG %s: write %ux%u (%s)", path.c_str(), image.width,
                         image.height, png.message[0] ? png.message : "libpng gave no reason");
    }
    return {};
}

} /* namespace scanout */
