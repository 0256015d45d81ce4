/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <scanout/result.h>

namespace scanout {

class EventLoop;
class SessionBackend;

struct SessionOptions {
    /**
     * Auto: libseat, if a seat daemon (seatd or logind) answers, else direct
     * VT handling when running as root. Seat: libseat only (whichever backend
     * it picks, LIBSEAT_BACKEND included). Direct: root only, no daemon.
     *
     * libseat picks a backend only from LIBSEAT_BACKEND: when that is unset,
     * Auto sets it to each daemon in turn for the time of the attempt.
     */
    enum class Backend { Auto, Seat, Direct } backend = Backend::Auto;
};

/**
 * The right to use the seat's devices (DRM cards, evdev) and the VT they
 * share with other sessions. Through libseat a seat daemon opens the
 * devices for us, so no root is needed; the direct backend (root only)
 * owns the VT itself: KD_GRAPHICS, keyboard off, and VT switches
 * acknowledged by the process (VT_PROCESS).
 *
 * A session is disabled while another VT is in front. Callbacks run on the
 * EventLoop's thread; they must not destroy the session.
 *
 * Open the session before the process starts threads (Mesa starts some):
 * the direct backend takes SIGUSR1 and SIGUSR2, the kernel's VT release and
 * acquire signals, through the loop, and a thread created earlier would not
 * have them blocked and would die of them; Auto also changes the
 * environment for a moment (above).
 */
class Session
{
public:
    static Result<std::unique_ptr<Session>> open(EventLoop &loop, const SessionOptions &options);
    /** Closes every device still open, puts the VT back (direct) and closes the seat. */
    ~Session();

    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    /** "seatd", "logind", "builtin" (as libseat reports it; "libseat" when it does not) or
     * "direct". */
    const char *backend() const;

    /** Devices may be used: the session's VT is in front. */
    bool active() const;

    /**
     * Opens a device node (DRM card, evdev) and returns its fd, which the
     * session keeps track of: give it back with closeDevice(). Direct: an
     * open() with \a flags and O_CLOEXEC. Through libseat the daemon opens
     * the node (read-write, non-blocking) and \a flags is not used; the
     * session must be active.
     */
    Result<int> openDevice(const std::string &path, int flags);

    /** Closes \a fd, which openDevice() returned. */
    void closeDevice(int fd);

    /**
     * \a disabled: the session is going away (VT switch): stop using the
     * devices now (no commits, no input); the switch is acknowledged when
     * the callback returns, and DRM master is gone after it.
     * \a enabled: the devices may be used again (DRM master is back); do a
     * full modeset, the other session may have changed everything. A seat
     * daemon revokes evdev fds while the session is disabled: reopen them.
     */
    void setCallbacks(std::function<void()> disabled, std::function<void()> enabled);

    /** Asks for a switch to \a vt; the session hears it through its callbacks. */
    Result<void> switchVt(int vt);

    /** The VT the session runs on, 0 when none (no VTs, or the seat daemon does not say). */
    int vt() const;

private:
    Session() = default;

    std::unique_ptr<SessionBackend> backend_;
};

} /* namespace scanout */
