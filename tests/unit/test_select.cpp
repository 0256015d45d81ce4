/* SPDX-License-Identifier: MIT */
#include <cstring>

#include <scanout/select.h>

#include "fixtures.h"
#include "unity.h"

using namespace scanout;

static void test_parse_mode_size_only()
{
    Result<ModeRequest> r = parseModeRequest("1280x800");
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_EQUAL_UINT(1280, r->width);
    TEST_ASSERT_EQUAL_UINT(800, r->height);
    TEST_ASSERT_FALSE(r->refreshMilliHz.has_value());
}

static void test_parse_mode_with_refresh()
{
    Result<ModeRequest> r = parseModeRequest("1920x1080@59.94");
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_EQUAL_UINT(1920, r->width);
    TEST_ASSERT_EQUAL_UINT(1080, r->height);
    TEST_ASSERT_EQUAL_UINT(59940, *r->refreshMilliHz);

    r = parseModeRequest("800x480@60");
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_EQUAL_UINT(60000, *r->refreshMilliHz);
}

static void test_parse_mode_rejects_garbage()
{
    const char *bad[] = {"",          "1280",
                         "x800",      "1280x",
                         "1280x800@", "1280x800@abc",
                         "0x800",     "1280x0",
                         "1280*800",  "1280x800@60.1234",
                         "-1x5",      "12x8@0"};
    for (const char *text : bad) {
        Result<ModeRequest> r = parseModeRequest(text);
        TEST_ASSERT_TRUE_MESSAGE(!r.ok(), text);
        TEST_ASSERT_EQUAL_INT(EINVAL, r.error().errnum());
    }
}

static void test_connector_first_connected()
{
    Snapshot s = fixtures::board();
    Result<const ConnectorInfo *> c = selectConnector(s, "");
    TEST_ASSERT_TRUE(c.ok());
    /* DP-1 comes first but is disconnected. */
    TEST_ASSERT_EQUAL_STRING("HDMI-A-1", (*c)->name);
}

static void test_connector_by_name()
{
    Snapshot s = fixtures::board();
    Result<const ConnectorInfo *> c = selectConnector(s, "DSI-1");
    TEST_ASSERT_TRUE(c.ok());
    TEST_ASSERT_EQUAL_UINT(52, (*c)->id);
}

static void test_connector_errors_name_the_problem()
{
    Snapshot s = fixtures::board();
    Result<const ConnectorInfo *> c = selectConnector(s, "DP-1");
    TEST_ASSERT_FALSE(c.ok());
    TEST_ASSERT_TRUE(c.error().message().find("DP-1 is disconnected") != std::string::npos);

    c = selectConnector(s, "HDMI-A-2");
    TEST_ASSERT_FALSE(c.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, c.error().errnum());
    /* The message lists what exists, so the user can pick. */
    TEST_ASSERT_TRUE(c.error().message().find("HDMI-A-1 (connected)") != std::string::npos);

    for (ConnectorInfo &conn : s.connectors)
        conn.status = ConnectorStatus::Disconnected;
    c = selectConnector(s, "");
    TEST_ASSERT_FALSE(c.ok());
    TEST_ASSERT_EQUAL_INT(ENODEV, c.error().errnum());
}

static void test_connector_skips_writeback()
{
    Snapshot s = fixtures::board();
    ConnectorInfo wb;
    wb.id = 50;
    wb.type = 18;
    wb.name = "Writeback-1";
    wb.status = ConnectorStatus::Connected;
    wb.modes = {fixtures::mode(640, 480, 25175, 800, 525)};
    s.connectors.insert(s.connectors.begin(), wb);
    Result<const ConnectorInfo *> c = selectConnector(s, "");
    TEST_ASSERT_TRUE(c.ok());
    TEST_ASSERT_EQUAL_STRING("HDMI-A-1", (*c)->name);
}

static void test_mode_preferred_by_default()
{
    Snapshot s = fixtures::board();
    Result<ModeInfo> m = selectMode(*s.connector(51), std::nullopt);
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_TRUE(m->preferred());
    TEST_ASSERT_EQUAL_UINT(148500, m->clock);
}

static void test_mode_first_when_none_preferred()
{
    Snapshot s = fixtures::board();
    Result<ModeInfo> m = selectMode(*s.connector(52), std::nullopt);
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_EQUAL_UINT(800, m->hdisplay);
}

static void test_mode_by_size_prefers_preferred_then_fastest()
{
    Snapshot s = fixtures::board();
    Result<ModeInfo> m = selectMode(*s.connector(51), ModeRequest{1920, 1080, std::nullopt});
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_TRUE(m->preferred());

    m = selectMode(*s.connector(51), ModeRequest{1280, 720, std::nullopt});
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_EQUAL_UINT(60, m->vrefresh);
}

static void test_mode_by_refresh_picks_closest()
{
    Snapshot s = fixtures::board();
    const ConnectorInfo &hdmi = *s.connector(51);

    Result<ModeInfo> m = selectMode(hdmi, ModeRequest{1920, 1080, 59940});
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_EQUAL_UINT(148352, m->clock);

    m = selectMode(hdmi, ModeRequest{1920, 1080, 60000});
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_EQUAL_UINT(148500, m->clock);

    m = selectMode(hdmi, ModeRequest{1280, 720, 50000});
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_EQUAL_UINT(1980, m->htotal);

    m = selectMode(hdmi, ModeRequest{1920, 1080, 25000});
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_EQUAL_UINT(2640, m->htotal);
}

static void test_mode_prefers_progressive_on_equal_rate()
{
    Snapshot s = fixtures::board();
    ConnectorInfo hdmi = *s.connector(51);
    /* 1080i60 first and nothing preferred: progressive still wins, by size or by rate. */
    std::swap(hdmi.modes[0], hdmi.modes[3]);
    for (ModeInfo &mode : hdmi.modes)
        mode.type = 0;
    TEST_ASSERT_TRUE(hdmi.modes[0].interlaced());
    TEST_ASSERT_EQUAL_UINT(60000, hdmi.modes[0].refreshMilliHz());

    Result<ModeInfo> m = selectMode(hdmi, ModeRequest{1920, 1080, std::nullopt});
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_FALSE(m->interlaced());
    TEST_ASSERT_EQUAL_UINT(148500, m->clock);

    m = selectMode(hdmi, ModeRequest{1920, 1080, 60000});
    TEST_ASSERT_TRUE(m.ok());
    TEST_ASSERT_FALSE(m->interlaced());
}

static void test_mode_missing_lists_modes()
{
    Snapshot s = fixtures::board();
    Result<ModeInfo> m = selectMode(*s.connector(51), ModeRequest{1024, 768, std::nullopt});
    TEST_ASSERT_FALSE(m.ok());
    TEST_ASSERT_TRUE(m.error().message().find("no mode 1024x768") != std::string::npos);
    TEST_ASSERT_TRUE(m.error().message().find("1280x720@50.00") != std::string::npos);

    m = selectMode(*s.connector(51), ModeRequest{1920, 1080, 30000});
    TEST_ASSERT_FALSE(m.ok());
}

static void test_refresh_from_timings()
{
    ModeInfo m = fixtures::mode(1920, 1080, 148352, 2200, 1125);
    TEST_ASSERT_EQUAL_UINT(59940, m.refreshMilliHz());
    TEST_ASSERT_EQUAL_UINT(16683350, m.framePeriodNs());
    ModeInfo empty;
    TEST_ASSERT_EQUAL_UINT(16666667, empty.framePeriodNs());
}

static void test_crtc_keeps_existing_route()
{
    Snapshot s = fixtures::board();
    Result<uint32_t> crtc = selectCrtc(s, *s.connector(51));
    TEST_ASSERT_TRUE(crtc.ok());
    TEST_ASSERT_EQUAL_UINT(41, *crtc);
}

static void test_crtc_follows_encoder_mask()
{
    Snapshot s = fixtures::board();
    /* DSI's encoder can only drive CRTC index 1. */
    Result<uint32_t> crtc = selectCrtc(s, *s.connector(52));
    TEST_ASSERT_TRUE(crtc.ok());
    TEST_ASSERT_EQUAL_UINT(42, *crtc);

    const uint32_t busy[] = {42};
    crtc = selectCrtc(s, *s.connector(52), busy);
    TEST_ASSERT_FALSE(crtc.ok());
    TEST_ASSERT_EQUAL_INT(EBUSY, crtc.error().errnum());
}

static void test_crtc_skips_busy_current_route()
{
    Snapshot s = fixtures::board();
    /* HDMI is on 41 but something else claimed it: its encoder only has 41. */
    const uint32_t busy[] = {41};
    Result<uint32_t> crtc = selectCrtc(s, *s.connector(51), busy);
    TEST_ASSERT_FALSE(crtc.ok());

    s.encoders[0].possibleCrtcs = 0b11;
    crtc = selectCrtc(s, *s.connector(51), busy);
    TEST_ASSERT_TRUE(crtc.ok());
    TEST_ASSERT_EQUAL_UINT(42, *crtc);
}

static void test_primary_plane_per_crtc()
{
    Snapshot s = fixtures::board();
    Result<const PlaneInfo *> p = selectPrimaryPlane(s, 41, kFormatXrgb8888);
    TEST_ASSERT_TRUE(p.ok());
    TEST_ASSERT_EQUAL_UINT(61, (*p)->id);

    p = selectPrimaryPlane(s, 42, kFormatXrgb8888);
    TEST_ASSERT_TRUE(p.ok());
    TEST_ASSERT_EQUAL_UINT(62, (*p)->id);

    /* Plane 62 has no ARGB8888, and overlays never count as primary. */
    p = selectPrimaryPlane(s, 42, kFormatArgb8888);
    TEST_ASSERT_FALSE(p.ok());
    TEST_ASSERT_TRUE(p.error().message().find("AR24") != std::string::npos);

    p = selectPrimaryPlane(s, 99, kFormatXrgb8888);
    TEST_ASSERT_FALSE(p.ok());
}

static void test_primary_plane_prefers_the_one_on_the_crtc()
{
    Snapshot s = fixtures::board();
    /* Both primaries can drive CRTC 42; the one already on it wins. */
    s.planes[0].possibleCrtcs = 0b11;
    s.planes[1].possibleCrtcs = 0b11;
    s.planes[1].crtcId = 41;
    Result<const PlaneInfo *> p = selectPrimaryPlane(s, 41, kFormatXrgb8888);
    TEST_ASSERT_TRUE(p.ok());
    TEST_ASSERT_EQUAL_UINT(61, (*p)->id);
}

static void test_format_choice_and_modifiers()
{
    Snapshot s = fixtures::board();
    const uint32_t preferred[] = {kFormatXrgb8888, kFormatArgb8888};

    Result<FormatChoice> f = chooseFormat(s.planes[0], preferred);
    TEST_ASSERT_TRUE(f.ok());
    TEST_ASSERT_EQUAL_HEX(kFormatXrgb8888, f->format);
    TEST_ASSERT_EQUAL_UINT(2, f->modifiers.size());
    TEST_ASSERT_EQUAL_HEX(kModifierLinear, f->modifiers[0]);

    /* Falls to the second choice when the first is missing. */
    const uint32_t argbFirst[] = {fourcc('R', 'G', '2', '4'), kFormatArgb8888};
    f = chooseFormat(s.planes[0], argbFirst);
    TEST_ASSERT_TRUE(f.ok());
    TEST_ASSERT_EQUAL_HEX(kFormatArgb8888, f->format);

    /* INVALID in IN_FORMATS means "implicit", never an explicit modifier. */
    PlaneInfo p = s.planes[0];
    p.formats[1].modifiers = {kModifierInvalid};
    f = chooseFormat(p, preferred);
    TEST_ASSERT_TRUE(f.ok());
    TEST_ASSERT_EQUAL_UINT(0, f->modifiers.size());

    const uint32_t none[] = {fourcc('Y', 'U', 'Y', 'V')};
    f = chooseFormat(s.planes[0], none);
    TEST_ASSERT_FALSE(f.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, f.error().errnum());
}

/* A board's `modifiers` key: a filter over what the plane lists, in the board's order. */
static void test_format_choice_allowed_modifiers()
{
    Snapshot s = fixtures::board();
    const PlaneInfo &primary = s.planes[0]; /* AR24: LINEAR; XR24: LINEAR, INTEL:0x1 */
    const uint32_t preferred[] = {kFormatXrgb8888, kFormatArgb8888};
    const uint64_t tiled = 0x0100000000000001ULL;

    const uint64_t tiledFirst[] = {tiled, kModifierLinear};
    Result<FormatChoice> f = chooseFormat(primary, preferred, tiledFirst);
    TEST_ASSERT_TRUE(f.ok());
    TEST_ASSERT_EQUAL_HEX(kFormatXrgb8888, f->format);
    TEST_ASSERT_EQUAL_UINT(2, f->modifiers.size());
    TEST_ASSERT_EQUAL_HEX(tiled, f->modifiers[0]);
    TEST_ASSERT_EQUAL_HEX(kModifierLinear, f->modifiers[1]);
    TEST_ASSERT_FALSE(f->implicitAllowed);

    /* Without INVALID in the list, the implicit layout may not stand in. */
    const uint64_t linearOnly[] = {kModifierLinear};
    f = chooseFormat(primary, preferred, linearOnly);
    TEST_ASSERT_TRUE(f.ok());
    TEST_ASSERT_EQUAL_UINT(1, f->modifiers.size());
    TEST_ASSERT_FALSE(f->implicitAllowed);

    /* INVALID alone: the implicit layout, no explicit modifier. */
    const uint64_t implicitOnly[] = {kModifierInvalid};
    f = chooseFormat(primary, preferred, implicitOnly);
    TEST_ASSERT_TRUE(f.ok());
    TEST_ASSERT_EQUAL_HEX(kFormatXrgb8888, f->format);
    TEST_ASSERT_EQUAL_UINT(0, f->modifiers.size());
    TEST_ASSERT_TRUE(f->implicitAllowed);

    /* A modifier only XR24 lists passes XR24 over when AR24 comes first. */
    const uint32_t argbFirst[] = {kFormatArgb8888, kFormatXrgb8888};
    const uint64_t tiledOnly[] = {tiled};
    f = chooseFormat(primary, argbFirst, tiledOnly);
    TEST_ASSERT_TRUE(f.ok());
    TEST_ASSERT_EQUAL_HEX(kFormatXrgb8888, f->format);

    /* Nothing fits: the error names the plane, the formats and the modifiers. */
    const uint64_t other[] = {0x0700000000000006ULL};
    f = chooseFormat(primary, preferred, other);
    TEST_ASSERT_FALSE(f.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, f.error().errnum());
    TEST_ASSERT_EQUAL_STRING("plane 61 accepts none of XR24, AR24 with modifier BROADCOM:0x6",
                             f.error().message().c_str());

    /* A plane without IN_FORMATS lists no modifiers: only INVALID admits it. */
    PlaneInfo old = primary;
    old.hasInFormats = false;
    for (PlaneFormat &pf : old.formats)
        pf.modifiers.clear();
    f = chooseFormat(old, preferred, linearOnly);
    TEST_ASSERT_FALSE(f.ok());
    TEST_ASSERT_NOT_NULL(std::strstr(f.error().message().c_str(), "only INVALID fits"));
    const uint64_t linearOrImplicit[] = {kModifierLinear, kModifierInvalid};
    f = chooseFormat(old, preferred, linearOrImplicit);
    TEST_ASSERT_TRUE(f.ok());
    TEST_ASSERT_EQUAL_UINT(0, f->modifiers.size());
    TEST_ASSERT_TRUE(f->implicitAllowed);
}

static void test_fourcc_and_modifier_names()
{
    TEST_ASSERT_EQUAL_STRING("XR24", fourccName(kFormatXrgb8888));
    TEST_ASSERT_EQUAL_STRING("NV12", fourccName(fourcc('N', 'V', '1', '2')));
    TEST_ASSERT_EQUAL_STRING("XR24 (BE)", fourccName(kFormatXrgb8888 | (1u << 31)));
    TEST_ASSERT_EQUAL_STRING("?AB?", fourccName(fourcc('\1', 'A', 'B', '\2')));
    TEST_ASSERT_EQUAL_STRING("LINEAR", modifierName(kModifierLinear));
    TEST_ASSERT_EQUAL_STRING("INVALID", modifierName(kModifierInvalid));
    TEST_ASSERT_EQUAL_STRING("INTEL:0x1", modifierName(0x0100000000000001ULL));
    TEST_ASSERT_EQUAL_STRING("BROADCOM:0x6", modifierName(0x0700000000000006ULL));

    const uint32_t formats[] = {kFormatXrgb8888, kFormatRgb565};
    TEST_ASSERT_EQUAL_STRING("XR24, RG16", fourccNames(formats));
    const uint64_t modifiers[] = {kModifierLinear, kModifierInvalid};
    TEST_ASSERT_EQUAL_STRING("LINEAR, INVALID", modifierNames(modifiers));
    TEST_ASSERT_EQUAL_STRING("", fourccNames({}));
}

/* The background colour as a pixel: byte order per format, RG16 to the nearest 5/6/5 bits. */
static void test_pack_rgb()
{
    TEST_ASSERT_EQUAL_HEX(0xff336699u, *packRgb(kFormatXrgb8888, 0x336699));
    TEST_ASSERT_EQUAL_HEX(0xff336699u, *packRgb(kFormatArgb8888, 0x336699));
    TEST_ASSERT_EQUAL_HEX(0xff996633u, *packRgb(kFormatXbgr8888, 0x336699));
    TEST_ASSERT_EQUAL_HEX(0xff996633u, *packRgb(kFormatAbgr8888, 0x336699));
    TEST_ASSERT_EQUAL_HEX(0x996633ffu, *packRgb(kFormatBgrx8888, 0x336699));
    TEST_ASSERT_EQUAL_HEX(0x336699ffu, *packRgb(kFormatRgba8888, 0x336699));
    /* 0x33 -> 6/31, 0x66 -> 25/63, 0x99 -> 19/31 (18.6 rounds up). */
    TEST_ASSERT_EQUAL_HEX((6u << 11) | (25u << 5) | 19u, *packRgb(kFormatRgb565, 0x336699));
    TEST_ASSERT_EQUAL_HEX(0xffffu, *packRgb(kFormatRgb565, 0xffffff));
    TEST_ASSERT_EQUAL_HEX(0x0000u, *packRgb(kFormatRgb565, 0x000000));
    TEST_ASSERT_EQUAL_HEX(0xf800u, *packRgb(kFormatRgb565, 0xff0000));
    /* Only the low 24 bits are the colour. */
    TEST_ASSERT_EQUAL_HEX(0xff000000u, *packRgb(kFormatXrgb8888, 0xff000000u));
    TEST_ASSERT_FALSE(packRgb(kFormatNv12, 0x336699).has_value());
    TEST_ASSERT_FALSE(packRgb(fourcc('X', 'R', '4', '8'), 0x336699).has_value());
}

static void test_layer_plane_prefers_free_overlay()
{
    Snapshot s = fixtures::board();
    const uint32_t nv12 = fourcc('N', 'V', '1', '2');
    Result<const PlaneInfo *> p = selectLayerPlane(s, 41, nv12, kModifierLinear);
    TEST_ASSERT_TRUE(p.ok());
    TEST_ASSERT_EQUAL_UINT(63, (*p)->id);

    /* The overlay taken: NV12 has nowhere to go, XR24 falls back to the primary. */
    const uint32_t taken[] = {63};
    p = selectLayerPlane(s, 41, nv12, kModifierLinear, taken);
    TEST_ASSERT_FALSE(p.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, p.error().errnum());
    TEST_ASSERT_TRUE(p.error().message().find("NV12") != std::string::npos);
    p = selectLayerPlane(s, 41, kFormatXrgb8888, kModifierLinear, taken);
    TEST_ASSERT_TRUE(p.ok());
    TEST_ASSERT_EQUAL_UINT(61, (*p)->id);

    /* Cursor planes never carry a layer, even in a format they take. */
    p = selectLayerPlane(s, 41, kFormatArgb8888, kModifierLinear, taken);
    TEST_ASSERT_TRUE(p.ok());
    TEST_ASSERT_EQUAL_UINT(61, (*p)->id);

    /* A board's camera-plane: the primary even with an overlay free; an overlay or nothing. */
    p = selectLayerPlane(s, 41, kFormatXrgb8888, kModifierLinear, {}, PlaneType::Primary);
    TEST_ASSERT_TRUE(p.ok());
    TEST_ASSERT_EQUAL_UINT(61, (*p)->id);
    p = selectLayerPlane(s, 41, kFormatXrgb8888, kModifierLinear, {}, PlaneType::Overlay);
    TEST_ASSERT_TRUE(p.ok());
    TEST_ASSERT_EQUAL_UINT(63, (*p)->id);
    p = selectLayerPlane(s, 41, kFormatXrgb8888, kModifierLinear, taken, PlaneType::Overlay);
    TEST_ASSERT_FALSE(p.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, p.error().errnum());
    TEST_ASSERT_EQUAL_STRING("no free overlay plane for CRTC 41 accepts XR24 (modifier LINEAR)",
                             p.error().message().c_str());
    p = selectLayerPlane(s, 41, nv12, kModifierLinear, {}, PlaneType::Primary);
    TEST_ASSERT_FALSE(p.ok());
    TEST_ASSERT_TRUE(p.error().message().find("no free primary plane") != std::string::npos);
}

static void test_plane_rotation_value_finds_a_spelling()
{
    /* DRM_MODE_ROTATE_0/90/180/270 are bits 0..3, REFLECT_X bit 4, REFLECT_Y bit 5. */
    PlaneInfo all;
    all.rotations = {"rotate-0", "rotate-90", "rotate-180", "rotate-270", "reflect-x", "reflect-y"};
    TEST_ASSERT_EQUAL_UINT64(0x01, planeRotationValue(all, Rotation::R0, Reflection::None));
    TEST_ASSERT_EQUAL_UINT64(0x02 | 0x10, planeRotationValue(all, Rotation::R90, Reflection::X));
    /* Both reflections are a turn of 180, the shorter spelling first. */
    TEST_ASSERT_EQUAL_UINT64(0x04, planeRotationValue(all, Rotation::R0, Reflection::XY));
    /* y then 90 is spelled x then 270. */
    TEST_ASSERT_EQUAL_UINT64(0x08 | 0x10, planeRotationValue(all, Rotation::R90, Reflection::Y));

    /* A plane that only reflects (the Raspberry Pi's HVS): a turn of 180 is both reflections. */
    PlaneInfo hvs;
    hvs.rotations = {"rotate-0", "reflect-x", "reflect-y"};
    TEST_ASSERT_EQUAL_UINT64(0x01 | 0x10 | 0x20,
                             planeRotationValue(hvs, Rotation::R180, Reflection::None));
    TEST_ASSERT_EQUAL_UINT64(0x01 | 0x20, planeRotationValue(hvs, Rotation::R0, Reflection::Y));
    TEST_ASSERT_EQUAL_UINT64(0, planeRotationValue(hvs, Rotation::R90, Reflection::None));

    /* Reflect-y only, with a turn of 180: reflect-x is reflect-y turned 180. */
    PlaneInfo ry;
    ry.rotations = {"rotate-0", "rotate-180", "reflect-y"};
    TEST_ASSERT_EQUAL_UINT64(0x04 | 0x20, planeRotationValue(ry, Rotation::R0, Reflection::X));
    ry.rotations = {"rotate-0", "reflect-y"};
    TEST_ASSERT_EQUAL_UINT64(0, planeRotationValue(ry, Rotation::R0, Reflection::X));

    /* No rotation property: no value, not even for upright. */
    PlaneInfo none;
    TEST_ASSERT_EQUAL_UINT64(0, planeRotationValue(none, Rotation::R0, Reflection::None));
    TEST_ASSERT_EQUAL_UINT64(0, planeRotationValue(none, Rotation::R0, Reflection::X));
}

static void test_plane_zpos()
{
    PlaneInfo p;
    p.id = 40;
    Result<std::optional<uint64_t>> z = planeZpos(p, 1, true);
    TEST_ASSERT_FALSE(z.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, z.error().errnum());
    TEST_ASSERT_EQUAL_STRING("plane 40 has no zpos property (asked for zpos 1)",
                             z.error().message().c_str());

    p.zpos = 2;
    p.zposMin = 0;
    p.zposMax = 7;
    z = planeZpos(p, 0, true);
    TEST_ASSERT_TRUE(z.ok() && *z && **z == 0);
    z = planeZpos(p, 8, true);
    TEST_ASSERT_FALSE(z.ok());
    TEST_ASSERT_EQUAL_INT(ERANGE, z.error().errnum());
    TEST_ASSERT_EQUAL_STRING("plane 40: zpos 8 is outside its range 0..7",
                             z.error().message().c_str());

    /* Immutable: the same value is fine and not set again; another is refused. */
    p.zposImmutable = true;
    z = planeZpos(p, 2, true);
    TEST_ASSERT_TRUE(z.ok() && !*z);
    z = planeZpos(p, 3, true);
    TEST_ASSERT_FALSE(z.ok());
    TEST_ASSERT_EQUAL_STRING("plane 40: its zpos is fixed at 2 (asked for 3)",
                             z.error().message().c_str());

    /* Legacy KMS sets no plane property, whatever the plane offers. */
    p.zposImmutable = false;
    z = planeZpos(p, 2, false);
    TEST_ASSERT_FALSE(z.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, z.error().errnum());
    TEST_ASSERT_EQUAL_STRING("plane 40: zpos 2 needs atomic KMS", z.error().message().c_str());
}

static void test_plane_accepts_modifiers()
{
    Snapshot s = fixtures::board();
    const PlaneInfo &primary = s.planes[0];
    TEST_ASSERT_TRUE(planeAccepts(primary, kFormatXrgb8888, kModifierLinear));
    TEST_ASSERT_TRUE(planeAccepts(primary, kFormatXrgb8888, 0x0100000000000001ULL));
    TEST_ASSERT_FALSE(planeAccepts(primary, kFormatXrgb8888, 0x0100000000000002ULL));
    TEST_ASSERT_TRUE(planeAccepts(primary, kFormatXrgb8888, kModifierInvalid));
    TEST_ASSERT_FALSE(planeAccepts(primary, fourcc('N', 'V', '1', '2'), kModifierLinear));

    /* Without IN_FORMATS only linear or implicit layouts are safe to assume. */
    PlaneInfo bare = primary;
    for (PlaneFormat &f : bare.formats)
        f.modifiers.clear();
    TEST_ASSERT_TRUE(planeAccepts(bare, kFormatXrgb8888, kModifierLinear));
    TEST_ASSERT_FALSE(planeAccepts(bare, kFormatXrgb8888, 0x0100000000000001ULL));
}

static void test_parse_rect()
{
    Result<Rect> r = parseRect("10,-20,640,480");
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_TRUE((*r == Rect{10, -20, 640, 480}));
    for (const char *bad : {"", "1,2,3", "1,2,3,4,5", "1,2,0,4", "a,2,3,4", "1,2,3,-4", "1,,3,4"}) {
        r = parseRect(bad);
        TEST_ASSERT_FALSE(r.ok());
        TEST_ASSERT_EQUAL_INT(EINVAL, r.error().errnum());
    }
}

static void test_fit_rect_keeps_aspect()
{
    /* 4:3 into 16:10: pillarboxed, centred. */
    TEST_ASSERT_TRUE((fitRect(640, 480, {0, 0, 1280, 800}) == Rect{107, 0, 1066, 800}));
    /* 16:9 into 4:3: letterboxed. */
    TEST_ASSERT_TRUE((fitRect(1280, 720, {0, 0, 1024, 768}) == Rect{0, 96, 1024, 576}));
    /* Same aspect: the whole area, offset kept. */
    TEST_ASSERT_TRUE((fitRect(320, 240, {10, 20, 640, 480}) == Rect{10, 20, 640, 480}));
    TEST_ASSERT_TRUE(fitRect(0, 240, {0, 0, 640, 480}).empty());
}

static void test_format_layouts()
{
    const FormatLayout *nv12 = formatLayout(kFormatNv12);
    TEST_ASSERT_NOT_NULL(nv12);
    TEST_ASSERT_EQUAL_UINT(2, nv12->planes);
    TEST_ASSERT_EQUAL_UINT(640, nv12->rowBytes(0, 640));
    TEST_ASSERT_EQUAL_UINT(640, nv12->rowBytes(1, 640));
    TEST_ASSERT_EQUAL_UINT(240, nv12->rows(1, 480));
    const FormatLayout *yu12 = formatLayout(kFormatYuv420);
    TEST_ASSERT_EQUAL_UINT(3, yu12->planes);
    TEST_ASSERT_EQUAL_UINT(160, yu12->rowBytes(2, 320));
    TEST_ASSERT_EQUAL_UINT(121, yu12->rows(2, 241));
    const FormatLayout *nv16 = formatLayout(kFormatNv16);
    TEST_ASSERT_EQUAL_UINT(480, nv16->rows(1, 480));
    const FormatLayout *yuyv = formatLayout(kFormatYuyv);
    TEST_ASSERT_TRUE(yuyv->yuv);
    TEST_ASSERT_EQUAL_UINT(1280, yuyv->rowBytes(0, 640));
    TEST_ASSERT_EQUAL_UINT(0, yuyv->rowBytes(1, 640));
    TEST_ASSERT_FALSE(formatLayout(kFormatXrgb8888)->yuv);
    TEST_ASSERT_NULL(formatLayout(fourcc('Z', 'Z', 'Z', 'Z')));
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_parse_mode_size_only);
    RUN_TEST(test_parse_mode_with_refresh);
    RUN_TEST(test_parse_mode_rejects_garbage);
    RUN_TEST(test_connector_first_connected);
    RUN_TEST(test_connector_by_name);
    RUN_TEST(test_connector_errors_name_the_problem);
    RUN_TEST(test_connector_skips_writeback);
    RUN_TEST(test_mode_preferred_by_default);
    RUN_TEST(test_mode_first_when_none_preferred);
    RUN_TEST(test_mode_by_size_prefers_preferred_then_fastest);
    RUN_TEST(test_mode_by_refresh_picks_closest);
    RUN_TEST(test_mode_prefers_progressive_on_equal_rate);
    RUN_TEST(test_mode_missing_lists_modes);
    RUN_TEST(test_refresh_from_timings);
    RUN_TEST(test_crtc_keeps_existing_route);
    RUN_TEST(test_crtc_follows_encoder_mask);
    RUN_TEST(test_crtc_skips_busy_current_route);
    RUN_TEST(test_primary_plane_per_crtc);
    RUN_TEST(test_primary_plane_prefers_the_one_on_the_crtc);
    RUN_TEST(test_format_choice_and_modifiers);
    RUN_TEST(test_format_choice_allowed_modifiers);
    RUN_TEST(test_fourcc_and_modifier_names);
    RUN_TEST(test_pack_rgb);
    RUN_TEST(test_layer_plane_prefers_free_overlay);
    RUN_TEST(test_plane_accepts_modifiers);
    RUN_TEST(test_plane_rotation_value_finds_a_spelling);
    RUN_TEST(test_plane_zpos);
    RUN_TEST(test_parse_rect);
    RUN_TEST(test_fit_rect_keeps_aspect);
    RUN_TEST(test_format_layouts);
    return UNITY_END();
}
