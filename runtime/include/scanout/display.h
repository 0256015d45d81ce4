/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <scanout/dma_buf.h>
#include <scanout/event_loop.h>
#include <scanout/kms_types.h>
#include <scanout/result.h>
#include <scanout/transform.h>

namespace scanout {

class Session;

struct DisplayOptions {
    /** Device path or driver name; empty for the first KMS-capable device. */
    std::string device;
    /** Connector name ("HDMI-A-1"); empty for the first connected one. */
    std::string connector;
    /** "WxH" or "WxH@Hz"; empty for the connector's preferred mode. */
    std::string mode;
    /** Use legacy SetCrtc/PageFlip even where atomic is available. */
    bool legacy = false;
    /** Make the device's writeback connectors usable, for screenshot(). */
    bool writeback = false;
    /**
     * At exit, leave the last frame on screen instead of restoring the
     * CRTC state found at start. It survives the process only on kernels
     * with CLOSEFB (6.8+); older kernels drop it when the fd closes.
     */
    bool keepLastFrame = false;
    /** Stop the loop with exit code 0 on SIGINT and SIGTERM (after restoring). */
    bool handleSignals = true;
    /**
     * Draw a new GL frame after every flip (animation). When false, GL
     * draws only after requestFrame(), and the display flips only when
     * something changed: an idle screen costs no CPU.
     */
    bool continuous = true;
    /**
     * Counter-clockwise rotation of the picture on the output. The primary
     * plane's "rotation" property does it where the plane offers it
     * (atomic only); GL does it otherwise: the app then draws through
     * transform() (see rotatesInGl()).
     */
    Rotation rotation = Rotation::R0;
    /**
     * A mirror of the whole picture before it turns: a display seen
     * through a mirror (head-up displays) or from behind a projection
     * screen, or scanout-cam's output for a rear-view camera.
     * Done by the primary plane's "rotation" property with the rotation
     * where the plane offers both, else by GL, like the rotation.
     */
    Reflection reflection = Reflection::None;
    /**
     * The primary plane's "zpos" (a board's ui-zpos), higher on top; unset
     * leaves it as the driver has it. Atomic only; a plane without zpos,
     * or a value outside its range, fails start() naming the plane.
     */
    std::optional<uint32_t> zpos;
    /**
     * Follow the connector through udev: when it is unplugged, turn its
     * CRTC off and release the buffers; when it is back, modeset and go on.
     */
    bool hotplug = true;
    /**
     * Open the device through this session (seatd, logind, or the VT taken
     * directly as root), which then owns the VT: the display leaves the
     * console mode alone. The app calls suspend() and resume() from the
     * session's callbacks. Null: open the device directly.
     */
    Session *session = nullptr;
    /**
     * The primary plane's colour (0xRRGGBB) while GL draws nothing. Until
     * the app sets a render callback (or a pointer drawn by GL, or asks for
     * a texture), no GBM or EGL is loaded: the primary plane shows this
     * colour from a dumb buffer, and layers carry the pictures. Black costs
     * no CPU write at all (dumb buffers start zeroed).
     */
    uint32_t background = 0x000000;
    /**
     * The primary plane's scanout formats (DRM fourcc), best first: the
     * first the plane takes is drawn in. Packed RGB only (XR24, AR24, XB24,
     * AB24, RG16, ...); others are passed over with a warning. Empty: XR24,
     * then AR24.
     */
    std::vector<uint32_t> formats = {};
    /**
     * Modifiers the primary plane's buffers may have, best first: those the
     * plane lists for the chosen format, in this order, are allocated with
     * (GBM, EGL), and kModifierInvalid admits the driver's implicit layout.
     * A format none of them fits is passed over. Empty: every modifier the
     * plane lists, the implicit layout as the fallback.
     */
    std::vector<uint64_t> modifiers = {};
};

/**
 * A buffer shown on a KMS plane of its own, beside or instead of the
 * GL-drawn primary plane: a camera frame scanned out without a copy.
 */
struct LayerOptions {
    uint32_t format = 0;                  /* DRM fourcc of every buffer shown on it */
    uint64_t modifier = kModifierInvalid; /* kModifierInvalid: implicit layout */
    /** The part of each buffer to show; empty for all of it (the first buffer's size). */
    Rect source;
    /** Where on the output; empty for the whole output. */
    Rect destination;
    /** A plane id, or 0 for the first free overlay taking the format, else the primary. */
    uint32_t planeId = 0;
    /** With planeId 0: only a plane of this type, Overlay or Primary (a board's camera-plane). */
    std::optional<PlaneType> planeType;
    /**
     * The plane's "zpos" (a board's camera-zpos); unset leaves it alone. A
     * plane that cannot take it is refused, like one that cannot turn.
     */
    std::optional<uint32_t> zpos;
};

/** Scanout memory the display allocated and shares as dma_buf (a camera fills it). */
struct SharedBuffer {
    uint32_t id = 0;
    /** The fds stay owned by the display until removeBuffer(). */
    DmaBufDescription dmaBuf;
    /** Size of the memory behind each plane's fd. */
    uint32_t lengths[4] = {};
    /** CPU view of the memory (plane 0's fd), for the copy fallback. */
    uint8_t *data = nullptr;
};

/**
 * The GL textures sampling a buffer through EGLImages. RGB, YUYV and UYVY
 * buffers are one GL_TEXTURE_EXTERNAL_OES texture (the driver converts YUV).
 * Multi-planar YUV (NV12, NV21, NV16, YUV420) is one GL_TEXTURE_2D per
 * plane, which the sampler converts itself (BT.601, limited range; what
 * drawBuffer() does): luma as R8; interleaved chroma as GR88 (R holds the
 * first byte: U for NV12 and NV16, V for NV21); planar U and V as R8.
 */
struct BufferTexture {
    /** The only texture, or the luma plane's. */
    uint32_t name = 0;
    /** GL_TEXTURE_EXTERNAL_OES (sample with samplerExternalOES) or GL_TEXTURE_2D. */
    uint32_t target = 0;
    /** The texture of each plane, planes[0] == name. */
    uint32_t planeCount = 1;
    uint32_t planes[3] = {};
};

/** What happened to a buffer shown on a layer. */
struct LayerEvents {
    /** It reached the screen with the flip at \a timestampNs (CLOCK_MONOTONIC). */
    std::function<void(uint32_t buffer, uint64_t timestampNs)> shown;
    /**
     * The display no longer uses it: a flip replaced it on screen, or a
     * newer buffer replaced it before it was shown (\a skipped).
     */
    std::function<void(uint32_t buffer, bool skipped)> released;
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
    /** Commits, each one a flip (or the first modeset). */
    uint64_t commits = 0;
    /** GL frames drawn. */
    uint64_t framesRendered = 0;
};

/**
 * One output driven from one event loop: a connector, its CRTC and primary
 * plane, a GBM surface with an EGL context (made when GL first draws), and a
 * page-flip loop.
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

    /** The size the app lays its picture out in: the mode's, swapped when rotated by 90 or 270. */
    uint32_t width() const;
    uint32_t height() const;
    /** Logical (what the user sees) to physical (the mode's pixels) coordinates. */
    const OutputTransform &transform() const;
    /**
     * Whether the GL frame is the mode's size and the app must turn and
     * mirror what it draws itself (transform().toPhysical()), because no
     * plane does. When false the GL frame is width() x height() and KMS
     * lays it out.
     */
    bool rotatesInGl() const;
    const ModeInfo &mode() const;
    const std::string &connectorName() const;
    const DeviceInfo &device() const;
    /** "atomic" or "legacy". */
    const char *commitMode() const;
    /** GL_RENDERER and GL_VERSION; empty while GL is not loaded. */
    const std::string &renderer() const;

    /**
     * Called with the GLES context current to draw frame \a frame. Setting
     * it makes GL draw the primary plane (GBM and EGL are loaded then, on
     * the first frame): without one, the primary plane shows the background.
     */
    void setRenderCallback(RenderCallback callback);
    /**
     * Loads GL now (if it is not yet) and makes the display's GLES context
     * current, for setup outside the render callback: compiling shaders,
     * uploading textures. The render callback needs no such call.
     */
    Result<void> makeCurrent();
    /** Called when a frame reached the screen, before the next one is drawn. */
    void setPresentCallback(PresentCallback callback);
    /**
     * One more present callback, for a component (a camera view) beside the
     * app's own. Returns its id for removePresentListener().
     */
    uint32_t addPresentListener(PresentCallback callback);
    /** Stops calling a listener; safe from inside any present callback. */
    void removePresentListener(uint32_t id);
    /**
     * Page-flip events without a wake-up of their own, for an app whose
     * pictures come from another source on the loop (a camera on a layer):
     * a flip's event is read when the loop next wakes for that source, at
     * the latest 50 ms after the commit. That halves the wake-ups of a
     * camera shown on a plane. Present callbacks and the layers' shown and
     * released events come later by up to one frame of that source; their
     * timestamps stay those of the flips. A picture waiting for a flip
     * (a layer's next buffer, a GL frame) still wakes the loop at once.
     * Off by default.
     */
    void setLazyFlipEvents(bool lazy);

    /**
     * Imports a dma_buf to show on a layer or to sample in GL. Framebuffer
     * and EGLImage are made on first use, once per buffer. The fds are
     * borrowed: they stay open until removeBuffer().
     */
    Result<uint32_t> importBuffer(const DmaBufDescription &buffer);
    /**
     * Allocates scanout memory (a dumb buffer, on a file of its own so GEM
     * handles never alias) and exports it as dma_buf. Packed formats and
     * the YUV formats NV12, NV21, NV16, YU12 are supported.
     */
    Result<SharedBuffer> allocateBuffer(uint32_t format, uint32_t width, uint32_t height);
    /** Forgets a buffer; it must not be on a layer. */
    void removeBuffer(uint32_t buffer);

    /** Reserves a plane for a layer. Returns the layer id. */
    Result<uint32_t> createLayer(const LayerOptions &options, LayerEvents events);
    /**
     * Takes a layer's buffer off the screen: the next commit turns its plane
     * off. \a done runs once the flip doing it completed and the buffer was
     * released (at once when nothing was shown); then removeLayer() works.
     */
    Result<void> clearLayer(uint32_t layer, std::function<void()> done);
    /** Frees a layer's plane; its buffers must be off the screen (stopped first). */
    Result<void> removeLayer(uint32_t layer);
    /**
     * Whether some free plane of this output (of type \a only, where given)
     * lists \a format with \a modifier.
     */
    bool canShow(uint32_t format, uint64_t modifier, std::optional<PlaneType> only = {}) const;
    /** The plane a layer is on. */
    uint32_t layerPlane(uint32_t layer) const;
    /** Whether the layer covers the GL-drawn primary plane. */
    bool layerOnPrimary(uint32_t layer) const;
    /**
     * Whether the device would show \a buffer on \a layer as configured:
     * the framebuffer import plus an atomic TEST_ONLY of the whole output.
     * Legacy KMS cannot test; there the import and the plane's format list
     * decide. Valid before start().
     */
    Result<void> testLayer(uint32_t layer, uint32_t buffer);
    /**
     * Shows \a buffer on \a layer with the next flip, as soon as none is
     * pending. A buffer given before the previous one reached the screen
     * replaces it (released as skipped): the newest frame wins.
     */
    Result<void> showBuffer(uint32_t layer, uint32_t buffer);
    /** Whether \a buffer is on screen or in a commit not yet completed. */
    bool bufferInUse(uint32_t buffer) const;

    /**
     * The GL textures of \a buffer, for drawing it in the render callback.
     * The first call for a buffer also compiles and runs (drawing nothing)
     * the program drawBuffer() uses for it, so a software renderer's shader
     * compilation happens then, not in the first frame showing it: call it
     * at setup. Like drawBuffer(), it changes the current GL program,
     * viewport and texture bindings.
     */
    Result<BufferTexture> texture(uint32_t buffer);

    /**
     * Draws \a buffer stretched over \a destination of the GL frame, through
     * its texture. Call it from the render callback.
     */
    Result<void> drawBuffer(uint32_t buffer, const Rect &destination);

    /**
     * Saves what the CRTC sends to the display, every plane composed, as a
     * PNG file, through a writeback connector (DisplayOptions::writeback).
     * Waits for a flip in flight to land first; blocks until the capture
     * is written (a few hundred ms in software).
     */
    Result<void> screenshot(const std::string &path);

    /**
     * Fills the GL frame with DisplayOptions::background. Call it from the
     * render callback: an app that only composes buffers (drawBuffer())
     * needs no GL call of its own, nor to link GLES.
     */
    void clearFrame();

    /** Asks for a GL frame with the next flip (continuous = false). */
    void requestFrame();

    /**
     * Stops using the device: the session went away (VT switch) and DRM
     * master with it. Nothing is drawn or committed until resume(); flips
     * in flight still complete. The loop keeps running.
     */
    void suspend();
    /** Takes the output back after suspend(): a full modeset, then a redraw. */
    Result<void> resume();
    /**
     * Whether frames reach the screen: started, not suspended, DRM master
     * held, and the connector connected.
     */
    bool active() const;
    /**
     * Sets the pointer image: \a width x \a height ARGB8888 pixels (straight
     * alpha), row after row, with its hot spot at (\a hotX, \a hotY), in the
     * orientation the user sees. It goes on the CRTC's cursor plane where
     * one takes ARGB8888 (atomic), else it is drawn into each GL frame;
     * there only pixels with alpha of at least half show. \a usePlane
     * false draws it in GL even where a cursor plane exists. Hidden until
     * moveCursor().
     */
    Result<void> setCursor(const uint32_t *argb, uint32_t width, uint32_t height, uint32_t hotX,
                           uint32_t hotY, bool usePlane = true);
    /** Puts the pointer's hot spot at \a position (logical pixels) and shows it. */
    void moveCursor(PointF position);
    void hideCursor();
    /** "plane", "gl", or "none" before setCursor(). */
    const char *cursorMode() const;

    /** Called when the connector goes away (false) and when it is back and showing (true). */
    void setConnectorCallback(std::function<void(bool connected)> callback);

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
