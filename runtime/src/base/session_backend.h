/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <scanout/result.h>
#include <scanout/session.h>

namespace scanout {

class EventLoop;

/**
 * What a Session does, implemented once with libseat (session_libseat.cpp,
 * the module libscanout-seat.so, built only when libseat is found) and once
 * by hand on the VT (session_direct.cpp). Each backend owns the devices it
 * opened and closes those still open when it is destroyed.
 */
class SessionBackend
{
public:
    virtual ~SessionBackend() = default;

    virtual const char *name() const = 0;
    virtual bool active() const = 0;
    virtual Result<int> openDevice(const std::string &path, int flags) = 0;
    virtual void closeDevice(int fd) = 0;
    virtual Result<void> switchVt(int vt) = 0;
    virtual int vt() const = 0;

    /* Set by Session::setCallbacks; either may be empty. */
    std::function<void()> onDisabled;
    std::function<void()> onEnabled;
};

/** How a libseat attempt went, for choosing the fallback and for the error message. */
struct SeatAttempt {
    bool built = false;   /* scanout was built with libseat (the seat module was built) */
    std::string missing;  /* why the seat module did not load; libseat was not tried */
    bool tried = false;   /* libseat_open_seat was called */
    int errnum = 0;       /* its errno (or the module's) when it failed */
    std::string backends; /* which libseat backends were tried: "seatd, logind" */
    std::string reason;   /* what libseat logged about the failure */
};

/**
 * Whether the direct backend may run after libseat gave no seat (or was not
 * tried): an error naming what was tried and what would work otherwise.
 */
Result<void> directAllowed(SessionOptions::Backend requested, const SeatAttempt &seat,
                           unsigned euid);

/** The VT number of a character device: VTs are major 4, minors 1 to 63; else 0. */
int vtOfDevice(unsigned major, unsigned minor);

/** A direct session's VT: stdin's when it is one, else the active VT; 0 when there is none. */
int chooseVt(int stdinVt, int activeVt);

/** "tty3" (as /sys/class/tty/tty0/active has it) to 3; 0 for anything else. */
int parseVtName(const std::string &name);

/** A DRM primary node (major 226, minors below 64): the kind of node that has a master. */
bool isDrmPrimary(unsigned major, unsigned minor);

/** The keyboard mode to put back: the saved one, except K_OFF, which would leave it dead. */
int keyboardModeToRestore(int saved);

/** libseat's log line without its "[file:line] " prefix. */
std::string trimLibseatLog(const std::string &line);

/** The backend of libseat's "Seat opened with backend 'seatd'" line, if that is the line. */
std::optional<std::string> libseatBackendFromLog(const std::string &line);

/* The backends; each returns a session that is ready to use (maybe inactive). */
Result<std::unique_ptr<SessionBackend>> openDirectSession(EventLoop &loop);
/** Fills \a attempt whether or not it succeeds. */
Result<std::unique_ptr<SessionBackend>>
openSeatSession(EventLoop &loop, SessionOptions::Backend requested, SeatAttempt &attempt);

/*
 * The libseat backend is a module of its own (module.h), so that libseat
 * and what it pulls in (libsystemd, libgcrypt, liblzma, libzstd...) are
 * mapped only into processes that open a seat. The module is built from
 * the same tree as libscanout, so the two share these types as they are.
 */
struct SeatModule {
    Result<std::unique_ptr<SessionBackend>> (*openSeatSession)(EventLoop &loop,
                                                               SessionOptions::Backend requested,
                                                               SeatAttempt &attempt);
};

} /* namespace scanout */

/**
 * The seat module's entry point, looked up by name (or called directly when
 * the runtime is static and has the backend built in): a SeatModule that
 * lives as long as the process.
 */
extern "C" const scanout::SeatModule *scanout_seat_module();
