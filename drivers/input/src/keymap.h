/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <scanout/input/input.h>
#include <scanout/result.h>

struct xkb_context;
struct xkb_keymap;
struct xkb_state;

namespace scanout::input {

/** XKB rule names, as InputOptions and the board config's [input] give them. */
struct KeymapNames {
    std::string layout, variant, options, model;
};

/** LED bits, the same as libinput's enum libinput_led. */
inline constexpr uint32_t kLedNumLock = 1u << 0;
inline constexpr uint32_t kLedCapsLock = 1u << 1;
inline constexpr uint32_t kLedScrollLock = 1u << 2;

/**
 * An XKB keymap compiled from rule names, with one state: what evdev
 * keycodes mean and which modifiers are held. It needs the XKB data
 * (xkb-data, /usr/share/X11/xkb) and nothing else: no device.
 */
class Keymap
{
public:
    static Result<std::unique_ptr<Keymap>> create(const KeymapNames &names);
    ~Keymap();

    Keymap(const Keymap &) = delete;
    Keymap &operator=(const Keymap &) = delete;

    struct Key {
        uint32_t keysym = 0;
        std::string name;
        std::string utf8;
        /** Whether holding the key repeats it (letters do, modifiers do not). */
        bool repeats = false;
    };

    /** What evdev \a keycode means in the current state; utf8 only when \a withText. */
    Key lookup(uint32_t keycode, bool withText) const;
    /** Moves the state on: \a keycode went down or up. */
    void update(uint32_t keycode, bool pressed);
    /** Every key up again (after the devices were away: releases were missed). */
    void reset();

    Modifiers modifiers() const;
    /** kLed* bits for the keyboards' lock LEDs. */
    uint32_t leds() const;

    /** "layout 'us', variant '', options '', model ''" for messages. */
    static std::string describe(const KeymapNames &names);

private:
    Keymap() = default;

    struct ContextUnref {
        void operator()(xkb_context *context) const;
    };
    struct KeymapUnref {
        void operator()(xkb_keymap *keymap) const;
    };
    struct StateUnref {
        void operator()(xkb_state *state) const;
    };

    std::unique_ptr<xkb_context, ContextUnref> context_;
    std::unique_ptr<xkb_keymap, KeymapUnref> keymap_;
    std::unique_ptr<xkb_state, StateUnref> state_;
};

} /* namespace scanout::input */
