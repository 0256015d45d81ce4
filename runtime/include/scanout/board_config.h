/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <scanout/log.h>
#include <scanout/result.h>
#include <scanout/transform.h>

namespace scanout {

/** Legacy or atomic KMS, as a board config asks for it. */
enum class CommitApi { Auto, Atomic, Legacy };

/** How camera frames reach a plane (the camera app picks what works when Auto). */
enum class CameraPath {
    Auto,
    Export, /* V4L2 exports dma_bufs, KMS imports them as framebuffers */
    Import, /* the display allocates, V4L2 captures into them (V4L2_MEMORY_DMABUF) */
    Gl,     /* frames are EGLImages sampled by GLES */
    Copy,   /* frames are copied into a scanout buffer */
};

/** Which plane a layer should use. */
struct PlaneChoice {
    enum class Kind { Auto, Primary, Overlay, Id };
    Kind kind = Kind::Auto;
    uint32_t id = 0; /* the plane's KMS object id when kind is Id */
};

/**
 * What differs between boards, read from an INI file (docs/boards.md lists
 * every key). Fields left out of the file keep the defaults below, which mean
 * "let the runtime choose". The parser checks syntax and ranges only; whether
 * a device, connector or plane exists is found out when it is opened.
 */
struct BoardConfig {
    /** The file it was read from, for messages. */
    std::string file;
    /** [board] name: a human-readable board name. */
    std::string name;

    struct Display {
        /** Driver name ("vc4"), device path ("/dev/dri/card1") or sysfs path; empty: first KMS
         * device. */
        std::string device;
        /** Connector name as scanout-info prints it ("HDMI-A-1"); empty: first connected. */
        std::string connector;
        /** "WxH" or "WxH@Hz"; empty: the connector's preferred mode. */
        std::string mode;
        CommitApi api = CommitApi::Auto;
        /** Degrees counter-clockwise, 0, 90, 180 or 270 (the KMS rotation property). */
        uint32_t rotation = 0;
        /** A mirror before the turn (the KMS reflect-x and reflect-y). */
        Reflection reflection = Reflection::None;
        PlaneChoice uiPlane;
        std::optional<uint32_t> uiZpos;
        PlaneChoice cameraPlane;
        std::optional<uint32_t> cameraZpos;
        /** Preferred scanout formats (DRM fourcc), best first; empty: the runtime's list. */
        std::vector<uint32_t> formats;
        /** Modifiers allowed for scanout buffers, best first; empty: whatever the plane offers. */
        std::vector<uint64_t> modifiers;
    };

    struct Camera {
        /** "/dev/videoN", or a V4L2 driver or card name; empty: the first capture device. */
        std::string device;
        /** V4L2 fourcc; 0: the camera app's choice. */
        uint32_t format = 0;
        uint32_t width = 0; /* 0: the camera app's choice */
        uint32_t height = 0;
        CameraPath path = CameraPath::Auto;
    };

    struct Input {
        /** libinput udev seat ("seat0"); empty with no devices: seat0. */
        std::string seat;
        /** Event device paths opened directly instead of a seat. */
        std::vector<std::string> devices;
        /** libinput calibration matrix a b c d e f (LIBINPUT_CALIBRATION_MATRIX order). */
        std::optional<std::array<float, 6>> touchCalibration;
        /** XKB rule names; empty: the xkbcommon defaults. */
        std::string keymapLayout;
        std::string keymapVariant;
        std::string keymapOptions;
    };

    Display display;
    Camera camera;
    Input input;
    /** [log] level; unset: SCANOUT_LOG or the default. */
    std::optional<LogLevel> logLevel;
};

/**
 * Parses a board config. \a file names the text in messages. Validation is
 * strict: an unknown section or key, a key given twice, a malformed value or
 * a number out of range is an error whose message starts with "file:line:"
 * and names the key and what it expects.
 */
Result<BoardConfig> parseBoardConfig(std::string_view text, const std::string &file);

/** Reads and parses the board config at \a path (see parseBoardConfig). */
Result<BoardConfig> loadBoardConfig(const std::string &path);

/**
 * The device a display.device value means for Device/Display options: a
 * sysfs path of a DRM device ("/sys/class/drm/card1", or the device's
 * directory holding drm/cardN) becomes "/dev/dri/cardN"; driver names and
 * /dev paths are returned as they are.
 */
Result<std::string> resolveDisplayDevice(const std::string &device);

const char *commitApiName(CommitApi api);
const char *cameraPathName(CameraPath path);
/** "auto", "export", "import", "gl" or "copy". */
Result<CameraPath> parseCameraPath(std::string_view text);

} /* namespace scanout */
