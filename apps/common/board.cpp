/* SPDX-License-Identifier: MIT */
#include "common/board.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <scanout/log.h>

namespace scanout::apps {

Result<void> applyBoardDisplay(const BoardConfig &board, DisplayOptions &display)
{
    const BoardConfig::Display &d = board.display;
    if (!d.device.empty()) {
        Result<std::string> device = resolveDisplayDevice(d.device);
        if (!device)
            return Error(device.error().errnum(), board.file + ": " + device.error().message());
        display.device = *device;
    }
    if (!d.connector.empty())
        display.connector = d.connector;
    if (!d.mode.empty())
        display.mode = d.mode;
    if (d.api != CommitApi::Auto)
        display.legacy = d.api == CommitApi::Legacy;
    if (!d.formats.empty())
        display.formats = d.formats;
    if (!d.modifiers.empty())
        display.modifiers = d.modifiers;
    if (!rotationFromDegrees(d.rotation, &display.rotation))
        return makeError(EINVAL, "%s: [display] rotation %u: expected 0, 90, 180 or 270",
                         board.file.c_str(), d.rotation);
    display.reflection = d.reflection;
    if (d.uiZpos)
        display.zpos = *d.uiZpos;
    if (d.uiPlane.kind == PlaneChoice::Kind::Overlay || d.uiPlane.kind == PlaneChoice::Kind::Id)
        LOG_WARN("%s: [display] ui-plane: not applied, the display draws on the primary plane",
                 board.file.c_str());
    return {};
}

int loadBoard(const char *prog, int argc, char **argv, const char *shortOptions,
              const option *longOptions, BoardConfig &board, DisplayOptions *display)
{
    /* A first pass over the options, silent: the app's own loop reports mistakes. */
    std::string path;
    int savedOpterr = opterr;
    opterr = 0;
    for (int opt; (opt = getopt_long(argc, argv, shortOptions, longOptions, nullptr)) != -1;)
        if (opt == kBoardOption)
            path = optarg;
    opterr = savedOpterr;
    optind = 0; /* glibc: start the next getopt loop afresh */

    if (path.empty())
        return 0;
    Result<BoardConfig> loaded = loadBoardConfig(path);
    if (!loaded) {
        std::fprintf(stderr, "%s: %s\n", prog, loaded.error().describe().c_str());
        return 2;
    }
    board = std::move(loaded.value());
    if (board.logLevel && !std::getenv("SCANOUT_LOG"))
        setLogLevel(*board.logLevel);
    if (display) {
        if (Result<void> r = applyBoardDisplay(board, *display); !r) {
            std::fprintf(stderr, "%s: %s\n", prog, r.error().describe().c_str());
            return 2;
        }
    }
    return 0;
}

} /* namespace scanout::apps */
