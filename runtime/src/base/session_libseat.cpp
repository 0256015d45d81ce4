/* SPDX-License-Identifier: MIT */
/*
 * The seat session: libseat talks to seatd or logind, which own the VT and
 * open the devices for us, so the process needs no privileges. Built only
 * when libseat is found (SCANOUT_HAVE_LIBSEAT), as the module
 * libscanout-seat.so that session.cpp loads when a seat is asked for.
 */
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include <fcntl.h>
#include <sys/epoll.h>

/* libseat.h (0.7) has no extern "C" guard of its own. */
extern "C" {
#include <libseat.h>
}

#include <scanout/event_loop.h>
#include <scanout/log.h>
#include <scanout/unique_fd.h>

#include "base/session_backend.h"

namespace scanout {

namespace {

/*
 * How long open() waits for the seat to be enabled. seatd enables it in
 * the same exchange that opens it, logind at the first dispatch; only a
 * session whose VT is not in front waits longer, and that one starts
 * disabled instead.
 */
constexpr std::chrono::milliseconds kEnableWait{1000};

/*
 * libseat logs through one process-wide handler with no user data. While
 * a seat is being opened, its lines are collected here: they say which
 * backend answered, or why none did.
 */
struct OpenLog {
    std::string backend;
    std::string reason;
};
OpenLog *g_openLog = nullptr;

void logFromLibseat(enum libseat_log_level level, const char *fmt, va_list args)
{
    char buf[512];
    std::vsnprintf(buf, sizeof(buf), fmt, args);
    std::string line = trimLibseatLog(buf);

    if (g_openLog) {
        if (std::optional<std::string> name = libseatBackendFromLog(line))
            g_openLog->backend = *name;
        /* The lines that say why, not libseat's summary that a backend failed. */
        else if (level <= LIBSEAT_LOG_LEVEL_INFO &&
                 line.find("failed to open seat") == std::string::npos &&
                 line.find("No backend") == std::string::npos)
            g_openLog->reason = line;
        LOG_DEBUG("libseat: %s", line.c_str());
        return;
    }
    if (level == LIBSEAT_LOG_LEVEL_ERROR)
        LOG_ERROR("libseat: %s", line.c_str());
    else
        LOG_DEBUG("libseat: %s", line.c_str());
}

/* The VT in front, as sysfs says to anyone (no /dev/tty0 access needed); 0 without VTs. */
int activeVtFromSysfs()
{
    std::ifstream in("/sys/class/tty/tty0/active");
    std::string name;
    if (!std::getline(in, name))
        return 0;
    return parseVtName(name);
}

class SeatSession final : public SessionBackend
{
public:
    explicit SeatSession(EventLoop &loop) : loop_(loop) {}
    ~SeatSession() override;

    Result<void> init(SessionOptions::Backend requested, SeatAttempt &attempt);

    const char *name() const override { return name_.c_str(); }
    bool active() const override { return active_; }
    Result<int> openDevice(const std::string &path, int flags) override;
    void closeDevice(int fd) override;
    Result<void> switchVt(int vt) override;
    int vt() const override { return vt_; }

private:
    /* An fd libseat gave us; its device id is how libseat knows it. */
    struct OpenDevice {
        UniqueFd fd;
        int deviceId = -1;
        std::string path;
    };

    static void enableSeat(libseat *seat, void *data);
    static void disableSeat(libseat *seat, void *data);
    static const libseat_seat_listener kListener;

    libseat *openSeat(const char *backend, SeatAttempt &attempt);
    void onReadable();
    const char *seatName() const;

    EventLoop &loop_;
    libseat *seat_ = nullptr;
    std::string name_ = "libseat";
    std::optional<EventLoop::Id> source_;
    bool active_ = false;
    bool closing_ = false;
    int vt_ = 0;
    std::map<int, OpenDevice> devices_;
};

/* libseat keeps a pointer to the listener: it must live as long as any seat. */
const libseat_seat_listener SeatSession::kListener = {
    .enable_seat = SeatSession::enableSeat,
    .disable_seat = SeatSession::disableSeat,
};

void SeatSession::enableSeat(libseat *, void *data)
{
    auto *self = static_cast<SeatSession *>(data);
    if (self->closing_ || self->active_)
        return;
    self->active_ = true;
    LOG_DEBUG("session: seat %s enabled", self->seatName());
    if (self->onEnabled)
        self->onEnabled();
}

/* May run inside libseat_open_seat, before seat_ is set: use the seat libseat passes. */
void SeatSession::disableSeat(libseat *seat, void *data)
{
    auto *self = static_cast<SeatSession *>(data);
    if (self->closing_)
        return;
    self->active_ = false;
    LOG_DEBUG("session: seat %s disabled", self->seatName());
    if (self->onDisabled)
        self->onDisabled();
    if (libseat_disable_seat(seat) < 0)
        LOG_ERROR("session: libseat_disable_seat on seat %s: %s", self->seatName(),
                  strerror(errno));
}

const char *SeatSession::seatName() const
{
    return seat_ ? libseat_seat_name(seat_) : "(opening)";
}

libseat *SeatSession::openSeat(const char *backend, SeatAttempt &attempt)
{
    OpenLog log;
    g_openLog = &log;
    /*
     * libseat takes its backend only from LIBSEAT_BACKEND. Auto mode names
     * the daemons one at a time so that libseat's builtin backend (an
     * embedded seatd, root only) does not stand in for the direct one.
     */
    if (backend)
        setenv("LIBSEAT_BACKEND", backend, 1);
    libseat *seat = libseat_open_seat(&kListener, this);
    int err = errno;
    if (backend)
        unsetenv("LIBSEAT_BACKEND");
    g_openLog = nullptr;

    if (seat) {
        if (!log.backend.empty())
            name_ = log.backend;
        return seat;
    }
    attempt.errnum = err;
    if (!log.reason.empty())
        attempt.reason +=
            format("%s%s%s", attempt.reason.empty() ? "" : "; ",
                   backend ? format("%s: ", backend).c_str() : "", log.reason.c_str());
    return nullptr;
}

Result<void> SeatSession::init(SessionOptions::Backend requested, SeatAttempt &attempt)
{
    libseat_set_log_handler(logFromLibseat);
    libseat_set_log_level(LIBSEAT_LOG_LEVEL_INFO);

    attempt.tried = true;
    const char *chosen = getenv("LIBSEAT_BACKEND");
    if (chosen) {
        attempt.backends = format("LIBSEAT_BACKEND=%s", chosen);
        seat_ = openSeat(nullptr, attempt);
    } else if (requested == SessionOptions::Backend::Auto) {
        attempt.backends = "seatd, logind";
        for (const char *daemon : {"seatd", "logind"})
            if ((seat_ = openSeat(daemon, attempt)))
                break;
    } else {
        attempt.backends = "every libseat backend";
        seat_ = openSeat(nullptr, attempt);
    }
    libseat_set_log_level(logLevel() >= LogLevel::Debug ? LIBSEAT_LOG_LEVEL_DEBUG
                                                        : LIBSEAT_LOG_LEVEL_ERROR);
    if (!seat_)
        return makeError(attempt.errnum, "libseat_open_seat");

    /* A seat was opened: what fails from here is the reason, not the backends that did not answer.
     */
    auto failed = [&](Error error) {
        attempt.errnum = error.errnum();
        attempt.reason = error.describe();
        return error;
    };
    int fd = libseat_get_fd(seat_);
    if (fd < 0)
        return failed(makeError(errno, "session: libseat_get_fd on seat %s", seatName()));
    Result<EventLoop::Id> id = loop_.addFd(fd, EPOLLIN, [this](uint32_t) { onReadable(); });
    if (!id)
        return failed(makeError(id.error().errnum(), "session: seat %s fd %d: %s", seatName(), fd,
                                id.error().message().c_str()));
    source_ = *id;

    /* libseat_open_device works only on an enabled seat: wait for the first enable, bounded. */
    auto deadline = std::chrono::steady_clock::now() + kEnableWait;
    int timeout = 0;
    while (!active_) {
        if (libseat_dispatch(seat_, timeout) < 0)
            return failed(makeError(errno, "session: libseat_dispatch on seat %s", seatName()));
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        timeout = static_cast<int>(left.count());
    }

    /* libseat does not say which VT; logind does (XDG_VTNR), seatd binds the one in front. */
    const char *vtnr = getenv("XDG_VTNR");
    vt_ = vtnr && name_ == "logind" ? atoi(vtnr) : activeVtFromSysfs();
    return {};
}

void SeatSession::onReadable()
{
    if (libseat_dispatch(seat_, 0) >= 0)
        return;
    /* The daemon went away: the devices are as good as revoked. */
    LOG_ERROR("session: seat %s: libseat_dispatch: %s; the session is over", seatName(),
              strerror(errno));
    if (source_)
        loop_.remove(*source_);
    source_.reset();
    if (active_) {
        active_ = false;
        if (onDisabled)
            onDisabled();
    }
}

SeatSession::~SeatSession()
{
    closing_ = true;
    for (auto &[fd, device] : devices_)
        if (libseat_close_device(seat_, device.deviceId) < 0)
            LOG_WARN("session: libseat_close_device %s (device %d) on seat %s: %s",
                     device.path.c_str(), device.deviceId, seatName(), strerror(errno));
    devices_.clear();
    if (source_)
        loop_.remove(*source_);
    if (seat_ && libseat_close_seat(seat_) < 0)
        LOG_WARN("session: libseat_close_seat on seat %s: %s", seatName(), strerror(errno));
}

Result<int> SeatSession::openDevice(const std::string &path, int)
{
    if (!active_)
        return makeError(EAGAIN,
                         "session: open %s: seat %s is disabled (another session is in "
                         "front)",
                         path.c_str(), seatName());
    int raw = -1;
    int id = libseat_open_device(seat_, path.c_str(), &raw);
    if (id < 0)
        return makeError(errno, "session: libseat_open_device %s on seat %s", path.c_str(),
                         seatName());
    UniqueFd fd(raw);
    /* The fd came over a socket: make sure it is not inherited by children. */
    if (fcntl(raw, F_SETFD, FD_CLOEXEC) < 0)
        LOG_WARN("session: FD_CLOEXEC on %s (fd %d): %s", path.c_str(), raw, strerror(errno));
    devices_[raw] = OpenDevice{std::move(fd), id, path};
    return raw;
}

void SeatSession::closeDevice(int fd)
{
    auto it = devices_.find(fd);
    if (it == devices_.end()) {
        LOG_WARN("session: fd %d was not opened through the session; not closing it", fd);
        return;
    }
    OpenDevice &device = it->second;
    if (libseat_close_device(seat_, device.deviceId) < 0)
        LOG_WARN("session: libseat_close_device %s (device %d) on seat %s: %s", device.path.c_str(),
                 device.deviceId, seatName(), strerror(errno));
    devices_.erase(it);
}

Result<void> SeatSession::switchVt(int vt)
{
    if (libseat_switch_session(seat_, vt) < 0)
        return makeError(errno, "session: switch seat %s to VT %d", seatName(), vt);
    return {};
}

} /* namespace */

Result<std::unique_ptr<SessionBackend>>
openSeatSession(EventLoop &loop, SessionOptions::Backend requested, SeatAttempt &attempt)
{
    auto session = std::make_unique<SeatSession>(loop);
    if (Result<void> r = session->init(requested, attempt); !r) {
        if (attempt.reason.empty())
            attempt.reason = r.error().describe();
        return r.error();
    }
    return std::unique_ptr<SessionBackend>(std::move(session));
}

} /* namespace scanout */

extern "C" [[gnu::visibility("default")]] const scanout::SeatModule *scanout_seat_module()
{
    static const scanout::SeatModule module = {
        .openSeatSession = scanout::openSeatSession,
    };
    return &module;
}
