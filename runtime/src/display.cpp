/* SPDX-License-Identifier: MIT */
#include <scanout/display.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <list>
#include <map>
#include <optional>

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <scanout/device.h>
#include <scanout/hotplug.h>
#include <scanout/log.h>
#include <scanout/select.h>

#include "base/console.h"
#include "gfx/renderer.h"
#include "kms/commit.h"
#include "kms/framebuffer.h"
#include "kms/properties.h"
#include "kms/writeback.h"

namespace scanout {

namespace {

uint64_t monotonicNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

/* Formats the primary plane is asked for, in order: opaque first, it scans out cheapest. */
constexpr uint32_t kPrimaryFormats[] = {kFormatXrgb8888, kFormatArgb8888};

/*
 * DisplayOptions::formats, less those the runtime cannot draw: the
 * background is a dumb buffer painted with packRgb(), so packed RGB only.
 */
Result<std::vector<uint32_t>> primaryFormats(const std::vector<uint32_t> &asked)
{
    if (asked.empty())
        return std::vector<uint32_t>(std::begin(kPrimaryFormats), std::end(kPrimaryFormats));
    std::vector<uint32_t> usable;
    for (uint32_t f : asked) {
        if (packRgb(f, 0))
            usable.push_back(f);
        else
            LOG_WARN("display format %s passed over: the primary plane takes packed RGB "
                     "formats only (XR24, AR24, XB24, AB24, RG16 and their kin)",
                     fourccName(f).c_str());
    }
    if (usable.empty())
        return makeError(ENOTSUP, "none of the display formats %s is packed RGB",
                         fourccNames(asked).c_str());
    return usable;
}

/* setLazyFlipEvents(): how long a flip event may wait for the loop to wake up. */
constexpr int kLazyFlipMs = 50;

} /* namespace */

/*
 * Buffer flow: the render callback draws into the renderer's GBM surface;
 * swap() locks the new front buffer, which becomes "queued" until its
 * commit is accepted, then "pending" until its flip event, then "current"
 * while it is scanned out. A buffer goes back to the renderer only when it
 * stops being current. At most one commit is in flight: a new frame is
 * drawn only after the pending flip.
 */
class Display::Impl
{
public:
    explicit Impl(EventLoop &loop) : loop_(loop) {}
    ~Impl();

    Result<void> init(const DisplayOptions &options);
    Result<void> start();
    /* Modesets to what is queued or current, drawing a GL frame if there is none. */
    Result<void> modeset(uint64_t now);

    /* Why nothing is committed now: frames go on when none is left. */
    enum PauseReason : unsigned {
        kSuspended = 1u << 0,    /* the app's session went away (VT switch) */
        kMasterLost = 1u << 1,   /* a commit failed with EACCES */
        kDisconnected = 1u << 2, /* the connector was unplugged */
    };
    void pause(unsigned reason, const char *why);
    /* Clears \a reasons; when none is left, modesets and redraws. */
    Result<void> unpause(unsigned reasons);
    /* The full modeset and redraw after a pause for \a before. */
    Result<void> resumeOutput(unsigned before);
    /* Turns the CRTC off and gives every buffer on it back (connector gone). */
    void disableOutput();
    void onHotplug(const HotplugEvent &event);
    /* Follows our connector's status: \a probe asks the driver, else its last known state. */
    void checkConnector(bool probe);
    Result<void> setCursor(const uint32_t *argb, uint32_t width, uint32_t height, uint32_t hotX,
                           uint32_t hotY, bool usePlane);
    /* Without a session to say when master is back, asks for it now and then. */
    void watchMaster();

    /* A GL frame: the renderer's buffer (null: none) and its framebuffer. */
    struct Slot {
        void *bo = nullptr;
        const Framebuffer *fb = nullptr;
        uint64_t frame = 0;
    };

    /*
     * A buffer known by id: imported from someone's dma_buf (fds borrowed)
     * or allocated here (memory and fds owned). The framebuffer and the GL
     * texture are made on first use and kept: never once per frame. An
     * import that failed is remembered, not retried every frame.
     */
    struct Buffer {
        DmaBufDescription desc;
        std::unique_ptr<DumbBuffer> memory;
        std::vector<UniqueFd> fds;
        std::unique_ptr<Framebuffer> fb;
        std::optional<Error> fbError;
        std::unique_ptr<RendererTexture> texture;
    };

    /*
     * A plane showing app buffers. Each buffer id is in at most one of the
     * three states: queued (given, not yet committed), pending (committed,
     * flip not completed) and current (on screen). It goes back to the app
     * only when it leaves current, or when a newer one replaces it in queued.
     */
    struct Layer {
        LayerOptions options;
        LayerEvents events;
        uint32_t planeId = 0;
        bool primary = false;
        /* The plane's "rotation" value for the output's transform; 0: no property, or legacy. */
        uint64_t rotation = 0;
        /* The zpos to set on the plane; none: left alone. */
        std::optional<uint64_t> zpos;
        uint32_t queued = 0, pending = 0, current = 0;
        /* clearLayer(): the next commit turns the plane off; done runs once it is. */
        bool clearing = false, clearCommitted = false;
        std::function<void()> cleared;
        /** What the next commit shows. */
        uint32_t next() const { return clearing ? 0 : queued ? queued : current; }
    };

    /* Draws, swaps and makes sure the new front bo has a framebuffer. */
    Result<Slot> renderFrame(uint64_t frame);
    /* GBM and EGL, loaded on first use: a display GL never draws on never loads them. */
    Result<void> ensureGl();
    /* Whether GL draws the primary plane: else it shows the background buffer. */
    bool glDraws() const { return render_ || (cursor_.set && !cursor_.planeId); }
    /*
     * Something for the primary plane to show where no layer covers it: a GL
     * frame (drawn for a probe when \a probe), or the background buffer.
     */
    Result<void> preparePrimary(bool probe);
    /* The primary plane's picture while GL draws nothing: one colour, made once. */
    Result<void> makeBackground();
    /*
     * The state for a modeset (with \a probe showing \a probeBuffer), checked
     * with a TEST_ONLY commit; a primary plane left off and refused gets
     * the background buffer instead.
     */
    Result<OutputState> testState(const Layer *probe = nullptr, uint32_t probeBuffer = 0);
    /* Commits what changed, drawing a GL frame first if one is due. */
    void commitChanges();
    void scheduleCommit();
    void onDrmReadable();
    /* Lazy flip events: reads one if it arrived, and wakes the loop for the rest when needed. */
    void onDrmLazy();
    /* Whether something waits for the pending flip: a layer's next buffer, a GL frame. */
    bool flipAwaited() const;
    /* Makes the DRM fd lazy or not, as lazyFlips_ and flipAwaited() say. */
    void updateFlipWakeups();
    void onFlip(uint64_t sequence, uint64_t timestampNs);
    void notifyPresent(const FrameInfo &info);
    void fail(Error error);
    void drainPendingFlip();
    void restore();
    /* Whether the GL-drawn primary plane is visible, not covered by a layer. */
    bool glVisible() const;
    /* The state showing each layer's next buffer; \a probe overrides one layer's. */
    Result<OutputState> stateFor(bool modeset, const Layer *probe = nullptr,
                                 uint32_t probeBuffer = 0) const;
    Result<const Framebuffer *> framebufferOf(uint32_t buffer);
    /* Frees a buffer's GL texture, with the context current (else the error, texture kept). */
    Result<void> freeTexture(Buffer &buffer);
    PlaneState layerPlaneState(const Layer &layer, uint32_t buffer) const;
    Result<Layer *> findLayer(uint32_t layer);
    Result<Buffer *> findBuffer(uint32_t buffer);

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
    /* Off in each modeset unless in its state: planes found on the CRTC, layers cleared paused. */
    std::vector<uint32_t> planesToDisable_;
    /* Logical (the app's) to physical (the mode's) coordinates. */
    OutputTransform transform_;
    /*
     * The primary plane's "rotation" values, 0 where it has none (or legacy): upright, and for
     * the GL frame, which is the transform's when the plane lays the picture out (kmsRotation_)
     * and upright when GL does. Set on every commit that lights the plane, so a turn an earlier
     * client left behind is not inherited.
     */
    uint64_t uprightRotation_ = 0, frameRotation_ = 0;
    bool kmsRotation_ = false;
    /* The primary plane's zpos under the GL frame or background; none: left alone. */
    std::optional<uint64_t> primaryZpos_;
    bool transformed() const { return !transform_.identity(); }
    /* Atomic commits, so plane properties are set: false under legacy, asked for or forced. */
    bool atomic() const { return device_->info().caps.atomic; }
    /* The GL frame's size: logical when KMS rotates it, else the mode's. */
    uint32_t frameWidth() const
    {
        return kmsRotation_ ? transform_.logicalWidth() : mode_.hdisplay;
    }
    uint32_t frameHeight() const
    {
        return kmsRotation_ ? transform_.logicalHeight() : mode_.vdisplay;
    }

    /* What the CRTC showed at start, put back at exit. */
    CrtcInfo savedCrtc_;
    std::vector<uint32_t> savedConnectors_;

    std::unique_ptr<VtGraphicsMode> vt_;
    /* Null until GL is first needed: the module is loaded then. */
    std::unique_ptr<Renderer> renderer_;
    /* The primary plane's picture while GL draws nothing: one colour, made once. */
    std::unique_ptr<DumbBuffer> background_;
    /* Or, under black, no buffer at all: the primary plane is off while GL draws nothing. */
    bool primaryOff_ = false;

    Slot current_, pending_, queued_;
    std::map<uint32_t, Buffer> buffers_;
    std::map<uint32_t, Layer> layers_;
    uint32_t nextBufferId_ = 1, nextLayerId_ = 1;
    /* A second open file of the device for allocateBuffer(): its GEM handles never alias ours. */
    UniqueFd allocFd_;
    bool flipPending_ = false;
    bool needsRender_ = true;
    /* The queued GL frame was drawn for a TEST_ONLY probe, not shown yet. */
    bool probeFrame_ = false;

    EventLoop::Id drmSource_ = 0;
    /* commitChanges() as a deferred source: scheduled by every change, run once per round. */
    EventLoop::Id commitSource_ = 0;
    /* setLazyFlipEvents(), and whether the DRM fd is lazy in the loop now. */
    bool lazyFlips_ = false, drmLazy_ = false;
    std::vector<EventLoop::Id> signalSources_;
    std::optional<EventLoop::Id> retryTimer_;
    RenderCallback render_;
    PresentCallback present_;
    /* A list, so that a listener added or removed from a callback moves none. */
    struct Listener {
        uint32_t id;
        PresentCallback callback;
        bool removed = false;
    };
    std::list<Listener> listeners_;
    uint32_t nextListener_ = 1;
    bool notifying_ = false;

    uint64_t nextFrame_ = 0;
    bool running_ = false;
    bool modesetDone_ = false;
    std::optional<Error> failure_;
    DisplayStats stats_;
    uint64_t lastSequence_ = 0;

    unsigned paused_ = 0;
    /* The connector went away while a flip was in flight: turn off after it lands. */
    bool disableAfterFlip_ = false;
    /* Unpaused while a flip was in flight: the pause reasons to resume from after it. */
    unsigned resumeAfterFlip_ = 0;
    dev_t devnum_ = 0;
    std::unique_ptr<HotplugMonitor> hotplug_;
    std::optional<EventLoop::Id> masterTimer_;
    std::optional<EventLoop::Id> connectorTimer_;
    std::function<void(bool)> connectorCallback_;

    /* The pointer: on the cursor plane (planeId set), or drawn by GL. */
    struct Cursor {
        std::vector<uint32_t> image; /* as the user sees it */
        uint32_t width = 0, height = 0, hotX = 0, hotY = 0;
        PointF position;
        bool set = false, visible = false, dirty = false;
        uint32_t planeId = 0;
        uint64_t rotation = 0; /* the plane's upright "rotation" value; 0: none, or legacy */
        std::unique_ptr<DumbBuffer> buffer; /* the image turned to the mode's orientation */
        PointF hotPhysical;
    };
    Cursor cursor_;
    PlaneState cursorPlaneState() const;
    void drawCursorGl();
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
    devOptions.connector = options.connector;
    devOptions.atomic = !options.legacy;
    devOptions.writeback = options.writeback;
    devOptions.session = options.session;
    Result<std::unique_ptr<Device>> device = Device::open(devOptions);
    if (!device)
        return device.error();
    device_ = std::move(*device);
    int fd = device_->fd();

    /* One cache for the snapshot and the property table: the planes' properties are read once. */
    PropertyCache properties(fd);
    Result<Snapshot> snapshot = readSnapshot(properties, device_->info());
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

    Result<std::vector<uint32_t>> formats = primaryFormats(options.formats);
    if (!formats)
        return formats.error();
    const PlaneInfo *primary = nullptr;
    for (uint32_t fmt : *formats) {
        Result<const PlaneInfo *> p = selectPrimaryPlane(snapshot_, crtcId_, fmt);
        if (p) {
            primary = *p;
            break;
        }
    }
    if (!primary)
        return makeError(ENOENT, "%s: no primary plane for CRTC %u accepts %s",
                         device_->path().c_str(), crtcId_, fourccNames(*formats).c_str());
    primaryPlaneId_ = primary->id;

    Result<FormatChoice> format = chooseFormat(*primary, *formats, options.modifiers);
    if (!format)
        return makeError(format.error().errnum(), "%s: %s", device_->path().c_str(),
                         format.error().message().c_str());
    format_ = *format;

    for (const PlaneInfo &plane : snapshot_.planes)
        if (plane.crtcId == crtcId_ && plane.id != primaryPlaneId_)
            planesToDisable_.push_back(plane.id);

    savedCrtc_ = *snapshot_.crtc(crtcId_);
    for (const ConnectorInfo &c : snapshot_.connectors)
        if (c.crtcId == crtcId_)
            savedConnectors_.push_back(c.id);

    Result<PropertyTable> props = readPropertyTable(properties, snapshot_);
    if (!props)
        return props.error();
    props_ = std::move(*props);

    io_ = createDrmIo(fd);
    if (atomic())
        backend_ = createAtomicBackend(*io_, props_);
    else
        backend_ = createLegacyBackend(*io_);

    transform_ =
        OutputTransform(mode_.hdisplay, mode_.vdisplay, options.rotation, options.reflection);
    uprightRotation_ = atomic() ? planeRotationValue(*primary, Rotation::R0, Reflection::None) : 0;
    uint64_t turned =
        atomic() ? planeRotationValue(*primary, options.rotation, options.reflection) : 0;
    kmsRotation_ = transformed() && turned;
    frameRotation_ = kmsRotation_ ? turned : uprightRotation_;
    if (transformed()) {
        LOG_INFO("%s: picture %s by %s", connector_.name.c_str(), transform_.describe().c_str(),
                 kmsRotation_ ? "the primary plane's rotation property" : "GL");
    }
    primaryZpos_.reset();
    if (options.zpos) {
        Result<std::optional<uint64_t>> zpos = planeZpos(*primary, *options.zpos, atomic());
        if (!zpos)
            return makeError(zpos.error().errnum(), "%s: %s", device_->path().c_str(),
                             zpos.error().message().c_str());
        primaryZpos_ = *zpos;
        LOG_INFO("%s: primary plane %u at zpos %u", connector_.name.c_str(), primaryPlaneId_,
                 *options.zpos);
    }

    LOG_INFO("%s (%s): connector %s, mode %ux%u@%.2f, CRTC %u, primary plane %u, %s (%s%s), "
             "%s commits",
             device_->path().c_str(), device_->info().driver.c_str(), connector_.name.c_str(),
             mode_.hdisplay, mode_.vdisplay, mode_.refreshMilliHz() / 1000.0, crtcId_,
             primaryPlaneId_, fourccName(format_.format).c_str(),
             modifierNames(format_.modifiers).c_str(),
             !format_.implicitAllowed    ? ""
             : format_.modifiers.empty() ? "implicit layout"
                                         : ", else implicit",
             backend_->name());

    Result<EventLoop::Id> drm = loop_.addFd(fd, EPOLLIN, [this](uint32_t events) {
        if (events)
            onDrmReadable();
        else
            onDrmLazy();
    });
    if (!drm)
        return drm.error();
    drmSource_ = *drm;
    Result<EventLoop::Id> commit = loop_.addDeferred([this] { commitChanges(); });
    if (!commit)
        return commit.error();
    commitSource_ = *commit;

    if (options.hotplug) {
        struct stat st {
        };
        if (fstat(fd, &st) == 0)
            devnum_ = st.st_rdev;
        else
            LOG_WARN("%s: fstat fd %d: %s; the device's removal will not be noticed",
                     device_->path().c_str(), fd, strerror(errno));
        Result<std::unique_ptr<HotplugMonitor>> monitor = HotplugMonitor::create(
            loop_, {"drm"}, [this](const HotplugEvent &event) { onHotplug(event); });
        if (monitor)
            hotplug_ = std::move(*monitor);
        else
            LOG_WARN("%s: connector hotplug events not followed: %s", connector_.name.c_str(),
                     monitor.error().describe().c_str());
        /*
         * Drivers without hotplug polling (virtio-gpu, vkms) change a forced
         * connector's status with no uevent: read the cached status (no probe)
         * once a second too.
         */
        Result<EventLoop::Id> timer =
            loop_.addTimer(1000000000u, 1000000000u, [this] { checkConnector(false); });
        if (!timer)
            return makeError(timer.error().errnum(), "%s: connector status timer: %s",
                             connector_.name.c_str(), timer.error().message().c_str());
        connectorTimer_ = *timer;
    }

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

bool Display::Impl::glVisible() const
{
    for (const auto &[id, layer] : layers_)
        if (layer.primary && layer.next())
            return false;
    return true;
}

PlaneState Display::Impl::layerPlaneState(const Layer &layer, uint32_t buffer) const
{
    const Buffer &b = buffers_.at(buffer);
    PlaneState p;
    p.planeId = layer.planeId;
    p.fbId = b.fb ? b.fb->id() : 0;
    Rect src = layer.options.source.empty() ? Rect{0, 0, b.desc.width, b.desc.height}
                                            : layer.options.source;
    /* Destinations are logical: where the user sees the layer. */
    Rect dst = layer.options.destination.empty() ? Rect{0, 0, mode_.hdisplay, mode_.vdisplay}
                                                 : transform_.toPhysical(layer.options.destination);
    p.rotation = layer.rotation;
    p.zpos = layer.zpos;
    p.srcX = static_cast<uint32_t>(src.x) << 16;
    p.srcY = static_cast<uint32_t>(src.y) << 16;
    p.srcW = src.width << 16;
    p.srcH = src.height << 16;
    p.crtcX = dst.x;
    p.crtcY = dst.y;
    p.crtcW = dst.width;
    p.crtcH = dst.height;
    return p;
}

Result<OutputState> Display::Impl::stateFor(bool modeset, const Layer *probe,
                                            uint32_t probeBuffer) const
{
    OutputState state;
    state.crtcId = crtcId_;
    state.connectorId = connector_.id;
    state.active = true;
    state.mode = mode_;

    auto nextOf = [&](const Layer &layer) { return &layer == probe ? probeBuffer : layer.next(); };

    /* The primary plane first: a layer covering it, else the GL frame. */
    const Layer *onPrimary = nullptr;
    for (const auto &[id, layer] : layers_)
        if (layer.primary && nextOf(layer))
            onPrimary = &layer;
    if (onPrimary) {
        state.planes.push_back(layerPlaneState(*onPrimary, nextOf(*onPrimary)));
    } else if (const Slot &gl = queued_.bo ? queued_ : current_; !gl.bo) {
        if (primaryOff_) {
            PlaneState off;
            off.planeId = primaryPlaneId_;
            state.planes.push_back(off);
        } else if (background_) {
            PlaneState plane = fullScreenPlane(primaryPlaneId_, background_->framebuffer().id(),
                                               mode_.hdisplay, mode_.vdisplay);
            plane.rotation = uprightRotation_; /* mode-sized and one colour: never turned */
            state.planes.push_back(plane);
        } else {
            return makeError(ENODATA, "CRTC %u: nothing drawn yet for primary plane %u", crtcId_,
                             primaryPlaneId_);
        }
    } else {
        PlaneState plane =
            fullScreenPlane(primaryPlaneId_, gl.fb->id(), frameWidth(), frameHeight());
        plane.crtcW = mode_.hdisplay;
        plane.crtcH = mode_.vdisplay;
        plane.rotation = frameRotation_;
        state.planes.push_back(plane);
    }
    if (!onPrimary && state.planes.front().fbId)
        state.planes.front().zpos = primaryZpos_;

    for (const auto &[id, layer] : layers_) {
        if (layer.primary)
            continue;
        if (uint32_t buffer = nextOf(layer)) {
            state.planes.push_back(layerPlaneState(layer, buffer));
        } else {
            PlaneState off;
            off.planeId = layer.planeId;
            state.planes.push_back(off);
        }
    }

    if (cursor_.planeId)
        state.planes.push_back(cursorPlaneState());

    if (modeset)
        for (uint32_t plane : planesToDisable_)
            if (std::none_of(state.planes.begin(), state.planes.end(),
                             [&](const PlaneState &p) { return p.planeId == plane; }))
                state.disablePlanes.push_back(plane);
    return state;
}

Result<void> Display::Impl::start()
{
    if (modesetDone_)
        return makeError(EALREADY, "display on %s already started", connector_.name.c_str());

    if (!vt_ && !options_.session)
        vt_ = VtGraphicsMode::enter();

    /*
     * A probe (testLayer) may have drawn frame 0 before the app set its
     * render callback: draw the first frame the app sees again.
     */
    if (queued_.bo && probeFrame_) {
        renderer_->release(queued_.bo);
        queued_ = {};
    }
    probeFrame_ = false;
    uint64_t now = monotonicNs();
    if (Result<void> r = modeset(now); !r)
        return r.error();
    modesetDone_ = true;
    nextFrame_ = current_.frame + 1;
    needsRender_ = options_.continuous;
    stats_.framesPresented = 1;
    stats_.commits = 1;
    stats_.firstFlipNs = stats_.lastFlipNs = now;
    running_ = true;

    /* The app may stop() from here, after its first frame. */
    notifyPresent({current_.frame, 0, now});

    scheduleCommit();
    return {};
}

Result<void> Display::Impl::preparePrimary(bool probe)
{
    if (!glVisible())
        return {};
    if (glDraws()) {
        if (queued_.bo || current_.bo)
            return {};
        Result<Slot> first = renderFrame(probe ? 0 : nextFrame_);
        if (!first)
            return first.error();
        queued_ = *first;
        probeFrame_ = probe;
        if (modesetDone_ && !probe)
            nextFrame_++;
        return {};
    }
    if (background_ || primaryOff_)
        return {};
    /*
     * Black is what a CRTC shows where no plane is: with atomic KMS, try the
     * primary plane off (the TEST_ONLY commits of modeset() and testLayer()
     * fall back to a buffer if the driver wants it on). No memory, and no
     * full-screen fetch every refresh.
     */
    if (!(options_.background & 0xffffffu) && atomic()) {
        primaryOff_ = true;
        LOG_INFO("%s: primary plane %u off under black; GL not loaded", connector_.name.c_str(),
                 primaryPlaneId_);
        return {};
    }
    if (Result<void> r = makeBackground(); !r)
        return r.error();
    LOG_INFO("%s: primary plane %u shows #%06x from a dumb buffer; GL not loaded",
             connector_.name.c_str(), primaryPlaneId_, options_.background & 0xffffffu);
    return {};
}

Result<void> Display::Impl::makeBackground()
{
    /*
     * Dumb buffers are linear. Added without a modifier unless the allowed
     * modifiers leave out the implicit layout: then it must be LINEAR, said
     * explicitly.
     */
    uint64_t modifier = kModifierInvalid;
    if (!format_.implicitAllowed) {
        bool linear = std::find(format_.modifiers.begin(), format_.modifiers.end(),
                                kModifierLinear) != format_.modifiers.end();
        if (!linear || !device_->info().caps.addFb2Modifiers)
            return makeError(ENOTSUP,
                             "%s: primary plane %u: the background is a linear dumb buffer, "
                             "and the allowed modifiers admit %s",
                             connector_.name.c_str(), primaryPlaneId_,
                             linear ? "LINEAR only where AddFB2 takes modifiers (it does not)"
                                    : "neither LINEAR nor INVALID");
        modifier = kModifierLinear;
    }
    Result<std::unique_ptr<DumbBuffer>> buffer =
        DumbBuffer::create(device_->fd(), mode_.hdisplay, mode_.vdisplay, format_.format, modifier);
    if (!buffer)
        return buffer.error();
    /* Dumb buffers start zeroed: black needs no CPU write. */
    if (uint32_t rgb = options_.background & 0xffffffu)
        (*buffer)->fill(rgb);
    background_ = std::move(*buffer);
    return {};
}

Result<OutputState> Display::Impl::testState(const Layer *probe, uint32_t probeBuffer)
{
    Result<OutputState> state = stateFor(true, probe, probeBuffer);
    if (!state)
        return state.error();
    Result<void> r = backend_->commit(*state, CommitKind::Test, nullptr);
    if (r)
        return state;
    /* The primary plane comes first in every state. */
    if (!primaryOff_ || state->planes.front().fbId)
        return r.error();

    /* Refused with the primary plane off: some drivers want it on. Try again with a buffer. */
    primaryOff_ = false;
    if (Result<void> b = makeBackground(); !b)
        return b.error();
    Result<OutputState> lit = stateFor(true, probe, probeBuffer);
    Result<void> again =
        lit ? backend_->commit(*lit, CommitKind::Test, nullptr) : Result<void>(lit.error());
    if (!again) {
        /* Refused either way: not the primary plane's doing. */
        background_.reset();
        primaryOff_ = true;
        return r.error();
    }
    LOG_INFO("%s: CRTC %u refuses primary plane %u off (%s): a black buffer fills it",
             connector_.name.c_str(), crtcId_, primaryPlaneId_, r.error().describe().c_str());
    return lit;
}

Result<void> Display::Impl::modeset(uint64_t now)
{
    if (Result<void> r = preparePrimary(false); !r)
        return r.error();
    Result<OutputState> state = testState();
    if (!state)
        return state.error();
    if (Result<void> r = backend_->commit(*state, CommitKind::Modeset, nullptr); !r)
        return r.error();

    if (queued_.bo) {
        if (current_.bo)
            renderer_->release(current_.bo);
        current_ = std::exchange(queued_, {});
    }
    for (auto &[id, layer] : layers_) {
        if (!layer.queued)
            continue;
        uint32_t old = std::exchange(layer.current, std::exchange(layer.queued, 0));
        if (old && old != layer.current && layer.events.released)
            layer.events.released(old, false);
        if (layer.events.shown)
            layer.events.shown(layer.current, now);
    }
    return {};
}

void Display::Impl::pause(unsigned reason, const char *why)
{
    unsigned before = paused_;
    paused_ |= reason;
    if (before & reason)
        return;
    /* Said once per cause, not once per frame. */
    LOG_WARN("%s (CRTC %u): %s; no frames until it is back", connector_.name.c_str(), crtcId_, why);
    if (retryTimer_) {
        loop_.remove(*retryTimer_);
        retryTimer_.reset();
    }
}

Result<void> Display::Impl::unpause(unsigned reasons)
{
    unsigned before = paused_;
    paused_ &= ~reasons;
    if (paused_ || !before || !modesetDone_ || !running_)
        return {};
    if (masterTimer_) {
        loop_.remove(*masterTimer_);
        masterTimer_.reset();
    }
    if (flipPending_) {
        /* The flip committed before the pause lands first; its event resumes. */
        resumeAfterFlip_ |= before;
        return {};
    }
    return resumeOutput(before);
}

Result<void> Display::Impl::resumeOutput(unsigned before)
{
    Result<void> r = modeset(monotonicNs());
    if (!r) {
        if (r.error().errnum() == EACCES || r.error().errnum() == EPERM) {
            pause(kMasterLost, "DRM master is held by someone else");
            watchMaster();
            return {};
        }
        return r.error();
    }
    stats_.commits++;
    LOG_INFO("%s (CRTC %u): showing frames again after a full modeset", connector_.name.c_str(),
             crtcId_);
    needsRender_ = true;
    scheduleCommit();
    if ((before & kDisconnected) && connectorCallback_)
        connectorCallback_(true);
    return {};
}

void Display::Impl::disableOutput()
{
    if (flipPending_) {
        disableAfterFlip_ = true;
        return;
    }
    OutputState off;
    off.crtcId = crtcId_;
    off.connectorId = connector_.id;
    off.active = false;
    off.mode = mode_;
    PlaneState primary;
    primary.planeId = primaryPlaneId_;
    off.planes.push_back(primary);
    for (const auto &[id, layer] : layers_) {
        if (layer.primary)
            continue;
        PlaneState plane;
        plane.planeId = layer.planeId;
        off.planes.push_back(plane);
    }
    /*
     * Refused (master gone to the session in front, which lights the CRTC
     * with its own buffers next; a connector that is gone), the buffers go
     * back all the same: a camera left without its buffers would stall.
     */
    if (Result<void> r = backend_->commit(off, CommitKind::Modeset, nullptr); !r)
        LOG_WARN("%s: turning CRTC %u off: %s; its buffers are released anyway",
                 connector_.name.c_str(), crtcId_, r.error().describe().c_str());
    else
        LOG_INFO("%s: CRTC %u off, its buffers released", connector_.name.c_str(), crtcId_);

    if (current_.bo)
        renderer_->release(std::exchange(current_, {}).bo);
    for (auto &[id, layer] : layers_) {
        uint32_t old = std::exchange(layer.current, 0);
        if (old && layer.events.released)
            layer.events.released(old, false);
    }
}

void Display::Impl::onHotplug(const HotplugEvent &event)
{
    if (event.devnum != devnum_ || !modesetDone_)
        return;
    if (event.action == "remove") {
        fail(makeError(ENODEV, "%s (%s): the display device was removed", device_->path().c_str(),
                       device_->info().driver.c_str()));
        return;
    }
    if (event.action != "change")
        return;
    /* A change event may be about any connector: probe ours. */
    checkConnector(true);
}

void Display::Impl::checkConnector(bool probe)
{
    if (!modesetDone_ || failure_)
        return;
    drmModeConnector *c = probe ? drmModeGetConnector(device_->fd(), connector_.id)
                                : drmModeGetConnectorCurrent(device_->fd(), connector_.id);
    /* Gone (ENOENT: an MST connector unplugged) is a disconnect; any other failure is not. */
    if (!c && errno != ENOENT) {
        LOG_WARN("%s (connector %u): GETCONNECTOR on %s: %s; status not checked",
                 connector_.name.c_str(), connector_.id, device_->path().c_str(), strerror(errno));
        return;
    }
    bool connected = c && c->connection == DRM_MODE_CONNECTED;
    bool modeOffered = false;
    for (int i = 0; connected && i < c->count_modes; i++)
        modeOffered |=
            c->modes[i].hdisplay == mode_.hdisplay && c->modes[i].vdisplay == mode_.vdisplay;
    if (c)
        drmModeFreeConnector(c);

    if (!connected && !(paused_ & kDisconnected)) {
        pause(kDisconnected, "connector disconnected");
        disableOutput();
        if (connectorCallback_)
            connectorCallback_(false);
    } else if (connected && (paused_ & kDisconnected)) {
        if (!modeOffered) {
            LOG_ERROR("%s is back but no longer offers %ux%u; staying off (restart to pick a "
                      "new mode)",
                      connector_.name.c_str(), mode_.hdisplay, mode_.vdisplay);
            return;
        }
        LOG_INFO("%s connected again", connector_.name.c_str());
        if (Result<void> r = unpause(kDisconnected); !r)
            fail(r.error());
    }
}

Result<void> Display::Impl::setCursor(const uint32_t *argb, uint32_t width, uint32_t height,
                                      uint32_t hotX, uint32_t hotY, bool usePlane)
{
    if (!width || !height || hotX >= width || hotY >= height)
        return makeError(EINVAL, "cursor image %ux%u with hot spot %u,%u", width, height, hotX,
                         hotY);
    cursor_.image.assign(argb, argb + size_t{width} * height);
    cursor_.width = width;
    cursor_.height = height;
    cursor_.hotX = hotX;
    cursor_.hotY = hotY;
    cursor_.set = true;
    cursor_.planeId = 0;

    /* A cursor plane of this CRTC taking ARGB8888, big enough for the turned image. */
    const PlaneInfo *plane = nullptr;
    std::optional<uint32_t> index = crtcIndex(snapshot_, crtcId_);
    if (usePlane && index && atomic())
        for (const PlaneInfo &p : snapshot_.planes)
            if (p.type == PlaneType::Cursor && (p.possibleCrtcs & (1u << *index)) &&
                planeAccepts(p, kFormatArgb8888, kModifierInvalid))
                plane = &p;
    uint32_t side = static_cast<uint32_t>(device_->info().caps.cursorWidth);
    side = side ? side : 64;
    if (!plane || std::max(width, height) > side) {
        LOG_INFO("%s: pointer drawn by GL (%s)", connector_.name.c_str(),
                 !usePlane ? "asked for"
                 : plane   ? "image larger than the cursor plane"
                           : "no cursor plane taking AR24");
        cursor_.buffer.reset();
        cursor_.dirty = true;
        needsRender_ = true;
        scheduleCommit();
        return {};
    }

    if (!cursor_.buffer) {
        Result<std::unique_ptr<DumbBuffer>> buffer =
            DumbBuffer::create(device_->fd(), side, side, kFormatArgb8888);
        if (!buffer)
            return buffer.error();
        cursor_.buffer = std::move(*buffer);
    }
    /* Turn and mirror the image as the output is, so the user sees it upright. */
    DumbBuffer &b = *cursor_.buffer;
    std::fill(b.data(), b.data() + b.size(), 0);
    OutputTransform turn =
        OutputTransform::forLogical(width, height, transform_.rotation(), transform_.reflection());
    for (uint32_t y = 0; y < height; y++) {
        for (uint32_t x = 0; x < width; x++) {
            PointF p = turn.toPhysical(PointF{x + 0.5, y + 0.5});
            auto *row =
                reinterpret_cast<uint32_t *>(b.data() + static_cast<size_t>(p.y) * b.pitch());
            row[static_cast<size_t>(p.x)] = cursor_.image[size_t{y} * width + x];
        }
    }
    cursor_.hotPhysical = turn.toPhysical(PointF{hotX + 0.5, hotY + 0.5});
    cursor_.planeId = plane->id;
    cursor_.rotation = planeRotationValue(*plane, Rotation::R0, Reflection::None);
    cursor_.dirty = true;
    LOG_INFO("%s: pointer on cursor plane %u (%ux%u)", connector_.name.c_str(), plane->id, side,
             side);
    scheduleCommit();
    return {};
}

PlaneState Display::Impl::cursorPlaneState() const
{
    PlaneState p;
    p.planeId = cursor_.planeId;
    if (!cursor_.visible || !cursor_.buffer)
        return p; /* off */
    const Framebuffer &fb = cursor_.buffer->framebuffer();
    PointF at = transform_.toPhysical(cursor_.position);
    p.fbId = fb.id();
    p.rotation = cursor_.rotation;
    p.srcW = fb.width() << 16;
    p.srcH = fb.height() << 16;
    p.crtcW = fb.width();
    p.crtcH = fb.height();
    p.crtcX = static_cast<int32_t>(at.x - static_cast<int32_t>(cursor_.hotPhysical.x));
    p.crtcY = static_cast<int32_t>(at.y - static_cast<int32_t>(cursor_.hotPhysical.y));
    return p;
}

void Display::Impl::drawCursorGl()
{
    if (!cursor_.set || !cursor_.visible || cursor_.planeId)
        return;
    /* Runs of equal opaque pixels, each one filled: no texture, no shader. */
    int32_t left = static_cast<int32_t>(cursor_.position.x) - static_cast<int32_t>(cursor_.hotX);
    int32_t top = static_cast<int32_t>(cursor_.position.y) - static_cast<int32_t>(cursor_.hotY);
    for (uint32_t y = 0; y < cursor_.height; y++) {
        const uint32_t *row = &cursor_.image[size_t{y} * cursor_.width];
        for (uint32_t x = 0; x < cursor_.width;) {
            uint32_t px = row[x];
            uint32_t end = x + 1;
            while (end < cursor_.width && row[end] == px)
                end++;
            if ((px >> 24) >= 0x80) {
                Rect r{left + static_cast<int32_t>(x), top + static_cast<int32_t>(y), end - x, 1};
                if (transformed() && !kmsRotation_)
                    r = transform_.toPhysical(r);
                renderer_->fill(r, px & 0xffffffu);
            }
            x = end;
        }
    }
}

void Display::Impl::watchMaster()
{
    if (masterTimer_ || (paused_ & kSuspended))
        return;
    Result<EventLoop::Id> timer = loop_.addTimer(500000000u, 500000000u, [this] {
        if (!(paused_ & kMasterLost) || (paused_ & kSuspended))
            return;
        if (!drmIsMaster(device_->fd()) && drmSetMaster(device_->fd()) != 0)
            return;
        LOG_INFO("%s: DRM master is ours again", device_->path().c_str());
        if (Result<void> r = unpause(kMasterLost); !r)
            fail(r.error());
    });
    if (timer)
        masterTimer_ = *timer;
    else
        LOG_WARN("%s (%s): cannot watch for DRM master coming back: %s", device_->path().c_str(),
                 connector_.name.c_str(), timer.error().describe().c_str());
}

Result<void> Display::Impl::ensureGl()
{
    if (renderer_)
        return {};
    Result<std::unique_ptr<Renderer>> renderer = createRenderer(
        device_->fd(), frameWidth(), frameHeight(), format_, device_->info().caps.addFb2Modifiers);
    if (!renderer)
        return renderer.error();
    /* The renderer logs what it made: GL_RENDERER, size, format, modifiers. */
    renderer_ = std::move(*renderer);
    return {};
}

Result<Display::Impl::Slot> Display::Impl::renderFrame(uint64_t frame)
{
    if (Result<void> r = ensureGl(); !r)
        return r.error();
    if (Result<void> r = renderer_->makeCurrent(); !r)
        return r.error();
    if (render_)
        render_(frame);
    else
        renderer_->clear(options_.background); /* only a GL cursor to draw */
    drawCursorGl();

    Result<Renderer::Frame> out = renderer_->swap();
    if (!out)
        return out.error();
    stats_.framesRendered++;
    return Slot{out->buffer, out->framebuffer, frame};
}

void Display::Impl::scheduleCommit()
{
    /* Coalesces the calls made from one round of callbacks into one commit. */
    if (running_)
        loop_.schedule(commitSource_);
}

void Display::Impl::commitChanges()
{
    if (flipPending_ && lazyFlips_)
        updateFlipWakeups(); /* something may wait for that flip now */
    if (!running_ || flipPending_ || failure_ || paused_)
        return;

    if (glVisible() && glDraws()) {
        if (needsRender_ && !queued_.bo) {
            Result<Slot> slot = renderFrame(nextFrame_++);
            if (!slot)
                return fail(slot.error());
            queued_ = *slot;
            needsRender_ = false;
        }
    } else if (Result<void> r = preparePrimary(false); !r) {
        /* A layer leaving the primary plane uncovered: the background takes it. */
        return fail(r.error());
    }
    bool layerChanged =
        cursor_.dirty || std::any_of(layers_.begin(), layers_.end(), [](const auto &entry) {
            return entry.second.queued != 0 || entry.second.clearing;
        });
    /* Nothing new: no commit, and the display stays idle until something changes. */
    if (!queued_.bo && !layerChanged)
        return;

    Result<OutputState> state = stateFor(false);
    if (!state)
        return fail(state.error());
    Result<void> r = backend_->commit(*state, CommitKind::Flip, this);
    if (r) {
        flipPending_ = true;
        stats_.commits++;
        pending_ = std::exchange(queued_, {});
        cursor_.dirty = false;
        for (auto &[id, layer] : layers_) {
            layer.pending = std::exchange(layer.queued, 0);
            if (layer.clearing)
                layer.clearCommitted = true;
        }
        updateFlipWakeups();
        return;
    }

    if (r.error().errnum() == EACCES || r.error().errnum() == EPERM) {
        /* Another process (a VT switch without a session) took the display. */
        pause(kMasterLost, "DRM master lost (commit refused with EACCES)");
        watchMaster();
        return;
    }
    if (r.error().errnum() != EBUSY)
        return fail(r.error());

    /*
     * Someone else's commit is still in flight on this CRTC. Try again one
     * refresh later rather than spinning; a flip event retries sooner.
     */
    stats_.busyRetries++;
    LOG_DEBUG("CRTC %u busy, commit retried next refresh", crtcId_);
    if (retryTimer_)
        return;
    Result<EventLoop::Id> timer = loop_.addTimer(mode_.framePeriodNs(), 0, [this] {
        retryTimer_.reset();
        commitChanges();
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
    /*
     * A failure here means the event stream is lost: fatal for this device.
     * EAGAIN is no event yet, on the fd setLazyFlipEvents() made non-blocking.
     */
    errno = 0;
    if (drmHandleEvent(device_->fd(), &ctx) < 0 && errno != EAGAIN)
        fail(makeError(errno ? errno : EIO, "drmHandleEvent on %s (fd %d): event stream lost",
                       device_->path().c_str(), device_->fd()));
}

void Display::Impl::onDrmLazy()
{
    if (!flipPending_)
        return;
    onDrmReadable();
    updateFlipWakeups();
}

bool Display::Impl::flipAwaited() const
{
    if (options_.continuous || (needsRender_ && glDraws()) || cursor_.dirty || resumeAfterFlip_ ||
        disableAfterFlip_)
        return true;
    return std::any_of(layers_.begin(), layers_.end(), [](const auto &entry) {
        return entry.second.queued != 0 || entry.second.clearing;
    });
}

void Display::Impl::updateFlipWakeups()
{
    bool lazy = lazyFlips_ && !flipAwaited();
    if (lazy != drmLazy_) {
        if (Result<void> r = loop_.setLazy(drmSource_, lazy); !r)
            return fail(r.error());
        drmLazy_ = lazy;
    }
    /* The flip is read at the next wake-up; this bounds how long that can be. */
    if (drmLazy_ && flipPending_)
        loop_.wakeWithin(kLazyFlipMs);
}

void Display::Impl::onFlip(uint64_t sequence, uint64_t timestampNs)
{
    if (!flipPending_) {
        LOG_WARN("CRTC %u: page-flip event with no flip pending", crtcId_);
        return;
    }
    flipPending_ = false;

    /* The old front buffer left the screen: only now may GBM reuse it. */
    if (pending_.bo) {
        if (current_.bo)
            renderer_->release(current_.bo);
        current_ = std::exchange(pending_, {});
    }

    /*
     * Missed flips: refresh periods the previous frame stayed up for while
     * animating. The vblank sequence says it exactly; drivers without
     * vblank counters (virtio-gpu, some SPI panels) report 0, so fall back
     * to timestamps. An idle display misses nothing.
     */
    if (options_.continuous) {
        if (sequence && lastSequence_ && sequence > lastSequence_) {
            stats_.missedFlips += sequence - lastSequence_ - 1;
        } else if (timestampNs > stats_.lastFlipNs) {
            uint64_t period = mode_.framePeriodNs();
            uint64_t periods = (timestampNs - stats_.lastFlipNs + period / 2) / period;
            if (periods > 1)
                stats_.missedFlips += periods - 1;
        }
    }
    lastSequence_ = sequence;
    stats_.lastFlipNs = timestampNs;
    stats_.framesPresented++;

    /* Same rule for layers: a buffer goes back only once it is off the screen. */
    std::vector<std::function<void()>> cleared;
    for (auto &[id, layer] : layers_) {
        if (layer.clearCommitted) {
            uint32_t old = std::exchange(layer.current, 0);
            if (old && layer.events.released)
                layer.events.released(old, false);
            layer.clearing = layer.clearCommitted = false;
            if (layer.cleared)
                cleared.push_back(std::exchange(layer.cleared, nullptr));
            continue;
        }
        if (!layer.pending)
            continue;
        uint32_t old = std::exchange(layer.current, std::exchange(layer.pending, 0));
        if (old && old != layer.current && layer.events.released)
            layer.events.released(old, false);
        if (layer.events.shown)
            layer.events.shown(layer.current, timestampNs);
    }

    notifyPresent({current_.frame, sequence, timestampNs});
    for (const std::function<void()> &done : cleared)
        done();

    if (disableAfterFlip_) {
        disableAfterFlip_ = false;
        if (paused_ & kDisconnected)
            disableOutput();
    }
    if (options_.continuous)
        needsRender_ = true;
    if (resumeAfterFlip_ && !paused_) {
        if (Result<void> r = resumeOutput(std::exchange(resumeAfterFlip_, 0)); !r)
            fail(r.error());
        return;
    }
    commitChanges();
}

void Display::Impl::notifyPresent(const FrameInfo &info)
{
    notifying_ = true;
    for (const Listener &listener : listeners_)
        if (!listener.removed)
            listener.callback(info);
    notifying_ = false;
    listeners_.remove_if([](const Listener &l) { return l.removed; });
    if (present_)
        present_(info);
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
    while (flipPending_ && waitedMs < 1000) {
        pollfd pfd{device_->fd(), POLLIN, 0};
        int n = poll(&pfd, 1, 50);
        if (n < 0 && errno != EINTR) {
            LOG_WARN("CRTC %u: poll on %s (fd %d) for the last page flip: %s", crtcId_,
                     device_->path().c_str(), device_->fd(), strerror(errno));
            return;
        }
        if (n > 0) {
            running_ = false;
            onDrmReadable();
        }
        waitedMs += 50;
    }
    if (flipPending_)
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

Result<Display::Impl::Layer *> Display::Impl::findLayer(uint32_t layer)
{
    auto it = layers_.find(layer);
    if (it == layers_.end())
        return makeError(ENOENT, "%s: no layer %u", connector_.name.c_str(), layer);
    return &it->second;
}

Result<Display::Impl::Buffer *> Display::Impl::findBuffer(uint32_t buffer)
{
    auto it = buffers_.find(buffer);
    if (it == buffers_.end())
        return makeError(ENOENT, "%s: no buffer %u", connector_.name.c_str(), buffer);
    return &it->second;
}

Result<void> Display::Impl::freeTexture(Buffer &buffer)
{
    if (!buffer.texture)
        return {};
    if (Result<void> current = renderer_->makeCurrent(); !current)
        return current.error();
    buffer.texture.reset();
    return {};
}

Result<const Framebuffer *> Display::Impl::framebufferOf(uint32_t id)
{
    Result<Buffer *> buffer = findBuffer(id);
    if (!buffer)
        return buffer.error();
    Buffer &b = **buffer;
    if (b.fb)
        return b.fb.get();
    if (b.fbError)
        return *b.fbError;
    /*
     * GBM and EGL share our device fd, so GL's import of this buffer holds
     * a GEM handle on it: PRIME would hand that same handle back, and the
     * close after AddFB2 would pull it from under Mesa. The texture goes
     * first; asked for again, GL imports anew, with a handle of its own.
     */
    if (Result<void> freed = freeTexture(b); !freed)
        return makeError(freed.error().errnum(),
                         "buffer %u: GL samples it, and its texture cannot be freed before the "
                         "framebuffer is made: %s",
                         id, freed.error().message().c_str());
    Result<std::unique_ptr<Framebuffer>> fb =
        Framebuffer::fromDmaBuf(device_->fd(), b.desc, device_->info().caps.addFb2Modifiers);
    if (!fb) {
        b.fbError = fb.error();
        return fb.error();
    }
    b.fb = std::move(*fb);
    LOG_DEBUG("buffer %u: framebuffer %u, %ux%u %s", id, b.fb->id(), b.desc.width, b.desc.height,
              fourccName(b.desc.format).c_str());
    return b.fb.get();
}

Display::Impl::~Impl()
{
    /* The app's callbacks may capture state that is already gone. */
    running_ = false;
    render_ = nullptr;
    present_ = nullptr;
    listeners_.clear();
    if (commitSource_)
        loop_.remove(commitSource_); /* and with it a commit still scheduled */
    if (retryTimer_)
        loop_.remove(*retryTimer_);
    if (masterTimer_)
        loop_.remove(*masterTimer_);
    if (connectorTimer_)
        loop_.remove(*connectorTimer_);
    hotplug_.reset();
    connectorCallback_ = nullptr;
    if (drmSource_)
        loop_.remove(drmSource_);

    if (device_) {
        drainPendingFlip();
        restore();
    }
    if (device_ && renderer_) {
        for (Slot *slot : {&current_, &pending_, &queued_})
            if (slot->bo)
                renderer_->release(slot->bo);
        /* Textures need their context; framebuffers and memory need the fds. */
        if (Result<void> r = renderer_->makeCurrent(); r)
            for (auto &[id, buffer] : buffers_)
                buffer.texture.reset();
        else
            LOG_WARN("%s: GL textures go with the GL context (%s)", connector_.name.c_str(),
                     r.error().describe().c_str());
    }
    layers_.clear();
    buffers_.clear();
    cursor_.buffer.reset();
    background_.reset();
    allocFd_.reset();

    /* Bos (and the framebuffers cached on them) go with the renderer, before the fd. */
    renderer_.reset();
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
    return impl_->transform_.logicalWidth();
}

uint32_t Display::height() const
{
    return impl_->transform_.logicalHeight();
}

const OutputTransform &Display::transform() const
{
    return impl_->transform_;
}

bool Display::rotatesInGl() const
{
    return impl_->transformed() && !impl_->kmsRotation_;
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
    static const std::string none;
    return impl_->renderer_ ? impl_->renderer_->name() : none;
}

void Display::setRenderCallback(RenderCallback callback)
{
    impl_->render_ = std::move(callback);
    /* From now on GL draws the primary plane (if the background was up, it is replaced). */
    impl_->needsRender_ = true;
    impl_->scheduleCommit();
}

Result<void> Display::makeCurrent()
{
    if (Result<void> r = impl_->ensureGl(); !r)
        return r.error();
    return impl_->renderer_->makeCurrent();
}

void Display::setPresentCallback(PresentCallback callback)
{
    impl_->present_ = std::move(callback);
}

uint32_t Display::addPresentListener(PresentCallback callback)
{
    Impl &d = *impl_;
    d.listeners_.push_back({d.nextListener_++, std::move(callback)});
    return d.listeners_.back().id;
}

void Display::removePresentListener(uint32_t id)
{
    Impl &d = *impl_;
    auto it = std::find_if(d.listeners_.begin(), d.listeners_.end(),
                           [id](const Impl::Listener &l) { return l.id == id; });
    if (it == d.listeners_.end())
        return;
    /* A callback running now must not be destroyed under itself: erased after the round. */
    if (d.notifying_)
        it->removed = true;
    else
        d.listeners_.erase(it);
}

void Display::setLazyFlipEvents(bool lazy)
{
    Impl &d = *impl_;
    if (lazy && !d.lazyFlips_) {
        /* A lazy look at the fd must not block when no event is there yet. */
        int fd = d.device_->fd();
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
            LOG_WARN("%s (fd %d): cannot make it non-blocking (%s); flip events wake the loop",
                     d.device_->path().c_str(), fd, strerror(errno));
            return;
        }
    }
    d.lazyFlips_ = lazy;
    d.updateFlipWakeups();
}

Result<uint32_t> Display::importBuffer(const DmaBufDescription &desc)
{
    if (desc.planeCount < 1 || desc.planeCount > 4 || !desc.width || !desc.height)
        return makeError(EINVAL, "import dma_buf %ux%u %s: %u planes", desc.width, desc.height,
                         fourccName(desc.format).c_str(), desc.planeCount);
    uint32_t id = impl_->nextBufferId_++;
    impl_->buffers_[id].desc = desc;
    return id;
}

Result<SharedBuffer> Display::allocateBuffer(uint32_t format, uint32_t width, uint32_t height)
{
    Impl &d = *impl_;
    const FormatLayout *layout = formatLayout(format);
    if (!layout)
        return makeError(ENOTSUP, "allocate %ux%u %s: format not supported", width, height,
                         fourccName(format).c_str());
    if (!d.allocFd_.isValid()) {
        int fd = ::open(d.device_->path().c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return makeError(errno, "open %s for buffer allocation%s", d.device_->path().c_str(),
                             d.options_.session && errno == EACCES
                                 ? " (a seat session opens the card once only; shared display "
                                   "buffers need the node readable by the user)"
                                 : "");
        d.allocFd_.reset(fd);
        /*
         * The first file opened on a card nobody is master of becomes master:
         * so would this one while the display's own fd has dropped it (VT
         * away, session inactive), and master would stay here for good.
         */
        if (drmIsMaster(fd) && drmDropMaster(fd) < 0) {
            int err = errno;
            d.allocFd_.reset();
            return makeError(err, "%s: drop DRM master on buffer allocation fd %d",
                             d.device_->path().c_str(), fd);
        }
    }

    /*
     * One dumb buffer holding every plane back to back, rows of plane 0's
     * pitch: the layout V4L2 uses for single-plane NV12 and friends.
     */
    uint32_t rowBytes = (layout->rowBytes(0, width) + 3) & ~3u;
    uint32_t rows = 0;
    for (unsigned p = 0; p < layout->planes; p++)
        rows += (layout->rowBytes(p, width) * layout->rows(p, height) + rowBytes - 1) / rowBytes;
    Result<std::unique_ptr<DumbBuffer>> memory =
        DumbBuffer::allocate(d.allocFd_.get(), rowBytes, rows);
    if (!memory)
        return memory.error();
    Result<UniqueFd> fd = (*memory)->exportDmaBuf();
    if (!fd)
        return fd.error();

    uint32_t id = d.nextBufferId_++;
    Impl::Buffer &b = d.buffers_[id];
    b.memory = std::move(*memory);
    SharedBuffer out;
    out.id = id;
    out.data = b.memory->data();
    DmaBufDescription &desc = out.dmaBuf;
    desc.width = width;
    desc.height = height;
    desc.format = format;
    desc.modifier = kModifierLinear;
    desc.planeCount = layout->planes;
    uint32_t pitch0 = b.memory->pitch();
    uint32_t offset = 0;
    for (unsigned p = 0; p < layout->planes; p++) {
        /* Chroma rows scale with plane 0's pitch, as V4L2 derives them from bytesperline. */
        uint32_t pitch = layout->rowBytes(0, width) == 0
                             ? 0
                             : static_cast<uint32_t>(uint64_t{pitch0} * layout->rowBytes(p, width) /
                                                     layout->rowBytes(0, width));
        desc.planes[p] = {fd->get(), offset, pitch};
        offset += pitch * layout->rows(p, height);
    }
    for (unsigned p = 0; p < layout->planes; p++)
        out.lengths[p] = static_cast<uint32_t>(b.memory->size());
    b.fds.push_back(std::move(*fd));
    b.desc = desc;
    LOG_DEBUG("buffer %u: allocated %ux%u %s, pitch %u, %zu bytes, dma_buf fd %d", id, width,
              height, fourccName(format).c_str(), pitch0, b.memory->size(), desc.planes[0].fd);
    return out;
}

void Display::removeBuffer(uint32_t buffer)
{
    Impl &d = *impl_;
    auto it = d.buffers_.find(buffer);
    if (it == d.buffers_.end())
        return;
    if (bufferInUse(buffer)) {
        LOG_WARN("buffer %u is still on a layer of %s: not removed", buffer,
                 d.connector_.name.c_str());
        return;
    }
    for (auto &[id, layer] : d.layers_)
        if (layer.queued == buffer)
            layer.queued = 0;
    if (Result<void> r = d.freeTexture(it->second); !r)
        LOG_WARN("buffer %u: its GL texture goes with the GL context, not now (%s)", buffer,
                 r.error().describe().c_str());
    d.buffers_.erase(it);
}

Result<uint32_t> Display::createLayer(const LayerOptions &options, LayerEvents events)
{
    Impl &d = *impl_;
    std::vector<uint32_t> taken;
    for (const auto &[id, layer] : d.layers_)
        taken.push_back(layer.planeId);

    const PlaneInfo *plane = nullptr;
    if (options.planeId) {
        plane = d.snapshot_.plane(options.planeId);
        std::optional<uint32_t> index = crtcIndex(d.snapshot_, d.crtcId_);
        if (!plane || !index || !(plane->possibleCrtcs & (1u << *index)))
            return makeError(ENOENT, "plane %u cannot be used on CRTC %u (%s)", options.planeId,
                             d.crtcId_, d.connector_.name.c_str());
        if (std::find(taken.begin(), taken.end(), plane->id) != taken.end())
            return makeError(EBUSY, "plane %u already carries a layer", plane->id);
        if (!planeAccepts(*plane, options.format, options.modifier))
            return makeError(EINVAL, "plane %u does not take %s with modifier %s", plane->id,
                             fourccName(options.format).c_str(),
                             modifierName(options.modifier).c_str());
    } else {
        Result<const PlaneInfo *> found = selectLayerPlane(
            d.snapshot_, d.crtcId_, options.format, options.modifier, taken, options.planeType);
        if (!found)
            return found.error();
        plane = *found;
    }

    /*
     * A turned or mirrored output needs planes that do the same: else the layer is left to GL.
     * Upright, a plane with the property is set upright, not left as an earlier client had it.
     */
    bool atomic = d.atomic();
    uint64_t rotation =
        atomic ? planeRotationValue(*plane, d.transform_.rotation(), d.transform_.reflection()) : 0;
    if (d.transformed() && !rotation) {
        std::string offers;
        for (const std::string &name : plane->rotations)
            offers += (offers.empty() ? "" : " ") + name;
        return makeError(ENOTSUP, "plane %u cannot show its picture %s (rotation property: %s%s)",
                         plane->id, d.transform_.describe().c_str(),
                         offers.empty() ? "none" : offers.c_str(),
                         atomic ? "" : "; legacy KMS sets no plane properties");
    }

    std::optional<uint64_t> zpos;
    if (options.zpos) {
        Result<std::optional<uint64_t>> z = planeZpos(*plane, *options.zpos, atomic);
        if (!z)
            return z.error();
        zpos = *z;
    }

    uint32_t id = d.nextLayerId_++;
    Impl::Layer &layer = d.layers_[id];
    layer.options = options;
    layer.events = std::move(events);
    layer.planeId = plane->id;
    layer.primary = plane->id == d.primaryPlaneId_;
    layer.rotation = rotation;
    layer.zpos = zpos;
    LOG_INFO("layer %u: %s on %s plane %u", id, fourccName(options.format).c_str(),
             planeTypeName(plane->type), plane->id);
    return id;
}

Result<void> Display::clearLayer(uint32_t layerId, std::function<void()> done)
{
    Impl &d = *impl_;
    Result<Impl::Layer *> found = d.findLayer(layerId);
    if (!found)
        return found.error();
    Impl::Layer &layer = **found;
    if (uint32_t queued = std::exchange(layer.queued, 0); queued && layer.events.released)
        layer.events.released(queued, true);
    /* Off the screen already (or never started): nothing to wait for. */
    if ((!layer.current && !layer.pending) || !d.modesetDone_) {
        if (done)
            done();
        return {};
    }
    if (d.paused_ && !layer.pending) {
        /*
         * Nothing is committed while paused: the plane goes off with the next
         * modeset, even if the layer is removed by then (its framebuffer
         * closed with CLOSEFB would stay lit).
         */
        if (std::find(d.planesToDisable_.begin(), d.planesToDisable_.end(), layer.planeId) ==
            d.planesToDisable_.end())
            d.planesToDisable_.push_back(layer.planeId);
        uint32_t old = std::exchange(layer.current, 0);
        if (layer.events.released)
            layer.events.released(old, false);
        if (done)
            done();
        return {};
    }
    layer.clearing = true;
    layer.cleared = std::move(done);
    /* A layer covering the primary plane leaves it to GL: that needs a frame. */
    if (layer.primary)
        d.needsRender_ = true;
    d.scheduleCommit();
    return {};
}

Result<void> Display::removeLayer(uint32_t layerId)
{
    Impl &d = *impl_;
    Result<Impl::Layer *> layer = d.findLayer(layerId);
    if (!layer)
        return layer.error();
    if ((*layer)->current || (*layer)->pending)
        return makeError(EBUSY, "layer %u on plane %u still shows buffer %u", layerId,
                         (*layer)->planeId,
                         (*layer)->pending ? (*layer)->pending : (*layer)->current);
    d.layers_.erase(layerId);
    return {};
}

bool Display::canShow(uint32_t format, uint64_t modifier, std::optional<PlaneType> only) const
{
    std::vector<uint32_t> taken;
    for (const auto &[id, layer] : impl_->layers_)
        taken.push_back(layer.planeId);
    return selectLayerPlane(impl_->snapshot_, impl_->crtcId_, format, modifier, taken, only).ok();
}

uint32_t Display::layerPlane(uint32_t layer) const
{
    auto it = impl_->layers_.find(layer);
    return it == impl_->layers_.end() ? 0 : it->second.planeId;
}

bool Display::layerOnPrimary(uint32_t layer) const
{
    auto it = impl_->layers_.find(layer);
    return it != impl_->layers_.end() && it->second.primary;
}

Result<void> Display::testLayer(uint32_t layerId, uint32_t buffer)
{
    Impl &d = *impl_;
    Result<Impl::Layer *> layer = d.findLayer(layerId);
    if (!layer)
        return layer.error();
    if (Result<const Framebuffer *> fb = d.framebufferOf(buffer); !fb)
        return fb.error();

    /* The rest of the output as it will be: the GL frame or the background under the layer. */
    if (!(*layer)->primary)
        if (Result<void> r = d.preparePrimary(true); !r)
            return r.error();
    Result<OutputState> r = d.testState(*layer, buffer);
    if (!r)
        return makeError(
            r.error().errnum(), "plane %u showing buffer %u (%ux%u %s): %s", (*layer)->planeId,
            buffer, d.buffers_.at(buffer).desc.width, d.buffers_.at(buffer).desc.height,
            fourccName(d.buffers_.at(buffer).desc.format).c_str(), r.error().message().c_str());
    return {};
}

Result<void> Display::showBuffer(uint32_t layerId, uint32_t buffer)
{
    Impl &d = *impl_;
    Result<Impl::Layer *> found = d.findLayer(layerId);
    if (!found)
        return found.error();
    if (Result<const Framebuffer *> fb = d.framebufferOf(buffer); !fb)
        return fb.error();
    Impl::Layer &layer = **found;
    uint32_t skipped = std::exchange(layer.queued, buffer);
    if (skipped && skipped != buffer && layer.events.released)
        layer.events.released(skipped, true);
    d.scheduleCommit();
    return {};
}

bool Display::bufferInUse(uint32_t buffer) const
{
    for (const auto &[id, layer] : impl_->layers_)
        if (layer.current == buffer || layer.pending == buffer)
            return true;
    return false;
}

Result<BufferTexture> Display::texture(uint32_t buffer)
{
    Impl &d = *impl_;
    Result<Impl::Buffer *> found = d.findBuffer(buffer);
    if (!found)
        return found.error();
    Impl::Buffer &b = **found;
    if (!b.texture) {
        if (Result<void> r = d.ensureGl(); !r)
            return r.error();
        Result<std::unique_ptr<RendererTexture>> tex = d.renderer_->createTexture(b.desc);
        if (!tex)
            return tex.error();
        b.texture = std::move(*tex);
    }
    return b.texture->info();
}

Result<void> Display::drawBuffer(uint32_t buffer, const Rect &destination)
{
    Result<BufferTexture> tex = texture(buffer);
    if (!tex)
        return tex.error();
    Impl &d = *impl_;
    Rect dst = destination.empty() ? Rect{0, 0, width(), height()} : destination;
    Rotation turn = Rotation::R0;
    Reflection reflection = Reflection::None;
    if (rotatesInGl()) {
        dst = d.transform_.toPhysical(dst);
        turn = d.transform_.rotation();
        reflection = d.transform_.reflection();
    }
    return d.renderer_->draw(*d.buffers_.at(buffer).texture, dst, turn, reflection);
}

Result<void> Display::screenshot(const std::string &path)
{
    Impl &d = *impl_;
    if (!d.modesetDone_)
        return makeError(EINVAL, "screenshot of %s: the display is not started",
                         d.connector_.name.c_str());
    if (!d.atomic())
        return makeError(ENOTSUP, "screenshot of %s: writeback needs atomic KMS",
                         d.connector_.name.c_str());
    /* The capture is a commit of its own: it cannot overtake a flip in flight. */
    bool running = d.running_;
    d.drainPendingFlip();
    d.running_ = running;
    if (d.flipPending_)
        return makeError(EBUSY, "screenshot of %s: a page flip on CRTC %u did not complete",
                         d.connector_.name.c_str(), d.crtcId_);
    Result<Image> image =
        captureWriteback(d.device_->fd(), d.snapshot_, d.props_, d.crtcId_, d.mode_);
    if (!image)
        return image.error();
    if (Result<void> r = savePng(*image, path); !r)
        return r.error();
    /* Anything that arrived meanwhile goes out with the next commit. */
    d.scheduleCommit();
    return {};
}

void Display::clearFrame()
{
    if (impl_->renderer_)
        impl_->renderer_->clear(impl_->options_.background);
}

void Display::requestFrame()
{
    impl_->needsRender_ = true;
    impl_->scheduleCommit();
}

void Display::suspend()
{
    impl_->pause(Impl::kSuspended, "session disabled (VT switched away)");
}

Result<void> Display::resume()
{
    /* The session hands the devices back with master: a refused commit is not a reason any more. */
    return impl_->unpause(Impl::kSuspended | Impl::kMasterLost);
}

Result<void> Display::setCursor(const uint32_t *argb, uint32_t width, uint32_t height,
                                uint32_t hotX, uint32_t hotY, bool usePlane)
{
    return impl_->setCursor(argb, width, height, hotX, hotY, usePlane);
}

void Display::moveCursor(PointF position)
{
    Impl &d = *impl_;
    if (!d.cursor_.set)
        return;
    d.cursor_.position = position;
    d.cursor_.visible = true;
    d.cursor_.dirty = true;
    if (!d.cursor_.planeId)
        d.needsRender_ = true;
    d.scheduleCommit();
}

void Display::hideCursor()
{
    Impl &d = *impl_;
    if (!d.cursor_.visible)
        return;
    d.cursor_.visible = false;
    d.cursor_.dirty = true;
    if (!d.cursor_.planeId)
        d.needsRender_ = true;
    d.scheduleCommit();
}

const char *Display::cursorMode() const
{
    if (!impl_->cursor_.set)
        return "none";
    return impl_->cursor_.planeId ? "plane" : "gl";
}

bool Display::active() const
{
    return impl_->modesetDone_ && impl_->running_ && !impl_->paused_;
}

void Display::setConnectorCallback(std::function<void(bool connected)> callback)
{
    impl_->connectorCallback_ = std::move(callback);
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
