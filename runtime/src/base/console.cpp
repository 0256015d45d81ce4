/* SPDX-License-Identifier: MIT */
#include "base/console.h"

#include <cerrno>
#include <cstring>

#include <linux/kd.h>
#include <linux/vt.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <scanout/log.h>

namespace scanout {

std::unique_ptr<VtGraphicsMode> VtGraphicsMode::enter()
{
    int fd = STDIN_FILENO;
    vt_stat state{};
    int mode = 0;
    /* VT_GETSTATE only succeeds on a virtual terminal, not on a pty or serial line. */
    if (!isatty(fd) || ioctl(fd, VT_GETSTATE, &state) < 0 || ioctl(fd, KDGETMODE, &mode) < 0) {
        LOG_DEBUG("stdin is not a VT; console mode left alone");
        return nullptr;
    }

    if (mode != KD_GRAPHICS && ioctl(fd, KDSETMODE, KD_GRAPHICS) < 0) {
        LOG_WARN("KDSETMODE KD_GRAPHICS on stdin (VT %d): %s", state.v_active, strerror(errno));
        return nullptr;
    }
    std::unique_ptr<VtGraphicsMode> vt(new VtGraphicsMode());
    vt->fd_ = fd;
    vt->savedMode_ = mode;
    LOG_DEBUG("VT %d switched to KD_GRAPHICS", state.v_active);
    return vt;
}

VtGraphicsMode::~VtGraphicsMode()
{
    if (ioctl(fd_, KDSETMODE, savedMode_) < 0)
        LOG_ERROR("restore VT mode %d on stdin: %s", savedMode_, strerror(errno));
}

} /* namespace scanout */
