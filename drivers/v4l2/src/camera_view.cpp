/* SPDX-License-Identifier: MIT */
#include <scanout/v4l2/camera_view.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <set>

#include <scanout/log.h>
#include <scanout/select.h>
#include <scanout/v4l2/formats.h>

namespace scanout::v4l2 {

namespace {

uint64_t monotonicNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

} /* namespace */

class CameraView::Impl
{
public:
    Impl(EventLoop &loop, Display &display) : loop_(loop), display_(display) {}

    Result<void> init(const CameraViewOptions &options);
    Result<const FormatInfo *> chooseFormat();
    Result<std::string> tryPath(CameraPath path);
    Result<std::string> setUpExport();
    Result<std::string> setUpImport(bool forLayer);
    Result<std::string> setUpGl();
    Result<std::string> setUpCopy();
    Result<std::string> setUpLayer();
    Result<void> exportCameraBuffers();
    Result<void> allocateDisplayBuffers(uint32_t count);
    void tearDown();

    void onFrame(const CapturedFrame &frame);
    void showFrame(const CapturedFrame &frame);
    void onShown(uint32_t buffer, uint64_t timestampNs);
    void onReleased(uint32_t buffer, bool skipped);
    void onPresent(const FrameInfo &info);
    void present(uint32_t buffer);
    void giveBack(uint32_t buffer);
    Result<uint32_t> copyFrame(const CapturedFrame &frame);

    EventLoop &loop_;
    Display &display_;
    CameraViewOptions options_;
    std::unique_ptr<CaptureDevice> camera_;
    const FormatInfo *format_ = nullptr;
    CaptureFormat captureFormat_;
    Rect destination_;

    CameraPath path_ = CameraPath::Export;
    std::vector<PathAttempt> attempts_;
    bool glComposed_ = false;
    bool streaming_ = false;

    /* Display buffer ids: of each camera buffer (by V4L2 index), and the copy targets. */
    std::vector<uint32_t> cameraBuffers_;
    std::map<uint32_t, uint32_t> cameraIndex_;
    std::vector<uint32_t> copyTargets_;
    std::map<uint32_t, SharedBuffer> copyMemory_;
    std::set<uint32_t> copyBusy_;
    /* Per display buffer: the camera's timestamp of the frame in it, and when it was dequeued. */
    std::map<uint32_t, uint64_t> captureNs_, dequeueNs_;
    uint32_t layer_ = 0;
    uint32_t presentListener_ = 0;

    /* GL composition: the newest frame not drawn yet, the one drawn into a GL frame, the one on
     * screen. */
    std::optional<uint32_t> glNext_, glShown_;
    struct Drawn {
        uint32_t buffer;
        uint64_t frame;
    };
    std::optional<Drawn> glDrawn_;

    CameraStats stats_;
    std::function<void(const Error &)> onError_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

Result<const FormatInfo *> CameraView::Impl::chooseFormat()
{
    if (options_.fourcc) {
        const FormatInfo *f = formatFromV4l2(options_.fourcc);
        if (!f)
            return makeError(ENOTSUP, "%s: format %s has no DRM equivalent scanout knows",
                             camera_->path().c_str(), fourccName(options_.fourcc).c_str());
        return f;
    }
    Result<std::vector<uint32_t>> offered = camera_->formats();
    if (!offered)
        return offered.error();
    /* First what a plane shows as is, then anything GL can sample. */
    for (uint32_t v4l2 : *offered)
        if (const FormatInfo *f = formatFromV4l2(v4l2);
            f && display_.canShow(f->drm, kModifierLinear, options_.planeType))
            return f;
    for (uint32_t v4l2 : *offered)
        if (const FormatInfo *f = formatFromV4l2(v4l2))
            return f;
    std::string names;
    for (uint32_t v4l2 : *offered)
        names += " " + fourccName(v4l2);
    return makeError(ENOTSUP, "%s offers no format scanout can show:%s", camera_->path().c_str(),
                     names.c_str());
}

Result<void> CameraView::Impl::init(const CameraViewOptions &options)
{
    options_ = options;
    Result<std::unique_ptr<CaptureDevice>> camera = CaptureDevice::open(options.camera);
    if (!camera)
        return camera.error();
    camera_ = std::move(*camera);

    Result<const FormatInfo *> format = chooseFormat();
    if (!format)
        return format.error();
    Result<CaptureFormat> set = camera_->setFormat((*format)->v4l2, options.width, options.height);
    if (!set)
        return set.error();
    if (set->fourcc != (*format)->v4l2)
        return makeError(ENOTSUP, "%s: asked for %s, the driver chose %s", camera_->path().c_str(),
                         fourccName((*format)->v4l2).c_str(), fourccName(set->fourcc).c_str());
    format_ = *format;
    captureFormat_ = *set;
    if (options.fps) {
        Result<double> rate = camera_->setFrameRate(options.fps);
        if (!rate)
            return rate.error();
        if (*rate + 0.01 < options.fps)
            LOG_WARN("%s: asked for %u fps, the camera gives %.2f", camera_->path().c_str(),
                     options.fps, *rate);
    }

    Rect area =
        options.rect.empty() ? Rect{0, 0, display_.width(), display_.height()} : options.rect;
    destination_ = options.fit ? fitRect(set->width, set->height, area) : area;
    LOG_INFO("%s (%s): %s %ux%u, bytesperline %u, to %d,%d %ux%u", camera_->path().c_str(),
             camera_->card().c_str(), fourccName(set->fourcc).c_str(), set->width, set->height,
             set->bytesperline[0], destination_.x, destination_.y, destination_.width,
             destination_.height);

    std::vector<CameraPath> order = {CameraPath::Export, CameraPath::Import, CameraPath::Gl,
                                     CameraPath::Copy};
    bool chosen = false;
    for (CameraPath path : order) {
        PathAttempt attempt;
        attempt.path = path;
        bool other = options.path != CameraPath::Auto && options.path != path;
        if (other || (chosen && !options.probeAll)) {
            attempt.detail = other ? "not asked for" : "not tried, an earlier path works";
            attempts_.push_back(attempt);
            continue;
        }
        Result<std::string> r = tryPath(path);
        if (r) {
            attempt.outcome = chosen ? PathAttempt::Outcome::Works : PathAttempt::Outcome::Chosen;
            attempt.detail = *r;
            if (!chosen)
                path_ = path;
            chosen = true;
            LOG_INFO("%s: path %s: %s", camera_->path().c_str(), cameraPathName(path), r->c_str());
        } else {
            attempt.outcome = PathAttempt::Outcome::Rejected;
            attempt.detail = r.error().describe();
            attempt.errnum = r.error().errnum();
            LOG_INFO("%s: path %s rejected: %s", camera_->path().c_str(), cameraPathName(path),
                     attempt.detail.c_str());
        }
        attempts_.push_back(attempt);
        /* Probing only: leave nothing set up. */
        if (!r || options.probeAll)
            tearDown();
    }
    if (!chosen)
        return makeError(ENOTSUP, "%s: no path shows %s %ux%u on %s", camera_->path().c_str(),
                         fourccName(format_->v4l2).c_str(), set->width, set->height,
                         display_.connectorName().c_str());
    if (path_ == CameraPath::Copy)
        LOG_WARN("%s: frames are copied by the CPU: no zero-copy path works here",
                 camera_->path().c_str());

    presentListener_ =
        display_.addPresentListener([this](const FrameInfo &info) { onPresent(info); });
    return {};
}

Result<std::string> CameraView::Impl::tryPath(CameraPath path)
{
    glComposed_ = false;
    switch (path) {
    case CameraPath::Export:
        return setUpExport();
    case CameraPath::Import:
        return setUpImport(true);
    case CameraPath::Gl:
        return setUpGl();
    case CameraPath::Copy:
        return setUpCopy();
    case CameraPath::Auto:
        break;
    }
    return makeError(EINVAL, "no path to try: auto picks one of the others");
}

Result<void> CameraView::Impl::exportCameraBuffers()
{
    Result<uint32_t> count = camera_->requestBuffers(Memory::Mmap, options_.buffers);
    if (!count)
        return count.error();
    for (uint32_t i = 0; i < *count; i++) {
        Result<DmaBufDescription> desc = camera_->exportedBuffer(i);
        if (!desc)
            return desc.error();
        Result<uint32_t> id = display_.importBuffer(*desc);
        if (!id)
            return id.error();
        cameraBuffers_.push_back(*id);
        cameraIndex_[*id] = i;
    }
    return {};
}

Result<void> CameraView::Impl::allocateDisplayBuffers(uint32_t count)
{
    if (captureFormat_.memPlanes != 1)
        return makeError(ENOTSUP,
                         "%s: %s keeps its planes in separate buffers; display "
                         "buffers hold one",
                         camera_->path().c_str(), fourccName(captureFormat_.fourcc).c_str());
    for (uint32_t i = 0; i < count; i++) {
        Result<SharedBuffer> shared =
            display_.allocateBuffer(format_->drm, captureFormat_.width, captureFormat_.height);
        if (!shared)
            return shared.error();
        cameraBuffers_.push_back(shared->id);
        cameraIndex_[shared->id] = i;
        /* The camera writes rows bytesperline apart: the buffer must use the same pitch. */
        if (shared->dmaBuf.planes[0].pitch != captureFormat_.bytesperline[0])
            return makeError(EINVAL, "display buffer pitch %u differs from %s's bytesperline %u",
                             shared->dmaBuf.planes[0].pitch, camera_->path().c_str(),
                             captureFormat_.bytesperline[0]);
        Result<void> r =
            camera_->attachDmaBuf(i, {shared->dmaBuf.planes[0].fd}, {shared->lengths[0]});
        if (!r)
            return r.error();
    }
    return {};
}

Result<std::string> CameraView::Impl::setUpLayer()
{
    LayerOptions lo;
    lo.format = format_->drm;
    lo.modifier = kModifierLinear;
    lo.source = {0, 0, captureFormat_.width, captureFormat_.height};
    lo.destination = destination_;
    lo.planeId = options_.planeId;
    lo.planeType = options_.planeType;
    lo.zpos = options_.zpos;
    LayerEvents events;
    std::weak_ptr<bool> alive = alive_;
    events.shown = [this, alive](uint32_t buffer, uint64_t ts) {
        if (alive.lock())
            onShown(buffer, ts);
    };
    events.released = [this, alive](uint32_t buffer, bool skipped) {
        if (alive.lock())
            onReleased(buffer, skipped);
    };
    Result<uint32_t> layer = display_.createLayer(lo, std::move(events));
    if (!layer)
        return layer.error();
    layer_ = *layer;
    uint32_t probe = copyTargets_.empty() ? cameraBuffers_.front() : copyTargets_.front();
    if (Result<void> r = display_.testLayer(layer_, probe); !r)
        return r.error();
    return format("%s plane %u", display_.layerOnPrimary(layer_) ? "primary" : "overlay",
                  display_.layerPlane(layer_));
}

Result<std::string> CameraView::Impl::setUpExport()
{
    if (Result<void> r = exportCameraBuffers(); !r)
        return r.error();
    Result<std::string> layer = setUpLayer();
    if (!layer)
        return layer.error();
    return "camera buffers (EXPBUF) as framebuffers on the " + *layer;
}

Result<std::string> CameraView::Impl::setUpImport(bool forLayer)
{
    Result<uint32_t> count = camera_->requestBuffers(Memory::DmaBuf, options_.buffers);
    if (!count)
        return count.error();
    if (Result<void> r = allocateDisplayBuffers(*count); !r)
        return r.error();
    std::string where = "GL";
    if (forLayer) {
        Result<std::string> layer = setUpLayer();
        if (!layer)
            return layer.error();
        where = "the " + *layer;
    } else if (Result<BufferTexture> tex = display_.texture(cameraBuffers_.front()); !tex) {
        return tex.error();
    }
    /* The camera maps an imported buffer at QBUF: only that proves it can write there. */
    if (Result<void> r = camera_->queue(0); !r)
        return r.error();
    return "display-allocated buffers (DMABUF) filled by the camera, shown by " + where;
}

Result<std::string> CameraView::Impl::setUpGl()
{
    /*
     * Memory the display allocated first: the GPU samples its own kind of
     * buffer on any driver, while sampling a camera's memory depends on
     * the importer (llvmpipe on vkms faults reading vivid's YUYV buffers).
     */
    glComposed_ = true;
    Result<std::string> imported = setUpImport(false);
    if (imported)
        return *imported;
    LOG_DEBUG("%s: GL from display memory failed (%s); trying the camera's buffers",
              camera_->path().c_str(), imported.error().describe().c_str());
    tearDown();
    glComposed_ = true;
    Result<void> exported = exportCameraBuffers();
    if (exported) {
        Result<BufferTexture> tex = display_.texture(cameraBuffers_.front());
        if (tex)
            return std::string("camera buffers (EXPBUF) as EGLImages, composed by GL");
        exported = tex.error();
    }
    return makeError(exported.error().errnum(), "display memory: %s; camera memory: %s",
                     imported.error().describe().c_str(), exported.error().describe().c_str());
}

Result<std::string> CameraView::Impl::setUpCopy()
{
    Result<uint32_t> count = camera_->requestBuffers(Memory::Mmap, options_.buffers);
    if (!count)
        return count.error();
    /* Every buffer now: a failed mmap rejects the path rather than frames later. */
    for (uint32_t i = 0; i < *count; i++)
        for (uint32_t p = 0; p < captureFormat_.memPlanes; p++)
            if (Result<const uint8_t *> map = camera_->mapping(i, p); !map)
                return map.error();
    for (int i = 0; i < 3; i++) {
        Result<SharedBuffer> shared =
            display_.allocateBuffer(format_->drm, captureFormat_.width, captureFormat_.height);
        if (!shared)
            return shared.error();
        copyTargets_.push_back(shared->id);
        copyMemory_[shared->id] = *shared;
    }
    Result<std::string> layer = setUpLayer();
    if (layer)
        return "copied by the CPU into display buffers on the " + *layer;
    LOG_DEBUG("copy targets cannot go on a plane (%s); composing them with GL",
              layer.error().describe().c_str());
    if (layer_) {
        (void)display_.removeLayer(layer_);
        layer_ = 0;
    }
    Result<BufferTexture> tex = display_.texture(copyTargets_.front());
    if (!tex)
        return makeError(tex.error().errnum(), "plane: %s; GL: %s",
                         layer.error().describe().c_str(), tex.error().describe().c_str());
    glComposed_ = true;
    return std::string("copied by the CPU into display buffers, composed by GL");
}

void CameraView::Impl::tearDown()
{
    if (camera_->streaming())
        camera_->stop();
    /*
     * A picture still on screen (a view destroyed without close()) stays
     * there: its buffers and layer are left to the display, which frees
     * them when it goes; the rest goes back now.
     */
    bool shown = false;
    for (const std::vector<uint32_t> *ids : {&cameraBuffers_, &copyTargets_})
        for (uint32_t id : *ids) {
            if (display_.bufferInUse(id))
                shown = true;
            else
                display_.removeBuffer(id);
        }
    if (layer_ && !shown)
        if (Result<void> r = display_.removeLayer(layer_); !r)
            LOG_WARN("%s", r.error().describe().c_str());
    if (shown)
        LOG_DEBUG("%s: the frame on layer %u stays on screen until the display stops",
                  camera_->path().c_str(), layer_);
    layer_ = 0;
    cameraBuffers_.clear();
    cameraIndex_.clear();
    copyTargets_.clear();
    copyMemory_.clear();
    copyBusy_.clear();
    /* An exported buffer on screen keeps the camera's memory busy: closing the camera frees it. */
    if (camera_->bufferCount() && !shown)
        if (Result<uint32_t> r = camera_->requestBuffers(camera_->memory(), 0); !r)
            LOG_WARN("%s", r.error().describe().c_str());
}

Result<uint32_t> CameraView::Impl::copyFrame(const CapturedFrame &frame)
{
    auto target = std::find_if(copyTargets_.begin(), copyTargets_.end(), [&](uint32_t id) {
        return !copyBusy_.count(id) && !display_.bufferInUse(id);
    });
    if (target == copyTargets_.end())
        return makeError(EBUSY, "%s: all %zu copy targets are in use", camera_->path().c_str(),
                         copyTargets_.size());
    const SharedBuffer &dst = copyMemory_.at(*target);

    /* Row by row: the camera's bytesperline and the display buffer's pitch may differ. */
    const FormatLayout *layout = formatLayout(format_->drm);
    uint64_t copied = 0;
    for (unsigned p = 0; p < layout->planes; p++) {
        uint32_t memPlane, srcPitch;
        uint64_t offset;
        if (captureFormat_.memPlanes > 1) {
            memPlane = p;
            offset = frame.dataOffset[p];
            srcPitch = captureFormat_.bytesperline[p];
        } else {
            PlaneLayout pl = packedPlaneLayout(*format_, captureFormat_.bytesperline[0],
                                               captureFormat_.height, p);
            memPlane = 0;
            offset = uint64_t{frame.dataOffset[0]} + pl.offset;
            srcPitch = pl.pitch;
        }
        /* Mapped by setUpCopy(): only a lookup here. */
        Result<const uint8_t *> map = camera_->mapping(frame.index, memPlane);
        if (!map)
            return map.error();
        size_t size = camera_->mappingSize(frame.index, memPlane);
        uint32_t rowBytes = layout->rowBytes(p, captureFormat_.width);
        uint32_t rows = layout->rows(p, captureFormat_.height);
        if (offset > size || uint64_t{srcPitch} * (rows - 1) + rowBytes > size - offset)
            return makeError(EINVAL, "%s: buffer %u plane %u is smaller than its format",
                             camera_->path().c_str(), frame.index, p);
        const uint8_t *src = *map + offset;
        uint8_t *out = dst.data + dst.dmaBuf.planes[p].offset;
        for (uint32_t y = 0; y < rows; y++)
            std::memcpy(out + uint64_t{y} * dst.dmaBuf.planes[p].pitch,
                        src + uint64_t{y} * srcPitch, rowBytes);
        copied += uint64_t{rowBytes} * rows;
    }
    stats_.bytesCopied += copied;
    return *target;
}

void CameraView::Impl::onFrame(const CapturedFrame &frame)
{
    stats_.captured++;
    showFrame(frame);
    /* The last frame asked for: no more from the camera, and none of its buffers goes back. */
    if (options_.frames && stats_.captured >= options_.frames && streaming_) {
        streaming_ = false;
        camera_->stop();
    }
}

void CameraView::Impl::showFrame(const CapturedFrame &frame)
{
    uint64_t now = monotonicNs();
    if (path_ == CameraPath::Copy) {
        Result<uint32_t> target = copyFrame(frame);
        /* The pixels are ours now (or the frame is lost): the camera can refill it at once. */
        if (Result<void> r = camera_->queue(frame.index); !r)
            LOG_WARN("%s", r.error().describe().c_str());
        if (!target) {
            stats_.skipped++;
            LOG_DEBUG("%s", target.error().describe().c_str());
            return;
        }
        captureNs_[*target] = frame.timestampNs;
        dequeueNs_[*target] = now;
        copyBusy_.insert(*target);
        present(*target);
        return;
    }
    uint32_t buffer = cameraBuffers_.at(frame.index);
    captureNs_[buffer] = frame.timestampNs;
    dequeueNs_[buffer] = now;
    present(buffer);
}

void CameraView::Impl::present(uint32_t buffer)
{
    if (glComposed_) {
        /* Newest wins: a frame not drawn yet goes back unseen. */
        if (glNext_) {
            stats_.skipped++;
            giveBack(*glNext_);
        }
        glNext_ = buffer;
        display_.requestFrame();
        return;
    }
    if (Result<void> r = display_.showBuffer(layer_, buffer); !r) {
        LOG_ERROR("%s", r.error().describe().c_str());
        stats_.skipped++;
        giveBack(buffer);
    }
}

void CameraView::Impl::onShown(uint32_t buffer, uint64_t timestampNs)
{
    stats_.displayed++;
    auto since = [&](const std::map<uint32_t, uint64_t> &at, std::vector<int64_t> &out) {
        auto it = at.find(buffer);
        if (it == at.end())
            return;
        int64_t ns = static_cast<int64_t>(timestampNs) - static_cast<int64_t>(it->second);
        /* A view may run for months: past the cap the newest overwrite the oldest. */
        if (out.size() < kLatencySamples)
            out.push_back(ns);
        else
            out[(stats_.displayed - 1) % kLatencySamples] = ns;
    };
    since(captureNs_, stats_.latencyNs);
    since(dequeueNs_, stats_.dequeueLatencyNs);
}

void CameraView::Impl::onReleased(uint32_t buffer, bool skipped)
{
    if (skipped)
        stats_.skipped++;
    giveBack(buffer);
}

void CameraView::Impl::onPresent(const FrameInfo &info)
{
    if (!glDrawn_ || glDrawn_->frame != info.frame)
        return;
    onShown(glDrawn_->buffer, info.timestampNs);
    /* The composed frame with the newer picture is up: the older one is not needed again. */
    if (glShown_ && *glShown_ != glDrawn_->buffer)
        giveBack(*glShown_);
    glShown_ = glDrawn_->buffer;
    glDrawn_.reset();
}

void CameraView::Impl::giveBack(uint32_t buffer)
{
    if (copyBusy_.erase(buffer))
        return;
    auto it = cameraIndex_.find(buffer);
    if (it == cameraIndex_.end() || !streaming_)
        return;
    /* The display's own bookkeeping checks ours: this must never happen. */
    if (display_.bufferInUse(buffer)) {
        stats_.requeuedWhileShown++;
        LOG_ERROR("%s: buffer %u requeued while the display still uses it", camera_->path().c_str(),
                  it->second);
    }
    if (Result<void> r = camera_->queue(it->second); !r)
        LOG_WARN("%s", r.error().describe().c_str());
}

Result<std::unique_ptr<CameraView>> CameraView::create(EventLoop &loop, Display &display,
                                                       const CameraViewOptions &options)
{
    std::unique_ptr<CameraView> view(new CameraView(loop, display));
    if (Result<void> r = view->impl_->init(options); !r)
        return r.error();
    return view;
}

CameraView::CameraView(EventLoop &loop, Display &display)
    : impl_(std::make_unique<Impl>(loop, display))
{
}

CameraView::~CameraView()
{
    /* Callbacks the display still holds see the view is gone. */
    impl_->alive_.reset();
    if (impl_->presentListener_)
        impl_->display_.removePresentListener(impl_->presentListener_);
    /* The display outlives the view: its layer and buffers go back for the next one. */
    if (impl_->camera_)
        impl_->tearDown();
}

CameraPath CameraView::path() const
{
    return impl_->path_;
}

const std::vector<PathAttempt> &CameraView::attempts() const
{
    return impl_->attempts_;
}

const CaptureDevice &CameraView::camera() const
{
    return *impl_->camera_;
}

const Rect &CameraView::destination() const
{
    return impl_->destination_;
}

bool CameraView::composedByGl() const
{
    return impl_->glComposed_;
}

bool CameraView::onPrimaryPlane() const
{
    return impl_->layer_ && impl_->display_.layerOnPrimary(impl_->layer_);
}

void CameraView::draw(uint64_t frame)
{
    Impl &d = *impl_;
    if (!d.glComposed_)
        return;
    if (d.glNext_) {
        d.glDrawn_ = Impl::Drawn{*d.glNext_, frame};
        d.glNext_.reset();
    }
    std::optional<uint32_t> buffer = d.glDrawn_ ? std::optional(d.glDrawn_->buffer) : d.glShown_;
    if (!buffer)
        return;
    if (Result<void> r = d.display_.drawBuffer(*buffer, d.destination_); !r)
        LOG_ERROR("%s", r.error().describe().c_str());
}

Result<void> CameraView::start()
{
    Impl &d = *impl_;
    if (d.options_.probeAll)
        return makeError(EINVAL, "%s: a probing view does not stream", d.camera_->path().c_str());
    /*
     * Room for every latency sample the view keeps, so that no frame grows
     * the lists. Pages untouched stay out of the resident set.
     */
    d.stats_.latencyNs.reserve(kLatencySamples);
    d.stats_.dequeueLatencyNs.reserve(kLatencySamples);
    std::weak_ptr<bool> alive = d.alive_;
    Result<void> r = d.camera_->start(
        d.loop_,
        [&d, alive](const CapturedFrame &frame) {
            if (alive.lock())
                d.onFrame(frame);
        },
        [&d, alive](const Error &error) {
            if (!alive.lock())
                return;
            d.streaming_ = false;
            LOG_ERROR("%s; the last frame stays on screen", error.describe().c_str());
            if (d.onError_)
                d.onError_(error);
        });
    if (!r)
        return r.error();
    d.streaming_ = true;
    return {};
}

void CameraView::stop()
{
    impl_->streaming_ = false;
    if (impl_->camera_->streaming())
        impl_->camera_->stop();
}

void CameraView::close(std::function<void()> done)
{
    stop();
    if (!impl_->layer_) {
        done();
        return;
    }
    if (Result<void> r = impl_->display_.clearLayer(impl_->layer_, done); !r) {
        LOG_WARN("%s", r.error().describe().c_str());
        done();
    }
}

void CameraView::setErrorCallback(std::function<void(const Error &error)> callback)
{
    impl_->onError_ = std::move(callback);
}

const CameraStats &CameraView::stats() const
{
    /* No copy: callers read it every frame, and the latency lists grow with the run. */
    CameraStats &s = impl_->stats_;
    const CaptureStats &c = impl_->camera_->stats();
    s.dropped = c.dropped;
    s.errors = c.errors;
    return s;
}

} /* namespace scanout::v4l2 */
