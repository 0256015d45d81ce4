/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <scanout/kms_types.h>
#include <scanout/result.h>
#include <scanout/transform.h>

/*
 * Output selection as pure functions over a Snapshot: no device access, so
 * every rule here is unit-tested with hand-built snapshots.
 */

namespace scanout {

/** A mode asked for by the user: "WxH" or "WxH@Hz" (Hz may have decimals). */
struct ModeRequest {
    uint32_t width = 0;
    uint32_t height = 0;
    std::optional<uint32_t> refreshMilliHz;
};

Result<ModeRequest> parseModeRequest(std::string_view text);

/**
 * The connector called \a name, or the first connected non-writeback
 * connector with modes when \a name is empty.
 */
Result<const ConnectorInfo *> selectConnector(const Snapshot &snapshot, std::string_view name);

/**
 * The mode matching \a request: same size, and the refresh closest to the
 * request within 1 Hz. Without a refresh, the preferred mode of that size,
 * else the fastest progressive one. Without a request, the connector's
 * preferred mode, else its first.
 */
Result<ModeInfo> selectMode(const ConnectorInfo &connector,
                            const std::optional<ModeRequest> &request);

/**
 * A CRTC for \a connector: the one already driving it when there is one (no
 * reassignment needed), else the first CRTC that one of its encoders can
 * drive and that is not in \a busyCrtcs.
 */
Result<uint32_t> selectCrtc(const Snapshot &snapshot, const ConnectorInfo &connector,
                            std::span<const uint32_t> busyCrtcs = {});

/**
 * The primary plane of \a crtcId that accepts \a format. Needs universal
 * planes; a device without them has no plane list and the legacy path takes
 * the CRTC's implicit primary.
 */
Result<const PlaneInfo *> selectPrimaryPlane(const Snapshot &snapshot, uint32_t crtcId,
                                             uint32_t format);

struct FormatChoice {
    uint32_t format = 0;
    /** Explicit modifiers to allocate with, best first; empty means the implicit layout. */
    std::vector<uint64_t> modifiers;
    /**
     * Whether the implicit layout may stand in when no buffer can be made
     * with those modifiers. False only when the modifiers were restricted
     * (a board's `modifiers` without INVALID).
     */
    bool implicitAllowed = true;
};

/**
 * The first format of \a preferred that \a plane accepts with a modifier
 * \a allowed admits.
 *
 * With \a allowed empty, every modifier the plane lists for the format is
 * chosen (DRM_FORMAT_MOD_INVALID removed) and the implicit layout is the
 * fallback. Otherwise the modifiers are those of \a allowed the plane
 * lists, in \a allowed's order; kModifierInvalid in \a allowed admits the
 * implicit layout. A format with neither is passed over. A plane without
 * IN_FORMATS lists no modifiers: only the implicit layout fits it.
 */
Result<FormatChoice> chooseFormat(const PlaneInfo &plane, std::span<const uint32_t> preferred,
                                  std::span<const uint64_t> allowed = {});

/**
 * A plane of \a crtcId that can show buffers of \a format with \a modifier
 * (kModifierInvalid: implicit layout), for a layer above the GL-drawn
 * primary: the first free overlay that takes it, else the primary plane,
 * which the layer then covers. \a only (Overlay or Primary) keeps to planes
 * of that type (a board's camera-plane). Planes in \a taken are skipped.
 * Whether the plane can also place and scale the buffer as asked only a
 * TEST_ONLY commit tells.
 */
Result<const PlaneInfo *> selectLayerPlane(const Snapshot &snapshot, uint32_t crtcId,
                                           uint32_t format, uint64_t modifier,
                                           std::span<const uint32_t> taken = {},
                                           std::optional<PlaneType> only = {});

/** Whether \a plane lists \a format with \a modifier (any layout for kModifierInvalid). */
bool planeAccepts(const PlaneInfo &plane, uint32_t format, uint64_t modifier);

/**
 * The value of \a plane's "rotation" property (DRM_MODE_ROTATE_* and
 * DRM_MODE_REFLECT_* bits) that lays its buffer out as \a rotation after
 * \a reflection, or 0 when the plane lists no such combination. Each
 * layout has two spellings, a turn of 180 being both reflections: a plane
 * that reflects only in y (rk3568's Smart windows) still shows reflect-x
 * as reflect-y turned 180, where it turns 180.
 */
uint64_t planeRotationValue(const PlaneInfo &plane, Rotation rotation, Reflection reflection);

/**
 * The "zpos" to set on \a plane to put it at \a wanted (higher is on top):
 * the value, or none when the plane's zpos is immutable and already that
 * (an immutable property cannot be set, even to its own value). The error
 * names the plane when the device is driven through legacy KMS (\a atomic
 * false: no plane property can be set), when it has no zpos, when \a wanted
 * is outside its range, or when it is immutable at another value.
 */
Result<std::optional<uint64_t>> planeZpos(const PlaneInfo &plane, uint64_t wanted, bool atomic);

/** "x,y,w,h" in output pixels; w and h must be non-zero. */
Result<Rect> parseRect(std::string_view text);

/**
 * The largest rectangle with the aspect ratio of \a width x \a height that
 * fits \a area, centred in it.
 */
Rect fitRect(uint32_t width, uint32_t height, const Rect &area);

/** Index of \a crtcId in the snapshot, the bit used by possible_crtcs masks. */
std::optional<uint32_t> crtcIndex(const Snapshot &snapshot, uint32_t crtcId);

} /* namespace scanout */
