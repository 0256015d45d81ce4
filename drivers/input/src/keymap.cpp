/* SPDX-License-Identifier: MIT */
#include "keymap.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <xkbcommon/xkbcommon-names.h>
#include <xkbcommon/xkbcommon.h>

#include <scanout/log.h>

namespace scanout::input {

namespace {

/* XKB numbers keys from 8: its keycode is the evdev code plus 8 (the X11 legacy). */
constexpr uint32_t kEvdevOffset = 8;

[[gnu::format(printf, 3, 0)]] void logXkb(xkb_context *, xkb_log_level level, const char *fmt,
                                          va_list args)
{
    char text[512];
    std::vsnprintf(text, sizeof(text), fmt, args);
    /* XKB ends its messages with a newline; ours adds one. */
    size_t n = std::strlen(text);
    while (n && text[n - 1] == '\n')
        text[--n] = '\0';
    switch (level) {
    case XKB_LOG_LEVEL_CRITICAL:
    case XKB_LOG_LEVEL_ERROR:
        LOG_ERROR("xkbcommon: %s", text);
        break;
    case XKB_LOG_LEVEL_WARNING:
        LOG_WARN("xkbcommon: %s", text);
        break;
    case XKB_LOG_LEVEL_INFO:
        LOG_INFO("xkbcommon: %s", text);
        break;
    case XKB_LOG_LEVEL_DEBUG:
        LOG_DEBUG("xkbcommon: %s", text);
        break;
    }
}

/* XKB takes NULL or "" for "the default"; we pass NULL so an empty field always means that. */
const char *orNull(const std::string &s)
{
    return s.empty() ? nullptr : s.c_str();
}

} /* namespace */

void Keymap::ContextUnref::operator()(xkb_context *context) const
{
    xkb_context_unref(context);
}

void Keymap::KeymapUnref::operator()(xkb_keymap *keymap) const
{
    xkb_keymap_unref(keymap);
}

void Keymap::StateUnref::operator()(xkb_state *state) const
{
    xkb_state_unref(state);
}

std::string Keymap::describe(const KeymapNames &names)
{
    return format("layout '%s', variant '%s', options '%s', model '%s'", names.layout.c_str(),
                  names.variant.c_str(), names.options.c_str(), names.model.c_str());
}

Result<std::unique_ptr<Keymap>> Keymap::create(const KeymapNames &names)
{
    std::unique_ptr<Keymap> k(new Keymap());
    errno = 0;
    k->context_.reset(xkb_context_new(XKB_CONTEXT_NO_FLAGS));
    if (!k->context_)
        return makeError(errno ? errno : ENOMEM, "XKB context for keymap %s",
                         describe(names).c_str());
    xkb_context_set_log_fn(k->context_.get(), logXkb);

    xkb_rule_names rules{};
    rules.layout = orNull(names.layout);
    rules.variant = orNull(names.variant);
    rules.options = orNull(names.options);
    rules.model = orNull(names.model);
    k->keymap_.reset(
        xkb_keymap_new_from_names(k->context_.get(), &rules, XKB_KEYMAP_COMPILE_NO_FLAGS));
    if (!k->keymap_)
        /* XKB says why in its log (above); it has no errno to give. */
        return makeError(EINVAL,
                         "XKB keymap %s does not compile (unknown layout or variant, or no "
                         "XKB data: is xkb-data installed in /usr/share/X11/xkb?)",
                         describe(names).c_str());

    k->state_.reset(xkb_state_new(k->keymap_.get()));
    if (!k->state_)
        return makeError(ENOMEM, "XKB state for keymap %s", describe(names).c_str());
    return k;
}

Keymap::~Keymap() = default;

Keymap::Key Keymap::lookup(uint32_t keycode, bool withText) const
{
    xkb_keycode_t code = keycode + kEvdevOffset;
    Key key;
    key.keysym = xkb_state_key_get_one_sym(state_.get(), code);
    char name[64];
    if (xkb_keysym_get_name(key.keysym, name, sizeof(name)) > 0)
        key.name = name;
    key.repeats = xkb_keymap_key_repeats(keymap_.get(), code);
    if (withText) {
        int size = xkb_state_key_get_utf8(state_.get(), code, nullptr, 0);
        if (size > 0) {
            key.utf8.resize(static_cast<size_t>(size) + 1);
            xkb_state_key_get_utf8(state_.get(), code, key.utf8.data(), key.utf8.size());
            key.utf8.resize(static_cast<size_t>(size));
        }
    }
    return key;
}

void Keymap::update(uint32_t keycode, bool pressed)
{
    xkb_state_update_key(state_.get(), keycode + kEvdevOffset, pressed ? XKB_KEY_DOWN : XKB_KEY_UP);
}

void Keymap::reset()
{
    xkb_state *fresh = xkb_state_new(keymap_.get());
    /* Out of memory: keep the old state rather than none. */
    if (fresh)
        state_.reset(fresh);
}

Modifiers Keymap::modifiers() const
{
    auto active = [this](const char *name) {
        return xkb_state_mod_name_is_active(state_.get(), name, XKB_STATE_MODS_EFFECTIVE) > 0;
    };
    Modifiers m;
    m.shift = active(XKB_MOD_NAME_SHIFT);
    m.ctrl = active(XKB_MOD_NAME_CTRL);
    m.alt = active(XKB_MOD_NAME_ALT);
    m.logo = active(XKB_MOD_NAME_LOGO);
    m.capsLock = active(XKB_MOD_NAME_CAPS);
    m.numLock = active(XKB_MOD_NAME_NUM);
    return m;
}

uint32_t Keymap::leds() const
{
    uint32_t leds = 0;
    if (xkb_state_led_name_is_active(state_.get(), XKB_LED_NAME_NUM) > 0)
        leds |= kLedNumLock;
    if (xkb_state_led_name_is_active(state_.get(), XKB_LED_NAME_CAPS) > 0)
        leds |= kLedCapsLock;
    if (xkb_state_led_name_is_active(state_.get(), XKB_LED_NAME_SCROLL) > 0)
        leds |= kLedScrollLock;
    return leds;
}

} /* namespace scanout::input */
