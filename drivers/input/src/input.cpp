/* SPDX-License-Identifier: MIT */
#include <scanout/input/input.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <variant>

#include <fcntl.h>
#include <libinput.h>
#include <libudev.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scanout/log.h>

#include "keymap.h"
#include "pointer.h"

namespace scanout::input {

namespace {

uint64_t monotonicUs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

[[gnu::format(printf, 3, 0)]] void logLibinput(libinput *, libinput_log_priority priority,
                                               const char *fmt, va_list args)
{
    char text[512];
    std::vsnprintf(text, sizeof(text), fmt, args);
    /* libinput ends its messages with a newline; ours adds one. */
    size_t n = std::strlen(text);
    while (n && text[n - 1] == '\n')
        text[--n] = '\0';
    switch (priority) {
    case LIBINPUT_LOG_PRIORITY_ERROR:
        LOG_ERROR("libinput: %s", text);
        break;
    case LIBINPUT_LOG_PRIORITY_INFO:
        LOG_INFO("libinput: %s", text);
        break;
    case LIBINPUT_LOG_PRIORITY_DEBUG:
        LOG_DEBUG("libinput: %s", text);
        break;
    }
}

/* libinput formats a message only at or above its priority: make that ours. */
libinput_log_priority libinputPriority(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return LIBINPUT_LOG_PRIORITY_DEBUG;
    case LogLevel::Info:
        return LIBINPUT_LOG_PRIORITY_INFO;
    case LogLevel::Warn:
    case LogLevel::Error:
        break;
    }
    return LIBINPUT_LOG_PRIORITY_ERROR;
}

DeviceEvent describeDevice(libinput_device *device, bool added)
{
    DeviceEvent d;
    d.added = added;
    d.name = libinput_device_get_name(device);
    d.sysname = libinput_device_get_sysname(device);
    d.keyboard = libinput_device_has_capability(device, LIBINPUT_DEVICE_CAP_KEYBOARD);
    d.pointer = libinput_device_has_capability(device, LIBINPUT_DEVICE_CAP_POINTER);
    d.touch = libinput_device_has_capability(device, LIBINPUT_DEVICE_CAP_TOUCH);
    d.switches = libinput_device_has_capability(device, LIBINPUT_DEVICE_CAP_SWITCH);
    return d;
}

std::string capabilityList(const DeviceEvent &d)
{
    std::string caps;
    auto add = [&caps](bool has, const char *name) {
        if (!has)
            return;
        if (!caps.empty())
            caps += ' ';
        caps += name;
    };
    add(d.keyboard, "keyboard");
    add(d.pointer, "pointer");
    add(d.touch, "touch");
    add(d.switches, "switch");
    return caps.empty() ? "nothing scanout reports" : caps;
}

/*
 * A device that would not open. libinput opens the node udev names, which
 * is not the path given when that was a symlink (/dev/input/by-path/...).
 */
Error openError(const std::string &path, const std::string &opened, int err)
{
    std::string what = "input device " + path;
    if (opened != path)
        what += " (" + opened + ")";
    if (err == EACCES || err == EPERM)
        what += ", which needs root or the input group";
    return Error(err, what);
}

/* One translated event, handed to the app after libinput's event is destroyed. */
using Delivery =
    std::variant<std::monostate, KeyEvent, PointerEvent, TouchEvent, SwitchEvent, DeviceEvent>;

} /* namespace */

/*
 * Ownership: the libinput context (and through it, every device fd, closed
 * with the opener's close) and the keymap belong to this object. Device
 * pointers are libinput's, valid from their added event to their removed
 * event; libinput_unref() releases the ones still present.
 */
class Input::Impl
{
public:
    EventLoop *loop = nullptr;
    InputOptions options;
    /* Shared so that a handler which destroys the Input survives its own call. */
    std::shared_ptr<InputHandlers> handlers;
    std::unique_ptr<Keymap> keymap;
    PointerPosition pointer;

    libinput *li = nullptr;
    bool udev = false;
    bool suspended = false;
    EventLoop::Id watch = 0;
    std::vector<libinput_device *> devices;
    /* Where each touch point is, by seat slot, so Up and Cancel can say where it ended. */
    std::map<int32_t, PointF> touches;
    uint32_t leds = 0;

    EventLoop::Id repeatTimer = 0;
    uint32_t repeatKey = 0;

    /* The opener's last failure, for the error message of the call that caused it. */
    std::string lastOpenPath;
    int lastOpenErrno = 0;

    bool seatChecked = false;

    /* False once destroyed: checked after every handler, and by posted work. */
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);

    ~Impl();

    std::string what() const;
    void onReadable();
    void postDrain();
    void drain();
    Delivery translate(libinput_event *event);
    Delivery deviceAdded(libinput_device *device);
    Delivery deviceRemoved(libinput_device *device);
    Delivery key(libinput_event_keyboard *event);
    Delivery scroll(libinput_event_pointer *event, PointerEvent::AxisSource source);
    Delivery touch(libinput_event *event, TouchEvent::Kind kind);
    void deliver(const Delivery &delivery);
    void updateLeds(bool force);
    void startRepeat(uint32_t keycode);
    void stopRepeat();
    void onRepeat();

    static int openRestricted(const char *path, int flags, void *data);
    static void closeRestricted(int fd, void *data);
};

Input::Impl::~Impl()
{
    *alive = false;
    stopRepeat();
    if (watch)
        loop->remove(watch);
    /* Closes every device still open through closeRestricted, so options.opener must still be here.
     */
    if (li)
        libinput_unref(li);
}

std::string Input::Impl::what() const
{
    if (udev)
        return "seat " + options.seat;
    std::string list;
    for (const std::string &path : options.devices)
        list += (list.empty() ? "" : ", ") + path;
    return "devices " + list;
}

int Input::Impl::openRestricted(const char *path, int flags, void *data)
{
    Impl *impl = static_cast<Impl *>(data);
    int fd;
    if (impl->options.opener.open) {
        fd = impl->options.opener.open(path, flags);
    } else {
        fd = ::open(path, flags | O_CLOEXEC);
        if (fd < 0)
            fd = -errno;
    }
    if (fd < 0) {
        impl->lastOpenPath = path;
        impl->lastOpenErrno = -fd;
        LOG_DEBUG("input: open %s: %s", path, strerror(-fd));
    }
    return fd;
}

void Input::Impl::closeRestricted(int fd, void *data)
{
    Impl *impl = static_cast<Impl *>(data);
    if (impl->options.opener.close)
        impl->options.opener.close(fd);
    else
        ::close(fd);
}

void Input::Impl::onReadable()
{
    int ret = libinput_dispatch(li);
    if (ret < 0)
        LOG_ERROR("input: libinput_dispatch on %s: %s", what().c_str(), strerror(-ret));
    drain();
}

/*
 * libinput queues the events of assign_seat, add_device, suspend and resume
 * without making its fd readable: they are fetched on the next loop turn,
 * so the app hears of them from the loop, not from inside its own call.
 */
void Input::Impl::postDrain()
{
    loop->post([this, alive = alive] {
        if (*alive)
            drain();
    });
}

void Input::Impl::drain()
{
    std::shared_ptr<bool> stillAlive = alive;
    while (libinput_event *event = libinput_get_event(li)) {
        Delivery delivery = translate(event);
        libinput_event_destroy(event);
        deliver(delivery);
        if (!*stillAlive)
            return;
    }
    /* Once, after the seat's first devices came in: an empty seat is often a permission problem. */
    if (udev && !seatChecked && !suspended) {
        seatChecked = true;
        if (!devices.empty())
            return;
        if (lastOpenErrno)
            LOG_WARN("input: no input device on %s could be opened (%s: %s); the user needs "
                     "root or the input group",
                     what().c_str(), lastOpenPath.c_str(), strerror(lastOpenErrno));
        else
            LOG_INFO("input: no input devices on %s yet", what().c_str());
    }
}

void Input::Impl::deliver(const Delivery &delivery)
{
    std::shared_ptr<InputHandlers> h = handlers;
    if (auto *e = std::get_if<KeyEvent>(&delivery); e && h->key)
        h->key(*e);
    else if (auto *e = std::get_if<PointerEvent>(&delivery); e && h->pointer)
        h->pointer(*e);
    else if (auto *e = std::get_if<TouchEvent>(&delivery); e && h->touch)
        h->touch(*e);
    else if (auto *e = std::get_if<SwitchEvent>(&delivery); e && h->switched)
        h->switched(*e);
    else if (auto *e = std::get_if<DeviceEvent>(&delivery); e && h->device)
        h->device(*e);
}

Delivery Input::Impl::translate(libinput_event *event)
{
    libinput_event_type type = libinput_event_get_type(event);
    switch (type) {
    case LIBINPUT_EVENT_DEVICE_ADDED:
        return deviceAdded(libinput_event_get_device(event));
    case LIBINPUT_EVENT_DEVICE_REMOVED:
        return deviceRemoved(libinput_event_get_device(event));
    case LIBINPUT_EVENT_KEYBOARD_KEY:
        return key(libinput_event_get_keyboard_event(event));

    case LIBINPUT_EVENT_POINTER_MOTION: {
        libinput_event_pointer *p = libinput_event_get_pointer_event(event);
        PointerEvent e;
        e.kind = PointerEvent::Kind::Motion;
        e.timeUs = libinput_event_pointer_get_time_usec(p);
        e.delta = {libinput_event_pointer_get_dx(p), libinput_event_pointer_get_dy(p)};
        e.position = pointer.moveBy(e.delta);
        return e;
    }
    case LIBINPUT_EVENT_POINTER_MOTION_ABSOLUTE: {
        libinput_event_pointer *p = libinput_event_get_pointer_event(event);
        const OutputTransform &out = options.output;
        PointF physical{libinput_event_pointer_get_absolute_x_transformed(p, out.physicalWidth()),
                        libinput_event_pointer_get_absolute_y_transformed(p, out.physicalHeight())};
        PointerEvent e;
        e.kind = PointerEvent::Kind::MotionAbsolute;
        e.timeUs = libinput_event_pointer_get_time_usec(p);
        PointF before = pointer.position();
        e.position = pointer.moveTo(physicalToLogical(out, physical));
        e.delta = {e.position.x - before.x, e.position.y - before.y};
        return e;
    }
    case LIBINPUT_EVENT_POINTER_BUTTON: {
        libinput_event_pointer *p = libinput_event_get_pointer_event(event);
        PointerEvent e;
        e.kind = PointerEvent::Kind::Button;
        e.timeUs = libinput_event_pointer_get_time_usec(p);
        e.button = libinput_event_pointer_get_button(p);
        e.pressed = libinput_event_pointer_get_button_state(p) == LIBINPUT_BUTTON_STATE_PRESSED;
        /* One pointer for the seat: a button held on two mice is one press, as for keys. */
        uint32_t count = libinput_event_pointer_get_seat_button_count(p);
        if ((e.pressed && count != 1) || (!e.pressed && count != 0))
            return {};
        e.position = pointer.position();
        return e;
    }
    case LIBINPUT_EVENT_POINTER_SCROLL_WHEEL:
        return scroll(libinput_event_get_pointer_event(event), PointerEvent::AxisSource::Wheel);
    case LIBINPUT_EVENT_POINTER_SCROLL_FINGER:
        return scroll(libinput_event_get_pointer_event(event), PointerEvent::AxisSource::Finger);
    case LIBINPUT_EVENT_POINTER_SCROLL_CONTINUOUS:
        return scroll(libinput_event_get_pointer_event(event),
                      PointerEvent::AxisSource::Continuous);

    case LIBINPUT_EVENT_TOUCH_DOWN:
        return touch(event, TouchEvent::Kind::Down);
    case LIBINPUT_EVENT_TOUCH_MOTION:
        return touch(event, TouchEvent::Kind::Motion);
    case LIBINPUT_EVENT_TOUCH_UP:
        return touch(event, TouchEvent::Kind::Up);
    case LIBINPUT_EVENT_TOUCH_CANCEL:
        return touch(event, TouchEvent::Kind::Cancel);
    case LIBINPUT_EVENT_TOUCH_FRAME:
        return touch(event, TouchEvent::Kind::Frame);

    case LIBINPUT_EVENT_SWITCH_TOGGLE: {
        libinput_event_switch *s = libinput_event_get_switch_event(event);
        SwitchEvent e;
        e.timeUs = libinput_event_switch_get_time_usec(s);
        e.kind = libinput_event_switch_get_switch(s) == LIBINPUT_SWITCH_TABLET_MODE
                     ? SwitchEvent::Kind::TabletMode
                     : SwitchEvent::Kind::Lid;
        e.on = libinput_event_switch_get_switch_state(s) == LIBINPUT_SWITCH_STATE_ON;
        return e;
    }

    default:
        /*
         * LIBINPUT_EVENT_POINTER_AXIS repeats the SCROLL_* events for
         * clients older than libinput 1.19; gestures, tablets and pads are
         * not reported (yet).
         */
        return {};
    }
}

Delivery Input::Impl::deviceAdded(libinput_device *device)
{
    DeviceEvent d = describeDevice(device, true);
    LOG_INFO("input: device added \"%s\" (%s): %s", d.name.c_str(), d.sysname.c_str(),
             capabilityList(d).c_str());
    devices.push_back(device);

    if (options.touchCalibration && libinput_device_config_calibration_has_matrix(device)) {
        const std::array<float, 6> &m = options.touchCalibration->m;
        libinput_config_status status =
            libinput_device_config_calibration_set_matrix(device, m.data());
        if (status == LIBINPUT_CONFIG_STATUS_SUCCESS)
            LOG_INFO("input: \"%s\" (%s): calibration matrix %g %g %g %g %g %g", d.name.c_str(),
                     d.sysname.c_str(), m[0], m[1], m[2], m[3], m[4], m[5]);
        else
            LOG_WARN("input: \"%s\" (%s): calibration matrix refused: %s", d.name.c_str(),
                     d.sysname.c_str(), libinput_config_status_to_str(status));
    }
    if (d.keyboard)
        libinput_device_led_update(device, static_cast<libinput_led>(leds));
    return d;
}

Delivery Input::Impl::deviceRemoved(libinput_device *device)
{
    DeviceEvent d = describeDevice(device, false);
    LOG_INFO("input: device removed \"%s\" (%s)", d.name.c_str(), d.sysname.c_str());
    devices.erase(std::remove(devices.begin(), devices.end(), device), devices.end());
    /* A key held on a keyboard that went away gets no release: stop repeating it. */
    if (d.keyboard)
        stopRepeat();
    return d;
}

Delivery Input::Impl::key(libinput_event_keyboard *event)
{
    uint32_t code = libinput_event_keyboard_get_key(event);
    bool pressed = libinput_event_keyboard_get_key_state(event) == LIBINPUT_KEY_STATE_PRESSED;
    /*
     * Every keyboard feeds the one XKB state. A key held on two keyboards
     * is down until the last one lets go: only the seat's first press and
     * last release count, or the state would see two presses and one
     * release.
     */
    uint32_t count = libinput_event_keyboard_get_seat_key_count(event);
    if ((pressed && count != 1) || (!pressed && count != 0))
        return {};

    Keymap::Key k = keymap->lookup(code, pressed);
    KeyEvent e;
    e.timeUs = libinput_event_keyboard_get_time_usec(event);
    e.keycode = code;
    e.keysym = k.keysym;
    e.keysymName = std::move(k.name);
    e.utf8 = std::move(k.utf8);
    e.pressed = pressed;
    e.modifiers = keymap->modifiers();
    keymap->update(code, pressed);
    updateLeds(false);

    if (pressed && k.repeats)
        startRepeat(code);
    else if (!pressed && code == repeatKey)
        stopRepeat();
    return e;
}

Delivery Input::Impl::scroll(libinput_event_pointer *p, PointerEvent::AxisSource source)
{
    PointerEvent e;
    e.kind = PointerEvent::Kind::Axis;
    e.axisSource = source;
    e.timeUs = libinput_event_pointer_get_time_usec(p);
    e.position = pointer.position();
    /* Asking for an axis the event does not have is a client bug to libinput: check first. */
    auto axis = [&](libinput_pointer_axis a, double &value, double &notches) {
        if (!libinput_event_pointer_has_axis(p, a))
            return;
        value = libinput_event_pointer_get_scroll_value(p, a);
        if (source == PointerEvent::AxisSource::Wheel)
            notches = libinput_event_pointer_get_scroll_value_v120(p, a) / 120.0;
    };
    axis(LIBINPUT_POINTER_AXIS_SCROLL_HORIZONTAL, e.axisX, e.notchesX);
    axis(LIBINPUT_POINTER_AXIS_SCROLL_VERTICAL, e.axisY, e.notchesY);
    return e;
}

Delivery Input::Impl::touch(libinput_event *event, TouchEvent::Kind kind)
{
    libinput_event_touch *t = libinput_event_get_touch_event(event);
    TouchEvent e;
    e.kind = kind;
    e.timeUs = libinput_event_touch_get_time_usec(t);
    if (kind == TouchEvent::Kind::Frame)
        return e;
    e.slot = libinput_event_touch_get_seat_slot(t);
    if (kind == TouchEvent::Kind::Down || kind == TouchEvent::Kind::Motion) {
        const OutputTransform &out = options.output;
        PointF physical{libinput_event_touch_get_x_transformed(t, out.physicalWidth()),
                        libinput_event_touch_get_y_transformed(t, out.physicalHeight())};
        e.position = physicalToLogical(out, physical);
        touches[e.slot] = e.position;
    } else {
        auto it = touches.find(e.slot);
        if (it != touches.end()) {
            e.position = it->second;
            touches.erase(it);
        }
    }
    return e;
}

void Input::Impl::updateLeds(bool force)
{
    uint32_t now = keymap->leds();
    if (now == leds && !force)
        return;
    leds = now;
    for (libinput_device *d : devices)
        if (libinput_device_has_capability(d, LIBINPUT_DEVICE_CAP_KEYBOARD))
            libinput_device_led_update(d, static_cast<libinput_led>(leds));
}

/*
 * libinput reports no repeats (the kernel's are dropped): a held key
 * repeats from a timer, as the key the seat pressed last, looked up in the
 * state of each repeat (shift pressed meanwhile gives capitals).
 */
void Input::Impl::startRepeat(uint32_t keycode)
{
    stopRepeat();
    if (!options.repeatRateHz)
        return;
    uint64_t delayNs = static_cast<uint64_t>(options.repeatDelayMs) * 1000000u;
    uint64_t intervalNs = 1000000000u / options.repeatRateHz;
    Result<EventLoop::Id> timer = loop->addTimer(delayNs, intervalNs, [this] { onRepeat(); });
    if (!timer) {
        LOG_WARN("input: no key repeat for key %u: %s", keycode, timer.error().describe().c_str());
        return;
    }
    repeatTimer = *timer;
    repeatKey = keycode;
}

void Input::Impl::stopRepeat()
{
    if (repeatTimer)
        loop->remove(repeatTimer);
    repeatTimer = 0;
    repeatKey = 0;
}

void Input::Impl::onRepeat()
{
    Keymap::Key k = keymap->lookup(repeatKey, true);
    KeyEvent e;
    e.timeUs = monotonicUs();
    e.keycode = repeatKey;
    e.keysym = k.keysym;
    e.keysymName = std::move(k.name);
    e.utf8 = std::move(k.utf8);
    e.pressed = true;
    e.repeat = true;
    e.modifiers = keymap->modifiers();
    deliver(e);
}

Input::Input() : impl_(std::make_unique<Impl>()) {}

Input::~Input() = default;

Result<std::unique_ptr<Input>> Input::create(EventLoop &loop, const InputOptions &options,
                                             InputHandlers handlers)
{
    const OutputTransform &out = options.output;
    if (!out.physicalWidth() || !out.physicalHeight())
        return makeError(EINVAL,
                         "input: output size %ux%u: InputOptions::output needs the mode's size, "
                         "which touch and absolute pointers map to",
                         out.physicalWidth(), out.physicalHeight());

    std::unique_ptr<Input> input(new Input());
    Impl &impl = *input->impl_;
    impl.loop = &loop;
    impl.options = options;
    if (impl.options.seat.empty())
        impl.options.seat = "seat0";
    impl.handlers = std::make_shared<InputHandlers>(std::move(handlers));
    impl.pointer = PointerPosition(out);

    KeymapNames names{options.keymapLayout, options.keymapVariant, options.keymapOptions,
                      options.keymapModel};
    Result<std::unique_ptr<Keymap>> keymap = Keymap::create(names);
    if (!keymap)
        return keymap.error();
    impl.keymap = std::move(*keymap);
    impl.leds = impl.keymap->leds();

    static const libinput_interface interface = {Impl::openRestricted, Impl::closeRestricted};
    if (impl.options.devices.empty()) {
        const char *seat = impl.options.seat.c_str();
        errno = 0;
        udev *u = udev_new();
        if (!u)
            return makeError(errno ? errno : ENOMEM, "input: udev_new for seat %s", seat);
        impl.li = libinput_udev_create_context(&interface, &impl, u);
        /* libinput holds its own reference. */
        udev_unref(u);
        if (!impl.li)
            return makeError(ENOMEM, "input: libinput_udev_create_context for seat %s", seat);
        impl.udev = true;
        libinput_log_set_handler(impl.li, logLibinput);
        libinput_log_set_priority(impl.li, libinputPriority(logLevel()));
        errno = 0;
        if (libinput_udev_assign_seat(impl.li, seat) != 0)
            return makeError(errno ? errno : EIO, "input: libinput_udev_assign_seat %s", seat);
    } else {
        impl.li = libinput_path_create_context(&interface, &impl);
        if (!impl.li)
            return makeError(ENOMEM, "input: libinput_path_create_context for %s",
                             impl.what().c_str());
        libinput_log_set_handler(impl.li, logLibinput);
        libinput_log_set_priority(impl.li, libinputPriority(logLevel()));
        for (const std::string &path : impl.options.devices) {
            /*
             * libinput looks the path up in udev before it opens it, and
             * says only "invalid path" when that fails: stat it first for
             * the errno (ENOENT, EACCES ...).
             */
            struct stat st;
            if (stat(path.c_str(), &st) < 0)
                return makeError(errno, "input device %s", path.c_str());
            if (!S_ISCHR(st.st_mode))
                return makeError(ENODEV,
                                 "input device %s: not a character device (want "
                                 "/dev/input/eventN)",
                                 path.c_str());
            impl.lastOpenErrno = 0;
            if (libinput_path_add_device(impl.li, path.c_str()))
                continue;
            if (impl.lastOpenErrno)
                return openError(path, impl.lastOpenPath, impl.lastOpenErrno);
            return makeError(ENODEV,
                             "input device %s: libinput does not take it (not an event device, "
                             "or one udev does not know)",
                             path.c_str());
        }
    }

    int fd = libinput_get_fd(impl.li);
    Result<EventLoop::Id> watch = loop.addFd(fd, EPOLLIN, [&impl](uint32_t) { impl.onReadable(); });
    if (!watch)
        return Error(watch.error().errnum(),
                     "input: libinput fd of " + impl.what() + ": " + watch.error().message());
    impl.watch = *watch;
    impl.postDrain();

    LOG_INFO("input: %s backend, %s, keymap %s, output %ux%u %s", input->backend(),
             impl.what().c_str(), Keymap::describe(names).c_str(), out.physicalWidth(),
             out.physicalHeight(), out.describe().c_str());
    return input;
}

void Input::setOutput(const OutputTransform &output)
{
    impl_->options.output = output;
    impl_->pointer.setOutput(output);
}

Result<void> Input::suspend()
{
    Impl &impl = *impl_;
    if (impl.suspended)
        return {};
    impl.stopRepeat();
    libinput_suspend(impl.li);
    impl.suspended = true;
    impl.touches.clear();
    impl.postDrain();
    return {};
}

Result<void> Input::resume()
{
    Impl &impl = *impl_;
    if (!impl.suspended)
        return {};
    impl.lastOpenErrno = 0;
    errno = 0;
    if (libinput_resume(impl.li) != 0) {
        int err = impl.lastOpenErrno ? impl.lastOpenErrno : (errno ? errno : EIO);
        std::string device = impl.lastOpenErrno ? " (" + impl.lastOpenPath + ")" : "";
        return makeError(err, "input: libinput_resume on %s%s", impl.what().c_str(),
                         device.c_str());
    }
    impl.suspended = false;
    /* Keys released while the devices were away sent no release: start from all keys up. */
    impl.keymap->reset();
    impl.leds = impl.keymap->leds();
    impl.postDrain();
    return {};
}

PointF Input::pointerPosition() const
{
    return impl_->pointer.position();
}

std::vector<DeviceEvent> Input::devices() const
{
    std::vector<DeviceEvent> list;
    for (libinput_device *d : impl_->devices)
        list.push_back(describeDevice(d, true));
    return list;
}

const char *Input::backend() const
{
    return impl_->udev ? "udev" : "path";
}

void applyBoardInput(const BoardConfig::Input &board, InputOptions &options)
{
    if (!board.seat.empty())
        options.seat = board.seat;
    if (!board.devices.empty())
        options.devices = board.devices;
    if (board.touchCalibration)
        options.touchCalibration = CalibrationMatrix{*board.touchCalibration};
    if (!board.keymapLayout.empty())
        options.keymapLayout = board.keymapLayout;
    if (!board.keymapVariant.empty())
        options.keymapVariant = board.keymapVariant;
    if (!board.keymapOptions.empty())
        options.keymapOptions = board.keymapOptions;
}

} /* namespace scanout::input */
