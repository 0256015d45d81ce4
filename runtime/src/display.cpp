/* SPDX-License-Identifier: MIT */
#include <scanout/display.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <optional>

#include <poll.h>
#include <sys/epoll.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <scanout/device.h>
#include <scanout/log.h>
#include <scanout/select.h>

#include "base/console.h"
#include "gfx/egl.h"
#include "kms/commit.h"
#include "kms/framebuffer.h"
#include "kms/properties.h"

namespace scanout {

namespace {

uint64_t monotonicNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

const Framebuffer *framebufferOf(gbm_bo *bo)
{
    /* Set by framebufferForBo() before a bo is ever queued. */
    return static_cast<const Framebuffer *>(gbm_bo_get_user_data(bo));
}

/* Formats the primary plane is asked for, in order: opaque first, it scans out cheapest. */
constexpr uint32_t kPrimaryFormats[] = {kFormatXrgb8888, kFormatArgb8888};

} /* namespace */

/*
 * Buffer flow: the render callback draws into the GBM surface; swap() locks
 * the new front bo, which becomes "queued" until its commit is accepted,
 * then "pending" until its flip event, then "current" while it is scanned
 * out. A bo goes back to GBM only when it stops being current. At most one
 * commit is in flight: a new frame is drawn only after the pending flip.
 */
class Display::Impl
{
public:
    explicit Impl(EventLoop &loop) : loop_(loop) {}
    ~Impl();

    Result<void> init(const DisplayOptions &options);
    Result<void> start();

    struct Slot {
        gbm_bo *bo = nullptr;
        uint64_t frame = 0;
    };
    /* Draws, swaps and makes sure the new front bo has a framebuffer. */
    Result<Slot> renderFrame(uint64_t frame);
    void renderNext();
    void submitQueued();
    void onDrmReadable();
    void onFlip(uint64_t sequence, uint64_t timestampNs);
    void fail(Error error);
    void drainPendingFlip();
    void restore();
    OutputState stateFor(uint32_t fbId, bool modeset) const;

    EventLoop &loop_;
    DisplayOptions options_;

    /* Declared first so it is destroyed last: everything below uses its fd. */
    std::unique_ptr<Device> device_;
    Snapshot snapshot_;
    PropertyTable props_;
    std::unique_ptr<KmsIo> io_;
    std::unique_ptr<CommitBackend> backend_;

    ConnectorInfo connector_;
    ModeInfo mode_;
    uint32_t crtcId_ = 0;
    uint32_t primaryPlaneId_ = 0;
    FormatChoice format_;
    std::vector<uint32_t> planesToDisable_;

    /* What the CRTC showed at start, put back at exit. */
    CrtcInfo savedCrtc_;
    std::vector<uint32_t> savedConnectors_;

    std::unique_ptr<VtGraphicsMode> vt_;
    std::unique_ptr<RenderSurface> surface_;

    Slot current_, pending_, queued_;

    EventLoop::Id drmSource_ = 0;
    std::vector<EventLoop::Id> signalSources_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::optional<EventLoop::Id> retryTimer_;
    RenderCallback render_;
    PresentCallback present_;

    uint64_t nextFrame_ = 0;
    bool running_ = false;
    bool modesetDone_ = false;
    std::optional<Error> failure_;
    DisplayStats stats_;
    uint64_t lastSequence_ = 0;
};

Result<void> Display::Impl::init(const DisplayOptions &options)
{
    options_ = options;

    std::optional<ModeRequest> modeRequest;
    if (!options.mode.empty()) {
        Result<ModeRequest> r = parseModeRequest(options.mode);
        if (!r)
            return r.error();
        modeRequest = *r;
    }

    DeviceOptions devOptions;
    devOptions.device = options.device;
    devOptions.atomic = !options.legacy;
    Result<std::unique_ptr<Device>> device = Device::open(devOptions);
    if (!device)
        return device.error();
    device_ = std::move(*device);
    int fd = device_->fd();

    Result<Snapshot> snapshot = device_->snapshot();
    if (!snapshot)
        return snapshot.error();
    snapshot_ = std::move(*snapshot);

    Result<const ConnectorInfo *> connector = selectConnector(snapshot_, options.connector);
    if (!connector)
        return connector.error();
    connector_ = **connector;

    Result<ModeInfo> mode = selectMode(connector_, modeRequest);
    if (!mode)
        return mode.error();
    mode_ = *mode;

    /* CRTCs driving other connectors stay theirs: taking one would steal that display. */
    std::vector<uint32_t> busy;
    for (const ConnectorInfo &c : snapshot_.connectors)
        if (c.id != connector_.id && c.crtcId)
            busy.push_back(c.crtcId);
    Result<uint32_t> crtc = selectCrtc(snapshot_, connector_, busy);
    if (!crtc)
        return crtc.error();
    crtcId_ = *crtc;

    const PlaneInfo *primary = nullptr;
    for (uint32_t fmt : kPrimaryFormats) {
        Result<const PlaneInfo *> p = selectPrimaryPlane(snapshot_, crtcId_, fmt);
        if (p) {
            primary = *p;
            break;
        }
    }
    if (!primary)
        return makeError(ENOENT, "%s: no primary plane for CRTC %u accepts XR24 or AR24",
                         device_->path().c_str(), crtcId_);
    primaryPlaneId_ = primary->id;

    Result<FormatChoice> format = chooseFormat(*primary, kPrimaryFormats);
    if (!format)
        return format.error();
    format_ = *format;

    for (const PlaneInfo &plane : snapshot_.planes)
        if (plane.crtcId == crtcId_ && plane.id != primaryPlaneId_)
            planesToDisable_.push_back(plane.id);

    savedCrtc_ = *snapshot_.crtc(crtcId_);
    for (const ConnectorInfo &c : snapshot_.connectors)
        if (c.crtcId == crtcId_)
            savedConnectors_.push_back(c.id);

    Result<PropertyTable> props = readPropertyTable(fd, snapshot_);
    if (!props)
        return props.error();
    props_ = std::move(*props);

    io_ = createDrmIo(fd);
    if (device_->info().caps.atomic)
        backend_ = createAtomicBackend(*io_, props_);
    else
        backend_ = createLegacyBackend(*io_);

    LOG_INFO("%s (%s): connector %s, mode %ux%u@%.2f, CRTC %u, primary plane %u, %s, %s commits",
             device_->path().c_str(), device_->info().driver.c_str(), connector_.name.c_str(),
             mode_.hdisplay, mode_.vdisplay, mode_.refreshMilliHz() / 1000.0, crtcId_,
             primaryPlaneId_, fourccName(format_.format).c_str(), backend_->name());

    Result<std::unique_ptr<RenderSurface>> surface =
        RenderSurface::create(fd, mode_.hdisplay, mode_.vdisplay, format_);
    if (!surface)
        return surface.error();
    surface_ = std::move(*surface);

    Result<EventLoop::Id> drm = loop_.addFd(fd, EPOLLIN, [this](uint32_t) { onDrmReadable(); });
    if (!drm)
        return drm.error();
    drmSource_ = *drm;

    if (options.handleSignals) {
        for (int sig : {SIGINT, SIGTERM}) {
            Result<EventLoop::Id> id = loop_.addSignal(sig, [this, sig] {
                LOG_INFO("%s: stopping, restoring the display", strsignal(sig));
                running_ = false;
                loop_.exit(0);
            });
            if (!id)
                return id.error();
            signalSources_.push_back(*id);
        }
    }
    return {};
}

OutputState Display::Impl::stateFor(uint32_t fbId, bool modeset) const
{
    OutputState state;
    state.crtcId = crtcId_;
    state.connectorId = connector_.id;
    state.active = true;
    state.mode = mode_;
    state.planes.push_back(fullScreenPlane(primaryPlaneId_, fbId, mode_.hdisplay, mode_.vdisplay));
    if (modeset)
        state.disablePlanes = planesToDisable_;
    return state;
}

Result<void> Display::Impl::start()
{
    if (modesetDone_)
        return makeError(EALREADY, "display on %s already started", connector_.name.c_str());

    if (!vt_)
        vt_ = VtGraphicsMode::enter();

    Result<Slot> first = renderFrame(0);
    if (!first)
        return first.error();
    OutputState state = stateFor(framebufferOf(first->bo)->id(), true);
    Result<void> r = backend_->commit(state, CommitKind::Test, nullptr);
    if (r)
        r = backend_->commit(state, CommitKind::Modeset, nullptr);
    if (!r) {
        surface_->release(first->bo);
        return r.error();
    }
    modesetDone_ = true;
    current_ = *first;

    uint64_t now = monotonicNs();
    stats_.framesPresented = 1;
    stats_.firstFlipNs = stats_.lastFlipNs = now;
    nextFrame_ = 1;
    running_ = true;
    /* The app may stop() from here, after its first frame. */
    if (present_)
        present_({0, 0, now});

    /* The loop may outlive this display: the posted call checks it still exists. */
    std::weak_ptr<bool> alive = alive_;
    loop_.post([this, alive] {
        if (alive.lock())
            renderNext();
    });
    return {};
}

Result<Display::Impl::Slot> Display::Impl::renderFrame(uint64_t frame)
{
    if (Result<void> r = surface_->makeCurrent(); !r)
        return r.error();
    if (render_)
        render_(frame);

    Result<gbm_bo *> bo = surface_->swap();
    if (!bo)
        return bo.error();
    bool modifiers = device_->info().caps.addFb2Modifiers && surface_->explicitModifiers();
    if (Result<const Framebuffer *> fb = framebufferForBo(device_->fd(), *bo, modifiers); !fb) {
        surface_->release(*bo);
        return fb.error();
    }
    return Slot{*bo, frame};
}

void Display::Impl::renderNext()
{
    if (!running_ || pending_.bo || queued_.bo || failure_)
        return;

    Result<Slot> slot = renderFrame(nextFrame_++);
    if (!slot)
        return fail(slot.error());
    queued_ = *slot;
    submitQueued();
}

void Display::Impl::submitQueued()
{
    if (!running_ || !queued_.bo || pending_.bo)
        return;

    Result<void> r =
        backend_->commit(stateFor(framebufferOf(queued_.bo)->id(), false), CommitKind::Flip, this);
    if (r) {
        pending_ = queued_;
        queued_ = {};
        return;
    }

    if (r.error().errnum() != EBUSY)
        return fail(r.error());

    /*
     * Someone else's commit is still in flight on this CRTC. Try again one
     * refresh later rather than spinning; a flip event retries sooner.
     */
    stats_.busyRetries++;
    LOG_DEBUG("CRTC %u busy, frame %llu retried next refresh", crtcId_,
              static_cast<unsigned long long>(queued_.frame));
    if (retryTimer_)
        return;
    Result<EventLoop::Id> timer = loop_.addTimer(mode_.framePeriodNs(), 0, [this] {
        retryTimer_.reset();
        submitQueued();
    });
    if (!timer)
        return fail(timer.error());
    retryTimer_ = *timer;
}

void Display::Impl::onDrmReadable()
{
    drmEventContext ctx{};
    ctx.version = 3;
    ctx.page_flip_handler2 = [](int, unsigned sequence, unsigned sec, unsigned usec, unsigned,
                                void *user) {
        static_cast<Impl *>(user)->onFlip(sequence, static_cast<uint64_t>(sec) * 1000000000u +
                                                        static_cast<uint64_t>(usec) * 1000u);
    };
    /* A failure here means the event stream is lost: fatal for this device. */
    errno = 0;
    if (drmHandleEvent(device_->fd(), &ctx) < 0)
        fail(makeError(errno ? errno : EIO, "drmHandleEvent on %s (fd %d): event stream lost",
                       device_->path().c_str(), device_->fd()));
}

void Display::Impl::onFlip(uint64_t sequence, uint64_t timestampNs)
{
    if (!pending_.bo) {
        LOG_WARN("CRTC %u: page-flip event with no flip pending", crtcId_);
        return;
    }

    /* The old front buffer left the screen: only now may GBM reuse it. */
    if (current_.bo)
        surface_->release(current_.bo);
    current_ = pending_;
    pending_ = {};

    /*
     * Missed flips: refresh periods the previous frame stayed up for. The
     * vblank sequence says it exactly; drivers without vblank counters
     * (virtio-gpu, some SPI panels) report 0, so fall back to timestamps.
     */
    if (sequence && lastSequence_ && sequence > lastSequence_) {
        stats_.missedFlips += sequence - lastSequence_ - 1;
    } else if (timestampNs > stats_.lastFlipNs) {
        uint64_t period = mode_.framePeriodNs();
        uint64_t periods = (timestampNs - stats_.lastFlipNs + period / 2) / period;
        if (periods > 1)
            stats_.missedFlips += periods - 1;
    }
    lastSequence_ = sequence;
    stats_.lastFlipNs = timestampNs;
    stats_.framesPresented++;

    if (present_)
        present_({current_.frame, sequence, timestampNs});

    if (queued_.bo)
        submitQueued();
    else
        renderNext();
}

void Display::Impl::fail(Error error)
{
    LOG_ERROR("%s", error.describe().c_str());
    if (!failure_)
        failure_ = std::move(error);
    running_ = false;
    loop_.exit(1);
}

void Display::Impl::drainPendingFlip()
{
    /* Let the last flip land, so its buffer can be released and the restore is not EBUSY. */
    int waitedMs = 0;
    while (pending_.bo && waitedMs < 1000) {
        pollfd pfd{device_->fd(), POLLIN, 0};
        int n = poll(&pfd, 1, 50);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0) {
            running_ = false;
            onDrmReadable();
        }
        waitedMs += 50;
    }
    if (pending_.bo)
        LOG_WARN("CRTC %u: last page flip did not complete within 1 s", crtcId_);
}

void Display::Impl::restore()
{
    if (!modesetDone_)
        return;
    if (options_.keepLastFrame) {
        LOG_INFO("leaving the last frame on %s", connector_.name.c_str());
        return;
    }

    /* Legacy SetCrtc restores on atomic drivers too, and takes the console's framebuffer. */
    const CrtcInfo &s = savedCrtc_;
    int ret;
    if (s.mode && s.fbId)
        ret = io_->setCrtc(s.id, s.fbId, s.x, s.y, savedConnectors_, &*s.mode);
    else
        ret = io_->setCrtc(s.id, 0, 0, 0, {}, nullptr);
    if (ret < 0 && s.mode) {
        LOG_WARN("restore CRTC %u to framebuffer %u (%s): %s; turning it off", s.id, s.fbId,
                 s.mode->name.c_str(), strerror(-ret));
        ret = io_->setCrtc(s.id, 0, 0, 0, {}, nullptr);
    }
    if (ret < 0)
        LOG_ERROR("restore CRTC %u: %s", s.id, strerror(-ret));
    else
        LOG_DEBUG("CRTC %u restored to framebuffer %u", s.id, s.fbId);
}

Display::Impl::~Impl()
{
    /* The app's callbacks may capture state that is already gone. */
    running_ = false;
    render_ = nullptr;
    present_ = nullptr;
    alive_.reset();
    if (retryTimer_)
        loop_.remove(*retryTimer_);
    if (drmSource_)
        loop_.remove(drmSource_);

    if (device_ && surface_) {
        drainPendingFlip();
        restore();
        for (Slot *slot : {&current_, &pending_, &queued_})
            if (slot->bo)
                surface_->release(slot->bo);
    }

    /* Bos (and the framebuffers cached on them) go with the surface, before the fd. */
    surface_.reset();
    backend_.reset();
    io_.reset();
    vt_.reset();
    device_.reset();

    /* Last: until the display and VT are back, SIGINT/SIGTERM stay blocked. */
    for (EventLoop::Id id : signalSources_)
        loop_.remove(id);
}

Display::Display() = default;
Display::~Display() = default;

Result<std::unique_ptr<Display>> Display::create(EventLoop &loop, const DisplayOptions &options)
{
    std::unique_ptr<Display> display(new Display());
    display->impl_ = std::make_unique<Impl>(loop);
    if (Result<void> r = display->impl_->init(options); !r)
        return r.error();
    return display;
}

uint32_t Display::width() const
{
    return impl_->mode_.hdisplay;
}

uint32_t Display::height() const
{
    return impl_->mode_.vdisplay;
}

const ModeInfo &Display::mode() const
{
    return impl_->mode_;
}

const std::string &Display::connectorName() const
{
    return impl_->connector_.name;
}

const DeviceInfo &Display::device() const
{
    return impl_->device_->info();
}

const char *Display::commitMode() const
{
    return impl_->backend_->name();
}

const std::string &Display::renderer() const
{
    return impl_->surface_->renderer();
}

void Display::setRenderCallback(RenderCallback callback)
{
    impl_->render_ = std::move(callback);
}

void Display::setPresentCallback(PresentCallback callback)
{
    impl_->present_ = std::move(callback);
}

Result<void> Display::start()
{
    return impl_->start();
}

void Display::stop()
{
    impl_->running_ = false;
}

const Error *Display::failure() const
{
    return impl_->failure_ ? &*impl_->failure_ : nullptr;
}

const DisplayStats &Display::stats() const
{
    return impl_->stats_;
}

} /* namespace scanout */
