/* SPDX-License-Identifier: MIT */
#include <scanout/screenshot.h>

#include <algorithm>
#include <cerrno>

#include <xf86drmMode.h>

#include "kms/properties.h"
#include "kms/writeback.h"

namespace scanout {

namespace {

/* The display connector CRTC \a crtcId drives, or nullptr. */
const ConnectorInfo *displayConnectorOf(const Snapshot &snapshot, uint32_t crtcId)
{
    for (const ConnectorInfo &c : snapshot.connectors)
        if (!c.writeback() && c.crtcId == crtcId)
            return &c;
    return nullptr;
}

/*
 * A CRTC keeps its mode while switched off (DPMS off through fbdev blanking
 * sets ACTIVE 0 only), so ACTIVE decides; the mode is the fallback.
 */
bool isActive(int fd, const PropertyTable &props, const CrtcInfo &crtc)
{
    if (!crtc.mode)
        return false;
    auto it = props.crtcs.find(crtc.id);
    if (it == props.crtcs.end() || !it->second.active)
        return true;
    Result<uint64_t> active =
        readPropertyValue(fd, crtc.id, DRM_MODE_OBJECT_CRTC, it->second.active);
    return !active || *active != 0;
}

Result<const CrtcInfo *> targetCrtc(int fd, const Snapshot &snapshot, const PropertyTable &props,
                                    const CaptureTarget &target)
{
    const DeviceInfo &dev = snapshot.device;
    auto active = [&](const CrtcInfo *crtc) { return crtc && isActive(fd, props, *crtc); };
    if (!target.connector.empty()) {
        for (const ConnectorInfo &c : snapshot.connectors) {
            if (c.name != target.connector)
                continue;
            const CrtcInfo *crtc = snapshot.crtc(c.crtcId);
            if (!active(crtc))
                return makeError(ENOENT, "%s (%s): connector %s is not on an active CRTC",
                                 dev.path.c_str(), dev.driver.c_str(), c.name.c_str());
            return crtc;
        }
        return makeError(ENOENT, "%s (%s): no connector named %s", dev.path.c_str(),
                         dev.driver.c_str(), target.connector.c_str());
    }
    if (target.crtcId) {
        const CrtcInfo *crtc = snapshot.crtc(target.crtcId);
        if (!crtc)
            return makeError(ENOENT, "%s (%s): no CRTC %u", dev.path.c_str(), dev.driver.c_str(),
                             target.crtcId);
        if (!active(crtc))
            return makeError(ENOENT, "%s (%s): CRTC %u is not active", dev.path.c_str(),
                             dev.driver.c_str(), target.crtcId);
        return crtc;
    }
    for (const CrtcInfo &crtc : snapshot.crtcs)
        if (active(&crtc))
            return &crtc;
    return makeError(ENOENT, "%s (%s): no active CRTC to capture", dev.path.c_str(),
                     dev.driver.c_str());
}

} /* namespace */

Result<Screenshot> captureScreen(const Device &device, const CaptureTarget &target)
{
    const DeviceInfo &dev = device.info();
    if (!dev.caps.atomic)
        return makeError(ENOTSUP,
                         "%s (%s): no atomic modesetting; screenshots need a writeback "
                         "connector, which needs atomic",
                         dev.path.c_str(), dev.driver.c_str());
    if (!dev.caps.writebackConnectors)
        return makeError(ENOTSUP,
                         "%s (%s): writeback connectors are hidden (open the device with "
                         "DeviceOptions::writeback)",
                         dev.path.c_str(), dev.driver.c_str());

    PropertyCache properties(device.fd());
    Result<Snapshot> snapshot = readSnapshot(properties, dev);
    if (!snapshot)
        return snapshot.error();
    Result<PropertyTable> props = readPropertyTable(properties, *snapshot);
    if (!props)
        return props.error();

    /* "No writeback" comes first: without one, which CRTC is active does not matter. */
    if (std::none_of(snapshot->connectors.begin(), snapshot->connectors.end(),
                     [](const ConnectorInfo &c) { return c.writeback(); }))
        return makeError(ENOTSUP, "%s (%s): no writeback connector; screenshots need one",
                         dev.path.c_str(), dev.driver.c_str());

    Result<const CrtcInfo *> crtc = targetCrtc(device.fd(), *snapshot, *props, target);
    if (!crtc)
        return crtc.error();
    Result<WritebackChoice> wb = chooseWriteback(*snapshot, *props, (*crtc)->id);
    if (!wb)
        return wb.error();

    Result<Image> image =
        captureWriteback(device.fd(), *snapshot, *props, (*crtc)->id, *(*crtc)->mode);
    if (!image)
        return image.error();

    Screenshot shot;
    shot.image = std::move(*image);
    shot.crtcId = (*crtc)->id;
    if (const ConnectorInfo *c = displayConnectorOf(*snapshot, shot.crtcId))
        shot.connector = c->name;
    shot.writeback = wb->name;
    return shot;
}

} /* namespace scanout */
