/* SPDX-License-Identifier: MIT */
#include <scanout/hotplug.h>

#include <cerrno>
#include <cstring>

#include <libudev.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <scanout/log.h>

namespace scanout {

struct HotplugMonitor::Impl {
    EventLoop *loop = nullptr;
    udev *context = nullptr;
    udev_monitor *monitor = nullptr;
    EventLoop::Id source = 0;
    const char *sourceName = "udev";
    Callback callback;

    ~Impl()
    {
        if (source)
            loop->remove(source);
        if (monitor)
            udev_monitor_unref(monitor);
        if (context)
            udev_unref(context);
    }

    void onReadable()
    {
        /* Drain: one readable edge may carry several events. */
        while (udev_device *device = udev_monitor_receive_device(monitor)) {
            HotplugEvent event;
            auto text = [](const char *s) { return std::string(s ? s : ""); };
            event.subsystem = text(udev_device_get_subsystem(device));
            event.action = text(udev_device_get_action(device));
            event.sysname = text(udev_device_get_sysname(device));
            event.devnode = text(udev_device_get_devnode(device));
            event.devnum = udev_device_get_devnum(device);
            udev_device_unref(device);
            LOG_DEBUG("hotplug: %s %s %s", event.action.c_str(), event.subsystem.c_str(),
                      event.sysname.c_str());
            callback(event);
        }
    }
};

Result<std::unique_ptr<HotplugMonitor>>
HotplugMonitor::create(EventLoop &loop, std::initializer_list<const char *> subsystems,
                       Callback callback)
{
    std::unique_ptr<HotplugMonitor> self(new HotplugMonitor());
    self->impl_ = std::make_unique<Impl>();
    Impl &d = *self->impl_;
    d.loop = &loop;
    d.callback = std::move(callback);

    d.context = udev_new();
    if (!d.context)
        return makeError(errno ? errno : ENOMEM, "udev_new for the hotplug monitor");
    /* udevd re-broadcasts processed events; without it only the kernel's raw ones exist. */
    if (access("/run/udev/control", F_OK) != 0)
        d.sourceName = "kernel";
    d.monitor = udev_monitor_new_from_netlink(d.context, d.sourceName);
    if (!d.monitor)
        return makeError(errno ? errno : EIO, "udev monitor on the %s netlink group", d.sourceName);
    for (const char *subsystem : subsystems) {
        if (int r = udev_monitor_filter_add_match_subsystem_devtype(d.monitor, subsystem, nullptr);
            r < 0)
            return makeError(-r, "udev monitor filter for subsystem %s", subsystem);
    }
    if (int r = udev_monitor_enable_receiving(d.monitor); r < 0)
        return makeError(-r, "udev monitor on the %s netlink group: enable receiving",
                         d.sourceName);

    Impl *impl = self->impl_.get();
    Result<EventLoop::Id> source = loop.addFd(udev_monitor_get_fd(d.monitor), EPOLLIN,
                                              [impl](uint32_t) { impl->onReadable(); });
    if (!source)
        return source.error();
    d.source = *source;
    LOG_DEBUG("hotplug: watching %zu subsystem(s) through %s events", subsystems.size(),
              d.sourceName);
    return self;
}

HotplugMonitor::~HotplugMonitor() = default;

const char *HotplugMonitor::source() const
{
    return impl_->sourceName;
}

} /* namespace scanout */
