/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <scanout/event_loop.h>
#include <scanout/kms_types.h>
#include <scanout/result.h>

namespace scanout {

struct DisplayOptions {
    /** Device path or driver name; empty for the first KMS-capable device. */
    std::string device;
    /** Connector name ("HDMI-A-1"); empty for the first connected one. */
    std::string connector;
    /** "WxH" or "WxH@Hz"; empty for the connector's preferred mode. */
    std::string mode;
    /** Use legacy SetCrtc/PageFlip even where atomic is available. */
    bool legacy = false;
    /**
     * At exit, leave the last frame on screen instead of restoring the
     * CRTC state found at start. It survives the process only on kernels
     * with CLOSEFB (6.8+); older kernels drop it when the fd closes.
     */
    bool keepLastFrame = false;
    /** Stop the loop with exit code 0 on SIGINT and SIGTERM (after restoring). */
    bool handleSignals = true;
};

/** What the page-flip event said about a frame that reached the screen. */
struct FrameInfo {
    uint64_t frame = 0;       /* index of the frame, from 0 */
    uint64_t sequence = 0;    /* the CRTC's vblank sequence, 0 where the driver has none */
    uint64_t timestampNs = 0; /* CLOCK_MONOTONIC time of the flip */
};

struct DisplayStats {
    uint64_t framesPresented = 0;
    /** Refresh periods in which the previous frame stayed up because no new one was ready. */
    uint64_t missedFlips = 0;
    /** Commits refused with EBUSY and retried at the next event. */
    uint64_t busyRetries = 0;
    uint64_t firstFlipNs = 0, lastFlipNs = 0;
};

/**
 * One output driven from one event loop: a connector, its CRTC and primary
 * plane, a GBM surface with an EGL context, and a page-flip loop.
 *
 * The app draws with GLES in the render callback; the context is current
 * there. After it returns, the runtime swaps, imports the buffer as a
 * framebuffer (once per buffer) and commits it. The next render callback
 * comes only after that flip completed, so the app never renders faster
 * than the display flips.
 */
class Display
{
public:
    using RenderCallback = std::function<void(uint64_t frame)>;
    using PresentCallback = std::function<void(const FrameInfo &info)>;

    static Result<std::unique_ptr<Display>> create(EventLoop &loop, const DisplayOptions &options);

    /** Restores the display (unless keepLastFrame) and the VT, and frees everything. */
    ~Display();

    Display(const Display &) = delete;
    Display &operator=(const Display &) = delete;

    uint32_t width() const;
    uint32_t height() const;
    const ModeInfo &mode() const;
    const std::string &connectorName() const;
    const DeviceInfo &device() const;
    /** "atomic" or "legacy". */
    const char *commitMode() const;
    /** GL_RENDERER and GL_VERSION. */
    const std::string &renderer() const;

    /** Called with the GLES context current to draw frame \a frame. */
    void setRenderCallback(RenderCallback callback);
    /** Called when a frame reached the screen, before the next one is drawn. */
    void setPresentCallback(PresentCallback callback);

    /** Modesets with the first frame (TEST_ONLY first on atomic) and starts the flip loop. */
    Result<void> start();
    /** No more frames after the one in flight; the loop keeps running. */
    void stop();

    /** The fatal error that stopped the flip loop, or null. */
    const Error *failure() const;
    const DisplayStats &stats() const;

private:
    Display();
    class Impl;
    std::unique_ptr<Impl> impl_;
};

} /* namespace scanout */
