/* SPDX-License-Identifier: MIT */
/*
 * scanout-kiosk: the reference kiosk. One process owns the screen: a GL
 * UI of large buttons and a status strip, a live camera beside it or
 * full screen, input from libinput (touch, pointer, keys), and it follows
 * the display, the camera and the session (VT switches) coming and going.
 */
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <getopt.h>

#include <scanout/board_config.h>
#include <scanout/display.h>
#include <scanout/event_loop.h>
#include <scanout/hotplug.h>
#include <scanout/input/input.h>
#include <scanout/log.h>
#include <scanout/select.h>
#include <scanout/session.h>
#include <scanout/v4l2/camera_view.h>
#include <scanout/v4l2/formats.h>

#include "common/board.h"
#include "common/board_camera.h"
#include "common/cli.h"
#include "common/fd_count.h"
#include "common/input_overrides.h"
#include "common/pause.h"
#include "kiosk/painter.h"
#include "kiosk/ui.h"

namespace {

using scanout::PointF;
using scanout::Rect;
using scanout::kiosk::Action;
using scanout::kiosk::Layout;
using scanout::v4l2::CameraView;

constexpr const char *kProg = "scanout-kiosk";

void usage(FILE *out)
{
    std::fprintf(
        out,
        "usage: scanout-kiosk [options]\n"
        "A kiosk: GL buttons and a status strip beside a live camera, driven by touch,\n"
        "pointer and keys. Tap or click a button, or press its key:\n"
        "  C / F1   camera on or off      L / Tab / F2   camera beside the UI or full screen\n"
        "  S / F3   screenshot            Esc, or a 1.5 s press on a corner: quit\n"
        "\n"
        "  -d, --device DEV       DRM device path or driver name (default: first KMS device)\n"
        "  -c, --connector NAME   connector (default: first connected)\n"
        "  -m, --mode WxH[@Hz]    mode (default: preferred)\n"
        "  -r, --rotate DEG       0, 90, 180 or 270, counter-clockwise (default 0)\n"
        "      --reflect WHICH    mirror before the turn: none, x, y or xy (default none)\n"
        "  -C, --camera DEV       /dev/videoN (default: first capture device)\n"
        "      --camera-size WxH  camera frame size (default 640x480)\n"
        "      --camera-format F  V4L2 fourcc (default: the first a plane shows, else GL's)\n"
        "      --fps N            camera frame rate (default: the camera's)\n"
        "      --no-camera        start with the camera off\n"
        "      --seat NAME        libinput udev seat (default seat0)\n"
        "      --input DEV        an event device to read instead of a udev seat (repeatable)\n"
        "      --session MODE     auto, seat (libseat) or direct (root) (default auto)\n"
        "      --cursor MODE      auto (cursor plane, else GL), gl or none (default auto)\n"
        "      --no-wait          exit if no display is connected, instead of waiting\n"
        "      --shots DIR        where screenshots go (default .)\n"
        "  -n, --frames N         exit after N frames reached the screen (default: run)\n"
        "      --timeout SECONDS  exit after this long (default: run)\n"
        "%s"
        "  -h, --help             this text\n"
        "\n"
        "Every action is logged as one line: 'scanout-kiosk: action NAME (CAUSE)'.\n",
        scanout::apps::kBoardUsage);
}

struct Config {
    scanout::DisplayOptions display;
    scanout::v4l2::CameraViewOptions camera;
    bool cameraOn = true;
    scanout::input::InputOptions input;
    scanout::SessionOptions session;
    enum class Cursor { Auto, Gl, None } cursor = Cursor::Auto;
    bool waitForDisplay = true;
    std::string shotDir = ".";
    uint64_t frames = 0;
    double timeoutS = 0;
};

/* A 12x19 arrow, white with a black edge: the pointer. */
std::vector<uint32_t> arrowImage(uint32_t &width, uint32_t &height)
{
    static const char *const rows[] = {
        "X           ", "XX          ", "X.X         ", "X..X        ", "X...X       ",
        "X....X      ", "X.....X     ", "X......X    ", "X.......X   ", "X........X  ",
        "X.........X ", "X......XXXXX", "X...X..X    ", "X..XX..X    ", "X.X  X..X   ",
        "XX   X..X   ", "X     X..X  ", "      X..X  ", "       XX   ",
    };
    width = 12;
    height = sizeof(rows) / sizeof(rows[0]);
    std::vector<uint32_t> image;
    for (const char *row : rows)
        for (uint32_t x = 0; x < width; x++)
            image.push_back(row[x] == 'X' ? 0xff000000u : row[x] == '.' ? 0xffffffffu : 0);
    return image;
}

class Kiosk
{
public:
    Kiosk(const Config &config, scanout::EventLoop &loop) : config_(config), loop_(loop) {}
    int run();

private:
    scanout::Result<void> startDisplay();
    void render(uint64_t frame);
    void perform(Action action, const std::string &cause, uint64_t timeUs);
    void startCamera();
    /* Starts the camera_ made by startCamera() and says so; on failure it is lost. */
    bool startStream();
    void stopCamera(std::function<void()> then);
    void onCameraLost(const scanout::Error &error);
    void onCameraHotplug(const scanout::HotplugEvent &event);
    void onPointer(const scanout::input::PointerEvent &event);
    void onTouch(const scanout::input::TouchEvent &event);
    void press(PointF at, uint64_t timeUs);
    void release(PointF at, uint64_t timeUs, const char *how);
    void armCorner();
    void redraw(uint64_t inputTimeUs);
    void updateStatus();
    void quit(int status);

    const Config &config_;
    scanout::EventLoop &loop_;
    std::unique_ptr<scanout::Session> session_;
    std::unique_ptr<scanout::Display> display_;
    std::unique_ptr<scanout::input::Input> input_;
    std::unique_ptr<CameraView> camera_;
    std::unique_ptr<scanout::HotplugMonitor> cameraHotplug_;
    std::optional<scanout::kiosk::KioskUi> ui_;
    std::optional<scanout::kiosk::CornerPress> corner_;
    scanout::kiosk::Painter painter_;
    scanout::kiosk::UiState state_;
    /* The button pressed and not yet released, and where. */
    Action pressed_ = Action::None;
    bool touching_ = false;
    std::optional<scanout::EventLoop::Id> cornerTimer_, cameraRetry_;
    bool cameraClosing_ = false;

    /* Input-to-flip latency: the oldest input not yet on screen, then the frame drawing it. */
    std::optional<uint64_t> inputUs_;
    std::optional<std::pair<uint64_t, uint64_t>> inputFrame_; /* GL frame, input time (us) */
    std::vector<int64_t> inputLatencyNs_;
    uint64_t framesShown_ = 0, actions_ = 0, cameraDisplayed_ = 0, cameraDropped_ = 0;
    uint64_t lastStatusDisplayed_ = 0, lastStatusNs_ = 0;
    uint64_t shots_ = 0;
    std::string cameraPath_ = "none";
    int status_ = 0;
};

scanout::Result<void> Kiosk::startDisplay()
{
    scanout::DisplayOptions options = config_.display;
    options.session = session_.get();
    auto display = scanout::Display::create(loop_, options);
    if (!display)
        return display.error();
    display_ = std::move(*display);
    return {};
}

int Kiosk::run()
{
    auto session = scanout::Session::open(loop_, config_.session);
    if (!session) {
        std::fprintf(stderr, "%s: %s\n", kProg, session.error().describe().c_str());
        return 1;
    }
    session_ = std::move(*session);
    std::printf("%s: session %s, VT %d\n", kProg, session_->backend(), session_->vt());

    /* No display connected yet: wait for one rather than exit (a kiosk boots before its panel). */
    if (scanout::Result<void> r = startDisplay(); !r) {
        if (r.error().errnum() != ENODEV || !config_.waitForDisplay) {
            std::fprintf(stderr, "%s: %s\n", kProg, r.error().describe().c_str());
            return 1;
        }
        std::printf("%s: no display connected; waiting for one\n", kProg);
        std::fflush(stdout);
        auto tryDisplay = [this] {
            if (!display_ && startDisplay())
                loop_.exit(0);
        };
        auto monitor = scanout::HotplugMonitor::create(
            loop_, {"drm"}, [tryDisplay](const scanout::HotplugEvent &event) {
                if (event.action == "change")
                    tryDisplay();
            });
        if (!monitor) {
            std::fprintf(stderr, "%s: %s\n", kProg, monitor.error().describe().c_str());
            return 1;
        }
        /* Some drivers change a connector's status with no uevent: look once a second too. */
        auto timer = loop_.addTimer(1000000000u, 1000000000u, tryDisplay);
        if (!timer) {
            std::fprintf(stderr, "%s: %s\n", kProg, timer.error().describe().c_str());
            return 1;
        }
        int waited = loop_.run();
        loop_.remove(*timer);
        if (waited != 0 || !display_)
            return 1;
    }
    scanout::Display &d = *display_;
    const scanout::OutputTransform &t = d.transform();
    std::printf(
        "%s: %s on %s, %ux%u (%s), rotation %u%s%s by %s\n", kProg, d.connectorName().c_str(),
        d.device().path.c_str(), d.width(), d.height(), d.commitMode(),
        static_cast<uint32_t>(t.rotation()),
        t.reflection() == scanout::Reflection::None ? "" : ", reflect ",
        t.reflection() == scanout::Reflection::None ? "" : scanout::reflectionName(t.reflection()),
        t.identity()      ? "none"
        : d.rotatesInGl() ? "GL"
                          : "the plane");

    ui_.emplace(d.width(), d.height());
    corner_.emplace(d.width(), d.height());
    state_.cameraOn = config_.cameraOn;

    scanout::input::InputOptions input = config_.input;
    input.output = d.transform();
    input.opener.open = [this](const char *path, int flags) -> int {
        scanout::Result<int> fd = session_->openDevice(path, flags);
        return fd ? *fd : -fd.error().errnum();
    };
    input.opener.close = [this](int fd) { session_->closeDevice(fd); };
    scanout::input::InputHandlers handlers;
    handlers.key = [this](const scanout::input::KeyEvent &event) {
        if (!event.pressed)
            return;
        Action action = scanout::kiosk::actionForKey(event.keysym);
        std::string cause = "key " + event.keysymName;
        if (action == Action::None) {
            std::printf("%s: %s: no action\n", kProg, cause.c_str());
            std::fflush(stdout);
            return;
        }
        perform(action, cause, event.timeUs);
    };
    handlers.pointer = [this](const scanout::input::PointerEvent &event) { onPointer(event); };
    handlers.touch = [this](const scanout::input::TouchEvent &event) { onTouch(event); };
    handlers.device = [](const scanout::input::DeviceEvent &event) {
        std::printf("%s: input device %s: %s (%s)\n", kProg, event.added ? "added" : "removed",
                    event.name.c_str(), event.sysname.c_str());
        std::fflush(stdout);
    };
    auto in = scanout::input::Input::create(loop_, input, std::move(handlers));
    if (!in) {
        std::fprintf(stderr, "%s: %s\n", kProg, in.error().describe().c_str());
        return 1;
    }
    input_ = std::move(*in);

    if (config_.cursor != Config::Cursor::None) {
        uint32_t w = 0, h = 0;
        std::vector<uint32_t> arrow = arrowImage(w, h);
        if (auto r = d.setCursor(arrow.data(), w, h, 0, 0, config_.cursor == Config::Cursor::Auto);
            !r) {
            std::fprintf(stderr, "%s: %s\n", kProg, r.error().describe().c_str());
            return 1;
        }
    }

    session_->setCallbacks(
        [this] {
            std::printf("%s: session disabled: display and input suspended\n", kProg);
            std::fflush(stdout);
            display_->suspend();
            if (auto r = input_->suspend(); !r)
                std::fprintf(stderr, "%s: %s\n", kProg, r.error().describe().c_str());
        },
        [this] {
            std::printf("%s: session enabled: modeset and redraw\n", kProg);
            std::fflush(stdout);
            if (auto r = input_->resume(); !r)
                std::fprintf(stderr, "%s: %s\n", kProg, r.error().describe().c_str());
            if (auto r = display_->resume(); !r) {
                std::fprintf(stderr, "%s: %s\n", kProg, r.error().describe().c_str());
                quit(1);
            }
        });
    d.setConnectorCallback([this](bool connected) {
        std::printf("%s: display %s\n", kProg,
                    connected ? "connected again: picture restored" : "disconnected: output off");
        std::fflush(stdout);
    });

    d.setRenderCallback([this](uint64_t frame) { render(frame); });
    d.addPresentListener([this](const scanout::FrameInfo &info) {
        framesShown_++;
        if (inputFrame_ && info.frame >= inputFrame_->first) {
            inputLatencyNs_.push_back(static_cast<int64_t>(info.timestampNs) -
                                      static_cast<int64_t>(inputFrame_->second * 1000));
            inputFrame_.reset();
        }
        updateStatus();
        if (config_.frames && framesShown_ >= config_.frames)
            quit(0);
    });

    auto hotplug = scanout::HotplugMonitor::create(
        loop_, {"video4linux"},
        [this](const scanout::HotplugEvent &event) { onCameraHotplug(event); });
    if (hotplug)
        cameraHotplug_ = std::move(*hotplug);
    else
        std::fprintf(stderr, "%s: camera hotplug not followed: %s\n", kProg,
                     hotplug.error().describe().c_str());

    /* A status strip that changes once a second at most: an idle kiosk draws nothing. */
    if (auto timer = loop_.addTimer(1000000000u, 1000000000u, [this] { updateStatus(); }); !timer) {
        std::fprintf(stderr, "%s: %s\n", kProg, timer.error().describe().c_str());
        return 1;
    }
    if (config_.timeoutS > 0) {
        auto timer = loop_.addTimer(static_cast<uint64_t>(config_.timeoutS * 1e9), 0, [this] {
            std::printf("%s: %.1f s timeout\n", kProg, config_.timeoutS);
            quit(0);
        });
        if (!timer) {
            std::fprintf(stderr, "%s: %s\n", kProg, timer.error().describe().c_str());
            return 1;
        }
    }

    if (state_.cameraOn)
        startCamera();
    double cpuStart = scanout::apps::cpuSeconds();
    uint64_t startNs = scanout::apps::monotonicNs();
    if (auto r = d.start(); !r) {
        std::fprintf(stderr, "%s: %s\n", kProg, r.error().describe().c_str());
        return 1;
    }
    if (camera_)
        startStream();
    std::printf("%s: running: %s, cursor %s, input from %s\n", kProg,
                state_.cameraOn ? ("camera path " + cameraPath_).c_str() : "camera off",
                d.cursorMode(), input_->backend());
    std::fflush(stdout);

    int status = loop_.run();
    if (camera_) {
        camera_->stop();
        const scanout::v4l2::CameraStats &s = camera_->stats();
        cameraDisplayed_ += s.displayed;
        cameraDropped_ += s.dropped;
    }
    double cpu = scanout::apps::cpuSeconds() - cpuStart;
    double seconds = (scanout::apps::monotonicNs() - startNs) / 1e9;
    scanout::DisplayStats ds = d.stats();
    std::printf("%s: %" PRIu64 " frames shown in %.1f s (%" PRIu64 " commits, %" PRIu64
                " GL frames), %" PRIu64 " actions, camera %s, %" PRIu64 " camera frames shown, "
                "%" PRIu64 " dropped, input to flip median %.1f ms p99 %.1f ms (%zu), "
                "%.1f%% CPU\n",
                kProg, framesShown_, seconds, ds.commits, ds.framesRendered, actions_,
                cameraPath_.c_str(), cameraDisplayed_, cameraDropped_,
                scanout::apps::percentileMs(inputLatencyNs_, 0.5),
                scanout::apps::percentileMs(inputLatencyNs_, 0.99), inputLatencyNs_.size(),
                seconds > 0 ? cpu * 100.0 / seconds : 0.0);
    if (d.failure())
        status = 1;
    return status ? status : status_;
}

void Kiosk::render(uint64_t frame)
{
    /* The GL frame that shows the oldest input not on screen yet. */
    if (inputUs_ && !inputFrame_)
        inputFrame_ = std::make_pair(frame, *inputUs_);
    inputUs_.reset();
    scanout::kiosk::UiState state = state_;
    if (pressed_ != Action::None)
        state.pressed = pressed_;
    painter_.draw(ui_->paint(state), display_->transform(), display_->rotatesInGl());
    if (camera_ && !cameraClosing_ && camera_->composedByGl())
        camera_->draw(frame);
}

void Kiosk::redraw(uint64_t inputTimeUs)
{
    if (inputTimeUs && !inputUs_)
        inputUs_ = inputTimeUs;
    display_->requestFrame();
}

void Kiosk::perform(Action action, const std::string &cause, uint64_t timeUs)
{
    actions_++;
    std::printf("%s: action %s (%s)\n", kProg, scanout::kiosk::actionName(action), cause.c_str());
    std::fflush(stdout);
    switch (action) {
    case Action::None:
        return;
    case Action::Quit:
        quit(0);
        return;
    case Action::Screenshot: {
        std::string path = config_.shotDir + "/scanout-kiosk-" + std::to_string(++shots_) + ".png";
        if (auto r = display_->screenshot(path); !r)
            std::printf("%s: screenshot: %s\n", kProg, r.error().describe().c_str());
        else
            std::printf("%s: screenshot %s\n", kProg, path.c_str());
        std::fflush(stdout);
        return;
    }
    case Action::ToggleCamera:
        state_.cameraOn = !state_.cameraOn;
        stopCamera([this] {
            if (state_.cameraOn)
                startCamera();
        });
        break;
    case Action::SwitchLayout:
        state_.layout = state_.layout == Layout::Beside ? Layout::CameraFull : Layout::Beside;
        stopCamera([this] {
            if (state_.cameraOn)
                startCamera();
        });
        break;
    }
    redraw(timeUs);
}

void Kiosk::startCamera()
{
    if (camera_ || !state_.cameraOn)
        return;
    Rect area = ui_->cameraRect(state_);
    scanout::v4l2::CameraViewOptions options = config_.camera;
    /* 1:1 where the frame fits: planes that cannot scale still show it, and GL draws least. */
    if (options.width && options.width <= area.width && options.height <= area.height) {
        options.rect = Rect{area.x + static_cast<int32_t>((area.width - options.width) / 2) / 2 * 2,
                            area.y + static_cast<int32_t>((area.height - options.height) / 2),
                            options.width, options.height};
        options.fit = false;
    } else {
        options.rect = area;
        options.fit = true;
    }
    auto view = CameraView::create(loop_, *display_, options);
    if (!view) {
        std::printf("%s: camera unavailable: %s\n", kProg, view.error().describe().c_str());
        std::fflush(stdout);
        state_.cameraLost = true;
        cameraPath_ = "none";
        redraw(0);
        return;
    }
    camera_ = std::move(*view);
    cameraClosing_ = false;
    state_.cameraLost = false;
    cameraPath_ = scanout::cameraPathName(camera_->path());
    state_.cameraPath = cameraPath_;
    camera_->setErrorCallback([this](const scanout::Error &error) { onCameraLost(error); });
    if ((display_->active() || display_->stats().commits) && !startStream())
        return;
    redraw(0);
}

bool Kiosk::startStream()
{
    if (auto r = camera_->start(); !r) {
        onCameraLost(r.error());
        return false;
    }
    std::printf("%s: camera %s streaming, path %s, at %d,%d %ux%u\n", kProg,
                camera_->camera().path().c_str(), cameraPath_.c_str(), camera_->destination().x,
                camera_->destination().y, camera_->destination().width,
                camera_->destination().height);
    std::fflush(stdout);
    return true;
}

void Kiosk::stopCamera(std::function<void()> then)
{
    if (!camera_ || cameraClosing_) {
        if (!cameraClosing_)
            then();
        return;
    }
    const scanout::v4l2::CameraStats &s = camera_->stats();
    cameraDisplayed_ += s.displayed;
    cameraDropped_ += s.dropped;
    cameraClosing_ = true;
    camera_->close([this, then] {
        /* From inside the display's flip handling: destroy the view after it returns. */
        loop_.post([this, then] {
            camera_.reset();
            cameraClosing_ = false;
            then();
        });
    });
}

void Kiosk::onCameraLost(const scanout::Error &error)
{
    std::printf("%s: camera lost: %s; showing the placeholder\n", kProg, error.describe().c_str());
    std::fflush(stdout);
    state_.cameraLost = true;
    stopCamera([this] { redraw(0); });
}

void Kiosk::onCameraHotplug(const scanout::HotplugEvent &event)
{
    if (event.action != "add" || !state_.cameraOn || camera_ || cameraRetry_)
        return;
    if (!config_.camera.camera.empty() && config_.camera.camera != event.devnode)
        return;
    std::printf("%s: camera %s appeared; restarting the stream\n", kProg, event.devnode.c_str());
    std::fflush(stdout);
    /* The node may need a moment for its permissions; try a few times. */
    auto attempts = std::make_shared<int>(0);
    auto timer = loop_.addTimer(200000000u, 200000000u, [this, attempts] {
        if (camera_ || !state_.cameraOn || ++*attempts > 10) {
            loop_.remove(*cameraRetry_);
            cameraRetry_.reset();
            return;
        }
        startCamera();
    });
    if (timer)
        cameraRetry_ = *timer;
}

void Kiosk::onPointer(const scanout::input::PointerEvent &event)
{
    using Kind = scanout::input::PointerEvent::Kind;
    switch (event.kind) {
    case Kind::Motion:
    case Kind::MotionAbsolute:
        display_->moveCursor(event.position);
        corner_->motion(event.position, event.timeUs);
        break;
    case Kind::Button:
        if (event.button != 0x110) /* BTN_LEFT */
            return;
        if (event.pressed)
            press(event.position, event.timeUs);
        else
            release(event.position, event.timeUs, "click");
        break;
    case Kind::Axis:
        break;
    }
}

void Kiosk::onTouch(const scanout::input::TouchEvent &event)
{
    using Kind = scanout::input::TouchEvent::Kind;
    if (event.slot != 0 && event.kind != Kind::Frame)
        return; /* one finger drives the UI */
    switch (event.kind) {
    case Kind::Down:
        touching_ = true;
        press(event.position, event.timeUs);
        break;
    case Kind::Motion:
        corner_->motion(event.position, event.timeUs);
        break;
    case Kind::Up:
        if (touching_)
            release(event.position, event.timeUs, "tap");
        touching_ = false;
        break;
    case Kind::Cancel:
        touching_ = false;
        pressed_ = Action::None;
        corner_->up(event.timeUs);
        redraw(event.timeUs);
        break;
    case Kind::Frame:
        break;
    }
}

void Kiosk::press(PointF at, uint64_t timeUs)
{
    pressed_ = ui_->hit(state_, at);
    corner_->down(at, timeUs);
    armCorner();
    if (pressed_ != Action::None)
        redraw(timeUs);
}

void Kiosk::release(PointF at, uint64_t timeUs, const char *how)
{
    Action pressed = std::exchange(pressed_, Action::None);
    corner_->up(timeUs);
    if (corner_->fired(timeUs)) {
        return; /* the quit already happened from the timer */
    }
    Action action = ui_->hit(state_, at);
    char cause[96];
    std::snprintf(cause, sizeof(cause), "%s at %.0f,%.0f", how, at.x, at.y);
    if (action == Action::None || action != pressed) {
        std::printf("%s: %s: no button\n", kProg, cause);
        std::fflush(stdout);
        if (pressed != Action::None)
            redraw(timeUs);
        return;
    }
    perform(action, cause, timeUs);
}

void Kiosk::armCorner()
{
    if (cornerTimer_) {
        loop_.remove(*cornerTimer_);
        cornerTimer_.reset();
    }
    uint64_t deadline = corner_->deadlineUs();
    if (!deadline)
        return;
    uint64_t now = scanout::apps::monotonicNs() / 1000;
    uint64_t delayNs = deadline > now ? (deadline - now) * 1000 : 1;
    auto timer = loop_.addTimer(delayNs, 0, [this] {
        cornerTimer_.reset();
        uint64_t now = scanout::apps::monotonicNs() / 1000;
        if (corner_->fired(now)) {
            pressed_ = Action::None;
            perform(Action::Quit, "long press on a corner", now);
        }
    });
    if (timer)
        cornerTimer_ = *timer;
}

void Kiosk::updateStatus()
{
    uint64_t now = scanout::apps::monotonicNs();
    if (now - lastStatusNs_ < 1000000000u)
        return;
    uint64_t displayed = cameraDisplayed_, dropped = cameraDropped_;
    if (camera_) {
        const scanout::v4l2::CameraStats &s = camera_->stats();
        displayed += s.displayed;
        dropped += s.dropped;
    }
    double fps =
        lastStatusNs_ ? (displayed - lastStatusDisplayed_) * 1e9 / (now - lastStatusNs_) : 0.0;
    lastStatusDisplayed_ = displayed;
    lastStatusNs_ = now;
    scanout::kiosk::UiState next = state_;
    next.fps = std::round(fps * 10) / 10;
    next.dropped = dropped;
    next.cameraPath = camera_ ? cameraPath_ : "";
    if (scanout::kiosk::statusText(next) == scanout::kiosk::statusText(state_))
        return;
    state_ = next;
    redraw(0);
}

void Kiosk::quit(int status)
{
    status_ = status;
    loop_.exit(status);
}

} /* namespace */

int main(int argc, char **argv)
{
    enum {
        kCameraSize = 0x100,
        kCameraFormat,
        kFps,
        kNoCamera,
        kSeat,
        kInput,
        kSession,
        kCursor,
        kNoWait,
        kShots,
        kTimeout,
    };
    static const option longOptions[] = {
        {"device", required_argument, nullptr, 'd'},
        {"connector", required_argument, nullptr, 'c'},
        {"mode", required_argument, nullptr, 'm'},
        {"rotate", required_argument, nullptr, 'r'},
        scanout::apps::kReflectLongOption,
        {"camera", required_argument, nullptr, 'C'},
        {"camera-size", required_argument, nullptr, kCameraSize},
        {"camera-format", required_argument, nullptr, kCameraFormat},
        {"fps", required_argument, nullptr, kFps},
        {"no-camera", no_argument, nullptr, kNoCamera},
        {"seat", required_argument, nullptr, kSeat},
        {"input", required_argument, nullptr, kInput},
        {"session", required_argument, nullptr, kSession},
        {"cursor", required_argument, nullptr, kCursor},
        {"no-wait", no_argument, nullptr, kNoWait},
        {"shots", required_argument, nullptr, kShots},
        {"frames", required_argument, nullptr, 'n'},
        {"timeout", required_argument, nullptr, kTimeout},
        {"help", no_argument, nullptr, 'h'},
        scanout::apps::kBoardLongOption,
        {},
    };
    static const char shortOptions[] = "d:c:m:r:C:n:h";
    Config config;
    config.display.continuous = false;
    config.display.writeback = true;
    config.camera.width = 640;
    config.camera.height = 480;
    scanout::BoardConfig board;
    if (int rc = scanout::apps::loadBoard(kProg, argc, argv, shortOptions, longOptions, board,
                                          &config.display))
        return rc;
    scanout::apps::applyBoardCamera(board, config.camera);
    scanout::input::applyBoardInput(board.input, config.input);
    scanout::apps::InputOverrides overrides(config.input);

    for (int opt; (opt = getopt_long(argc, argv, shortOptions, longOptions, nullptr)) != -1;) {
        uint64_t value = 0;
        switch (opt) {
        case 'd':
            config.display.device = optarg;
            break;
        case 'c':
            config.display.connector = optarg;
            break;
        case 'm':
            config.display.mode = optarg;
            break;
        case 'r':
            if (!scanout::apps::parseRotate(kProg, optarg, config.display.rotation))
                return 2;
            break;
        case scanout::apps::kReflectOption:
            if (!scanout::apps::parseReflect(kProg, optarg, config.display.reflection))
                return 2;
            break;
        case 'C':
            config.camera.camera = optarg;
            break;
        case kCameraSize: {
            scanout::Result<scanout::ModeRequest> r = scanout::parseModeRequest(optarg);
            if (!r || r->refreshMilliHz) {
                std::fprintf(stderr, "%s: --camera-size '%s': need WxH, e.g. 640x480\n", kProg,
                             optarg);
                return 2;
            }
            config.camera.width = r->width;
            config.camera.height = r->height;
            break;
        }
        case kCameraFormat:
            config.camera.fourcc = scanout::v4l2::parseFourcc(optarg);
            if (!config.camera.fourcc) {
                std::fprintf(stderr, "%s: --camera-format '%s': need a fourcc such as YUYV\n",
                             kProg, optarg);
                return 2;
            }
            break;
        case kFps:
            if (!scanout::apps::parseCount(optarg, value) || !value || value > 1000) {
                std::fprintf(stderr, "%s: --fps '%s': need 1 to 1000\n", kProg, optarg);
                return 2;
            }
            config.camera.fps = static_cast<uint32_t>(value);
            break;
        case kNoCamera:
            config.cameraOn = false;
            break;
        case kSeat:
            overrides.seat(optarg);
            break;
        case kInput:
            overrides.device(optarg);
            break;
        case kSession:
            if (!std::strcmp(optarg, "auto")) {
                config.session.backend = scanout::SessionOptions::Backend::Auto;
            } else if (!std::strcmp(optarg, "seat")) {
                config.session.backend = scanout::SessionOptions::Backend::Seat;
            } else if (!std::strcmp(optarg, "direct")) {
                config.session.backend = scanout::SessionOptions::Backend::Direct;
            } else {
                std::fprintf(stderr, "%s: --session '%s': need auto, seat or direct\n", kProg,
                             optarg);
                return 2;
            }
            break;
        case kCursor:
            if (!std::strcmp(optarg, "auto")) {
                config.cursor = Config::Cursor::Auto;
            } else if (!std::strcmp(optarg, "gl")) {
                config.cursor = Config::Cursor::Gl;
            } else if (!std::strcmp(optarg, "none")) {
                config.cursor = Config::Cursor::None;
            } else {
                std::fprintf(stderr, "%s: --cursor '%s': need auto, gl or none\n", kProg, optarg);
                return 2;
            }
            break;
        case kNoWait:
            config.waitForDisplay = false;
            break;
        case kShots:
            config.shotDir = optarg;
            break;
        case 'n':
            if (!scanout::apps::parseCount(optarg, config.frames)) {
                std::fprintf(stderr, "%s: --frames '%s': need a count\n", kProg, optarg);
                return 2;
            }
            break;
        case kTimeout: {
            char *end = nullptr;
            config.timeoutS = std::strtod(optarg, &end);
            if (end == optarg || *end || !(config.timeoutS > 0)) {
                std::fprintf(stderr, "%s: --timeout '%s': need seconds > 0\n", kProg, optarg);
                return 2;
            }
            break;
        }
        case 'h':
            usage(stdout);
            return 0;
        case scanout::apps::kBoardOption:
            break;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (scanout::apps::extraArguments(kProg, argc, argv, optind))
        return 2;

    int fdsAtStart = scanout::apps::countOpenFds();
    int status;
    {
        auto loop = scanout::EventLoop::create();
        if (!loop) {
            std::fprintf(stderr, "%s: %s\n", kProg, loop.error().describe().c_str());
            return 1;
        }
        Kiosk kiosk(config, **loop);
        status = kiosk.run();
    }
    return scanout::apps::checkFdLeak(kProg, fdsAtStart, status);
}
