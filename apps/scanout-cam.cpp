/* SPDX-License-Identifier: MIT */
/*
 * scanout-cam: a live V4L2 camera on a KMS output, through the cheapest path
 * that works (camera dma_buf on a plane, display buffers filled by the
 * camera, GL composition, or a counted copy), with one summary line at exit.
 */
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <getopt.h>
#include <set>
#include <string>
#include <vector>

#include <scanout/display.h>
#include <scanout/event_loop.h>
#include <scanout/log.h>
#include <scanout/select.h>
#include <scanout/v4l2/camera_view.h>
#include <scanout/v4l2/formats.h>

#include "common/board.h"
#include "common/board_camera.h"
#include "common/cli.h"
#include "common/fd_count.h"
#include "common/pause.h"

namespace {

using scanout::CameraPath;
using scanout::v4l2::CameraView;
using scanout::v4l2::CameraViewOptions;
using scanout::v4l2::PathAttempt;

void usage(FILE *out)
{
    std::fprintf(
        out,
        "Usage: scanout-cam [OPTIONS]\n"
        "Show a V4L2 camera on a KMS output without copying its frames.\n"
        "\n"
        "  -C, --camera DEV        capture node (default: the first one)\n"
        "  -f, --format FOURCC     camera format, e.g. XR24, YUYV, NV12 (default: the first\n"
        "                          one a plane shows, else one GL samples)\n"
        "  -s, --size WxH          camera frame size (default: the camera's current one)\n"
        "  -R, --fps N             camera frame rate (default: the camera's current one)\n"
        "  -P, --path PATH         auto, export, import, gl or copy (default: auto, tried\n"
        "                          in that order)\n"
        "  -n, --frames N          stop after N captured frames (default: until SIGINT)\n"
        "  -r, --rect X,Y,W,H      where the camera goes on the output (default: all of it)\n"
        "  -F, --fit               keep the camera's aspect ratio inside that rectangle\n"
        "  -p, --plane P           KMS plane for the export and import paths: primary,\n"
        "                          overlay, or a plane id (default: the first free\n"
        "                          overlay taking the format, else the primary)\n"
        "  -b, --buffers N         camera buffers (default: 6)\n"
        "  -d, --device DEV        DRM device path or driver name\n"
        "  -c, --connector NAME    connector (default: the first connected)\n"
        "  -m, --mode WxH[@Hz]     display mode (default: the preferred one)\n"
        "      --rotate DEG        output rotation, counter-clockwise: 0, 90, 180 or 270;\n"
        "                          --rect is then in the turned picture's coordinates\n"
        "      --reflect WHICH     mirror the picture before it turns: x swaps left and\n"
        "                          right (a rear-view camera), y top and bottom, xy both\n"
        "  -k, --keep              leave the last frame up at exit (kernel 6.8+)\n"
        "  -D, --on-disconnect A   exit (default) or wait when the camera goes away;\n"
        "                          either way the last frame stays on screen\n"
        "      --background RRGGBB colour around the camera (default: 000000, black)\n"
        "      --gl-primary        draw the primary plane with GL even when the camera is\n"
        "                          on a plane of its own, as an app with a GL UI does\n"
        "                          (default: GL is loaded only when it composes the camera;\n"
        "                          else a dumb buffer shows the background colour)\n"
        "      --screenshot FILE   at exit, save the composed output as PNG (needs a\n"
        "                          writeback connector, e.g. vkms)\n"
        "      --pause-at N        once N camera frames were displayed, stop the process\n"
        "                          (SIGSTOP) so the screen can be inspected. Repeatable.\n"
        "      --probe             print which path works and why the others do not,\n"
        "                          then exit without streaming\n"
        "%s"
        "  -h, --help              show this help\n"
        "\n"
        "Summary at exit: frames captured, displayed, skipped and dropped, the path,\n"
        "bytes copied, capture-to-flip latency (median, p99), CPU per displayed frame,\n"
        "and what the primary plane shows (gl; background: GL never loaded; camera:\n"
        "the frames are on the primary plane itself).\n"
        "Environment: SCANOUT_LOG=error|warn|info|debug.\n",
        scanout::apps::kBoardUsage);
}

const char *outcomeName(PathAttempt::Outcome o)
{
    switch (o) {
    case PathAttempt::Outcome::Chosen:
        return "chosen";
    case PathAttempt::Outcome::Works:
        return "works";
    case PathAttempt::Outcome::Rejected:
        return "rejected";
    case PathAttempt::Outcome::Skipped:
        return "skipped";
    }
    return "?";
}

struct Config {
    scanout::DisplayOptions display;
    CameraViewOptions camera;
    uint64_t frames = 0;
    std::set<uint64_t> pauseAt;
    bool probe = false;
    bool waitOnDisconnect = false;
    bool glPrimary = false;
    std::string screenshot;
};

int probe(scanout::EventLoop &loop, scanout::Display &display, const Config &config)
{
    CameraViewOptions options = config.camera;
    options.probeAll = true;
    auto view = CameraView::create(loop, display, options);
    if (!view) {
        std::fprintf(stderr, "scanout-cam: %s\n", view.error().describe().c_str());
        return 1;
    }
    const CameraView &v = **view;
    const scanout::v4l2::CaptureFormat &f = v.camera().format();
    std::printf(
        "scanout-cam: probe %s (%s) %s %ux%u on %s (%s), %s commits\n", v.camera().path().c_str(),
        v.camera().driver().c_str(), scanout::fourccName(f.fourcc).c_str(), f.width, f.height,
        display.connectorName().c_str(), display.device().driver.c_str(), display.commitMode());
    for (const PathAttempt &a : v.attempts()) {
        const char *errName = a.errnum ? strerrorname_np(a.errnum) : nullptr;
        std::printf("  %-7s %-9s %s%s%s\n", scanout::cameraPathName(a.path), outcomeName(a.outcome),
                    errName ? errName : "", errName ? ": " : "", a.detail.c_str());
    }
    std::printf("scanout-cam: path %s\n", scanout::cameraPathName(v.path()));
    return 0;
}

int run(const Config &config)
{
    auto loop = scanout::EventLoop::create();
    if (!loop) {
        std::fprintf(stderr, "scanout-cam: %s\n", loop.error().describe().c_str());
        return 1;
    }
    scanout::DisplayOptions displayOptions = config.display;
    displayOptions.continuous = false;
    auto display = scanout::Display::create(**loop, displayOptions);
    if (!display) {
        std::fprintf(stderr, "scanout-cam: %s\n", display.error().describe().c_str());
        return 1;
    }
    scanout::Display &d = **display;
    if (config.probe)
        return probe(**loop, d, config);

    /*
     * GL only where it has something to do: a plane showing the camera needs
     * none. A GL primary plane is known before the probe, so that the probe
     * tests the camera plane over a GL frame, not over a background buffer.
     */
    CameraView *shown = nullptr;
    auto render = [&d, &shown](uint64_t frame) {
        d.clearFrame();
        if (shown)
            shown->draw(frame);
    };
    if (config.glPrimary)
        d.setRenderCallback(render);
    auto view = CameraView::create(**loop, d, config.camera);
    if (!view) {
        std::fprintf(stderr, "scanout-cam: %s\n", view.error().describe().c_str());
        return 1;
    }
    CameraView &v = **view;
    shown = &v;
    if (v.composedByGl() && !config.glPrimary)
        d.setRenderCallback(render);
    /* On a plane, each camera frame wakes the loop anyway: flip events can wait for it. */
    if (!v.composedByGl())
        d.setLazyFlipEvents(true);

    /*
     * After the last frame: stop the camera, then let the frames in flight
     * reach the screen, so each one ends up counted as displayed or skipped.
     */
    bool finishing = false;
    uint64_t finishStartNs = 0;
    auto inFlight = [&] {
        const scanout::v4l2::CameraStats &s = v.stats();
        return s.captured - s.displayed - s.skipped;
    };
    std::function<void()> finish = [&] {
        if (!finishing) {
            finishing = true;
            finishStartNs = scanout::apps::monotonicNs();
            v.stop();
            /* Also checked without flips: a frame may be in flight with none to come. */
            if (!(*loop)->addTimer(50000000, 50000000, [&] { finish(); }))
                (*loop)->exit(0);
        }
        if (inFlight() == 0 || scanout::apps::monotonicNs() - finishStartNs > 5000000000ull)
            (*loop)->exit(0);
    };
    bool disconnected = false;
    v.setErrorCallback([&](const scanout::Error &error) {
        disconnected = true;
        std::printf("scanout-cam: camera lost: %s\n", error.describe().c_str());
        std::fflush(stdout);
        if (!config.waitOnDisconnect)
            finish();
    });

    uint64_t lastDisplayed = 0;
    d.addPresentListener([&](const scanout::FrameInfo &) {
        const scanout::v4l2::CameraStats &s = v.stats();
        for (uint64_t n = lastDisplayed + 1; n <= s.displayed; n++)
            if (config.pauseAt.count(n))
                scanout::apps::pauseAtFrame("scanout-cam", n);
        lastDisplayed = s.displayed;
        if (finishing || (config.frames && s.captured >= config.frames))
            finish();
    });

    double cpuStart = scanout::apps::cpuSeconds();
    if (auto r = d.start(); !r) {
        std::fprintf(stderr, "scanout-cam: %s\n", r.error().describe().c_str());
        return 1;
    }
    if (auto r = v.start(); !r) {
        std::fprintf(stderr, "scanout-cam: %s\n", r.error().describe().c_str());
        return 1;
    }
    int status = (*loop)->run();
    v.stop();
    double cpu = scanout::apps::cpuSeconds() - cpuStart;
    if (!config.screenshot.empty()) {
        if (auto r = d.screenshot(config.screenshot); !r) {
            std::fprintf(stderr, "scanout-cam: %s\n", r.error().describe().c_str());
            status = 1;
        } else {
            std::printf("scanout-cam: screenshot %s\n", config.screenshot.c_str());
        }
    }

    const scanout::v4l2::CameraStats &s = v.stats();
    std::printf(
        "scanout-cam: %llu captured, %llu displayed, %llu skipped, %llu dropped, "
        "path %s, %llu bytes copied, latency median %.1f ms p99 %.1f ms "
        "(dequeue to flip %.1f / %.1f ms), "
        "%.2f ms CPU/displayed frame, %llu requeued while shown, primary %s%s\n",
        static_cast<unsigned long long>(s.captured), static_cast<unsigned long long>(s.displayed),
        static_cast<unsigned long long>(s.skipped), static_cast<unsigned long long>(s.dropped),
        scanout::cameraPathName(v.path()), static_cast<unsigned long long>(s.bytesCopied),
        scanout::apps::percentileMs(s.latencyNs, 0.5),
        scanout::apps::percentileMs(s.latencyNs, 0.99),
        scanout::apps::percentileMs(s.dequeueLatencyNs, 0.5),
        scanout::apps::percentileMs(s.dequeueLatencyNs, 0.99),
        s.displayed ? cpu * 1000.0 / s.displayed : 0.0,
        static_cast<unsigned long long>(s.requeuedWhileShown),
        v.onPrimaryPlane()     ? "camera"
        : d.renderer().empty() ? "background"
                               : "gl",
        disconnected ? ", camera lost" : "");
    if (d.failure())
        status = 1;
    return status;
}

bool parseSize(const char *text, uint32_t &w, uint32_t &h)
{
    scanout::Result<scanout::ModeRequest> r = scanout::parseModeRequest(text);
    if (!r || r->refreshMilliHz)
        return false;
    w = r->width;
    h = r->height;
    return true;
}

} /* namespace */

int main(int argc, char **argv)
{
    int fdsAtStart = scanout::apps::countOpenFds();

    enum { kProbe = 1000, kPauseAt, kScreenshot, kBackground, kGlPrimary, kRotate };
    static const option longOptions[] = {
        {"camera", required_argument, nullptr, 'C'},
        {"format", required_argument, nullptr, 'f'},
        {"size", required_argument, nullptr, 's'},
        {"path", required_argument, nullptr, 'P'},
        {"fps", required_argument, nullptr, 'R'},
        {"frames", required_argument, nullptr, 'n'},
        {"rect", required_argument, nullptr, 'r'},
        {"fit", no_argument, nullptr, 'F'},
        {"plane", required_argument, nullptr, 'p'},
        {"buffers", required_argument, nullptr, 'b'},
        {"device", required_argument, nullptr, 'd'},
        {"connector", required_argument, nullptr, 'c'},
        {"mode", required_argument, nullptr, 'm'},
        {"rotate", required_argument, nullptr, kRotate},
        scanout::apps::kReflectLongOption,
        {"keep", no_argument, nullptr, 'k'},
        {"on-disconnect", required_argument, nullptr, 'D'},
        {"probe", no_argument, nullptr, kProbe},
        {"pause-at", required_argument, nullptr, kPauseAt},
        {"screenshot", required_argument, nullptr, kScreenshot},
        {"background", required_argument, nullptr, kBackground},
        {"gl-primary", no_argument, nullptr, kGlPrimary},
        {"help", no_argument, nullptr, 'h'},
        scanout::apps::kBoardLongOption,
        {},
    };
    static const char shortOptions[] = "C:f:s:P:R:n:r:Fp:b:d:c:m:kD:h";
    Config config;
    scanout::BoardConfig board;
    if (int rc = scanout::apps::loadBoard("scanout-cam", argc, argv, shortOptions, longOptions,
                                          board, &config.display))
        return rc;
    /* [camera] and the camera plane from the board config; the options below override them. */
    scanout::apps::applyBoardCamera(board, config.camera);
    for (int opt; (opt = getopt_long(argc, argv, shortOptions, longOptions, nullptr)) != -1;) {
        uint64_t value = 0;
        switch (opt) {
        case 'C':
            config.camera.camera = optarg;
            break;
        case 'f':
            config.camera.fourcc = scanout::v4l2::parseFourcc(optarg);
            if (!config.camera.fourcc) {
                std::fprintf(stderr, "scanout-cam: --format '%s': need a fourcc such as YUYV\n",
                             optarg);
                return 2;
            }
            break;
        case 's':
            if (!parseSize(optarg, config.camera.width, config.camera.height)) {
                std::fprintf(stderr, "scanout-cam: --size '%s': need WxH, e.g. 640x480\n", optarg);
                return 2;
            }
            break;
        case 'P': {
            auto path = scanout::parseCameraPath(optarg);
            if (!path) {
                std::fprintf(stderr, "scanout-cam: --path: %s\n", path.error().message().c_str());
                return 2;
            }
            config.camera.path = *path;
            break;
        }
        case 'R':
            if (!scanout::apps::parseCount(optarg, value) || value == 0 || value > 1000) {
                std::fprintf(stderr, "scanout-cam: --fps '%s': need 1 to 1000\n", optarg);
                return 2;
            }
            config.camera.fps = static_cast<uint32_t>(value);
            break;
        case 'n':
            if (!scanout::apps::parseCount(optarg, config.frames) || config.frames == 0) {
                std::fprintf(stderr, "scanout-cam: --frames '%s': need a count above 0\n", optarg);
                return 2;
            }
            break;
        case 'r': {
            auto rect = scanout::parseRect(optarg);
            if (!rect) {
                std::fprintf(stderr, "scanout-cam: --rect: %s\n", rect.error().message().c_str());
                return 2;
            }
            config.camera.rect = *rect;
            break;
        }
        case 'F':
            config.camera.fit = true;
            break;
        case 'p':
            /* The last one given counts, over the board's camera-plane too. */
            config.camera.planeId = 0;
            config.camera.planeType.reset();
            if (!std::strcmp(optarg, "primary")) {
                config.camera.planeType = scanout::PlaneType::Primary;
            } else if (!std::strcmp(optarg, "overlay")) {
                config.camera.planeType = scanout::PlaneType::Overlay;
            } else if (scanout::apps::parseCount(optarg, value) && value && value <= UINT32_MAX) {
                config.camera.planeId = static_cast<uint32_t>(value);
            } else {
                std::fprintf(stderr,
                             "scanout-cam: --plane '%s': need primary, overlay or a plane id\n",
                             optarg);
                return 2;
            }
            break;
        case 'b':
            if (!scanout::apps::parseCount(optarg, value) || value < 2 || value > 32) {
                std::fprintf(stderr, "scanout-cam: --buffers '%s': need 2 to 32\n", optarg);
                return 2;
            }
            config.camera.buffers = static_cast<uint32_t>(value);
            break;
        case 'd':
            config.display.device = optarg;
            break;
        case 'c':
            config.display.connector = optarg;
            break;
        case 'm':
            config.display.mode = optarg;
            break;
        case kRotate:
            if (!scanout::apps::parseRotate("scanout-cam", optarg, config.display.rotation))
                return 2;
            break;
        case scanout::apps::kReflectOption:
            if (!scanout::apps::parseReflect("scanout-cam", optarg, config.display.reflection))
                return 2;
            break;
        case 'k':
            config.display.keepLastFrame = true;
            break;
        case 'D':
            if (std::strcmp(optarg, "exit") && std::strcmp(optarg, "wait")) {
                std::fprintf(stderr, "scanout-cam: --on-disconnect '%s': need exit or wait\n",
                             optarg);
                return 2;
            }
            config.waitOnDisconnect = !std::strcmp(optarg, "wait");
            break;
        case kProbe:
            config.probe = true;
            break;
        case kScreenshot:
            config.screenshot = optarg;
            config.display.writeback = true;
            break;
        case kBackground: {
            std::string text = optarg;
            if (text.size() != 6 || !std::all_of(text.begin(), text.end(), [](unsigned char c) {
                    return std::isxdigit(c);
                })) {
                std::fprintf(stderr, "scanout-cam: --background '%s': need RRGGBB, e.g. 004080\n",
                             optarg);
                return 2;
            }
            config.display.background = static_cast<uint32_t>(std::stoul(text, nullptr, 16));
            break;
        }
        case kGlPrimary:
            config.glPrimary = true;
            break;
        case kPauseAt:
            if (!scanout::apps::parseCount(optarg, value) || value == 0) {
                std::fprintf(stderr, "scanout-cam: --pause-at '%s': need a frame count\n", optarg);
                return 2;
            }
            config.pauseAt.insert(value);
            break;
        case scanout::apps::kBoardOption:
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    /* The view stops the camera at the last frame: none more is captured while those finish. */
    config.camera.frames = config.frames;
    if (scanout::apps::extraArguments("scanout-cam", argc, argv, optind)) {
        usage(stderr);
        return 2;
    }

    int status = run(config);

    return scanout::apps::checkFdLeak("scanout-cam", fdsAtStart, status);
}
