/* SPDX-License-Identifier: MIT */
/*
 * scanout-input: every input event of a seat or of some event devices, one
 * line each, in logical output coordinates, with a summary at exit. For
 * checking a board's touch calibration, rotation and keymap by hand or
 * from a test.
 */
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <getopt.h>
#include <linux/input-event-codes.h>
#include <set>
#include <string>

#include <scanout/device.h>
#include <scanout/event_loop.h>
#include <scanout/input/input.h>
#include <scanout/log.h>
#include <scanout/select.h>

#include "common/board.h"
#include "common/cli.h"
#include "common/fd_count.h"
#include "common/input_overrides.h"

namespace {

using scanout::input::DeviceEvent;
using scanout::input::KeyEvent;
using scanout::input::PointerEvent;
using scanout::input::SwitchEvent;
using scanout::input::TouchEvent;

constexpr uint32_t kDefaultWidth = 1024, kDefaultHeight = 768;

void usage(FILE *out)
{
    std::fprintf(
        out,
        "Usage: scanout-input [OPTIONS]\n"
        "Print every input event (keys, pointer, touch, switches, devices) one per line,\n"
        "in the output's logical pixels, then a summary.\n"
        "\n"
        "  -S, --seat NAME         udev seat (default: seat0)\n"
        "  -d, --device PATH       event device (/dev/input/eventN) opened directly instead\n"
        "                          of a seat; repeatable\n"
        "  -s, --size WxH          the output's mode size that touch and absolute pointers\n"
        "                          map to (default: the board config's mode, else the first\n"
        "                          connected connector's preferred mode, else 1024x768)\n"
        "  -r, --rotate DEG        output rotation, counter-clockwise: 0, 90, 180 or 270\n"
        "      --reflect WHICH     the output's mirror, before the turn: none, x, y or xy\n"
        "  -k, --keymap L[,V]      XKB layout and variant, e.g. de,nodeadkeys (default: us)\n"
        "  -n, --events N          exit after N events (device events not counted)\n"
        "  -t, --timeout SECONDS   exit after that long (default: until SIGINT)\n"
        "%s"
        "  -h, --help              show this help\n"
        "\n"
        "The board config's [input] section (seat or devices, touch-calibration, keymap)\n"
        "and its [display] rotation apply; options override them.\n"
        "Environment: SCANOUT_LOG=error|warn|info|debug.\n",
        scanout::apps::kBoardUsage);
}

struct Config {
    scanout::input::InputOptions input;
    scanout::DisplayOptions display;
    uint32_t width = 0, height = 0; /* 0: find out */
    uint64_t events = 0;
    double timeoutSeconds = 0;
};

/* Where the size came from, for the first line. */
std::string findOutputSize(const Config &config, uint32_t &width, uint32_t &height)
{
    if (config.width) {
        width = config.width;
        height = config.height;
        return "--size";
    }
    std::optional<scanout::ModeRequest> request;
    if (!config.display.mode.empty() && config.display.mode != "preferred") {
        scanout::Result<scanout::ModeRequest> r = scanout::parseModeRequest(config.display.mode);
        if (r) {
            width = r->width;
            height = r->height;
            return "board config mode";
        }
    }

    /* Read-only: another process may be (or become) master of the display. */
    scanout::DeviceOptions options;
    options.device = config.display.device;
    options.atomic = false;
    options.master = false;
    width = kDefaultWidth;
    height = kDefaultHeight;
    auto device = scanout::Device::open(options);
    if (!device)
        return "default; no display: " + device.error().describe();
    auto snapshot = (*device)->snapshot();
    if (!snapshot)
        return "default; " + snapshot.error().describe();
    auto connector = scanout::selectConnector(*snapshot, config.display.connector);
    if (!connector)
        return "default; " + connector.error().describe();
    auto mode = scanout::selectMode(**connector, std::nullopt);
    if (!mode)
        return "default; " + mode.error().describe();
    width = mode->hdisplay;
    height = mode->vdisplay;
    return (*connector)->name + " on " + (*device)->path();
}

std::string buttonName(uint32_t button)
{
    switch (button) {
    case BTN_LEFT:
        return "BTN_LEFT";
    case BTN_RIGHT:
        return "BTN_RIGHT";
    case BTN_MIDDLE:
        return "BTN_MIDDLE";
    case BTN_SIDE:
        return "BTN_SIDE";
    case BTN_EXTRA:
        return "BTN_EXTRA";
    case BTN_FORWARD:
        return "BTN_FORWARD";
    case BTN_BACK:
        return "BTN_BACK";
    case BTN_TASK:
        return "BTN_TASK";
    case BTN_TOUCH:
        return "BTN_TOUCH";
    case BTN_STYLUS:
        return "BTN_STYLUS";
    }
    return scanout::format("0x%x", button);
}

/* The key's text, quoted, when it is printable; control characters are left out. */
std::string printableText(const std::string &utf8)
{
    if (utf8.empty())
        return {};
    std::string quoted = " text \"";
    for (unsigned char c : utf8) {
        if (c < 0x20 || c == 0x7f)
            return {};
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += static_cast<char>(c);
    }
    return quoted + "\"";
}

std::string modifierList(const scanout::input::Modifiers &m)
{
    std::string list;
    auto add = [&list](bool on, const char *name) {
        if (on)
            list += (list.empty() ? " mods " : "+") + std::string(name);
    };
    add(m.shift, "shift");
    add(m.ctrl, "ctrl");
    add(m.alt, "alt");
    add(m.logo, "logo");
    add(m.capsLock, "capslock");
    add(m.numLock, "numlock");
    return list;
}

std::string capabilities(const DeviceEvent &d)
{
    std::string caps;
    auto add = [&caps](bool has, const char *name) {
        if (has)
            caps += (caps.empty() ? "" : " ") + std::string(name);
    };
    add(d.keyboard, "keyboard");
    add(d.pointer, "pointer");
    add(d.touch, "touch");
    add(d.switches, "switch");
    return caps.empty() ? "none" : caps;
}

const char *touchKind(TouchEvent::Kind kind)
{
    switch (kind) {
    case TouchEvent::Kind::Down:
        return "down";
    case TouchEvent::Kind::Motion:
        return "motion";
    case TouchEvent::Kind::Up:
        return "up";
    case TouchEvent::Kind::Cancel:
        return "cancel";
    case TouchEvent::Kind::Frame:
        return "frame";
    }
    return "?";
}

const char *axisSourceName(PointerEvent::AxisSource source)
{
    switch (source) {
    case PointerEvent::AxisSource::Wheel:
        return "wheel";
    case PointerEvent::AxisSource::Finger:
        return "finger";
    case PointerEvent::AxisSource::Continuous:
        return "continuous";
    }
    return "?";
}

unsigned long long ull(uint64_t v)
{
    return static_cast<unsigned long long>(v);
}

int run(const Config &config)
{
    auto loop = scanout::EventLoop::create();
    if (!loop) {
        std::fprintf(stderr, "scanout-input: %s\n", loop.error().describe().c_str());
        return 1;
    }
    scanout::EventLoop &l = **loop;

    uint32_t width = 0, height = 0;
    std::string sizeFrom = findOutputSize(config, width, height);
    scanout::input::InputOptions options = config.input;
    options.output =
        scanout::OutputTransform(width, height, config.display.rotation, config.display.reflection);
    std::printf("scanout-input: output %ux%u rotation %u reflect %s, logical %ux%u (%s)\n", width,
                height, static_cast<uint32_t>(config.display.rotation),
                scanout::reflectionName(config.display.reflection), options.output.logicalWidth(),
                options.output.logicalHeight(), sizeFrom.c_str());

    uint64_t keys = 0, pointer = 0, touch = 0, switches = 0;
    std::set<std::string> devicesSeen;
    auto counted = [&] {
        uint64_t total = keys + pointer + touch + switches;
        if (config.events && total >= config.events)
            l.exit(0);
    };

    scanout::input::InputHandlers handlers;
    handlers.key = [&](const KeyEvent &e) {
        std::printf(
            "scanout-input: key %u %s %s%s%s (time %llu us)\n", e.keycode, e.keysymName.c_str(),
            e.repeat ? "repeated" : (e.pressed ? "pressed" : "released"),
            printableText(e.utf8).c_str(), modifierList(e.modifiers).c_str(), ull(e.timeUs));
        keys++;
        counted();
    };
    handlers.pointer = [&](const PointerEvent &e) {
        switch (e.kind) {
        case PointerEvent::Kind::Motion:
            std::printf("scanout-input: pointer motion %.1f,%.1f delta %.1f,%.1f (time %llu us)\n",
                        e.position.x, e.position.y, e.delta.x, e.delta.y, ull(e.timeUs));
            break;
        case PointerEvent::Kind::MotionAbsolute:
            std::printf("scanout-input: pointer absolute %.1f,%.1f (time %llu us)\n", e.position.x,
                        e.position.y, ull(e.timeUs));
            break;
        case PointerEvent::Kind::Button:
            std::printf("scanout-input: button %s %s at %.1f,%.1f (time %llu us)\n",
                        buttonName(e.button).c_str(), e.pressed ? "pressed" : "released",
                        e.position.x, e.position.y, ull(e.timeUs));
            break;
        case PointerEvent::Kind::Axis:
            std::printf("scanout-input: scroll %s %.1f,%.1f notches %.2f,%.2f at %.1f,%.1f (time "
                        "%llu us)\n",
                        axisSourceName(e.axisSource), e.axisX, e.axisY, e.notchesX, e.notchesY,
                        e.position.x, e.position.y, ull(e.timeUs));
            break;
        }
        pointer++;
        counted();
    };
    handlers.touch = [&](const TouchEvent &e) {
        if (e.kind == TouchEvent::Kind::Frame) {
            std::printf("scanout-input: touch frame (time %llu us)\n", ull(e.timeUs));
            return;
        }
        std::printf("scanout-input: touch %s slot %d at %.1f,%.1f (time %llu us)\n",
                    touchKind(e.kind), e.slot, e.position.x, e.position.y, ull(e.timeUs));
        touch++;
        counted();
    };
    handlers.switched = [&](const SwitchEvent &e) {
        std::printf("scanout-input: switch %s %s (time %llu us)\n",
                    e.kind == SwitchEvent::Kind::Lid ? "lid" : "tablet-mode", e.on ? "on" : "off",
                    ull(e.timeUs));
        switches++;
        counted();
    };
    handlers.device = [&](const DeviceEvent &e) {
        if (e.added) {
            devicesSeen.insert(e.sysname);
            std::printf("scanout-input: device added \"%s\" %s %s\n", e.name.c_str(),
                        e.sysname.c_str(), capabilities(e).c_str());
        } else {
            std::printf("scanout-input: device removed \"%s\" %s\n", e.name.c_str(),
                        e.sysname.c_str());
        }
    };

    auto input = scanout::input::Input::create(l, options, std::move(handlers));
    if (!input) {
        std::fprintf(stderr, "scanout-input: %s\n", input.error().describe().c_str());
        return 1;
    }
    if (options.devices.empty())
        std::printf("scanout-input: udev backend, seat %s\n", options.seat.c_str());
    else
        std::printf("scanout-input: path backend, %zu device%s\n", options.devices.size(),
                    options.devices.size() == 1 ? "" : "s");

    for (int sig : {SIGINT, SIGTERM}) {
        if (auto r = l.addSignal(sig, [&l] { l.exit(0); }); !r) {
            std::fprintf(stderr, "scanout-input: %s\n", r.error().describe().c_str());
            return 1;
        }
    }
    if (config.timeoutSeconds > 0) {
        uint64_t ns = static_cast<uint64_t>(std::llround(config.timeoutSeconds * 1e9));
        if (auto r = l.addTimer(ns, 0, [&l] { l.exit(0); }); !r) {
            std::fprintf(stderr, "scanout-input: %s\n", r.error().describe().c_str());
            return 1;
        }
    }

    int status = l.run();
    input->reset();
    std::printf("scanout-input: %llu events (%llu keys, %llu pointer, %llu touch) from %zu "
                "devices\n",
                ull(keys + pointer + touch + switches), ull(keys), ull(pointer), ull(touch),
                devicesSeen.size());
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

bool parseSeconds(const char *text, double &out)
{
    char *end = nullptr;
    errno = 0;
    double v = std::strtod(text, &end);
    if (errno || end == text || *end || !std::isfinite(v) || v <= 0 || v > 86400.0 * 365)
        return false;
    out = v;
    return true;
}

} /* namespace */

int main(int argc, char **argv)
{
    int fdsAtStart = scanout::apps::countOpenFds();
    /* One line per event, as it happens, also into a pipe. */
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    static const option longOptions[] = {
        {"seat", required_argument, nullptr, 'S'},
        {"device", required_argument, nullptr, 'd'},
        {"size", required_argument, nullptr, 's'},
        {"rotate", required_argument, nullptr, 'r'},
        scanout::apps::kReflectLongOption,
        {"keymap", required_argument, nullptr, 'k'},
        {"events", required_argument, nullptr, 'n'},
        {"timeout", required_argument, nullptr, 't'},
        {"help", no_argument, nullptr, 'h'},
        scanout::apps::kBoardLongOption,
        {},
    };
    static const char shortOptions[] = "S:d:s:r:k:n:t:h";
    Config config;
    scanout::BoardConfig board;
    if (int rc = scanout::apps::loadBoard("scanout-input", argc, argv, shortOptions, longOptions,
                                          board, &config.display))
        return rc;
    scanout::input::applyBoardInput(board.input, config.input);

    scanout::apps::InputOverrides overrides(config.input);
    for (int opt; (opt = getopt_long(argc, argv, shortOptions, longOptions, nullptr)) != -1;) {
        switch (opt) {
        case 'S':
            if (!*optarg) {
                std::fprintf(stderr, "scanout-input: --seat: need a seat name, e.g. seat0\n");
                return 2;
            }
            overrides.seat(optarg);
            break;
        case 'd':
            overrides.device(optarg);
            break;
        case 's':
            if (!parseSize(optarg, config.width, config.height)) {
                std::fprintf(stderr, "scanout-input: --size '%s': need WxH, e.g. 1024x768\n",
                             optarg);
                return 2;
            }
            break;
        case 'r':
            if (!scanout::apps::parseRotate("scanout-input", optarg, config.display.rotation))
                return 2;
            break;
        case scanout::apps::kReflectOption:
            if (!scanout::apps::parseReflect("scanout-input", optarg, config.display.reflection))
                return 2;
            break;
        case 'k': {
            std::string keymap = optarg;
            size_t comma = keymap.find(',');
            if (keymap.empty() || comma == 0) {
                std::fprintf(stderr,
                             "scanout-input: --keymap '%s': need LAYOUT[,VARIANT], e.g. us or "
                             "de,nodeadkeys\n",
                             optarg);
                return 2;
            }
            config.input.keymapLayout = keymap.substr(0, comma);
            config.input.keymapVariant = comma == std::string::npos ? "" : keymap.substr(comma + 1);
            break;
        }
        case 'n':
            if (!scanout::apps::parseCount(optarg, config.events) || config.events == 0) {
                std::fprintf(stderr, "scanout-input: --events '%s': need a count above 0\n",
                             optarg);
                return 2;
            }
            break;
        case 't':
            if (!parseSeconds(optarg, config.timeoutSeconds)) {
                std::fprintf(stderr, "scanout-input: --timeout '%s': need seconds above 0\n",
                             optarg);
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
    if (scanout::apps::extraArguments("scanout-input", argc, argv, optind)) {
        usage(stderr);
        return 2;
    }

    int status = run(config);

    return scanout::apps::checkFdLeak("scanout-input", fdsAtStart, status);
}
