/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <scanout/board_config.h>
#include <scanout/event_loop.h>
#include <scanout/result.h>
#include <scanout/transform.h>

/*
 * Keyboards, mice, touch screens and switches through libinput, dispatched
 * from the runtime's EventLoop. No libinput, libudev or xkbcommon type
 * appears here: events arrive as the plain values below.
 */

namespace scanout::input {

/**
 * How event devices are opened. On a seat managed by logind an app would
 * take the device from it (TakeDevice) instead of opening it; the default
 * opens the path with O_CLOEXEC. Both run on the event loop, so they must
 * not block for long.
 */
struct DeviceOpener {
    /** Returns an fd, or a negative errno. */
    std::function<int(const char *path, int flags)> open;
    std::function<void(int fd)> close;
};

struct InputOptions {
    /** The udev seat whose devices are used (hotplug included) when \a devices is empty. */
    std::string seat = "seat0";
    /** Event device paths (/dev/input/eventN) opened directly, for boards without udev. */
    std::vector<std::string> devices;
    /** XKB rule names; an empty field takes xkbcommon's default (XKB_DEFAULT_LAYOUT ...). */
    std::string keymapLayout = "us";
    std::string keymapVariant;
    std::string keymapOptions;
    std::string keymapModel;
    /**
     * Set on every device that has a calibration matrix (touch screens,
     * absolute pointers). Unset: udev's LIBINPUT_CALIBRATION_MATRIX, which
     * libinput applies by itself.
     */
    std::optional<CalibrationMatrix> touchCalibration;
    /** The output the absolute devices map to: its mode size and rotation. */
    OutputTransform output;
    /** Key repeat: delay before the first repeat, and repeats per second (0: none). */
    uint32_t repeatDelayMs = 600;
    uint32_t repeatRateHz = 25;
    /** Empty functions: open and close directly. */
    DeviceOpener opener;
};

/** Modifiers in effect when a key event happened (after its own press is not yet counted). */
struct Modifiers {
    bool shift = false, ctrl = false, alt = false, logo = false;
    bool capsLock = false, numLock = false;
};

struct KeyEvent {
    /** CLOCK_MONOTONIC, microseconds. */
    uint64_t timeUs = 0;
    /** The evdev code (KEY_A is 30); XKB's keycode is this plus 8. */
    uint32_t keycode = 0;
    /** The XKB keysym in the current state (XKB_KEY_a is 0x61), and its name ("a", "Escape"). */
    uint32_t keysym = 0;
    std::string keysymName;
    /** What the key types, on press and repeat only; may be a control character ("\x1b"). */
    std::string utf8;
    bool pressed = false;
    /** A repeat generated while the key is held (pressed is true). */
    bool repeat = false;
    Modifiers modifiers;
};

/** Logical pixels: the output as the user sees it (see OutputTransform). */
struct PointerEvent {
    enum class Kind { Motion, MotionAbsolute, Button, Axis };
    enum class AxisSource { Wheel, Finger, Continuous };
    Kind kind = Kind::Motion;
    uint64_t timeUs = 0;
    /** The pointer after this event, clamped to the output. */
    PointF position;
    /** Motion: the accelerated movement, logical pixels. */
    PointF delta;
    /** Button: BTN_LEFT, BTN_RIGHT ... (linux/input-event-codes.h). */
    uint32_t button = 0;
    bool pressed = false;
    /** Axis: scroll distance (libinput's units: 15 per wheel notch, pixels-ish for fingers). */
    AxisSource axisSource = AxisSource::Wheel;
    double axisX = 0, axisY = 0;
    /** Axis from a wheel: notches, fractional for high-resolution wheels; else 0. */
    double notchesX = 0, notchesY = 0;
};

struct TouchEvent {
    enum class Kind { Down, Motion, Up, Cancel, Frame };
    Kind kind = Kind::Down;
    uint64_t timeUs = 0;
    /** Seat-wide touch point number; -1 for Frame. */
    int32_t slot = -1;
    /** Logical pixels; Up and Cancel repeat the point's last position. */
    PointF position;
};

struct SwitchEvent {
    enum class Kind { Lid, TabletMode };
    uint64_t timeUs = 0;
    Kind kind = Kind::Lid;
    bool on = false;
};

struct DeviceEvent {
    bool added = false;
    /** The device's name ("QEMU Virtio Tablet") and its kernel name ("event3"). */
    std::string name, sysname;
    bool keyboard = false, pointer = false, touch = false, switches = false;
};

struct InputHandlers {
    std::function<void(const KeyEvent &)> key;
    std::function<void(const PointerEvent &)> pointer;
    std::function<void(const TouchEvent &)> touch;
    std::function<void(const SwitchEvent &)> switched;
    std::function<void(const DeviceEvent &)> device;
};

/**
 * The input devices of one seat, or of a list of event devices, as events
 * on the EventLoop. One XKB state is shared by every keyboard, as on a
 * desktop seat: shift on one keyboard capitalises the keys of another.
 *
 * Handlers run on the loop and may destroy the Input object.
 */
class Input
{
public:
    /**
     * Sets up libinput (udev seat, or \a options.devices through the path
     * backend) and the keymap, and watches libinput's fd on \a loop. Fails
     * naming the seat, the device path or the keymap. The devices present
     * at start are reported to handlers.device from the loop. \a loop must
     * outlive the Input.
     */
    static Result<std::unique_ptr<Input>> create(EventLoop &loop, const InputOptions &options,
                                                 InputHandlers handlers);
    /** Stops watching, closes every device through the opener and frees the keymap. */
    ~Input();

    Input(const Input &) = delete;
    Input &operator=(const Input &) = delete;

    /** The output was resized or rotated; the pointer keeps its relative place. */
    void setOutput(const OutputTransform &output);

    /**
     * Closes every device (the VT was switched away); each is reported as
     * removed. resume() opens them again and reports them as added.
     */
    Result<void> suspend();
    Result<void> resume();

    PointF pointerPosition() const;
    /** The devices present now, each with added set. */
    std::vector<DeviceEvent> devices() const;
    /** "udev" or "path". */
    const char *backend() const;

private:
    Input();
    class Impl;
    std::unique_ptr<Impl> impl_;
};

/**
 * A board config's [input] section over \a options: seat, devices,
 * touch calibration and the keymap names it sets; what it leaves out stays.
 */
void applyBoardInput(const BoardConfig::Input &board, InputOptions &options);

} /* namespace scanout::input */
