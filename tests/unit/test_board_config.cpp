/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <scanout/board_config.h>
#include <scanout/kms_types.h>

#include "unity.h"

using namespace scanout;

namespace {

/* The parse error of \a text, or "" when it parsed. */
std::string errorOf(const std::string &text)
{
    Result<BoardConfig> r = parseBoardConfig(text, "t.ini");
    return r.ok() ? std::string() : r.error().describe();
}

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

} /* namespace */

static void test_every_key_of_a_full_file()
{
    Result<BoardConfig> r = loadBoardConfig(SCANOUT_TEST_BOARDS "/full.ini");
    TEST_ASSERT_TRUE_MESSAGE(r.ok(), r.ok() ? "" : r.error().describe());
    const BoardConfig &c = r.value();
    TEST_ASSERT_EQUAL_STRING(SCANOUT_TEST_BOARDS "/full.ini", c.file);
    TEST_ASSERT_EQUAL_STRING("Test board with every key", c.name);

    const BoardConfig::Display &d = c.display;
    TEST_ASSERT_EQUAL_STRING("vc4", d.device);
    TEST_ASSERT_EQUAL_STRING("HDMI-A-1", d.connector);
    TEST_ASSERT_EQUAL_STRING("1920x1080@60", d.mode);
    TEST_ASSERT_TRUE(d.api == CommitApi::Legacy);
    TEST_ASSERT_EQUAL_UINT(180, d.rotation);
    TEST_ASSERT_TRUE(d.reflection == Reflection::X);
    TEST_ASSERT_TRUE(d.uiPlane.kind == PlaneChoice::Kind::Primary);
    TEST_ASSERT_TRUE(d.uiZpos.has_value());
    TEST_ASSERT_EQUAL_UINT(0, *d.uiZpos);
    TEST_ASSERT_TRUE(d.cameraPlane.kind == PlaneChoice::Kind::Id);
    TEST_ASSERT_EQUAL_UINT(57, d.cameraPlane.id);
    TEST_ASSERT_EQUAL_UINT(3, d.cameraZpos.value_or(99));
    TEST_ASSERT_EQUAL_UINT(2, d.formats.size());
    TEST_ASSERT_EQUAL_HEX(kFormatXrgb8888, d.formats[0]);
    TEST_ASSERT_EQUAL_HEX(kFormatRgb565, d.formats[1]);
    TEST_ASSERT_EQUAL_UINT(3, d.modifiers.size());
    /* DRM_FORMAT_MOD_BROADCOM_VC4_T_TILED */
    TEST_ASSERT_EQUAL_HEX((7ULL << 56) | 1, d.modifiers[0]);
    TEST_ASSERT_EQUAL_HEX(kModifierLinear, d.modifiers[1]);
    TEST_ASSERT_EQUAL_HEX(kModifierInvalid, d.modifiers[2]);

    TEST_ASSERT_EQUAL_STRING("/dev/video0", c.camera.device);
    TEST_ASSERT_EQUAL_HEX(fourcc('Y', 'U', 'Y', 'V'), c.camera.format);
    TEST_ASSERT_EQUAL_UINT(1280, c.camera.width);
    TEST_ASSERT_EQUAL_UINT(720, c.camera.height);
    TEST_ASSERT_TRUE(c.camera.path == CameraPath::Import);

    TEST_ASSERT_TRUE(c.input.seat.empty());
    TEST_ASSERT_EQUAL_UINT(2, c.input.devices.size());
    TEST_ASSERT_EQUAL_STRING("/dev/input/event0", c.input.devices[0]);
    TEST_ASSERT_EQUAL_STRING("/dev/input/by-path/platform-ts-event", c.input.devices[1]);
    TEST_ASSERT_TRUE(c.input.touchCalibration.has_value());
    const float expected[6] = {0, -1, 1, 1, 0, 0};
    for (int i = 0; i < 6; i++)
        TEST_ASSERT_EQUAL_DOUBLE_WITHIN(1e-6, expected[i], (*c.input.touchCalibration)[i]);
    TEST_ASSERT_EQUAL_STRING("de,us", c.input.keymapLayout);
    TEST_ASSERT_EQUAL_STRING("nodeadkeys", c.input.keymapVariant);
    TEST_ASSERT_EQUAL_STRING("ctrl:nocaps,compose:ralt", c.input.keymapOptions);

    TEST_ASSERT_TRUE(c.logLevel == LogLevel::Debug);
}

static void test_empty_file_keeps_the_defaults()
{
    Result<BoardConfig> r = parseBoardConfig("; nothing\n\n[display]\n", "empty.ini");
    TEST_ASSERT_TRUE(r.ok());
    const BoardConfig &c = r.value();
    TEST_ASSERT_TRUE(c.display.device.empty());
    TEST_ASSERT_TRUE(c.display.mode.empty());
    TEST_ASSERT_TRUE(c.display.api == CommitApi::Auto);
    TEST_ASSERT_EQUAL_UINT(0, c.display.rotation);
    TEST_ASSERT_TRUE(c.display.uiPlane.kind == PlaneChoice::Kind::Auto);
    TEST_ASSERT_FALSE(c.display.uiZpos.has_value());
    TEST_ASSERT_TRUE(c.display.formats.empty());
    TEST_ASSERT_TRUE(c.camera.path == CameraPath::Auto);
    TEST_ASSERT_EQUAL_UINT(0, c.camera.format);
    TEST_ASSERT_FALSE(c.input.touchCalibration.has_value());
    TEST_ASSERT_FALSE(c.logLevel.has_value());
}

static void test_values_that_are_accepted()
{
    TEST_ASSERT_EQUAL_STRING("", errorOf("[display]\nmode = preferred\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[display]\nmode = 1280x800\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[display]\nmode = 1920x1080@59.94\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[display]\ndevice = /dev/dri/card1\n"));
    TEST_ASSERT_EQUAL_STRING("",
                             errorOf("[display]\ndevice = /sys/devices/platform/gpu/drm/card1\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[display]\ndevice = imx-lcdif\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[display]\nui-plane = overlay\ncamera-plane = auto\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[display]\nui-zpos = 255\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[display]\nmodifiers = 0x0100000000000001\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[input]\nseat = seat0\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[input]\ntouch-calibration = 1.0 0 0 0 1.0 0\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("[camera]\ndevice = uvcvideo\n"));
    TEST_ASSERT_EQUAL_STRING("", errorOf("\xEF\xBB\xBF[log]\r\nlevel = warn\r\n"));

    Result<BoardConfig> r = parseBoardConfig("[display]\nmode = preferred\n", "t.ini");
    TEST_ASSERT_TRUE(r.ok() && r.value().display.mode.empty());
    r = parseBoardConfig("[display]\nreflect = xy\n[log]\nlevel = error\n", "t.ini");
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_TRUE(r.value().display.reflection == Reflection::XY);
    TEST_ASSERT_TRUE(r.value().logLevel == LogLevel::Error);
}

static void test_unknown_section_and_key_name_the_line()
{
    TEST_ASSERT_EQUAL_STRING("t.ini:3: unknown section [dispaly]; expected [board], [display], "
                             "[camera], [input] or [log]",
                             errorOf("[display]\nmode = 640x480\n[dispaly]\n"));
    std::string e = errorOf("[display]\n\nconector = HDMI-A-1\n");
    TEST_ASSERT_TRUE_MESSAGE(startsWith(e, "t.ini:3: [display] has no key 'conector' (keys: "
                                           "device, connector, mode,"),
                             e);
    TEST_ASSERT_EQUAL_STRING("t.ini:1: 'mode' is outside a section; keys go below [board], "
                             "[display], [camera], [input] or [log]",
                             errorOf("mode = 640x480\n"));
    e = errorOf("[camera]\npath = auto\n[log]\nlevel = debug\nformat = XR24\n");
    TEST_ASSERT_TRUE_MESSAGE(startsWith(e, "t.ini:5: [log] has no key 'format' (keys: level)"), e);
}

static void test_bad_values_say_what_was_expected()
{
    TEST_ASSERT_EQUAL_STRING("t.ini:2: [display] rotation = '45': expected 0, 90, 180 or 270",
                             errorOf("[display]\nrotation = 45\n"));
    TEST_ASSERT_EQUAL_STRING("t.ini:2: [display] api = 'atomik': expected auto, atomic or legacy",
                             errorOf("[display]\napi = atomik\n"));
    TEST_ASSERT_EQUAL_STRING(
        "t.ini:2: [camera] path = 'dmabuf': expected auto, export, import, gl or copy",
        errorOf("[camera]\npath = dmabuf\n"));
    TEST_ASSERT_EQUAL_STRING("t.ini:2: [log] level = 'verbose': expected error, warn, info or "
                             "debug",
                             errorOf("[log]\nlevel = verbose\n"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nmode = 1920x\n"),
                                "t.ini:2: [display] mode = '1920x': expected preferred, WxH"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nformat = XRGB8888\n"),
                                "t.ini:2: [display] format = 'XRGB8888': expected a comma list "
                                "of DRM fourcc codes"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nmodifiers = LINEAR, TILED\n"),
                                "t.ini:2: [display] modifiers = 'LINEAR, TILED': expected"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\ndevice = /etc/passwd\n"),
                                "t.ini:2: [display] device = '/etc/passwd': expected a driver "
                                "name"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nui-plane = 0\n"),
                                "t.ini:2: [display] ui-plane = '0': expected auto, primary, "
                                "overlay or a plane id"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[input]\ndevices = event0\n"),
                                "t.ini:2: [input] devices = 'event0': expected a comma list of "
                                "event device paths"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[input]\ntouch-calibration = 1 0 0 0 1\n"),
                                "t.ini:2: [input] touch-calibration = '1 0 0 0 1': expected six "
                                "numbers"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[input]\ntouch-calibration = 1 0 0 0 1 0 0\n"),
                                "t.ini:2: [input] touch-calibration"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[input]\ntouch-calibration = 1 0 0 0 1 nan\n"),
                                "t.ini:2: [input] touch-calibration"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[input]\ntouch-calibration = 1,0,0,0,1,0\n"),
                                "t.ini:2: [input] touch-calibration"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[camera]\nformat = YUV\n"),
                                "t.ini:2: [camera] format = 'YUV': expected a V4L2 fourcc"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nmode = 1280x800 # a comment\n"),
                                "t.ini:2: [display] mode = '1280x800 # a comment'"));
}

static void test_numbers_out_of_range()
{
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nui-zpos = 256\n"),
                                "t.ini:2: [display] ui-zpos = '256': expected a zpos from 0 to "
                                "255"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\ncamera-zpos = -1\n"),
                                "t.ini:2: [display] camera-zpos = '-1'"));
    TEST_ASSERT_TRUE(
        startsWith(errorOf("[display]\nrotation = 360\n"), "t.ini:2: [display] rotation = '360'"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nmode = 20000x1080\n"),
                                "t.ini:2: [display] mode = '20000x1080': expected preferred, WxH "
                                "or WxH@Hz with sides 1..16384"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nmode = 1920x1080@0.5\n"),
                                "t.ini:2: [display] mode = '1920x1080@0.5'"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[display]\nui-plane = 4294967296\n"),
                                "t.ini:2: [display] ui-plane = '4294967296'"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[camera]\nsize = 0x720\n"),
                                "t.ini:2: [camera] size = '0x720': expected WxH with sides "
                                "1..16384"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[camera]\nsize = 1280x16385\n"),
                                "t.ini:2: [camera] size = '1280x16385'"));
    TEST_ASSERT_TRUE(startsWith(errorOf("[input]\ntouch-calibration = 1 0 0 0 1 17\n"),
                                "t.ini:2: [input] touch-calibration = '1 0 0 0 1 17': expected "
                                "six numbers"));
}

static void test_structure_errors()
{
    TEST_ASSERT_EQUAL_STRING("t.ini:5: [display] mode is given twice (first at line 2)",
                             errorOf("[display]\nmode = 640x480\n[camera]\n[display]\n"
                                     "mode = 800x600\n"));
    /* inih joins an indented line to the key above it: strictness makes that an error. */
    TEST_ASSERT_EQUAL_STRING("t.ini:3: [display] connector is given twice (first at line 2)",
                             errorOf("[display]\nconnector = HDMI-A-1\n  HDMI-A-2\n"));
    TEST_ASSERT_EQUAL_STRING("t.ini:3: [input] devices = '/dev/input/event1': expected either "
                             "seat or devices, not both (seat is at line 2)",
                             errorOf("[input]\nseat = seat0\ndevices = /dev/input/event1\n"));
    TEST_ASSERT_EQUAL_STRING(
        "t.ini:2: [display] mode has no value; leave the key out for the default",
        errorOf("[display]\nmode =\n"));
    /* A syntax error comes first even though inih goes on and finds a bad key later. */
    TEST_ASSERT_EQUAL_STRING("t.ini:2: expected [section], key = value, or a comment starting "
                             "with ; or #",
                             errorOf("[display]\njust some words\nrotation = 45\n"));
    TEST_ASSERT_EQUAL_STRING("t.ini:1: expected [section], key = value, or a comment starting "
                             "with ; or #",
                             errorOf("[display\nmode = 640x480\n"));
    std::string longLine = "[board]\nname = " + std::string(300, 'a') + "\n";
    std::string e = errorOf(longLine);
    TEST_ASSERT_TRUE_MESSAGE(startsWith(e, "t.ini:2: line is longer than "), e);
    TEST_ASSERT_EQUAL_STRING("t.ini:2: line contains a NUL byte; a board config is text",
                             errorOf(std::string("[board]\nname = a\0b\n", 17)));
}

static void test_missing_file_names_path_and_errno()
{
    Result<BoardConfig> r = loadBoardConfig("/nonexistent/board.ini");
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, r.error().errnum());
    TEST_ASSERT_EQUAL_STRING("board config /nonexistent/board.ini: No such file or directory",
                             r.error().describe());
}

static void test_a_directory_is_not_a_board_config()
{
    Result<BoardConfig> r = loadBoardConfig(SCANOUT_TEST_BOARDS);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_STRING("board config " SCANOUT_TEST_BOARDS
                             ": not a regular file: Invalid argument",
                             r.error().describe());
}

static void test_broken_fixture_names_file_and_line()
{
    Result<BoardConfig> r = loadBoardConfig(SCANOUT_TEST_BOARDS "/bad-rotation.ini");
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_STRING(SCANOUT_TEST_BOARDS
                             "/bad-rotation.ini:6: [display] rotation = '45': expected "
                             "0, 90, 180 or 270",
                             r.error().describe());
}

static void test_every_shipped_config_parses()
{
    DIR *dir = opendir(SCANOUT_BOARD_CONFIGS);
    TEST_ASSERT_NOT_NULL(dir);
    std::vector<std::string> files;
    while (dirent *e = readdir(dir)) {
        std::string n = e->d_name;
        if (n.size() > 4 && n.compare(n.size() - 4, 4, ".ini") == 0)
            files.push_back(SCANOUT_BOARD_CONFIGS "/" + n);
    }
    closedir(dir);
    TEST_ASSERT_TRUE_MESSAGE(files.size() >= 9, std::to_string(files.size()) + " configs");
    for (const std::string &f : files) {
        Result<BoardConfig> r = loadBoardConfig(f);
        TEST_ASSERT_TRUE_MESSAGE(r.ok(), r.ok() ? f : r.error().describe());
        TEST_ASSERT_TRUE_MESSAGE(!r.value().name.empty(), f + " has no [board] name");
        TEST_ASSERT_TRUE_MESSAGE(!r.value().display.device.empty(), f + " names no device");
    }
}

static void test_sysfs_device_paths_resolve_to_dev_dri()
{
    Result<std::string> r = resolveDisplayDevice("vc4");
    TEST_ASSERT_TRUE(r.ok() && r.value() == "vc4");
    r = resolveDisplayDevice("/dev/dri/card2");
    TEST_ASSERT_TRUE(r.ok() && r.value() == "/dev/dri/card2");
    r = resolveDisplayDevice("/sys/class/drm/card1/");
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_EQUAL_STRING("/dev/dri/card1", r.value());

    /* A device directory is looked into for drm/cardN (this one does not exist). */
    r = resolveDisplayDevice("/sys/devices/platform/no-such-gpu");
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_STRING("display device /sys/devices/platform/no-such-gpu: no DRM device "
                             "below it (open /sys/devices/platform/no-such-gpu/drm): No such "
                             "file or directory",
                             r.error().describe());
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_every_key_of_a_full_file);
    RUN_TEST(test_empty_file_keeps_the_defaults);
    RUN_TEST(test_values_that_are_accepted);
    RUN_TEST(test_unknown_section_and_key_name_the_line);
    RUN_TEST(test_bad_values_say_what_was_expected);
    RUN_TEST(test_numbers_out_of_range);
    RUN_TEST(test_structure_errors);
    RUN_TEST(test_missing_file_names_path_and_errno);
    RUN_TEST(test_a_directory_is_not_a_board_config);
    RUN_TEST(test_broken_fixture_names_file_and_line);
    RUN_TEST(test_every_shipped_config_parses);
    RUN_TEST(test_sysfs_device_paths_resolve_to_dev_dri);
    return UNITY_END();
}
