/* SPDX-License-Identifier: MIT */
/*
 * scanout-shot: saves what a CRTC shows as a PNG, read back through the
 * device's writeback connector. Becomes DRM master for the two commits the
 * capture takes; the CRTC is left as it was found.
 */
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <getopt.h>
#include <memory>
#include <string>

#include <scanout/device.h>
#include <scanout/image.h>
#include <scanout/screenshot.h>

#include "common/board.h"

namespace {

void usage(FILE *out)
{
    std::fprintf(out,
                 "Usage: scanout-shot [OPTIONS] FILE.png\n"
                 "Save what a display shows, all planes composed, as a PNG. Needs a device\n"
                 "with a writeback connector.\n"
                 "\n"
                 "  -d, --device DEV       a path (/dev/dri/card0) or driver name (vkms)\n"
                 "  -c, --connector NAME   the CRTC driving this connector (HDMI-A-1)\n"
                 "      --crtc ID          this CRTC (default: the first active one)\n"
                 "%s"
                 "  -h, --help             show this help\n"
                 "\n"
                 "Environment: SCANOUT_LOG=error|warn|info|debug\n",
                 scanout::apps::kBoardUsage);
}

bool parseId(const char *text, uint32_t *out)
{
    char *end = nullptr;
    errno = 0;
    unsigned long v = std::strtoul(text, &end, 10);
    if (errno || end == text || *end || v == 0 || v > UINT32_MAX)
        return false;
    *out = static_cast<uint32_t>(v);
    return true;
}

} /* namespace */

int main(int argc, char **argv)
{
    enum { optCrtc = 256 };
    static const option longOptions[] = {
        {"device", required_argument, nullptr, 'd'},
        {"connector", required_argument, nullptr, 'c'},
        {"crtc", required_argument, nullptr, optCrtc},
        {"help", no_argument, nullptr, 'h'},
        scanout::apps::kBoardLongOption,
        {},
    };
    static const char shortOptions[] = "d:c:h";
    /* A board config names the device and connector; the options below override them. */
    scanout::BoardConfig board;
    scanout::DisplayOptions display;
    if (int rc = scanout::apps::loadBoard("scanout-shot", argc, argv, shortOptions, longOptions,
                                          board, &display))
        return rc;
    scanout::DeviceOptions options;
    options.writeback = true;
    options.device = display.device;
    scanout::CaptureTarget target;
    target.connector = display.connector;
    for (int opt; (opt = getopt_long(argc, argv, shortOptions, longOptions, nullptr)) != -1;) {
        switch (opt) {
        case 'd':
            options.device = optarg;
            break;
        case 'c':
            target.connector = optarg;
            break;
        case optCrtc:
            target.connector.clear();
            if (!parseId(optarg, &target.crtcId)) {
                std::fprintf(stderr, "scanout-shot: --crtc wants a CRTC id, not '%s'\n", optarg);
                return 2;
            }
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
    if (optind != argc - 1) {
        std::fprintf(stderr, "scanout-shot: %s\n",
                     optind >= argc ? "no output FILE given" : "more than one FILE given");
        usage(stderr);
        return 2;
    }
    if (!target.connector.empty() && target.crtcId) {
        std::fprintf(stderr, "scanout-shot: give --connector or --crtc, not both\n");
        return 2;
    }
    std::string path = argv[optind];

    scanout::Result<std::unique_ptr<scanout::Device>> device = scanout::Device::open(options);
    if (!device) {
        std::fprintf(stderr, "scanout-shot: %s\n", device.error().describe().c_str());
        return 1;
    }
    scanout::Result<scanout::Screenshot> shot = scanout::captureScreen(**device, target);
    if (!shot) {
        std::fprintf(stderr, "scanout-shot: %s\n", shot.error().describe().c_str());
        return 1;
    }
    if (scanout::Result<void> saved = scanout::savePng(shot->image, path); !saved) {
        std::fprintf(stderr, "scanout-shot: %s\n", saved.error().describe().c_str());
        return 1;
    }
    std::printf("scanout-shot: %ux%u from %s (CRTC %u) via %s on %s (%s) -> %s\n",
                shot->image.width, shot->image.height,
                shot->connector.empty() ? "no connector" : shot->connector.c_str(), shot->crtcId,
                shot->writeback.c_str(), (*device)->path().c_str(),
                (*device)->info().driver.c_str(), path.c_str());
    return 0;
}
