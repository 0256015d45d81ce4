/* SPDX-License-Identifier: MIT */
#include <scanout/session.h>

#include <cerrno>
#include <cstdlib>

#include <linux/kd.h>
#include <unistd.h>

#include <scanout/log.h>

#include "base/module.h"
#include "base/session_backend.h"

namespace scanout {

namespace {

constexpr unsigned kTtyMajor = 4;        /* VTs and serial ports; VTs are minors 1 to 63 */
constexpr unsigned kMaxVt = 63;          /* MAX_NR_CONSOLES */
constexpr unsigned kDrmMajor = 226;      /* DRM_MAJOR */
constexpr unsigned kDrmRenderMinor = 64; /* minors from here on are control or render nodes */

const char *backendName(SessionOptions::Backend backend)
{
    switch (backend) {
    case SessionOptions::Backend::Auto:
        return "auto";
    case SessionOptions::Backend::Seat:
        return "seat";
    case SessionOptions::Backend::Direct:
        return "direct";
    }
    return "?";
}

#ifdef SCANOUT_HAVE_LIBSEAT
/* The libseat backend: the module's, or the runtime's own when it is static. */
Result<const SeatModule *> seatModule()
{
#ifdef SCANOUT_SEAT_BUILTIN
    return scanout_seat_module();
#else
    Result<void *> entry = loadModuleSymbol(SCANOUT_SEAT_MODULE, "scanout_seat_module");
    if (!entry)
        return entry.error();
    using Entry = const SeatModule *(*)();
    return reinterpret_cast<Entry>(*entry)();
#endif
}
#endif

} /* namespace */

Result<void> directAllowed(SessionOptions::Backend requested, const SeatAttempt &seat,
                           unsigned euid)
{
    const char *sep = seat.reason.empty() ? "" : ": ";
    if (requested == SessionOptions::Backend::Seat) {
        if (!seat.built)
            return makeError(ENOTSUP,
                             "session: backend 'seat' asked for, but scanout was built without "
                             "libseat (install libseat-dev and rebuild)");
        if (!seat.missing.empty())
            return makeError(seat.errnum, "session: backend 'seat' asked for, but %s",
                             seat.missing.c_str());
        return makeError(seat.errnum,
                         "session: libseat opened no seat (tried %s%s%s); is seatd running "
                         "with its socket open to this user, or is this a logind session?",
                         seat.backends.c_str(), sep, seat.reason.c_str());
    }
    if (euid == 0)
        return {};
    if (requested == SessionOptions::Backend::Direct)
        return makeError(EPERM,
                         "session: the direct backend (VT and DRM master handling) needs root, "
                         "not euid %u; without root, run seatd or use a logind session",
                         euid);
    if (!seat.built)
        return makeError(EPERM,
                         "session: scanout was built without libseat, and handling the VT "
                         "directly needs root, not euid %u",
                         euid);
    if (!seat.missing.empty())
        return makeError(EPERM, "session: %s, and handling the VT directly needs root, not euid %u",
                         seat.missing.c_str(), euid);
    return makeError(EPERM,
                     "session: no seat daemon answered (tried %s%s%s), and handling the VT "
                     "directly needs root, not euid %u: as another user, run seatd (with its "
                     "socket open to this user) or use a logind session",
                     seat.backends.c_str(), sep, seat.reason.c_str(), euid);
}

int vtOfDevice(unsigned major, unsigned minor)
{
    /* Minor 0 is /dev/tty0, "the current VT", which is no VT of its own. */
    return major == kTtyMajor && minor >= 1 && minor <= kMaxVt ? static_cast<int>(minor) : 0;
}

int chooseVt(int stdinVt, int activeVt)
{
    return stdinVt > 0 ? stdinVt : activeVt > 0 ? activeVt : 0;
}

int parseVtName(const std::string &name)
{
    if (name.size() < 4 || name.compare(0, 3, "tty") != 0)
        return 0;
    int vt = 0;
    size_t i = 3;
    for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; i++) {
        vt = vt * 10 + (name[i] - '0');
        if (vt > static_cast<int>(kMaxVt))
            return 0;
    }
    /* A trailing newline, as sysfs has it, and nothing else. */
    if (i == 3 || (i < name.size() && name.substr(i) != "\n"))
        return 0;
    return vt;
}

bool isDrmPrimary(unsigned major, unsigned minor)
{
    return major == kDrmMajor && minor < kDrmRenderMinor;
}

int keyboardModeToRestore(int saved)
{
    /* A previous run that died in K_OFF left it there; nobody wants that back. */
    return saved == K_OFF ? K_UNICODE : saved;
}

std::string trimLibseatLog(const std::string &line)
{
    std::string out = line;
    if (!out.empty() && out.front() == '[') {
        size_t end = out.find("] ");
        if (end != std::string::npos)
            out.erase(0, end + 2);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    return out;
}

std::optional<std::string> libseatBackendFromLog(const std::string &line)
{
    static const std::string kOpened = "Seat opened with backend '";
    std::string text = trimLibseatLog(line);
    if (text.compare(0, kOpened.size(), kOpened) != 0 || text.back() != '\'')
        return std::nullopt;
    std::string name = text.substr(kOpened.size(), text.size() - kOpened.size() - 1);
    if (name.empty())
        return std::nullopt;
    return name;
}

Result<std::unique_ptr<Session>> Session::open(EventLoop &loop, const SessionOptions &options)
{
    std::unique_ptr<Session> session(new Session());
    SeatAttempt attempt;

#ifdef SCANOUT_HAVE_LIBSEAT
    attempt.built = true;
    if (options.backend != SessionOptions::Backend::Direct) {
        /* A module that is gone (not installed, deleted) counts as libseat not built. */
        if (Result<const SeatModule *> module = seatModule(); !module) {
            attempt.errnum = module.error().errnum();
            attempt.missing = format("the libseat session could not be loaded (%s)",
                                     module.error().message().c_str());
        } else if (Result<std::unique_ptr<SessionBackend>> seat =
                       (*module)->openSeatSession(loop, options.backend, attempt)) {
            session->backend_ = std::move(*seat);
        }
    }
#endif

    if (!session->backend_) {
        if (Result<void> allowed = directAllowed(options.backend, attempt, geteuid()); !allowed)
            return allowed.error();
        if (attempt.tried)
            LOG_INFO("session: no seat daemon answered (tried %s%s%s); running as root, so "
                     "scanout handles the VT itself",
                     attempt.backends.c_str(), attempt.reason.empty() ? "" : ": ",
                     attempt.reason.c_str());
        else if (!attempt.missing.empty())
            LOG_WARN("session: %s; running as root, so scanout handles the VT itself",
                     attempt.missing.c_str());
        Result<std::unique_ptr<SessionBackend>> direct = openDirectSession(loop);
        if (!direct)
            return direct.error();
        session->backend_ = std::move(*direct);
    }

    const SessionBackend &b = *session->backend_;
    std::string where = b.vt() ? format("VT %d", b.vt()) : std::string("no VT");
    LOG_INFO("session: %s (asked for %s), %s%s", b.name(), backendName(options.backend),
             where.c_str(), b.active() ? "" : ", not in front: disabled until switched to");
    return session;
}

Session::~Session() = default;

const char *Session::backend() const
{
    return backend_->name();
}

bool Session::active() const
{
    return backend_->active();
}

Result<int> Session::openDevice(const std::string &path, int flags)
{
    return backend_->openDevice(path, flags);
}

void Session::closeDevice(int fd)
{
    backend_->closeDevice(fd);
}

void Session::setCallbacks(std::function<void()> disabled, std::function<void()> enabled)
{
    backend_->onDisabled = std::move(disabled);
    backend_->onEnabled = std::move(enabled);
}

Result<void> Session::switchVt(int vt)
{
    if (vt < 1 || vt > static_cast<int>(kMaxVt))
        return makeError(EINVAL, "session: switch to VT %d: VTs are numbered 1 to %u", vt, kMaxVt);
    return backend_->switchVt(vt);
}

int Session::vt() const
{
    return backend_->vt();
}

} /* namespace scanout */
