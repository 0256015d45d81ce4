/* SPDX-License-Identifier: MIT */
/*
 * scanout-info: what the KMS devices of this machine offer. Reads only; it
 * never takes DRM master from the app that drives the display.
 */
#include <cstdio>
#include <cstring>
#include <getopt.h>
#include <optional>
#include <string>

#include <scanout/board_config.h>
#include <scanout/device.h>
#include <scanout/kms_types.h>
#include <scanout/select.h>

#include "common/board.h"
#include "common/cli.h"
#include "common/json.h"

using scanout::apps::JsonWriter;

namespace {

void usage(FILE *out)
{
    std::fprintf(out,
                 "Usage: scanout-info [OPTIONS]\n"
                 "List DRM devices with their KMS connectors, modes, CRTCs and planes.\n"
                 "\n"
                 "  -d, --device DEV   only this device: a path (/dev/dri/card0) or driver name\n"
                 "  -j, --json         print JSON instead of text\n"
                 "  -w, --writeback    include writeback connectors\n"
                 "      --board FILE   board config: list only its display device\n"
                 "      --check        with --board: validate the file and print what it sets,\n"
                 "                     without opening a device (exit 2 when it is invalid)\n"
                 "  -h, --help         show this help\n"
                 "\n"
                 "Environment: SCANOUT_LOG=error|warn|info|debug\n");
}

std::string crtcList(const scanout::Snapshot &snap, uint32_t mask)
{
    std::string out;
    for (const scanout::CrtcInfo &c : snap.crtcs)
        if (mask & (1u << c.index))
            out += (out.empty() ? "" : ",") + std::to_string(c.id);
    return out;
}

std::string modeText(const scanout::ModeInfo &m)
{
    return scanout::format("%ux%u@%.2f%s%s", m.hdisplay, m.vdisplay, m.refreshMilliHz() / 1000.0,
                           m.interlaced() ? "i" : "", m.preferred() ? " (preferred)" : "");
}

void printText(const scanout::Snapshot &snap)
{
    const scanout::DeviceInfo &d = snap.device;
    const scanout::DeviceCaps &c = d.caps;
    std::printf("%s: driver %s %d.%d.%d (%s), %s\n", d.path.c_str(), d.driver.c_str(),
                d.versionMajor, d.versionMinor, d.versionPatch, d.description.c_str(),
                d.busInfo.c_str());
    std::printf("  caps: atomic=%d universal_planes=%d dumb=%d prime_import=%d "
                "addfb2_modifiers=%d async_flip=%d monotonic=%d writeback=%d cursor=%llux%llu\n",
                c.atomic, c.universalPlanes, c.dumbBuffer, c.prime, c.addFb2Modifiers,
                c.asyncPageFlip, c.timestampMonotonic, c.writebackConnectors,
                static_cast<unsigned long long>(c.cursorWidth),
                static_cast<unsigned long long>(c.cursorHeight));

    std::printf("  connectors:\n");
    for (const scanout::ConnectorInfo &conn : snap.connectors) {
        std::printf("    %u %s: %s, %ux%u mm, crtc %u, %zu modes\n", conn.id, conn.name.c_str(),
                    scanout::connectorStatusName(conn.status), conn.widthMm, conn.heightMm,
                    conn.crtcId, conn.modes.size());
        for (const scanout::ModeInfo &m : conn.modes)
            std::printf("      %s\n", modeText(m).c_str());
    }

    std::printf("  crtcs:\n");
    for (const scanout::CrtcInfo &crtc : snap.crtcs)
        std::printf("    %u (index %u): %s, fb %u at %u,%u, gamma %u\n", crtc.id, crtc.index,
                    crtc.mode ? modeText(*crtc.mode).c_str() : "off", crtc.fbId, crtc.x, crtc.y,
                    crtc.gammaSize);

    std::printf("  planes:\n");
    for (const scanout::PlaneInfo &p : snap.planes) {
        std::printf("    %u %s: crtcs [%s], on crtc %u fb %u", p.id, scanout::planeTypeName(p.type),
                    crtcList(snap, p.possibleCrtcs).c_str(), p.crtcId, p.fbId);
        if (p.zpos)
            std::printf(", zpos %llu (%llu..%llu%s)", static_cast<unsigned long long>(*p.zpos),
                        static_cast<unsigned long long>(p.zposMin),
                        static_cast<unsigned long long>(p.zposMax),
                        p.zposImmutable ? ", immutable" : "");
        if (!p.rotations.empty()) {
            std::printf(", rotation");
            for (const std::string &r : p.rotations)
                std::printf(" %s", r.c_str());
        }
        std::printf("\n      formats:");
        for (const scanout::PlaneFormat &f : p.formats) {
            std::printf(" %s", scanout::fourccName(f.format).c_str());
            if (!f.modifiers.empty()) {
                std::printf("(");
                for (size_t i = 0; i < f.modifiers.size(); i++)
                    std::printf("%s%s", i ? "," : "",
                                scanout::modifierName(f.modifiers[i]).c_str());
                std::printf(")");
            }
        }
        std::printf("\n");
    }
}

void writeMode(JsonWriter &j, std::string_view key, const scanout::ModeInfo &m)
{
    j.beginObject(key)
        .value("name", m.name)
        .value("width", uint32_t{m.hdisplay})
        .value("height", uint32_t{m.vdisplay})
        .value("refresh", m.refreshMilliHz() / 1000.0)
        .value("clock_khz", m.clock)
        .value("preferred", m.preferred())
        .value("interlaced", m.interlaced())
        .endObject();
}

void writeIdList(JsonWriter &j, std::string_view key, const scanout::Snapshot &snap, uint32_t mask)
{
    j.beginArray(key);
    for (const scanout::CrtcInfo &c : snap.crtcs)
        if (mask & (1u << c.index))
            j.value({}, c.id);
    j.endArray();
}

void writeJson(JsonWriter &j, const scanout::Snapshot &snap)
{
    const scanout::DeviceInfo &d = snap.device;
    const scanout::DeviceCaps &c = d.caps;
    j.value("kms", true)
        .value("description", d.description)
        .value("version",
               scanout::format("%d.%d.%d", d.versionMajor, d.versionMinor, d.versionPatch));
    j.beginObject("caps")
        .value("atomic", c.atomic)
        .value("universal_planes", c.universalPlanes)
        .value("dumb_buffer", c.dumbBuffer)
        .value("prime_import", c.prime)
        .value("addfb2_modifiers", c.addFb2Modifiers)
        .value("async_page_flip", c.asyncPageFlip)
        .value("timestamp_monotonic", c.timestampMonotonic)
        .value("writeback_connectors", c.writebackConnectors)
        .value("cursor_width", c.cursorWidth)
        .value("cursor_height", c.cursorHeight)
        .endObject();

    j.beginArray("connectors");
    for (const scanout::ConnectorInfo &conn : snap.connectors) {
        j.beginObject()
            .value("id", conn.id)
            .value("name", conn.name)
            .value("status", scanout::connectorStatusName(conn.status))
            .value("writeback", conn.writeback())
            .value("width_mm", conn.widthMm)
            .value("height_mm", conn.heightMm)
            .value("crtc", conn.crtcId);
        j.beginArray("encoders");
        for (uint32_t e : conn.encoders)
            j.value({}, e);
        j.endArray();
        j.beginArray("modes");
        for (const scanout::ModeInfo &m : conn.modes)
            writeMode(j, {}, m);
        j.endArray().endObject();
    }
    j.endArray();

    j.beginArray("encoders");
    for (const scanout::EncoderInfo &e : snap.encoders) {
        j.beginObject().value("id", e.id).value("crtc", e.crtcId);
        writeIdList(j, "possible_crtcs", snap, e.possibleCrtcs);
        j.endObject();
    }
    j.endArray();

    j.beginArray("crtcs");
    for (const scanout::CrtcInfo &crtc : snap.crtcs) {
        j.beginObject()
            .value("id", crtc.id)
            .value("index", crtc.index)
            .value("active", crtc.mode.has_value())
            .value("fb", crtc.fbId)
            .value("x", crtc.x)
            .value("y", crtc.y)
            .value("gamma_size", crtc.gammaSize);
        if (crtc.mode)
            writeMode(j, "mode", *crtc.mode);
        else
            j.null("mode");
        j.endObject();
    }
    j.endArray();

    j.beginArray("planes");
    for (const scanout::PlaneInfo &p : snap.planes) {
        j.beginObject()
            .value("id", p.id)
            .value("type", scanout::planeTypeName(p.type))
            .value("crtc", p.crtcId)
            .value("fb", p.fbId);
        writeIdList(j, "possible_crtcs", snap, p.possibleCrtcs);
        if (p.zpos) {
            j.beginObject("zpos")
                .value("value", *p.zpos)
                .value("min", p.zposMin)
                .value("max", p.zposMax)
                .value("immutable", p.zposImmutable)
                .endObject();
        } else {
            j.null("zpos");
        }
        j.beginArray("rotation");
        for (const std::string &r : p.rotations)
            j.value({}, r);
        j.endArray();
        j.value("in_formats", p.hasInFormats);
        j.beginArray("formats");
        for (const scanout::PlaneFormat &f : p.formats) {
            j.beginObject().value("fourcc", scanout::fourccName(f.format));
            j.beginArray("modifiers");
            for (uint64_t m : f.modifiers)
                j.value({}, scanout::modifierName(m));
            j.endArray().endObject();
        }
        j.endArray().endObject();
    }
    j.endArray();
}

/* What --check prints: the file is valid, and what it asks of each part of the system. */
void printBoard(const scanout::BoardConfig &b)
{
    auto orDefault = [](const std::string &v, const char *def) {
        return v.empty() ? std::string(def) : v;
    };
    const scanout::BoardConfig::Display &d = b.display;
    std::printf("%s: valid board config '%s'\n", b.file.c_str(), b.name.c_str());
    std::printf("  display: device %s, connector %s, mode %s, api %s, rotation %u, reflect %s\n",
                orDefault(d.device, "(first KMS device)").c_str(),
                orDefault(d.connector, "(first connected)").c_str(),
                orDefault(d.mode, "preferred").c_str(), scanout::commitApiName(d.api), d.rotation,
                scanout::reflectionName(d.reflection));
    std::string formats;
    for (uint32_t f : d.formats)
        formats += (formats.empty() ? "" : ",") + scanout::fourccName(f);
    std::string modifiers;
    for (uint64_t m : d.modifiers)
        modifiers += (modifiers.empty() ? "" : ",") + scanout::modifierName(m);
    std::printf("  scanout: formats %s, modifiers %s\n", orDefault(formats, "(default)").c_str(),
                orDefault(modifiers, "(any)").c_str());
    auto plane = [](const scanout::PlaneChoice &p, const std::optional<uint32_t> &zpos) {
        const char *kinds[] = {"auto", "primary", "overlay"};
        std::string s = p.kind == scanout::PlaneChoice::Kind::Id ? "plane " + std::to_string(p.id)
                                                                 : kinds[static_cast<int>(p.kind)];
        return s + ", zpos " + (zpos ? std::to_string(*zpos) : std::string("(the plane's)"));
    };
    std::printf("  planes: ui %s; camera %s\n", plane(d.uiPlane, d.uiZpos).c_str(),
                plane(d.cameraPlane, d.cameraZpos).c_str());
    const scanout::BoardConfig::Camera &c = b.camera;
    std::printf("  camera: device %s, format %s, size %ux%u, path %s\n",
                orDefault(c.device, "(first capture device)").c_str(),
                c.format ? scanout::fourccName(c.format).c_str() : "(auto)", c.width, c.height,
                scanout::cameraPathName(c.path));
    const scanout::BoardConfig::Input &in = b.input;
    std::string devices;
    for (const std::string &dev : in.devices)
        devices += (devices.empty() ? "" : ",") + dev;
    std::printf("  input: %s %s, calibration %s, keymap %s/%s/%s\n",
                in.devices.empty() ? "seat" : "devices",
                in.devices.empty() ? orDefault(in.seat, "seat0").c_str() : devices.c_str(),
                in.touchCalibration ? "set" : "none",
                orDefault(in.keymapLayout, "(default)").c_str(),
                orDefault(in.keymapVariant, "-").c_str(), orDefault(in.keymapOptions, "-").c_str());
}

} /* namespace */

int main(int argc, char **argv)
{
    static const option longOptions[] = {
        {"device", required_argument, nullptr, 'd'},
        {"json", no_argument, nullptr, 'j'},
        {"writeback", no_argument, nullptr, 'w'},
        {"help", no_argument, nullptr, 'h'},
        {"check", no_argument, nullptr, 'C'},
        scanout::apps::kBoardLongOption,
        {},
    };
    static const char shortOptions[] = "d:jwh";
    /* The board's device is resolved (a /sys path looked up) only to list it, not for --check. */
    scanout::BoardConfig board;
    if (int rc =
            scanout::apps::loadBoard("scanout-info", argc, argv, shortOptions, longOptions, board))
        return rc;
    std::string only;
    bool deviceGiven = false, json = false, writeback = false, check = false;
    for (int opt; (opt = getopt_long(argc, argv, shortOptions, longOptions, nullptr)) != -1;) {
        switch (opt) {
        case 'd':
            only = optarg;
            deviceGiven = true;
            break;
        case 'j':
            json = true;
            break;
        case 'w':
            writeback = true;
            break;
        case 'C':
            check = true;
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
    if (scanout::apps::extraArguments("scanout-info", argc, argv, optind)) {
        usage(stderr);
        return 2;
    }
    if (check) {
        if (board.file.empty()) {
            std::fprintf(stderr, "scanout-info: --check needs --board FILE\n");
            return 2;
        }
        printBoard(board);
        return 0;
    }
    if (!deviceGiven && !board.file.empty()) {
        scanout::DisplayOptions boardDisplay;
        if (scanout::Result<void> r = scanout::apps::applyBoardDisplay(board, boardDisplay); !r) {
            std::fprintf(stderr, "scanout-info: %s\n", r.error().describe().c_str());
            return 2;
        }
        only = boardDisplay.device;
    }

    scanout::Result<std::vector<scanout::DeviceCandidate>> candidates =
        scanout::Device::enumerate();
    if (!candidates) {
        std::fprintf(stderr, "scanout-info: %s\n", candidates.error().describe().c_str());
        return 1;
    }

    JsonWriter j(stdout);
    if (json)
        j.beginObject().beginArray("devices");

    int shown = 0, failed = 0;
    for (const scanout::DeviceCandidate &cand : *candidates) {
        if (!only.empty() && cand.path != only && cand.driver != only)
            continue;
        shown++;

        if (!cand.kms) {
            if (json)
                j.beginObject()
                    .value("path", cand.path)
                    .value("driver", cand.driver)
                    .value("bus", cand.busInfo)
                    .value("kms", false)
                    .endObject();
            else
                std::printf("%s: driver %s (%s), no KMS (render-only)\n\n", cand.path.c_str(),
                            cand.driver.c_str(), cand.busInfo.c_str());
            continue;
        }

        scanout::DeviceOptions options;
        options.device = cand.path;
        options.master = false;
        options.writeback = writeback;
        scanout::Result<std::unique_ptr<scanout::Device>> device = scanout::Device::open(options);
        scanout::Result<scanout::Snapshot> snap =
            device ? (*device)->snapshot() : scanout::Result<scanout::Snapshot>(device.error());
        if (!snap) {
            std::fprintf(stderr, "scanout-info: %s\n", snap.error().describe().c_str());
            failed++;
            continue;
        }

        if (json) {
            j.beginObject()
                .value("path", snap->device.path)
                .value("driver", snap->device.driver)
                .value("bus", snap->device.busInfo);
            writeJson(j, *snap);
            j.endObject();
        } else {
            printText(*snap);
            std::printf("\n");
        }
    }

    if (json) {
        j.endArray().endObject();
        j.finish();
    }

    if (!shown) {
        std::fprintf(stderr, "scanout-info: no DRM device%s%s found\n",
                     only.empty() ? "" : " matching ", only.c_str());
        return 1;
    }
    return failed ? 1 : 0;
}
