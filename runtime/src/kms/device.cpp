/* SPDX-License-Identifier: MIT */
#include <scanout/device.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <scanout/log.h>
#include <scanout/session.h>

#include "kms/drm_mode.h"
#include "kms/drm_ptr.h"
#include "kms/properties.h"

namespace scanout {

namespace {

struct DrmDevices {
    drmDevicePtr list[64];
    int count = 0;
    ~DrmDevices()
    {
        if (count > 0)
            drmFreeDevices(list, count);
    }
};

bool hasKms(const drmModeRes *res)
{
    return res && res->count_crtcs > 0 && res->count_connectors > 0;
}

bool hasKms(int fd)
{
    DrmPtr<drmModeRes> res(drmModeGetResources(fd));
    return hasKms(res.get());
}

/* Names only: GETCONNECTOR_CURRENT probes nothing, so no EDID is read. */
std::vector<std::string> connectorNames(int fd, const drmModeRes &res)
{
    std::vector<std::string> names;
    for (int i = 0; i < res.count_connectors; i++)
        if (DrmPtr<drmModeConnector> c(drmModeGetConnectorCurrent(fd, res.connectors[i])); c)
            names.push_back(connectorName(*c));
    return names;
}

std::string driverName(int fd)
{
    DrmPtr<drmVersion> v(drmGetVersion(fd));
    return v && v->name ? std::string(v->name, static_cast<size_t>(v->name_len)) : std::string();
}

std::string busInfo(const drmDevice &dev)
{
    switch (dev.bustype) {
    case DRM_BUS_PCI:
        return format("pci:%04x:%02x:%02x.%u", dev.businfo.pci->domain, dev.businfo.pci->bus,
                      dev.businfo.pci->dev, dev.businfo.pci->func);
    case DRM_BUS_PLATFORM:
        return format("platform:%s", dev.businfo.platform->fullname);
    case DRM_BUS_USB:
        return format("usb:%03u:%03u", dev.businfo.usb->bus, dev.businfo.usb->dev);
    case DRM_BUS_HOST1X:
        return format("host1x:%s", dev.businfo.host1x->fullname);
    default:
        return "unknown";
    }
}

uint64_t cap(int fd, uint64_t which)
{
    uint64_t value = 0;
    if (drmGetCap(fd, which, &value) < 0)
        return 0;
    return value;
}

/* A node opened directly, or through a session and then closed through it. Move-only. */
class NodeFd
{
public:
    NodeFd(int fd, Session *session) : fd_(fd), session_(session) {}
    NodeFd(NodeFd &&other) noexcept : fd_(std::exchange(other.fd_, -1)), session_(other.session_) {}
    NodeFd &operator=(NodeFd &&) = delete;
    ~NodeFd()
    {
        if (fd_ < 0)
            return;
        if (session_)
            session_->closeDevice(fd_);
        else
            ::close(fd_);
    }

    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
    Session *session_;
};

Result<NodeFd> openNode(const std::string &path, Session *session)
{
    if (session) {
        Result<int> fd = session->openDevice(path, O_RDWR);
        if (!fd)
            return fd.error();
        return NodeFd(*fd, session);
    }
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return makeError(errno, "open %s", path.c_str());
    return NodeFd(fd, nullptr);
}

} /* namespace */

Result<std::vector<DeviceCandidate>> Device::enumerate(Session *session)
{
    DrmDevices devices;
    devices.count = drmGetDevices2(0, devices.list, 64);
    if (devices.count < 0)
        return makeError(-devices.count, "drmGetDevices2");

    std::vector<DeviceCandidate> out;
    for (int i = 0; i < devices.count; i++) {
        const drmDevice &dev = *devices.list[i];
        if (!(dev.available_nodes & (1 << DRM_NODE_PRIMARY)))
            continue;
        DeviceCandidate c;
        c.path = dev.nodes[DRM_NODE_PRIMARY];
        c.busInfo = busInfo(dev);
        Result<NodeFd> fd = openNode(c.path, session);
        if (fd) {
            c.driver = driverName(fd->get());
            DrmPtr<drmModeRes> res(drmModeGetResources(fd->get()));
            c.kms = hasKms(res.get());
            if (c.kms)
                c.connectors = connectorNames(fd->get(), *res);
        } else {
            LOG_DEBUG("%s", fd.error().describe().c_str());
        }
        out.push_back(std::move(c));
    }
    return out;
}

Result<std::unique_ptr<Device>> Device::open(const DeviceOptions &options)
{
    std::unique_ptr<Device> device(new Device());
    std::string path;

    if (!options.device.empty() && options.device.front() == '/') {
        path = options.device;
    } else {
        Result<std::vector<DeviceCandidate>> candidates = enumerate(options.session);
        if (!candidates)
            return candidates.error();
        std::string seen;
        for (const DeviceCandidate &c : *candidates) {
            std::string names;
            for (const std::string &n : c.connectors)
                names += (names.empty() ? ": " : " ") + n;
            seen += format("%s%s (%s%s)", seen.empty() ? "" : ", ", c.path.c_str(),
                           c.driver.c_str(), c.kms ? names.c_str() : ", no KMS");
            if (!c.kms)
                continue;
            if (!options.device.empty() && c.driver != options.device)
                continue;
            if (!options.connector.empty() && std::find(c.connectors.begin(), c.connectors.end(),
                                                        options.connector) == c.connectors.end())
                continue;
            path = c.path;
            break;
        }
        if (path.empty()) {
            std::string wanted =
                options.device.empty()
                    ? std::string("KMS-capable DRM device")
                    : format("KMS-capable DRM device with driver '%s'", options.device.c_str());
            if (!options.connector.empty())
                wanted += format(" and a connector %s", options.connector.c_str());
            return makeError(ENODEV, "no %s (devices: %s)", wanted.c_str(),
                             seen.empty() ? "none" : seen.c_str());
        }
    }

    Result<NodeFd> fd = openNode(path, options.session);
    if (!fd)
        return fd.error();
    device->fd_.reset(fd->release());
    device->session_ = options.session;
    int dfd = device->fd_.get();

    DeviceInfo &info = device->info_;
    info.path = path;
    DrmPtr<drmVersion> version(drmGetVersion(dfd));
    if (!version)
        return makeError(errno, "%s is not a DRM device (drmGetVersion)", path.c_str());
    info.driver.assign(version->name, static_cast<size_t>(version->name_len));
    info.description.assign(version->desc, static_cast<size_t>(version->desc_len));
    info.versionMajor = version->version_major;
    info.versionMinor = version->version_minor;
    info.versionPatch = version->version_patchlevel;

    drmDevicePtr dev = nullptr;
    if (drmGetDevice2(dfd, 0, &dev) == 0) {
        info.busInfo = busInfo(*dev);
        drmFreeDevice(&dev);
    }

    if (!hasKms(dfd))
        return makeError(ENODEV, "%s (%s) has no CRTCs or connectors: not a display device",
                         path.c_str(), info.driver.c_str());

    /*
     * The first opener of a primary node becomes master implicitly. If we
     * are not master now, someone else is, and drmSetMaster tells us
     * whether they still hold it.
     */
    if (options.session) {
        /* The session holds master while it is enabled and takes it back on enable. */
        if (options.master && options.session->active() && !drmIsMaster(dfd) &&
            drmSetMaster(dfd) < 0) {
            int err = errno;
            return makeError(err,
                             "cannot become DRM master on %s through the %s session: another "
                             "process (a compositor, an X server or another KMS app) holds it",
                             path.c_str(), options.session->backend());
        }
    } else if (options.master) {
        if (!drmIsMaster(dfd) && drmSetMaster(dfd) < 0) {
            int err = errno;
            return makeError(err,
                             "cannot become DRM master on %s: another process (a compositor, "
                             "an X server or another KMS app) holds it",
                             path.c_str());
        }
    } else if (drmIsMaster(dfd)) {
        /* Reading only: do not keep master from the app that wants it. */
        drmDropMaster(dfd);
    }

    DeviceCaps &caps = info.caps;
    caps.dumbBuffer = cap(dfd, DRM_CAP_DUMB_BUFFER);
    caps.prime = cap(dfd, DRM_CAP_PRIME) & DRM_PRIME_CAP_IMPORT;
    caps.addFb2Modifiers = cap(dfd, DRM_CAP_ADDFB2_MODIFIERS);
    caps.timestampMonotonic = cap(dfd, DRM_CAP_TIMESTAMP_MONOTONIC);
    caps.asyncPageFlip = cap(dfd, DRM_CAP_ASYNC_PAGE_FLIP);
    caps.crtcInVblankEvent = cap(dfd, DRM_CAP_CRTC_IN_VBLANK_EVENT);
    caps.cursorWidth = cap(dfd, DRM_CAP_CURSOR_WIDTH);
    caps.cursorHeight = cap(dfd, DRM_CAP_CURSOR_HEIGHT);

    if (drmSetClientCap(dfd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0)
        return makeError(errno, "%s: DRM_CLIENT_CAP_UNIVERSAL_PLANES", path.c_str());
    caps.universalPlanes = true;

    if (options.atomic) {
        caps.atomic = drmSetClientCap(dfd, DRM_CLIENT_CAP_ATOMIC, 1) == 0;
        if (!caps.atomic)
            LOG_INFO("%s (%s): no atomic modesetting (%s); using legacy", path.c_str(),
                     info.driver.c_str(), strerror(errno));
    }
    if (options.writeback) {
        caps.writebackConnectors =
            caps.atomic && drmSetClientCap(dfd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1) == 0;
        if (!caps.writebackConnectors)
            LOG_WARN("%s (%s): writeback connectors not available (%s)", path.c_str(),
                     info.driver.c_str(),
                     caps.atomic ? strerror(errno) : "they need atomic modesetting");
    }

    LOG_DEBUG("opened %s: driver %s %d.%d.%d, %s, atomic %s", path.c_str(), info.driver.c_str(),
              info.versionMajor, info.versionMinor, info.versionPatch, info.busInfo.c_str(),
              caps.atomic ? "yes" : "no");
    return device;
}

Device::~Device()
{
    if (session_ && fd_.isValid())
        session_->closeDevice(fd_.release());
}

Result<Snapshot> Device::snapshot() const
{
    PropertyCache cache(fd_.get());
    return readSnapshot(cache, info_);
}

} /* namespace scanout */
