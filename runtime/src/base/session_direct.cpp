/* SPDX-License-Identifier: MIT */
/*
 * The direct session: what a seat daemon would do, done by the process
 * itself, as root. It owns one VT: KD_GRAPHICS so that the console stops
 * drawing, K_OFF so that keystrokes do not reach the getty behind us, and
 * VT_PROCESS so that a switch away waits until we have let go of the DRM
 * devices. If the process dies without restoring any of it, the kernel
 * resets the VT (reset_vc) at the next switch: VT_AUTO, KD_TEXT and the
 * default keyboard mode.
 */
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <xf86drm.h>

#include <scanout/event_loop.h>
#include <scanout/log.h>
#include <scanout/unique_fd.h>

#include "base/session_backend.h"

namespace scanout {

namespace {

/* The signals the kernel sends to ask us to release the VT and to say we have it back. */
constexpr int kReleaseSignal = SIGUSR1;
constexpr int kAcquireSignal = SIGUSR2;

class DirectSession final : public SessionBackend
{
public:
    explicit DirectSession(EventLoop &loop) : loop_(loop) {}
    ~DirectSession() override;

    Result<void> init();

    const char *name() const override { return "direct"; }
    bool active() const override { return active_; }
    Result<int> openDevice(const std::string &path, int flags) override;
    void closeDevice(int fd) override;
    Result<void> switchVt(int vt) override;
    int vt() const override { return vt_; }

private:
    /* An fd the session opened and owns until closeDevice(). */
    struct OpenDevice {
        UniqueFd fd;
        std::string path;
        bool drmPrimary = false; /* master is dropped and taken back on VT switches */
    };

    int findVt(std::string &why) const;
    void release();
    void acquire();
    void restoreVt();

    EventLoop &loop_;
    UniqueFd tty_;
    std::string ttyPath_;
    int vt_ = 0;
    bool active_ = true;

    /* What init() changed, so that restoreVt() undoes exactly that. */
    std::optional<int> savedKdMode_;
    std::optional<int> savedKbMode_;
    bool processMode_ = false;

    std::vector<EventLoop::Id> signals_;
    std::map<int, OpenDevice> devices_;
};

int DirectSession::findVt(std::string &why) const
{
    struct stat st;
    int stdinVt = 0;
    if (fstat(STDIN_FILENO, &st) == 0 && S_ISCHR(st.st_mode))
        stdinVt = vtOfDevice(major(st.st_rdev), minor(st.st_rdev));
    if (stdinVt)
        return stdinVt;

    /* /dev/tty0 is whichever VT is in front; it is missing without VTs (containers, no CONFIG_VT).
     */
    UniqueFd tty0(::open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!tty0.isValid()) {
        why = format("open /dev/tty0: %s", strerror(errno));
        return 0;
    }
    vt_stat state{};
    if (ioctl(tty0.get(), VT_GETSTATE, &state) < 0) {
        why = format("VT_GETSTATE on /dev/tty0: %s", strerror(errno));
        return 0;
    }
    return chooseVt(0, state.v_active);
}

Result<void> DirectSession::init()
{
    std::string why;
    vt_ = findVt(why);
    if (!vt_) {
        LOG_INFO("session: no VT (%s): running without VT switching", why.c_str());
        return {};
    }

    ttyPath_ = format("/dev/tty%d", vt_);
    const char *path = ttyPath_.c_str();
    tty_.reset(::open(path, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!tty_.isValid())
        return makeError(errno, "session: open %s (VT %d)", path, vt_);
    int fd = tty_.get();

    int kdMode = 0, kbMode = 0;
    if (ioctl(fd, KDGETMODE, &kdMode) < 0)
        return makeError(errno, "session: KDGETMODE on %s", path);
    if (ioctl(fd, KDGKBMODE, &kbMode) < 0)
        return makeError(errno, "session: KDGKBMODE on %s", path);

    /* Through the loop before VT_PROCESS: the default action of SIGUSR1 ends the process. */
    for (auto [sig, handler] : {std::pair{kReleaseSignal, &DirectSession::release},
                                std::pair{kAcquireSignal, &DirectSession::acquire}}) {
        Result<EventLoop::Id> id = loop_.addSignal(sig, [this, handler] { (this->*handler)(); });
        if (!id)
            return id.error();
        signals_.push_back(*id);
    }

    if (ioctl(fd, KDSETMODE, KD_GRAPHICS) < 0)
        return makeError(errno, "session: KDSETMODE KD_GRAPHICS on %s", path);
    savedKdMode_ = kdMode;

    if (ioctl(fd, KDSKBMODE, K_OFF) < 0)
        LOG_WARN("session: KDSKBMODE K_OFF on %s: %s; keystrokes still reach the console", path,
                 strerror(errno));
    else
        savedKbMode_ = kbMode;

    vt_mode mode{};
    mode.mode = VT_PROCESS;
    mode.relsig = kReleaseSignal;
    mode.acqsig = kAcquireSignal;
    if (ioctl(fd, VT_SETMODE, &mode) < 0)
        return makeError(errno, "session: VT_SETMODE VT_PROCESS on %s", path);
    processMode_ = true;

    vt_stat state{};
    if (ioctl(fd, VT_GETSTATE, &state) < 0)
        return makeError(errno, "session: VT_GETSTATE on %s", path);
    active_ = state.v_active == vt_;
    LOG_DEBUG("session: %s taken (KD mode was %d, keyboard mode %d), VT %d in front", path, kdMode,
              kbMode, state.v_active);
    return {};
}

DirectSession::~DirectSession()
{
    /*
     * DRM fds first: when the last master goes, fbdev takes the display
     * back, and the console then redraws in KD_TEXT.
     */
    devices_.clear();
    if (tty_.isValid())
        restoreVt();
    /* After VT_AUTO: no more switch signals come; remove() drops any still queued. */
    for (EventLoop::Id id : signals_)
        loop_.remove(id);
}

void DirectSession::restoreVt()
{
    const char *path = ttyPath_.c_str();
    int fd = tty_.get();
    if (processMode_) {
        vt_mode mode{};
        mode.mode = VT_AUTO;
        if (ioctl(fd, VT_SETMODE, &mode) < 0)
            LOG_ERROR("session: VT_SETMODE VT_AUTO on %s: %s", path, strerror(errno));
    }
    if (savedKbMode_) {
        int kb = keyboardModeToRestore(*savedKbMode_);
        if (ioctl(fd, KDSKBMODE, kb) < 0)
            LOG_ERROR("session: restore keyboard mode %d on %s: %s", kb, path, strerror(errno));
    }
    if (savedKdMode_ && ioctl(fd, KDSETMODE, *savedKdMode_) < 0)
        LOG_ERROR("session: restore KD mode %d on %s: %s", *savedKdMode_, path, strerror(errno));
    LOG_DEBUG("session: %s given back", path);
}

/* The kernel asks for the VT (kReleaseSignal); the switch waits for VT_RELDISP. */
void DirectSession::release()
{
    if (active_) {
        active_ = false;
        if (onDisabled)
            onDisabled();
        for (auto &[fd, device] : devices_)
            if (device.drmPrimary && drmIsMaster(fd) && drmDropMaster(fd) < 0)
                LOG_ERROR("session: drop DRM master on %s: %s", device.path.c_str(),
                          strerror(errno));
    }
    if (ioctl(tty_.get(), VT_RELDISP, 1) < 0)
        LOG_ERROR("session: VT_RELDISP on %s (switching away from VT %d): %s", ttyPath_.c_str(),
                  vt_, strerror(errno));
    else
        LOG_DEBUG("session: VT %d released", vt_);
}

/* The VT is ours again (kAcquireSignal). */
void DirectSession::acquire()
{
    if (ioctl(tty_.get(), VT_RELDISP, VT_ACKACQ) < 0)
        LOG_ERROR("session: VT_RELDISP VT_ACKACQ on %s: %s", ttyPath_.c_str(), strerror(errno));
    if (active_)
        return;
    for (auto &[fd, device] : devices_)
        if (device.drmPrimary && drmSetMaster(fd) < 0)
            LOG_ERROR("session: DRM master on %s with VT %d back in front: %s (does another "
                      "process hold it?)",
                      device.path.c_str(), vt_, strerror(errno));
    active_ = true;
    LOG_DEBUG("session: VT %d acquired", vt_);
    if (onEnabled)
        onEnabled();
}

Result<int> DirectSession::openDevice(const std::string &path, int flags)
{
    UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
    if (!fd.isValid())
        return makeError(errno, "session: open %s", path.c_str());

    struct stat st;
    bool drm = fstat(fd.get(), &st) == 0 && S_ISCHR(st.st_mode) &&
               isDrmPrimary(major(st.st_rdev), minor(st.st_rdev));
    /* The first opener of a card becomes master; not while another VT is in front. */
    if (drm && !active_ && drmIsMaster(fd.get()) && drmDropMaster(fd.get()) < 0)
        return makeError(errno, "session: drop DRM master on %s (VT %d is not in front)",
                         path.c_str(), vt_);

    int raw = fd.get();
    devices_[raw] = OpenDevice{std::move(fd), path, drm};
    return raw;
}

void DirectSession::closeDevice(int fd)
{
    if (devices_.erase(fd) == 0)
        LOG_WARN("session: fd %d was not opened through the session; not closing it", fd);
}

Result<void> DirectSession::switchVt(int vt)
{
    if (!tty_.isValid())
        return makeError(ENOTTY, "session: switch to VT %d: this session has no VT", vt);
    if (ioctl(tty_.get(), VT_ACTIVATE, vt) < 0)
        return makeError(errno, "session: VT_ACTIVATE %d on %s", vt, ttyPath_.c_str());
    return {};
}

} /* namespace */

Result<std::unique_ptr<SessionBackend>> openDirectSession(EventLoop &loop)
{
    auto session = std::make_unique<DirectSession>(loop);
    /* On failure the destructor undoes whatever init() did. */
    if (Result<void> r = session->init(); !r)
        return r.error();
    return std::unique_ptr<SessionBackend>(std::move(session));
}

} /* namespace scanout */
