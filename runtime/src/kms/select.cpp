/* SPDX-License-Identifier: MIT */
#include <scanout/select.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <iterator>
#include <string>

namespace scanout {

namespace {

bool parseUint(std::string_view text, uint32_t &out)
{
    if (text.empty())
        return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

/* "60", "59.94" or "59.940" into mHz, without going through floating point. */
bool parseRefresh(std::string_view text, uint32_t &milliHz)
{
    size_t dot = text.find('.');
    uint32_t whole = 0, frac = 0;
    if (!parseUint(text.substr(0, dot), whole) || whole > 1000)
        return false;
    if (dot != std::string_view::npos) {
        std::string_view digits = text.substr(dot + 1);
        if (digits.empty() || digits.size() > 3 || !parseUint(digits, frac))
            return false;
        for (size_t i = digits.size(); i < 3; i++)
            frac *= 10;
    }
    milliHz = whole * 1000 + frac;
    return milliHz > 0;
}

uint32_t distance(uint32_t a, uint32_t b)
{
    return a > b ? a - b : b - a;
}

std::string connectorList(const Snapshot &snapshot)
{
    std::string list;
    for (const ConnectorInfo &c : snapshot.connectors) {
        if (!list.empty())
            list += ", ";
        list += c.name + " (" + connectorStatusName(c.status) + ")";
    }
    return list.empty() ? "none" : list;
}

} /* namespace */

Result<ModeRequest> parseModeRequest(std::string_view text)
{
    ModeRequest request;
    std::string_view size = text;
    size_t at = text.find('@');
    if (at != std::string_view::npos) {
        uint32_t milliHz;
        if (!parseRefresh(text.substr(at + 1), milliHz))
            return makeError(EINVAL, "mode '%.*s': refresh after '@' must be a rate in Hz",
                             static_cast<int>(text.size()), text.data());
        request.refreshMilliHz = milliHz;
        size = text.substr(0, at);
    }

    size_t x = size.find('x');
    if (x == std::string_view::npos || !parseUint(size.substr(0, x), request.width) ||
        !parseUint(size.substr(x + 1), request.height) || !request.width || !request.height)
        return makeError(EINVAL, "mode '%.*s': expected WxH or WxH@Hz, e.g. 1280x800@60",
                         static_cast<int>(text.size()), text.data());
    return request;
}

Result<const ConnectorInfo *> selectConnector(const Snapshot &snapshot, std::string_view name)
{
    if (!name.empty()) {
        for (const ConnectorInfo &c : snapshot.connectors) {
            if (c.name != name)
                continue;
            if (c.status == ConnectorStatus::Disconnected)
                return makeError(ENODEV, "connector %s is disconnected", c.name.c_str());
            if (c.modes.empty())
                return makeError(ENODEV, "connector %s has no modes", c.name.c_str());
            return &c;
        }
        return makeError(ENOENT, "no connector named '%.*s' on %s (found: %s)",
                         static_cast<int>(name.size()), name.data(), snapshot.device.path.c_str(),
                         connectorList(snapshot).c_str());
    }

    for (const ConnectorInfo &c : snapshot.connectors)
        if (c.status == ConnectorStatus::Connected && !c.writeback() && !c.modes.empty())
            return &c;

    return makeError(ENODEV, "no connected connector with modes on %s (found: %s)",
                     snapshot.device.path.c_str(), connectorList(snapshot).c_str());
}

Result<ModeInfo> selectMode(const ConnectorInfo &connector,
                            const std::optional<ModeRequest> &request)
{
    if (connector.modes.empty())
        return makeError(ENODEV, "connector %s has no modes", connector.name.c_str());

    if (!request) {
        for (const ModeInfo &m : connector.modes)
            if (m.preferred())
                return m;
        return connector.modes.front();
    }

    const ModeInfo *best = nullptr;
    for (const ModeInfo &m : connector.modes) {
        if (m.hdisplay != request->width || m.vdisplay != request->height)
            continue;

        if (request->refreshMilliHz) {
            uint32_t d = distance(m.refreshMilliHz(), *request->refreshMilliHz);
            if (d > 1000)
                continue;
            if (!best || d < distance(best->refreshMilliHz(), *request->refreshMilliHz) ||
                (d == distance(best->refreshMilliHz(), *request->refreshMilliHz) &&
                 best->interlaced() && !m.interlaced()))
                best = &m;
            continue;
        }

        /* No rate asked: the preferred mode, else the fastest progressive one. */
        if (!best) {
            best = &m;
        } else if (m.preferred() != best->preferred()) {
            if (m.preferred())
                best = &m;
        } else if (m.interlaced() != best->interlaced()) {
            if (!m.interlaced())
                best = &m;
        } else if (m.refreshMilliHz() > best->refreshMilliHz()) {
            best = &m;
        }
    }

    if (!best) {
        std::string list;
        for (const ModeInfo &m : connector.modes)
            list += format("%s%ux%u@%.2f", list.empty() ? "" : ", ", m.hdisplay, m.vdisplay,
                           m.refreshMilliHz() / 1000.0);
        std::string asked = format("%ux%u", request->width, request->height);
        if (request->refreshMilliHz)
            asked += format("@%.3g", *request->refreshMilliHz / 1000.0);
        return makeError(EINVAL, "connector %s has no mode %s (modes: %s)", connector.name.c_str(),
                         asked.c_str(), list.c_str());
    }
    return *best;
}

std::optional<uint32_t> crtcIndex(const Snapshot &snapshot, uint32_t crtcId)
{
    for (uint32_t i = 0; i < snapshot.crtcs.size(); i++)
        if (snapshot.crtcs[i].id == crtcId)
            return i;
    return std::nullopt;
}

Result<uint32_t> selectCrtc(const Snapshot &snapshot, const ConnectorInfo &connector,
                            std::span<const uint32_t> busyCrtcs)
{
    auto busy = [&](uint32_t id) {
        return std::find(busyCrtcs.begin(), busyCrtcs.end(), id) != busyCrtcs.end();
    };

    /* Keep the routing the connector already has: it needs no re-routing. */
    if (const EncoderInfo *enc = snapshot.encoder(connector.encoderId))
        if (enc->crtcId && snapshot.crtc(enc->crtcId) && !busy(enc->crtcId))
            return enc->crtcId;

    for (uint32_t encoderId : connector.encoders) {
        const EncoderInfo *enc = snapshot.encoder(encoderId);
        if (!enc)
            continue;
        for (uint32_t i = 0; i < snapshot.crtcs.size(); i++) {
            if (!(enc->possibleCrtcs & (1u << i)) || busy(snapshot.crtcs[i].id))
                continue;
            return snapshot.crtcs[i].id;
        }
    }
    return makeError(EBUSY, "no free CRTC can drive connector %s (%zu encoders, %zu CRTCs)",
                     connector.name.c_str(), connector.encoders.size(), snapshot.crtcs.size());
}

Result<const PlaneInfo *> selectPrimaryPlane(const Snapshot &snapshot, uint32_t crtcId,
                                             uint32_t format)
{
    std::optional<uint32_t> index = crtcIndex(snapshot, crtcId);
    if (!index)
        return makeError(ENOENT, "CRTC %u is not on %s", crtcId, snapshot.device.path.c_str());

    const PlaneInfo *best = nullptr;
    for (const PlaneInfo &p : snapshot.planes) {
        if (p.type != PlaneType::Primary || !(p.possibleCrtcs & (1u << *index)))
            continue;
        if (!p.supportsFormat(format))
            continue;
        /* Prefer the plane already on this CRTC: drivers with shared primaries expect it. */
        if (!best || (p.crtcId == crtcId && best->crtcId != crtcId))
            best = &p;
    }
    if (!best)
        return makeError(ENOENT, "no primary plane for CRTC %u accepts %s", crtcId,
                         fourccName(format).c_str());
    return best;
}

bool planeAccepts(const PlaneInfo &plane, uint32_t format, uint64_t modifier)
{
    const PlaneFormat *f = plane.findFormat(format);
    if (!f)
        return false;
    /* Without IN_FORMATS a plane states formats only: linear and implicit layouts are safe. */
    if (modifier == kModifierInvalid || f->modifiers.empty())
        return modifier == kModifierInvalid || modifier == kModifierLinear;
    return std::find(f->modifiers.begin(), f->modifiers.end(), modifier) != f->modifiers.end();
}

uint64_t planeRotationValue(const PlaneInfo &plane, Rotation rotation, Reflection reflection)
{
    /* As one turn and at most reflect-x: y is x turned 180 more, x and y a turn of 180. */
    uint32_t degrees = static_cast<uint32_t>(rotation);
    bool mirrorX = reflection == Reflection::X || reflection == Reflection::Y;
    if (reflection == Reflection::Y || reflection == Reflection::XY)
        degrees = (degrees + 180) % 360;
    const struct {
        uint32_t degrees;
        bool x, y;
    } spellings[] = {{degrees, mirrorX, false}, {(degrees + 180) % 360, !mirrorX, true}};
    auto lists = [&plane](const std::string &name) {
        return std::find(plane.rotations.begin(), plane.rotations.end(), name) !=
               plane.rotations.end();
    };
    for (const auto &s : spellings) {
        if (!lists("rotate-" + std::to_string(s.degrees)) || (s.x && !lists("reflect-x")) ||
            (s.y && !lists("reflect-y")))
            continue;
        /* DRM_MODE_ROTATE_0 is bit 0, one bit per 90 degrees; REFLECT_X bit 4, REFLECT_Y 5. */
        return (uint64_t{1} << (s.degrees / 90)) | (s.x ? uint64_t{1} << 4 : 0) |
               (s.y ? uint64_t{1} << 5 : 0);
    }
    return 0;
}

Result<std::optional<uint64_t>> planeZpos(const PlaneInfo &plane, uint64_t wanted, bool atomic)
{
    auto number = [](uint64_t v) { return static_cast<unsigned long long>(v); };
    if (!atomic)
        return makeError(ENOTSUP, "plane %u: zpos %llu needs atomic KMS", plane.id, number(wanted));
    if (!plane.zpos)
        return makeError(ENOTSUP, "plane %u has no zpos property (asked for zpos %llu)", plane.id,
                         number(wanted));
    if (plane.zposImmutable) {
        if (*plane.zpos != wanted)
            return makeError(ENOTSUP, "plane %u: its zpos is fixed at %llu (asked for %llu)",
                             plane.id, number(*plane.zpos), number(wanted));
        return std::optional<uint64_t>();
    }
    if (wanted < plane.zposMin || wanted > plane.zposMax)
        return makeError(ERANGE, "plane %u: zpos %llu is outside its range %llu..%llu", plane.id,
                         number(wanted), number(plane.zposMin), number(plane.zposMax));
    return std::optional<uint64_t>(wanted);
}

Result<const PlaneInfo *> selectLayerPlane(const Snapshot &snapshot, uint32_t crtcId,
                                           uint32_t format, uint64_t modifier,
                                           std::span<const uint32_t> taken,
                                           std::optional<PlaneType> only)
{
    std::optional<uint32_t> index = crtcIndex(snapshot, crtcId);
    if (!index)
        return makeError(ENOENT, "CRTC %u is not on %s", crtcId, snapshot.device.path.c_str());

    const PlaneInfo *primary = nullptr;
    for (const PlaneInfo &p : snapshot.planes) {
        if (!(p.possibleCrtcs & (1u << *index)) || p.type == PlaneType::Cursor)
            continue;
        if (only && p.type != *only)
            continue;
        if (std::find(taken.begin(), taken.end(), p.id) != taken.end())
            continue;
        if (!planeAccepts(p, format, modifier))
            continue;
        if (p.type == PlaneType::Overlay)
            return &p;
        if (!primary)
            primary = &p;
    }
    if (!primary) {
        const char *kinds = !only                         ? "overlay or primary plane"
                            : *only == PlaneType::Overlay ? "free overlay plane"
                            : *only == PlaneType::Primary ? "free primary plane"
                                                          : "plane of that type";
        return makeError(ENOENT, "no %s for CRTC %u accepts %s (modifier %s)", kinds, crtcId,
                         fourccName(format).c_str(), modifierName(modifier).c_str());
    }
    return primary;
}

Result<Rect> parseRect(std::string_view text)
{
    int32_t v[4] = {};
    std::string_view rest = text;
    bool ok = true;
    for (int i = 0; i < 4 && ok; i++) {
        size_t comma = rest.find(',');
        std::string_view field = rest.substr(0, comma);
        auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v[i]);
        ok = ec == std::errc() && end == field.data() + field.size() && !field.empty();
        if (i < 3)
            ok = ok && comma != std::string_view::npos;
        else
            ok = ok && comma == std::string_view::npos;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (!ok || v[2] <= 0 || v[3] <= 0)
        return makeError(EINVAL, "rectangle '%.*s': expected x,y,w,h with w and h above 0",
                         static_cast<int>(text.size()), text.data());
    return Rect{v[0], v[1], static_cast<uint32_t>(v[2]), static_cast<uint32_t>(v[3])};
}

Rect fitRect(uint32_t width, uint32_t height, const Rect &area)
{
    if (!width || !height || area.empty())
        return {area.x, area.y, 0, 0};
    /* Compare width / height against area.width / area.height without rounding. */
    uint64_t scaledW = uint64_t{area.height} * width / height;
    Rect r;
    if (scaledW <= area.width) {
        r.width = static_cast<uint32_t>(scaledW);
        r.height = area.height;
    } else {
        r.width = area.width;
        r.height = static_cast<uint32_t>(uint64_t{area.width} * height / width);
    }
    r.x = area.x + static_cast<int32_t>((area.width - r.width) / 2);
    r.y = area.y + static_cast<int32_t>((area.height - r.height) / 2);
    return r;
}

Result<FormatChoice> chooseFormat(const PlaneInfo &plane, std::span<const uint32_t> preferred,
                                  std::span<const uint64_t> allowed)
{
    bool implicitAdmitted = allowed.empty() || std::find(allowed.begin(), allowed.end(),
                                                         kModifierInvalid) != allowed.end();
    for (uint32_t format : preferred) {
        const PlaneFormat *f = plane.findFormat(format);
        if (!f)
            continue;
        FormatChoice choice;
        choice.format = format;
        choice.implicitAllowed = implicitAdmitted;
        auto listed = [f](uint64_t mod) {
            return mod != kModifierInvalid &&
                   std::find(f->modifiers.begin(), f->modifiers.end(), mod) != f->modifiers.end();
        };
        if (allowed.empty())
            std::copy_if(f->modifiers.begin(), f->modifiers.end(),
                         std::back_inserter(choice.modifiers), listed);
        else
            std::copy_if(allowed.begin(), allowed.end(), std::back_inserter(choice.modifiers),
                         listed);
        if (!choice.modifiers.empty() || choice.implicitAllowed)
            return choice;
    }

    std::string formats = fourccNames(preferred);
    if (allowed.empty())
        return makeError(ENOTSUP, "plane %u accepts none of %s", plane.id, formats.c_str());
    return makeError(ENOTSUP, "plane %u accepts none of %s with modifier %s%s", plane.id,
                     formats.c_str(), modifierNames(allowed).c_str(),
                     plane.hasInFormats ? "" : " (it lists no modifiers: only INVALID fits)");
}

} /* namespace scanout */
