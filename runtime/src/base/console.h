/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>

#include <scanout/unique_fd.h>

namespace scanout {

/**
 * Puts the VT on stdin into KD_GRAPHICS while it lives, so the kernel's
 * text console stops drawing over the display, and puts back the mode it
 * found. Does nothing when stdin is not a VT (ssh, serial console, a pipe).
 */
class VtGraphicsMode
{
public:
    static std::unique_ptr<VtGraphicsMode> enter();
    ~VtGraphicsMode();

private:
    VtGraphicsMode() = default;
    int fd_ = -1;
    int savedMode_ = 0;
};

} /* namespace scanout */
