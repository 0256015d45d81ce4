/* SPDX-License-Identifier: MIT */
/*
 * scanout-demo: an animated GLES scene page-flipped through KMS, with a
 * summary line at exit. The scene is predictable (see demo/scene.h), so
 * tests can check the pixels on screen.
 */
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <getopt.h>
#include <set>
#include <string>

#include <scanout/display.h>
#include <scanout/event_loop.h>
#include <scanout/log.h>

#include "common/board.h"
#include "common/cli.h"
#include "common/fd_count.h"
#include "common/pause.h"
#include "demo/scene.h"

namespace {

void usage(FILE *out)
{
    std::fprintf(
        out,
        "Usage: scanout-demo [OPTIONS]\n"
        "Render an animated GLES scene through GBM/EGL and page-flip it with KMS.\n"
        "\n"
        "  -n, --frames N        stop after N frames (default: run until SIGINT/SIGTERM)\n"
        "  -d, --device DEV      DRM device path or driver name (default: first KMS device)\n"
        "  -c, --connector NAME  connector, e.g. HDMI-A-1 (default: first connected)\n"
        "  -m, --mode WxH[@Hz]   display mode (default: the connector's preferred mode)\n"
        "  -l, --legacy          use legacy KMS instead of atomic\n"
        "  -a, --atomic          use atomic KMS (where a board config says legacy)\n"
        "  -r, --rotate DEG      turn the picture 0, 90, 180 or 270 degrees counter-\n"
        "                        clockwise (the primary plane's rotation property, else GL)\n"
        "      --reflect WHICH   mirror the picture before it turns: x swaps left and\n"
        "                        right, y top and bottom, xy both (default: none)\n"
        "  -k, --keep            leave the last frame up at exit (kernel 6.8+ keeps it\n"
        "                        after the process ends)\n"
        "  -p, --pause-at N      once frame N is on screen, stop the process (SIGSTOP) so\n"
        "                        it can be inspected; SIGCONT resumes. Repeatable.\n"
        "%s"
        "  -h, --help            show this help\n"
        "\n"
        "Scene: 8 colour bars over a grey band in which an orange block moves %u px per\n"
        "frame. Environment: SCANOUT_LOG=error|warn|info|debug.\n",
        scanout::apps::kBoardUsage, scanout::demo::kBlockStep);
}

struct Summary {
    uint64_t frames = 0;
    uint64_t missed = 0;
    double seconds = 0;
    double cpu = 0;
    std::string mode;
};

/* Runs the display until done; the Display and loop are gone when it returns. */
int run(const scanout::DisplayOptions &options, uint64_t frames, const std::set<uint64_t> &pauseAt,
        Summary &summary)
{
    auto loop = scanout::EventLoop::create();
    if (!loop) {
        std::fprintf(stderr, "scanout-demo: %s\n", loop.error().describe().c_str());
        return 1;
    }

    auto display = scanout::Display::create(**loop, options);
    if (!display) {
        std::fprintf(stderr, "scanout-demo: %s\n", display.error().describe().c_str());
        return 1;
    }
    scanout::Display &d = **display;

    /* The scene compiles its shaders now: GL must be there first. */
    if (auto r = d.makeCurrent(); !r) {
        std::fprintf(stderr, "scanout-demo: %s\n", r.error().describe().c_str());
        return 1;
    }
    /* Where no plane turns the picture, the scene draws it turned into the mode-sized frame. */
    auto scene = scanout::demo::Scene::create(
        d.rotatesInGl() ? d.transform()
                        : scanout::OutputTransform(d.width(), d.height(), scanout::Rotation::R0));
    if (!scene) {
        std::fprintf(stderr, "scanout-demo: %s\n", scene.error().describe().c_str());
        return 1;
    }

    uint64_t pausedNs = 0;
    d.setRenderCallback([&](uint64_t frame) { (*scene)->draw(frame); });
    d.setPresentCallback([&](const scanout::FrameInfo &info) {
        if (pauseAt.count(info.frame))
            pausedNs += scanout::apps::pauseAtFrame("scanout-demo", info.frame);
        if (frames && info.frame + 1 >= frames) {
            d.stop();
            (*loop)->exit(0);
        }
    });

    double cpuStart = scanout::apps::cpuSeconds();
    if (auto r = d.start(); !r) {
        std::fprintf(stderr, "scanout-demo: %s\n", r.error().describe().c_str());
        return 1;
    }
    int status = (*loop)->run();

    const scanout::DisplayStats &s = d.stats();
    summary.frames = s.framesPresented;
    summary.missed = s.missedFlips;
    summary.seconds = (s.lastFlipNs - s.firstFlipNs - pausedNs) / 1e9;
    summary.cpu = scanout::apps::cpuSeconds() - cpuStart;
    summary.mode = d.commitMode();
    if (d.failure())
        status = 1;
    scene->reset(); /* GL objects go while the context exists */
    return status;
}

} /* namespace */

int main(int argc, char **argv)
{
    int fdsAtStart = scanout::apps::countOpenFds();

    static const option longOptions[] = {
        {"frames", required_argument, nullptr, 'n'},
        {"device", required_argument, nullptr, 'd'},
        {"connector", required_argument, nullptr, 'c'},
        {"mode", required_argument, nullptr, 'm'},
        {"legacy", no_argument, nullptr, 'l'},
        {"atomic", no_argument, nullptr, 'a'},
        {"rotate", required_argument, nullptr, 'r'},
        scanout::apps::kReflectLongOption,
        {"keep", no_argument, nullptr, 'k'},
        {"pause-at", required_argument, nullptr, 'p'},
        {"help", no_argument, nullptr, 'h'},
        scanout::apps::kBoardLongOption,
        {},
    };
    static const char shortOptions[] = "n:d:c:m:lar:kp:h";
    scanout::DisplayOptions options;
    scanout::BoardConfig board;
    if (int rc = scanout::apps::loadBoard("scanout-demo", argc, argv, shortOptions, longOptions,
                                          board, &options))
        return rc;
    uint64_t frames = 0;
    std::set<uint64_t> pauseAt;
    for (int opt; (opt = getopt_long(argc, argv, shortOptions, longOptions, nullptr)) != -1;) {
        uint64_t value = 0;
        switch (opt) {
        case 'n':
            if (!scanout::apps::parseCount(optarg, frames) || frames == 0) {
                std::fprintf(stderr, "scanout-demo: --frames '%s': need a count above 0\n", optarg);
                return 2;
            }
            break;
        case 'd':
            options.device = optarg;
            break;
        case 'c':
            options.connector = optarg;
            break;
        case 'm':
            options.mode = optarg;
            break;
        case 'l':
            options.legacy = true;
            break;
        case 'a':
            options.legacy = false;
            break;
        case 'r':
            if (!scanout::apps::parseRotate("scanout-demo", optarg, options.rotation))
                return 2;
            break;
        case scanout::apps::kReflectOption:
            if (!scanout::apps::parseReflect("scanout-demo", optarg, options.reflection))
                return 2;
            break;
        case 'k':
            options.keepLastFrame = true;
            break;
        case 'p':
            if (!scanout::apps::parseCount(optarg, value)) {
                std::fprintf(stderr, "scanout-demo: --pause-at '%s': need a frame number\n",
                             optarg);
                return 2;
            }
            pauseAt.insert(value);
            break;
        case scanout::apps::kBoardOption:
            break; /* read by loadBoard */
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (scanout::apps::extraArguments("scanout-demo", argc, argv, optind)) {
        usage(stderr);
        return 2;
    }

    Summary summary;
    int status = run(options, frames, pauseAt, summary);

    if (summary.frames) {
        double fps = summary.seconds > 0 ? (summary.frames - 1) / summary.seconds : 0;
        std::printf("scanout-demo: %llu frames, %.3f s, %.2f fps, %.2f ms CPU/frame, "
                    "%llu missed flips, %s\n",
                    static_cast<unsigned long long>(summary.frames), summary.seconds, fps,
                    summary.cpu * 1000.0 / summary.frames,
                    static_cast<unsigned long long>(summary.missed), summary.mode.c_str());
    }

    return scanout::apps::checkFdLeak("scanout-demo", fdsAtStart, status);
}
