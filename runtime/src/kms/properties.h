/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <scanout/kms_types.h>
#include <scanout/result.h>

struct _drmModeProperty;

namespace scanout {

/*
 * Property ids resolved by name once at start, so the frame path never looks
 * up a string. A zero id means the object lacks that property.
 */
struct CrtcProps {
    uint32_t active = 0;
    uint32_t modeId = 0;
};

struct ConnectorProps {
    uint32_t crtcId = 0;
    /* Writeback connectors only (visible with DRM_CLIENT_CAP_WRITEBACK_CONNECTORS). */
    uint32_t writebackFbId = 0, writebackOutFencePtr = 0, writebackPixelFormats = 0;
    /** The formats WRITEBACK_PIXEL_FORMATS lists, read once with the ids. */
    std::vector<uint32_t> writebackFormats = {};
};

struct PlaneProps {
    uint32_t fbId = 0, crtcId = 0;
    uint32_t srcX = 0, srcY = 0, srcW = 0, srcH = 0;
    uint32_t crtcX = 0, crtcY = 0, crtcW = 0, crtcH = 0;
    uint32_t zpos = 0, rotation = 0, inFenceFd = 0;
};

struct PropertyTable {
    std::unordered_map<uint32_t, CrtcProps> crtcs;
    std::unordered_map<uint32_t, ConnectorProps> connectors;
    std::unordered_map<uint32_t, PlaneProps> planes;
};

/**
 * What drmModeGetProperty says of each property id, asked once per id.
 * Property ids are the device's, not an object's: every plane carries the
 * same "FB_ID", so a device with a dozen objects has far fewer distinct
 * properties than object-property pairs.
 * A property's name, flags, range and enum values never change.
 */
class PropertyCache
{
public:
    explicit PropertyCache(int fd);
    ~PropertyCache();

    PropertyCache(const PropertyCache &) = delete;
    PropertyCache &operator=(const PropertyCache &) = delete;

    int fd() const { return fd_; }
    /** The property, read from the device the first time it is asked for. */
    Result<const _drmModeProperty *> get(uint32_t propertyId);

private:
    struct Free {
        void operator()(_drmModeProperty *p) const;
    };
    int fd_;
    std::unordered_map<uint32_t, std::unique_ptr<_drmModeProperty, Free>> properties_;
};

/** Calls \a fn for each property of a KMS object with its current value. */
Result<void> forEachProperty(PropertyCache &cache, uint32_t objectId, uint32_t objectType,
                             const std::function<void(const _drmModeProperty &, uint64_t)> &fn);

/** The current value of property \a propertyId of a KMS object, without resolving names. */
Result<uint64_t> readPropertyValue(int fd, uint32_t objectId, uint32_t objectType,
                                   uint32_t propertyId);

/**
 * Resolves the ids of the properties scanout uses on every object of
 * \a snapshot. Given the cache readSnapshot() used, the planes' properties
 * are not asked for again.
 */
Result<PropertyTable> readPropertyTable(PropertyCache &cache, const Snapshot &snapshot);

/** Reads the device's objects into plain values; \a device fills Snapshot::device. */
Result<Snapshot> readSnapshot(PropertyCache &cache, const DeviceInfo &device);

} /* namespace scanout */
