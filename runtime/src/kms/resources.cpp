/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstring>
#include <memory>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include <scanout/log.h>

#include "kms/drm_mode.h"
#include "kms/drm_ptr.h"
#include "kms/properties.h"

namespace scanout {

PropertyCache::PropertyCache(int fd) : fd_(fd) {}

PropertyCache::~PropertyCache() = default;

void PropertyCache::Free::operator()(drmModePropertyRes *p) const
{
    drmModeFreeProperty(p);
}

Result<const drmModePropertyRes *> PropertyCache::get(uint32_t propertyId)
{
    auto it = properties_.find(propertyId);
    if (it != properties_.end())
        return it->second.get();
    std::unique_ptr<drmModePropertyRes, Free> prop(drmModeGetProperty(fd_, propertyId));
    if (!prop)
        return makeError(errno, "drmModeGetProperty %u on fd %d", propertyId, fd_);
    return properties_.emplace(propertyId, std::move(prop)).first->second.get();
}

Result<void> forEachProperty(PropertyCache &cache, uint32_t objectId, uint32_t objectType,
                             const std::function<void(const drmModePropertyRes &, uint64_t)> &fn)
{
    int fd = cache.fd();
    DrmPtr<drmModeObjectProperties> props(drmModeObjectGetProperties(fd, objectId, objectType));
    if (!props)
        return makeError(errno, "drmModeObjectGetProperties object %u on fd %d", objectId, fd);

    for (uint32_t i = 0; i < props->count_props; i++) {
        Result<const drmModePropertyRes *> prop = cache.get(props->props[i]);
        if (!prop)
            return makeError(prop.error().errnum(), "%s, a property of object %u",
                             prop.error().message().c_str(), objectId);
        fn(**prop, props->prop_values[i]);
    }
    return {};
}

Result<uint64_t> readPropertyValue(int fd, uint32_t objectId, uint32_t objectType,
                                   uint32_t propertyId)
{
    DrmPtr<drmModeObjectProperties> props(drmModeObjectGetProperties(fd, objectId, objectType));
    if (!props)
        return makeError(errno, "drmModeObjectGetProperties object %u on fd %d", objectId, fd);
    for (uint32_t i = 0; i < props->count_props; i++)
        if (props->props[i] == propertyId)
            return props->prop_values[i];
    return makeError(ENOENT, "object %u has no property %u", objectId, propertyId);
}

std::string connectorName(const drmModeConnector &connector)
{
    const char *type = drmModeGetConnectorTypeName(connector.connector_type);
    return format("%s-%u", type ? type : "Unknown", connector.connector_type_id);
}

ModeInfo toModeInfo(const drmModeModeInfo &m)
{
    ModeInfo mode;
    mode.clock = m.clock;
    mode.hdisplay = m.hdisplay;
    mode.hsyncStart = m.hsync_start;
    mode.hsyncEnd = m.hsync_end;
    mode.htotal = m.htotal;
    mode.hskew = m.hskew;
    mode.vdisplay = m.vdisplay;
    mode.vsyncStart = m.vsync_start;
    mode.vsyncEnd = m.vsync_end;
    mode.vtotal = m.vtotal;
    mode.vscan = m.vscan;
    mode.vrefresh = m.vrefresh;
    mode.flags = m.flags;
    mode.type = m.type;
    mode.name.assign(m.name, strnlen(m.name, sizeof(m.name)));
    return mode;
}

drmModeModeInfo toDrmMode(const ModeInfo &mode)
{
    drmModeModeInfo m{};
    m.clock = mode.clock;
    m.hdisplay = mode.hdisplay;
    m.hsync_start = mode.hsyncStart;
    m.hsync_end = mode.hsyncEnd;
    m.htotal = mode.htotal;
    m.hskew = mode.hskew;
    m.vdisplay = mode.vdisplay;
    m.vsync_start = mode.vsyncStart;
    m.vsync_end = mode.vsyncEnd;
    m.vtotal = mode.vtotal;
    m.vscan = mode.vscan;
    m.vrefresh = mode.vrefresh;
    m.flags = mode.flags;
    m.type = mode.type;
    std::strncpy(m.name, mode.name.c_str(), sizeof(m.name) - 1);
    return m;
}

namespace {

ConnectorStatus toStatus(drmModeConnection c)
{
    switch (c) {
    case DRM_MODE_CONNECTED:
        return ConnectorStatus::Connected;
    case DRM_MODE_DISCONNECTED:
        return ConnectorStatus::Disconnected;
    default:
        return ConnectorStatus::Unknown;
    }
}

Result<void> readPlaneDetails(PropertyCache &cache, PlaneInfo &plane)
{
    int fd = cache.fd();
    return forEachProperty(
        cache, plane.id, DRM_MODE_OBJECT_PLANE,
        [&](const drmModePropertyRes &prop, uint64_t value) {
            std::string_view name = prop.name;
            if (name == "type") {
                if (value == DRM_PLANE_TYPE_PRIMARY)
                    plane.type = PlaneType::Primary;
                else if (value == DRM_PLANE_TYPE_CURSOR)
                    plane.type = PlaneType::Cursor;
                else
                    plane.type = PlaneType::Overlay;
            } else if (name == "IN_FORMATS" && value) {
                DrmPtr<drmModePropertyBlobRes> blob(
                    drmModeGetPropertyBlob(fd, static_cast<uint32_t>(value)));
                if (!blob) {
                    /* The plane's format list (GETPLANE) still stands, without modifiers. */
                    LOG_WARN("plane %u: IN_FORMATS blob %llu: %s; its modifiers are unknown",
                             plane.id, static_cast<unsigned long long>(value), strerror(errno));
                    return;
                }
                plane.hasInFormats = true;
                drmModeFormatModifierIterator iter{};
                while (drmModeFormatModifierBlobIterNext(blob.get(), &iter)) {
                    PlaneFormat *f = nullptr;
                    for (PlaneFormat &existing : plane.formats)
                        if (existing.format == iter.fmt)
                            f = &existing;
                    if (!f) {
                        plane.formats.push_back({iter.fmt, {}});
                        f = &plane.formats.back();
                    }
                    f->modifiers.push_back(iter.mod);
                }
            } else if (name == "zpos") {
                plane.zpos = value;
                plane.zposImmutable = prop.flags & DRM_MODE_PROP_IMMUTABLE;
                if ((prop.flags & DRM_MODE_PROP_RANGE) && prop.count_values >= 2) {
                    plane.zposMin = prop.values[0];
                    plane.zposMax = prop.values[1];
                }
            } else if (name == "rotation" && (prop.flags & DRM_MODE_PROP_BITMASK)) {
                for (int i = 0; i < prop.count_enums; i++)
                    plane.rotations.push_back(prop.enums[i].name);
            }
        });
}

} /* namespace */

Result<Snapshot> readSnapshot(PropertyCache &cache, const DeviceInfo &device)
{
    int fd = cache.fd();
    Snapshot snap;
    snap.device = device;

    DrmPtr<drmModeRes> res(drmModeGetResources(fd));
    if (!res)
        return makeError(errno, "drmModeGetResources on %s", device.path.c_str());

    for (int i = 0; i < res->count_crtcs; i++) {
        DrmPtr<drmModeCrtc> crtc(drmModeGetCrtc(fd, res->crtcs[i]));
        if (!crtc)
            return makeError(errno, "drmModeGetCrtc %u", res->crtcs[i]);
        CrtcInfo info;
        info.id = crtc->crtc_id;
        info.index = static_cast<uint32_t>(i);
        info.fbId = crtc->buffer_id;
        info.x = crtc->x;
        info.y = crtc->y;
        if (crtc->mode_valid)
            info.mode = toModeInfo(crtc->mode);
        info.gammaSize = static_cast<uint32_t>(crtc->gamma_size);
        snap.crtcs.push_back(std::move(info));
    }

    for (int i = 0; i < res->count_encoders; i++) {
        DrmPtr<drmModeEncoder> enc(drmModeGetEncoder(fd, res->encoders[i]));
        if (!enc)
            return makeError(errno, "drmModeGetEncoder %u", res->encoders[i]);
        snap.encoders.push_back({enc->encoder_id, enc->crtc_id, enc->possible_crtcs});
    }

    for (int i = 0; i < res->count_connectors; i++) {
        /* Probes the connector (may take a while on real outputs: EDID is read). */
        DrmPtr<drmModeConnector> conn(drmModeGetConnector(fd, res->connectors[i]));
        if (!conn)
            return makeError(errno, "drmModeGetConnector %u", res->connectors[i]);
        ConnectorInfo info;
        info.id = conn->connector_id;
        info.type = conn->connector_type;
        info.typeId = conn->connector_type_id;
        info.name = connectorName(*conn);
        info.status = toStatus(conn->connection);
        info.widthMm = conn->mmWidth;
        info.heightMm = conn->mmHeight;
        info.encoderId = conn->encoder_id;
        if (const EncoderInfo *enc = snap.encoder(conn->encoder_id))
            info.crtcId = enc->crtcId;
        info.encoders.assign(conn->encoders, conn->encoders + conn->count_encoders);
        for (int m = 0; m < conn->count_modes; m++)
            info.modes.push_back(toModeInfo(conn->modes[m]));
        snap.connectors.push_back(std::move(info));
    }

    DrmPtr<drmModePlaneRes> planes(drmModeGetPlaneResources(fd));
    if (!planes)
        return makeError(errno, "drmModeGetPlaneResources on %s", device.path.c_str());
    for (uint32_t i = 0; i < planes->count_planes; i++) {
        DrmPtr<drmModePlane> p(drmModeGetPlane(fd, planes->planes[i]));
        if (!p)
            return makeError(errno, "drmModeGetPlane %u", planes->planes[i]);
        PlaneInfo info;
        info.id = p->plane_id;
        info.possibleCrtcs = p->possible_crtcs;
        info.crtcId = p->crtc_id;
        info.fbId = p->fb_id;
        for (uint32_t f = 0; f < p->count_formats; f++)
            info.formats.push_back({p->formats[f], {}});
        if (Result<void> r = readPlaneDetails(cache, info); !r)
            return r.error();
        snap.planes.push_back(std::move(info));
    }
    return snap;
}

Result<PropertyTable> readPropertyTable(PropertyCache &cache, const Snapshot &snapshot)
{
    int fd = cache.fd();
    PropertyTable table;

    for (const CrtcInfo &crtc : snapshot.crtcs) {
        CrtcProps &p = table.crtcs[crtc.id];
        Result<void> r = forEachProperty(cache, crtc.id, DRM_MODE_OBJECT_CRTC,
                                         [&](const drmModePropertyRes &prop, uint64_t) {
                                             std::string_view name = prop.name;
                                             if (name == "ACTIVE")
                                                 p.active = prop.prop_id;
                                             else if (name == "MODE_ID")
                                                 p.modeId = prop.prop_id;
                                         });
        if (!r)
            return r.error();
    }

    for (const ConnectorInfo &conn : snapshot.connectors) {
        ConnectorProps &p = table.connectors[conn.id];
        uint64_t formatsBlob = 0;
        Result<void> r = forEachProperty(cache, conn.id, DRM_MODE_OBJECT_CONNECTOR,
                                         [&](const drmModePropertyRes &prop, uint64_t value) {
                                             std::string_view name = prop.name;
                                             if (name == "CRTC_ID") {
                                                 p.crtcId = prop.prop_id;
                                             } else if (name == "WRITEBACK_FB_ID") {
                                                 p.writebackFbId = prop.prop_id;
                                             } else if (name == "WRITEBACK_OUT_FENCE_PTR") {
                                                 p.writebackOutFencePtr = prop.prop_id;
                                             } else if (name == "WRITEBACK_PIXEL_FORMATS") {
                                                 p.writebackPixelFormats = prop.prop_id;
                                                 formatsBlob = value;
                                             }
                                         });
        if (!r)
            return r.error();
        if (formatsBlob) {
            /* An immutable blob of u32 fourccs. */
            DrmPtr<drmModePropertyBlobRes> blob(
                drmModeGetPropertyBlob(fd, static_cast<uint32_t>(formatsBlob)));
            if (!blob)
                return makeError(errno, "connector %u (%s): WRITEBACK_PIXEL_FORMATS blob %llu",
                                 conn.id, conn.name.c_str(),
                                 static_cast<unsigned long long>(formatsBlob));
            const auto *formats = static_cast<const uint32_t *>(blob->data);
            p.writebackFormats.assign(formats, formats + blob->length / sizeof(uint32_t));
        }
    }

    for (const PlaneInfo &plane : snapshot.planes) {
        PlaneProps &p = table.planes[plane.id];
        struct {
            const char *name;
            uint32_t *id;
        } wanted[] = {
            {"FB_ID", &p.fbId},
            {"CRTC_ID", &p.crtcId},
            {"SRC_X", &p.srcX},
            {"SRC_Y", &p.srcY},
            {"SRC_W", &p.srcW},
            {"SRC_H", &p.srcH},
            {"CRTC_X", &p.crtcX},
            {"CRTC_Y", &p.crtcY},
            {"CRTC_W", &p.crtcW},
            {"CRTC_H", &p.crtcH},
            {"zpos", &p.zpos},
            {"rotation", &p.rotation},
            {"IN_FENCE_FD", &p.inFenceFd},
        };
        Result<void> r = forEachProperty(cache, plane.id, DRM_MODE_OBJECT_PLANE,
                                         [&](const drmModePropertyRes &prop, uint64_t) {
                                             for (auto &w : wanted)
                                                 if (!std::strcmp(prop.name, w.name))
                                                     *w.id = prop.prop_id;
                                         });
        if (!r)
            return r.error();
    }
    return table;
}

} /* namespace scanout */
