/* SPDX-License-Identifier: MIT */
#include <scanout/image.h>

#include <cerrno>
#include <cstdio>

#include "base/module.h"
#include "image/png_module.h"

namespace scanout {

Result<void> savePng(const Image &image, const std::string &path)
{
    if (!image.width || !image.height || image.rgb.size() != size_t{image.width} * image.height * 3)
        return makeError(EINVAL, "PNG %s: image %ux%u with %zu bytes of RGB", path.c_str(),
                         image.width, image.height, image.rgb.size());

    /* Loaded before the file is opened: a missing module leaves no empty file behind. */
    Result<void *> entry = loadModuleSymbol(kPngModule, kPngSymbol);
    if (!entry)
        return makeError(entry.error().errnum(), "PNG %s: %s", path.c_str(),
                         entry.error().message().c_str());
    using Entry = const PngModule *(*)();
    const PngModule *png = reinterpret_cast<Entry>(*entry)();

    /* Opened here rather than by libpng so that a failure keeps its errno. */
    FILE *file = std::fopen(path.c_str(), "wbe");
    if (!file)
        return makeError(errno, "PNG %s: open for writing", path.c_str());

    char why[64] = "";
    int err = png->writeRgb(file, image.width, image.height, image.rgb.data(), why, sizeof why);
    if (std::fflush(file) != 0 && !err)
        err = errno;
    if (std::fclose(file) != 0 && !err)
        err = errno;
    if (err) {
        std::remove(path.c_str());
        return makeError(err, "PNG %s: write %ux%u (%s)", path.c_str(), image.width, image.height,
                         why[0] ? why : "libpng gave no reason");
    }
    return {};
}

} /* namespace scanout */
