/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <scanout/board_config.h>
#include <scanout/display.h>
#include <scanout/event_loop.h>
#include <scanout/kms_types.h>
#include <scanout/result.h>
#include <scanout/v4l2/capture.h>

namespace scanout::v4l2 {

/* CameraPath (export, import, gl, copy, in the order they are tried) is scanout::CameraPath. */

/** One row of the decision table: a path and what its probe said. */
struct PathAttempt {
    CameraPath path = CameraPath::Export;
    enum class Outcome { Chosen, Works, Rejected, Skipped } outcome = Outcome::Skipped;
    /** What the path would use ("overlay plane 40"), or why it was rejected. */
    std::string detail;
    /** The errno of the failing call when rejected. */
    int errnum = 0;
};

struct CameraViewOptions {
    /** A capture node, or empty for the first one. */
    std::string camera;
    /** V4L2 fourcc, or 0 for the first one the camera offers that a plane can show (else GL). */
    uint32_t fourcc = 0;
    /** 0 keeps the camera's current size. */
    uint32_t width = 0, height = 0;
    /** Frames per second to ask the camera for, or 0 to keep its rate. */
    uint32_t fps = 0;
    /** A path to use, or Auto to take the first whose probe passes. */
    CameraPath path = CameraPath::Auto;
    /** Where the frames go on the output; empty for all of it. */
    Rect rect;
    /** Shrink the rectangle to the camera's aspect ratio, centred. */
    bool fit = false;
    /** A plane for the export and import paths, or 0 to pick one. */
    uint32_t planeId = 0;
    /** With planeId 0: pick only a plane of this type, Overlay or Primary; unset: either. */
    std::optional<PlaneType> planeType;
    /** That plane's zpos (higher on top); unset leaves it alone. A plane without it is refused. */
    std::optional<uint32_t> zpos;
    /** Buffers to request: enough for the display to hold three and the camera to fill the rest. */
    uint32_t buffers = 6;
    /** Probe every path, not only up to the first that works (for a decision table). */
    bool probeAll = false;
    /**
     * Stop the camera once this many frames were captured (0: never). The
     * last ones still reach the screen; stop() is then only needed for the
     * teardown.
     */
    uint64_t frames = 0;
};

/** How many latency samples CameraStats keeps: about 36 minutes at 30 fps. */
inline constexpr size_t kLatencySamples = size_t{1} << 16;

struct CameraStats {
    uint64_t captured = 0;  /* frames dequeued */
    uint64_t displayed = 0; /* frames that reached the screen */
    uint64_t skipped = 0;   /* replaced by a newer frame before reaching the screen */
    uint64_t dropped = 0;   /* lost by the camera: gaps in its sequence numbers */
    uint64_t errors = 0;    /* buffers the camera flagged as bad */
    uint64_t bytesCopied = 0;
    /** Buffers given back to the camera while the display still used them: must stay 0. */
    uint64_t requeuedWhileShown = 0;
    /**
     * The camera's buffer timestamp to flip completion, one entry per
     * displayed frame: of the newest kLatencySamples frames, in no order
     * once that many were shown. Signed: a driver that stamps the end of
     * exposure ahead of delivering the frame (vivid does) can make it
     * negative.
     */
    std::vector<int64_t> latencyNs;
    /** Dequeue (the frame reaching scanout) to flip completion: scanout's own share; as above. */
    std::vector<int64_t> dequeueLatencyNs;
};

/**
 * A live camera on an output: picks the cheapest path that works on this
 * camera and display (each one confirmed by a real probe), then moves every
 * frame from the camera's event to the screen from the event loop.
 *
 * A camera buffer goes back to the camera only once the display stopped
 * using it: on the layer paths when the flip that replaced it completed, on
 * the GL path when a newer composed frame reached the screen.
 */
class CameraView
{
public:
    /** Opens the camera, sets the format and chooses the path; nothing streams yet. */
    static Result<std::unique_ptr<CameraView>> create(EventLoop &loop, Display &display,
                                                      const CameraViewOptions &options);
    ~CameraView();
    CameraView(const CameraView &) = delete;
    CameraView &operator=(const CameraView &) = delete;

    CameraPath path() const;
    /** The decision table, in the order the paths were tried. */
    const std::vector<PathAttempt> &attempts() const;
    const CaptureDevice &camera() const;
    /** Where the frames are shown. */
    const Rect &destination() const;

    /** Whether frames are composed by GL: the app's render callback must call draw(). */
    bool composedByGl() const;
    /** Whether the frames are on the primary plane itself (export or import path). */
    bool onPrimaryPlane() const;
    /** Draws the newest frame into GL frame \a frame (gl and copy-through-GL paths). */
    void draw(uint64_t frame);

    Result<void> start();
    void stop();
    /**
     * Stops streaming and takes the frame off the screen: \a done runs once
     * no buffer of this view is shown any more (at once on the GL paths),
     * after which the view can be destroyed without tearing the picture.
     */
    void close(std::function<void()> done);

    /** Called once when the camera fails (unplugged); the last frame stays on screen. */
    void setErrorCallback(std::function<void(const Error &error)> callback);

    /** Counters, with the camera's drops and errors folded in. */
    const CameraStats &stats() const;

private:
    CameraView(EventLoop &loop, Display &display);
    class Impl;
    std::unique_ptr<Impl> impl_;
};

} /* namespace scanout::v4l2 */
