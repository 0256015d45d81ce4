/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace scanout {

/**
 * The PNG encoder, a module of its own (libscanout-png.so, see
 * base/module.h): libpng and zlib are mapped only into a process that saves
 * a picture, not into every app at start-up. Plain C types only: the module
 * links libpng and nothing of the runtime.
 */
struct PngModule {
    /**
     * Writes \a height rows of \a width RGB pixels (3 bytes each, no padding)
     * to \a file as an 8-bit RGB PNG. Returns 0, or an errno value with
     * libpng's reason (or an empty string) in \a why.
     */
    int (*writeRgb)(FILE *file, uint32_t width, uint32_t height, const uint8_t *rgb, char *why,
                    size_t whySize);
};

inline constexpr const char *kPngModule = SCANOUT_PNG_MODULE;
inline constexpr const char *kPngSymbol = "scanout_png_module";

} /* namespace scanout */

/** The module's entry point, looked up by name: a PngModule that lives as long as the process. */
extern "C" const scanout::PngModule *scanout_png_module();
