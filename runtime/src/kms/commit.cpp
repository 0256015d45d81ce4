/* SPDX-License-Identifier: MIT */
#include "kms/commit.h"

#include <cerrno>
#include <cstring>
#include <optional>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include <scanout/log.h>

#include "kms/drm_mode.h"
#include "kms/drm_ptr.h"

namespace scanout {

PlaneState fullScreenPlane(uint32_t planeId, uint32_t fbId, uint32_t width, uint32_t height)
{
    PlaneState p;
    p.planeId = planeId;
    p.fbId = fbId;
    p.crtcW = width;
    p.crtcH = height;
    p.srcW = width << 16;
    p.srcH = height << 16;
    return p;
}

const char *commitKindName(CommitKind kind)
{
    switch (kind) {
    case CommitKind::Test:
        return "TEST_ONLY|ALLOW_MODESET";
    case CommitKind::Modeset:
        return "ALLOW_MODESET";
    case CommitKind::Flip:
        return "NONBLOCK|PAGE_FLIP_EVENT";
    }
    return "?";
}

uint32_t atomicFlags(CommitKind kind)
{
    switch (kind) {
    case CommitKind::Test:
        return DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET;
    case CommitKind::Modeset:
        return DRM_MODE_ATOMIC_ALLOW_MODESET;
    case CommitKind::Flip:
        return DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
    }
    return 0;
}

Result<std::vector<PropertyValue>> buildAtomicRequest(const OutputState &state,
                                                      const PropertyTable &props, bool modeset,
                                                      uint32_t modeBlob)
{
    /* Sized once: at most 3 CRTC and connector values, 12 per plane, 2 per plane turned off. */
    std::vector<PropertyValue> out;
    out.reserve(3 + 12 * state.planes.size() + 2 * state.disablePlanes.size());

    auto crtcIt = props.crtcs.find(state.crtcId);
    if (crtcIt == props.crtcs.end())
        return makeError(ENOENT, "CRTC %u: no property table", state.crtcId);
    const CrtcProps &crtc = crtcIt->second;

    if (modeset) {
        if (!crtc.active || !crtc.modeId)
            return makeError(ENOTSUP, "CRTC %u lacks ACTIVE or MODE_ID", state.crtcId);
        auto connIt = props.connectors.find(state.connectorId);
        if (connIt == props.connectors.end() || !connIt->second.crtcId)
            return makeError(ENOTSUP, "connector %u lacks CRTC_ID", state.connectorId);

        out.push_back({state.connectorId, connIt->second.crtcId, state.active ? state.crtcId : 0});
        out.push_back({state.crtcId, crtc.modeId, state.active ? modeBlob : 0});
        out.push_back({state.crtcId, crtc.active, state.active ? 1u : 0u});
    }

    for (const PlaneState &plane : state.planes) {
        auto it = props.planes.find(plane.planeId);
        if (it == props.planes.end())
            return makeError(ENOENT, "plane %u: no property table", plane.planeId);
        const PlaneProps &p = it->second;
        if (!p.fbId || !p.crtcId || !p.srcW || !p.crtcW)
            return makeError(ENOTSUP, "plane %u lacks FB_ID, CRTC_ID or geometry properties",
                             plane.planeId);

        bool on = plane.fbId != 0 && state.active;
        out.push_back({plane.planeId, p.fbId, on ? plane.fbId : 0});
        out.push_back({plane.planeId, p.crtcId, on ? state.crtcId : 0});
        if (!on)
            continue;
        out.push_back({plane.planeId, p.srcX, plane.srcX});
        out.push_back({plane.planeId, p.srcY, plane.srcY});
        out.push_back({plane.planeId, p.srcW, plane.srcW});
        out.push_back({plane.planeId, p.srcH, plane.srcH});
        /* CRTC_X/Y are signed 32-bit values carried in a u64 property. */
        out.push_back({plane.planeId, p.crtcX, static_cast<uint64_t>(int64_t{plane.crtcX})});
        out.push_back({plane.planeId, p.crtcY, static_cast<uint64_t>(int64_t{plane.crtcY})});
        out.push_back({plane.planeId, p.crtcW, plane.crtcW});
        out.push_back({plane.planeId, p.crtcH, plane.crtcH});
        if (plane.rotation) {
            if (!p.rotation)
                return makeError(ENOTSUP, "plane %u has no rotation property", plane.planeId);
            out.push_back({plane.planeId, p.rotation, plane.rotation});
        }
        if (plane.zpos) {
            if (!p.zpos)
                return makeError(ENOTSUP, "plane %u has no zpos property", plane.planeId);
            out.push_back({plane.planeId, p.zpos, *plane.zpos});
        }
    }

    for (uint32_t planeId : state.disablePlanes) {
        auto it = props.planes.find(planeId);
        if (it == props.planes.end())
            return makeError(ENOENT, "plane %u: no property table", planeId);
        out.push_back({planeId, it->second.fbId, 0});
        out.push_back({planeId, it->second.crtcId, 0});
    }
    return out;
}

std::vector<PropertyValue> changedSince(const AppliedProperties &applied,
                                        std::vector<PropertyValue> request,
                                        const PropertyValue &anchor)
{
    std::erase_if(request, [&](const PropertyValue &p) {
        auto it = applied.find({p.object, p.property});
        return it != applied.end() && it->second == p.value;
    });
    if (request.empty())
        request.push_back(anchor);
    return request;
}

namespace {

/* Owns a property blob through the io interface; destroys it unless released. */
class PropertyBlob
{
public:
    PropertyBlob() = default;
    PropertyBlob(KmsIo *io, uint32_t id) : io_(io), id_(id) {}
    PropertyBlob(PropertyBlob &&o) noexcept : io_(o.io_), id_(std::exchange(o.id_, 0)) {}
    PropertyBlob &operator=(PropertyBlob &&o) noexcept
    {
        if (this != &o) {
            reset();
            io_ = o.io_;
            id_ = std::exchange(o.id_, 0);
        }
        return *this;
    }
    PropertyBlob(const PropertyBlob &) = delete;
    PropertyBlob &operator=(const PropertyBlob &) = delete;
    ~PropertyBlob() { reset(); }

    uint32_t id() const { return id_; }
    void reset()
    {
        if (id_ && io_)
            io_->destroyBlob(id_);
        id_ = 0;
    }

private:
    KmsIo *io_ = nullptr;
    uint32_t id_ = 0;
};

class AtomicBackend : public CommitBackend
{
public:
    AtomicBackend(KmsIo &io, const PropertyTable &props) : io_(io), props_(props) {}
    const char *name() const override { return "atomic"; }

    Result<void> commit(const OutputState &state, CommitKind kind, void *user) override
    {
        bool modeset = kind != CommitKind::Flip;

        /* Prepare: the blob belongs to this attempt until the commit succeeds. */
        PropertyBlob blob;
        if (modeset && state.active) {
            uint32_t id = 0;
            int ret = io_.createModeBlob(state.mode, &id);
            if (ret < 0)
                return makeError(-ret, "CRTC %u: create MODE_ID blob for %s", state.crtcId,
                                 state.mode.name.c_str());
            blob = PropertyBlob(&io_, id);
        }

        Result<std::vector<PropertyValue>> request =
            buildAtomicRequest(state, props_, modeset, blob.id());
        if (!request)
            return request.error();
        /* A flip sends what changed; TEST_ONLY and modesets state everything. */
        if (kind == CommitKind::Flip)
            if (std::optional<PropertyValue> anchor = anchorOf(state))
                *request = changedSince(applied_, std::move(*request), *anchor);

        int ret = io_.atomicCommit(*request, atomicFlags(kind), user);
        if (ret < 0) {
            /* Roll back: the new blob dies with this scope. Past EBUSY the kernel's state is
             * in doubt, so the next commit states everything again. */
            if (kind != CommitKind::Test && ret != -EBUSY)
                applied_.clear();
            Error err =
                makeError(-ret, "atomic commit (%s) on CRTC %u, connector %u, %zu props",
                          commitKindName(kind), state.crtcId, state.connectorId, request->size());
            if (kind == CommitKind::Test)
                LOG_DEBUG("%s", err.describe().c_str());
            return err;
        }

        /* Apply: a real modeset replaces the blob the CRTC holds, and the state it states
         * replaces what was known (another master may have changed the rest). */
        if (kind == CommitKind::Test)
            return {};
        if (kind == CommitKind::Modeset) {
            modeBlob_ = std::move(blob);
            applied_.clear();
        }
        for (const PropertyValue &p : *request)
            applied_[{p.object, p.property}] = p.value;
        return {};
    }

private:
    /* The FB_ID of the first plane that is on: it brings the CRTC, and the event, in. */
    std::optional<PropertyValue> anchorOf(const OutputState &state) const
    {
        if (!state.active)
            return std::nullopt;
        for (const PlaneState &plane : state.planes)
            if (auto it = props_.planes.find(plane.planeId);
                plane.fbId && it != props_.planes.end())
                return PropertyValue{plane.planeId, it->second.fbId, plane.fbId};
        return std::nullopt;
    }

    KmsIo &io_;
    const PropertyTable &props_;
    PropertyBlob modeBlob_;
    AppliedProperties applied_;
};

class LegacyBackend : public CommitBackend
{
public:
    explicit LegacyBackend(KmsIo &io) : io_(io) {}
    const char *name() const override { return "legacy"; }

    Result<void> commit(const OutputState &state, CommitKind kind, void *user) override
    {
        /* Legacy KMS cannot validate without applying; the modeset itself is the test. */
        if (kind == CommitKind::Test)
            return {};
        if (state.planes.empty())
            return makeError(EINVAL, "CRTC %u: no primary plane state", state.crtcId);
        const PlaneState &primary = state.planes.front();
        for (const PlaneState &plane : state.planes) {
            if (plane.rotation > 1) /* anything but DRM_MODE_ROTATE_0 */
                return makeError(ENOTSUP, "plane %u: legacy KMS cannot rotate planes",
                                 plane.planeId);
            if (plane.zpos)
                return makeError(ENOTSUP, "plane %u: legacy KMS sets no zpos", plane.planeId);
        }

        /* Other planes through SetPlane: synchronous with no event of their own. */
        auto setPlanes = [&]() -> Result<void> {
            for (size_t i = 1; i < state.planes.size(); i++)
                if (int r = io_.setPlane(state.crtcId, state.planes[i]); r < 0)
                    return makeError(-r, "drmModeSetPlane plane %u on CRTC %u",
                                     state.planes[i].planeId, state.crtcId);
            return {};
        };

        int ret;
        if (kind == CommitKind::Modeset) {
            std::vector<uint32_t> connectors;
            if (state.active)
                connectors.push_back(state.connectorId);
            ret = io_.setCrtc(state.crtcId, state.active ? primary.fbId : 0, primary.srcX >> 16,
                              primary.srcY >> 16, connectors, state.active ? &state.mode : nullptr);
            if (ret < 0)
                return makeError(-ret, "drmModeSetCrtc on CRTC %u, connector %u, fb %u, %s",
                                 state.crtcId, state.connectorId, primary.fbId,
                                 state.mode.name.c_str());
            /* The planes need the CRTC lit. */
            if (Result<void> r = setPlanes(); !r)
                return r.error();
        } else {
            /*
             * Planes before the flip: one refused then leaves no flip queued
             * whose event the caller would not expect.
             */
            if (Result<void> r = setPlanes(); !r)
                return r.error();
            ret = io_.pageFlip(state.crtcId, primary.fbId, DRM_MODE_PAGE_FLIP_EVENT, user);
            if (ret < 0)
                return makeError(-ret, "drmModePageFlip on CRTC %u, fb %u", state.crtcId,
                                 primary.fbId);
        }

        if (kind == CommitKind::Modeset) {
            for (uint32_t planeId : state.disablePlanes) {
                PlaneState off;
                off.planeId = planeId;
                ret = io_.setPlane(0, off);
                if (ret < 0)
                    LOG_WARN("disable plane %u on CRTC %u: %s", planeId, state.crtcId,
                             strerror(-ret));
            }
        }
        return {};
    }

private:
    KmsIo &io_;
};

class DrmIo : public KmsIo
{
public:
    explicit DrmIo(int fd) : fd_(fd) {}

    int atomicCommit(const std::vector<PropertyValue> &props, uint32_t flags, void *user) override
    {
        DrmPtr<drmModeAtomicReq> req(drmModeAtomicAlloc());
        if (!req)
            return -ENOMEM;
        /* drmModeAtomicAddProperty returns a negative errno itself. */
        for (const PropertyValue &p : props)
            if (int ret = drmModeAtomicAddProperty(req.get(), p.object, p.property, p.value);
                ret < 0)
                return ret;
        int ret = drmModeAtomicCommit(fd_, req.get(), flags, user);
        return ret < 0 ? -errno : 0;
    }

    int createModeBlob(const ModeInfo &mode, uint32_t *blobId) override
    {
        drmModeModeInfo m = toDrmMode(mode);
        int ret = drmModeCreatePropertyBlob(fd_, &m, sizeof(m), blobId);
        return ret < 0 ? -errno : 0;
    }

    int destroyBlob(uint32_t blobId) override
    {
        return drmModeDestroyPropertyBlob(fd_, blobId) < 0 ? -errno : 0;
    }

    int setCrtc(uint32_t crtcId, uint32_t fbId, uint32_t x, uint32_t y,
                const std::vector<uint32_t> &connectors, const ModeInfo *mode) override
    {
        drmModeModeInfo m{};
        if (mode)
            m = toDrmMode(*mode);
        int ret = drmModeSetCrtc(fd_, crtcId, fbId, x, y, const_cast<uint32_t *>(connectors.data()),
                                 static_cast<int>(connectors.size()), mode ? &m : nullptr);
        return ret < 0 ? -errno : 0;
    }

    int pageFlip(uint32_t crtcId, uint32_t fbId, uint32_t flags, void *user) override
    {
        return drmModePageFlip(fd_, crtcId, fbId, flags, user) < 0 ? -errno : 0;
    }

    int setPlane(uint32_t crtcId, const PlaneState &p) override
    {
        int ret = drmModeSetPlane(fd_, p.planeId, p.fbId ? crtcId : 0, p.fbId, 0, p.crtcX, p.crtcY,
                                  p.crtcW, p.crtcH, p.srcX, p.srcY, p.srcW, p.srcH);
        return ret < 0 ? -errno : 0;
    }

private:
    int fd_;
};

} /* namespace */

std::unique_ptr<KmsIo> createDrmIo(int fd)
{
    return std::make_unique<DrmIo>(fd);
}

std::unique_ptr<CommitBackend> createAtomicBackend(KmsIo &io, const PropertyTable &props)
{
    return std::make_unique<AtomicBackend>(io, props);
}

std::unique_ptr<CommitBackend> createLegacyBackend(KmsIo &io)
{
    return std::make_unique<LegacyBackend>(io);
}

} /* namespace scanout */
