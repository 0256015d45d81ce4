/* SPDX-License-Identifier: MIT */
#include "kms/writeback.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <poll.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <scanout/log.h>
#include <scanout/select.h>
#include <scanout/unique_fd.h>

#include "kms/commit.h"
#include "kms/drm_ptr.h"
#include "kms/framebuffer.h"

namespace scanout {

Result<WritebackChoice> chooseWriteback(const Snapshot &snapshot, const PropertyTable &props,
                                        uint32_t crtcId)
{
    std::optional<uint32_t> index = crtcIndex(snapshot, crtcId);
    if (!index)
        return makeError(ENOENT, "%s: no CRTC %u", snapshot.device.path.c_str(), crtcId);

    std::string seen;
    for (const ConnectorInfo &conn : snapshot.connectors) {
        if (!conn.writeback())
            continue;
        bool reaches = false;
        for (uint32_t encoderId : conn.encoders)
            if (const EncoderInfo *enc = snapshot.encoder(encoderId))
                reaches |= (enc->possibleCrtcs >> *index) & 1;
        auto it = props.connectors.find(conn.id);
        bool usable = it != props.connectors.end() && it->second.crtcId &&
                      it->second.writebackFbId && it->second.writebackOutFencePtr;
        bool xrgb = usable && std::count(it->second.writebackFormats.begin(),
                                         it->second.writebackFormats.end(), kFormatXrgb8888);
        seen += format("%s%s (%s)", seen.empty() ? "" : ", ", conn.name.c_str(),
                       !reaches  ? "not for this CRTC"
                       : !usable ? "lacks writeback properties"
                       : !xrgb   ? "no XR24"
                                 : "ok");
        if (reaches && usable && xrgb)
            return WritebackChoice{conn.id, conn.name, kFormatXrgb8888};
    }
    if (seen.empty())
        return makeError(ENOTSUP, "%s (%s): no writeback connector; screenshots need one",
                         snapshot.device.path.c_str(), snapshot.device.driver.c_str());
    return makeError(ENOTSUP, "%s (%s): no writeback connector can capture CRTC %u in XR24 (%s)",
                     snapshot.device.path.c_str(), snapshot.device.driver.c_str(), crtcId,
                     seen.c_str());
}

Image imageFromXrgb8888(const uint8_t *data, uint32_t pitch, uint32_t width, uint32_t height)
{
    Image image;
    image.width = width;
    image.height = height;
    image.rgb.resize(size_t{width} * height * 3);
    uint8_t *out = image.rgb.data();
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *row = data + size_t{y} * pitch;
        for (uint32_t x = 0; x < width; x++, out += 3) {
            /* XRGB8888 is a little-endian 32-bit word: bytes B, G, R, X. */
            out[0] = row[x * 4 + 2];
            out[1] = row[x * 4 + 1];
            out[2] = row[x * 4 + 0];
        }
    }
    return image;
}

namespace {

/* One atomic commit of \a values; 0 or a negative errno, as the ioctl gives it. */
int commitValues(int fd, const std::vector<PropertyValue> &values, uint32_t flags)
{
    DrmPtr<drmModeAtomicReq> req(drmModeAtomicAlloc());
    if (!req)
        return -ENOMEM;
    for (const PropertyValue &v : values)
        if (drmModeAtomicAddProperty(req.get(), v.object, v.property, v.value) < 0)
            return -ENOMEM;
    return drmModeAtomicCommit(fd, req.get(), flags, nullptr) < 0 ? -errno : 0;
}

/* The display connectors routed to \a crtcId now (the snapshot may predate a modeset). */
Result<std::vector<uint32_t>> routedDisplays(int fd, const Snapshot &snapshot,
                                             const PropertyTable &props, uint32_t crtcId)
{
    std::vector<uint32_t> out;
    for (const ConnectorInfo &conn : snapshot.connectors) {
        auto it = props.connectors.find(conn.id);
        if (conn.writeback() || it == props.connectors.end() || !it->second.crtcId)
            continue;
        Result<uint64_t> value =
            readPropertyValue(fd, conn.id, DRM_MODE_OBJECT_CONNECTOR, it->second.crtcId);
        if (!value)
            return makeError(value.error().errnum(), "connector %u (%s): CRTC_ID: %s", conn.id,
                             conn.name.c_str(), value.error().message().c_str());
        if (*value == crtcId)
            out.push_back(conn.id);
    }
    return out;
}

/* Polls \a fence until it signals; the error names the connector and the time waited. */
Result<void> waitFence(int fence, const WritebackChoice &wb, uint32_t crtcId)
{
    auto start = std::chrono::steady_clock::now();
    for (;;) {
        auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
        int left = kWritebackTimeoutMs - static_cast<int>(waited);
        if (left <= 0)
            return makeError(ETIMEDOUT,
                             "writeback %s (connector %u) of CRTC %u: out fence %d did not "
                             "signal within %d ms",
                             wb.name.c_str(), wb.connectorId, crtcId, fence, kWritebackTimeoutMs);
        pollfd p{fence, POLLIN, 0};
        int n = poll(&p, 1, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError(errno, "writeback %s (connector %u): poll out fence %d",
                             wb.name.c_str(), wb.connectorId, fence);
        if (n > 0 && (p.revents & (POLLERR | POLLNVAL)))
            return makeError(EIO, "writeback %s (connector %u): out fence %d signalled an error",
                             wb.name.c_str(), wb.connectorId, fence);
        if (n > 0)
            return {};
    }
}

} /* namespace */

Result<Image> captureWriteback(int fd, const Snapshot &snapshot, const PropertyTable &props,
                               uint32_t crtcId, const ModeInfo &mode)
{
    Result<WritebackChoice> choice = chooseWriteback(snapshot, props, crtcId);
    if (!choice)
        return choice.error();
    const WritebackChoice &wb = *choice;
    const ConnectorProps &p = props.connectors.at(wb.connectorId);
    if (!mode.hdisplay || !mode.vdisplay)
        return makeError(EINVAL, "writeback %s: CRTC %u has no mode (is it active?)",
                         wb.name.c_str(), crtcId);
    Result<std::vector<uint32_t>> routed = routedDisplays(fd, snapshot, props, crtcId);
    if (!routed)
        return routed.error();

    /* The writeback buffer must have the CRTC's size (drivers check it). */
    Result<std::unique_ptr<DumbBuffer>> buffer =
        DumbBuffer::create(fd, mode.hdisplay, mode.vdisplay, wb.format);
    if (!buffer)
        return buffer.error();
    const DumbBuffer &buf = **buffer;

    /* The kernel writes the out fence's fd here during the commit. */
    int32_t fenceFd = -1;
    std::vector<PropertyValue> attach = {
        {wb.connectorId, p.crtcId, crtcId},
        {wb.connectorId, p.writebackFbId, buf.framebuffer().id()},
        {wb.connectorId, p.writebackOutFencePtr,
         static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&fenceFd))},
    };
    std::vector<PropertyValue> restore = {{wb.connectorId, p.crtcId, 0}};

    const char *alsoAlone = "";
    int ret = commitValues(fd, attach, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET);
    if (ret == -EINVAL && !routed->empty()) {
        /*
         * The kernel refuses the writeback encoder as a clone of the
         * display's when their possible_clones masks do not list each other
         * (drm_atomic_check_valid_clones, present in Debian's 6.1 kernel;
         * vkms leaves the masks empty, which the core turns into "no
         * clones"). Then capture with the writeback connector alone on the
         * CRTC and route the displays back after: planes and mode stay, and
         * the displays see one extra modeset.
         */
        std::vector<PropertyValue> alone = attach;
        for (uint32_t id : *routed) {
            alone.push_back({id, props.connectors.at(id).crtcId, 0});
            restore.push_back({id, props.connectors.at(id).crtcId, crtcId});
        }
        ret = commitValues(fd, alone, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET);
        if (ret == 0) {
            LOG_DEBUG("writeback %s: not a clone of the displays of CRTC %u on %s; capturing "
                      "with %zu display connector(s) unrouted",
                      wb.name.c_str(), crtcId, snapshot.device.path.c_str(), routed->size());
            attach = std::move(alone);
        } else {
            restore.resize(1);
            ret = -EINVAL;
            alsoAlone = " (also with the display connectors unrouted)";
        }
    }
    if (ret == 0)
        ret = commitValues(fd, attach, DRM_MODE_ATOMIC_ALLOW_MODESET);
    if (ret < 0)
        return makeError(-ret,
                         "writeback %s (connector %u): capture commit for CRTC %u %ux%u "
                         "(ALLOW_MODESET) on %s%s",
                         wb.name.c_str(), wb.connectorId, crtcId, mode.hdisplay, mode.vdisplay,
                         snapshot.device.path.c_str(), alsoAlone);
    UniqueFd fence(fenceFd);

    Result<void> written = fence.isValid()
                               ? waitFence(fence.get(), wb, crtcId)
                               : makeError(EIO, "writeback %s (connector %u): no out fence",
                                           wb.name.c_str(), wb.connectorId);
    Image image;
    if (written)
        image = imageFromXrgb8888(buf.data(), buf.pitch(), mode.hdisplay, mode.vdisplay);

    /*
     * Put the routing back whatever happened, so that the CRTC is as the
     * caller left it. The writeback job holds its own reference on the
     * framebuffer, so the buffer may go when this returns.
     */
    ret = commitValues(fd, restore, DRM_MODE_ATOMIC_ALLOW_MODESET);
    Result<void> restored;
    if (ret < 0)
        restored = makeError(-ret,
                             "writeback %s (connector %u): restoring the routing of CRTC %u "
                             "(ALLOW_MODESET) on %s",
                             wb.name.c_str(), wb.connectorId, crtcId, snapshot.device.path.c_str());
    if (!written) {
        if (!restored)
            LOG_ERROR("%s", restored.error().describe().c_str());
        return written.error();
    }
    if (!restored)
        return restored.error();
    LOG_DEBUG("writeback %s (connector %u): captured CRTC %u, %ux%u %s", wb.name.c_str(),
              wb.connectorId, crtcId, mode.hdisplay, mode.vdisplay, fourccName(wb.format).c_str());
    return image;
}

} /* namespace scanout */
