/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

#include <sys/types.h>

#include <scanout/event_loop.h>
#include <scanout/result.h>

namespace scanout {

/** A device appeared, went away or changed (a connector was plugged, a camera unbound). */
struct HotplugEvent {
    std::string subsystem; /* "drm", "video4linux", "input" */
    std::string action;    /* "add", "remove", "change" */
    std::string sysname;   /* "card0", "video0" */
    std::string devnode;   /* "/dev/dri/card0"; empty for devices without a node */
    dev_t devnum = 0;
};

/**
 * Device events of some subsystems, delivered in the event loop. Events
 * come from udevd once it has processed them where udevd runs, so the
 * node and its permissions are ready; without udevd (an initramfs, a
 * minimal board image) straight from the kernel.
 */
class HotplugMonitor
{
public:
    using Callback = std::function<void(const HotplugEvent &event)>;

    static Result<std::unique_ptr<HotplugMonitor>>
    create(EventLoop &loop, std::initializer_list<const char *> subsystems, Callback callback);
    ~HotplugMonitor();

    HotplugMonitor(const HotplugMonitor &) = delete;
    HotplugMonitor &operator=(const HotplugMonitor &) = delete;

    /** "udev" or "kernel": where the events come from. */
    const char *source() const;

private:
    HotplugMonitor() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} /* namespace scanout */
