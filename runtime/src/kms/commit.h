/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <scanout/kms_types.h>
#include <scanout/result.h>

#include "kms/properties.h"

namespace scanout {

/*
 * Desired display state as plain values. The output builds one of these per
 * frame; a backend only translates it into ioctls. Nothing here owns a
 * kernel object: framebuffer ids stay owned by their Framebuffer.
 */
struct PlaneState {
    uint32_t planeId = 0;
    uint32_t fbId = 0; /* 0 disables the plane */
    int32_t crtcX = 0, crtcY = 0;
    uint32_t crtcW = 0, crtcH = 0;
    uint32_t srcX = 0, srcY = 0, srcW = 0, srcH = 0; /* 16.16 fixed point */
    /** The plane's "rotation" value (DRM_MODE_ROTATE_*), 0 to leave the property alone. */
    uint64_t rotation = 0;
    /** The plane's "zpos", higher on top; unset leaves the property alone. */
    std::optional<uint64_t> zpos;
};

struct OutputState {
    uint32_t crtcId = 0;
    uint32_t connectorId = 0;
    bool active = true;
    ModeInfo mode;
    /** Planes to show, the primary first. */
    std::vector<PlaneState> planes;
    /** Planes to turn off on this CRTC (e.g. a cursor left by the console). */
    std::vector<uint32_t> disablePlanes;
};

/** A full-screen plane showing the whole of \a fbId: the common case. */
PlaneState fullScreenPlane(uint32_t planeId, uint32_t fbId, uint32_t width, uint32_t height);

enum class CommitKind {
    Test,    /* TEST_ONLY: validate, change nothing */
    Modeset, /* blocking, ALLOW_MODESET, no event */
    Flip,    /* NONBLOCK + PAGE_FLIP_EVENT */
};

const char *commitKindName(CommitKind kind);

struct PropertyValue {
    uint32_t object = 0;
    uint32_t property = 0;
    uint64_t value = 0;
    bool operator==(const PropertyValue &) const = default;
};

/**
 * The narrow device interface the backends submit through. The real one
 * wraps libdrm ioctls; unit tests provide a fake that records calls. Methods
 * return 0 or a negative errno, as the ioctls do.
 */
class KmsIo
{
public:
    virtual ~KmsIo() = default;
    virtual int atomicCommit(const std::vector<PropertyValue> &props, uint32_t flags,
                             void *user) = 0;
    virtual int createModeBlob(const ModeInfo &mode, uint32_t *blobId) = 0;
    virtual int destroyBlob(uint32_t blobId) = 0;
    virtual int setCrtc(uint32_t crtcId, uint32_t fbId, uint32_t x, uint32_t y,
                        const std::vector<uint32_t> &connectors, const ModeInfo *mode) = 0;
    virtual int pageFlip(uint32_t crtcId, uint32_t fbId, uint32_t flags, void *user) = 0;
    virtual int setPlane(uint32_t crtcId, const PlaneState &plane) = 0;
};

std::unique_ptr<KmsIo> createDrmIo(int fd);

/**
 * The atomic property list for \a state. \a modeBlob is the MODE_ID blob to
 * use when \a modeset is set. Pure: unit-tested without a device.
 */
Result<std::vector<PropertyValue>> buildAtomicRequest(const OutputState &state,
                                                      const PropertyTable &props, bool modeset,
                                                      uint32_t modeBlob);

/** The value of each (object, property) pair the kernel holds from our commits. */
using AppliedProperties = std::map<std::pair<uint32_t, uint32_t>, uint64_t>;

/**
 * The part of \a request that \a applied holds already left out: the kernel
 * keeps a property's value until it is set again. When nothing is left,
 * \a anchor alone: a page-flip event needs the CRTC in the commit, and a
 * plane that is on brings it in through its FB_ID. Pure.
 */
std::vector<PropertyValue> changedSince(const AppliedProperties &applied,
                                        std::vector<PropertyValue> request,
                                        const PropertyValue &anchor);

/** The DRM_MODE_ATOMIC_* / DRM_MODE_PAGE_FLIP_* flags for a kind of commit. */
uint32_t atomicFlags(CommitKind kind);

/** Submits OutputStates through atomic or legacy KMS. */
class CommitBackend
{
public:
    virtual ~CommitBackend() = default;
    virtual const char *name() const = 0;

    /**
     * Submits \a state. For Flip, \a user comes back in the page-flip
     * event. Returns an Error with errnum EBUSY when a previous commit on
     * the CRTC has not completed; the caller retries at the next event.
     */
    virtual Result<void> commit(const OutputState &state, CommitKind kind, void *user) = 0;
};

/** \a io must outlive the backend. */
std::unique_ptr<CommitBackend> createAtomicBackend(KmsIo &io, const PropertyTable &props);
std::unique_ptr<CommitBackend> createLegacyBackend(KmsIo &io);

} /* namespace scanout */
