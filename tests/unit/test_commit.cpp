/* SPDX-License-Identifier: MIT */
/*
 * Commit building and the two backends, against a fake device that records
 * every call and can be told to fail.
 */
#include <cerrno>
#include <string>
#include <vector>

#include "kms/commit.h"

#include "fixtures.h"
#include "unity.h"

using namespace scanout;

namespace {

class FakeKmsIo : public KmsIo
{
public:
    struct Call {
        std::string what;
        uint32_t flags = 0;
        std::vector<PropertyValue> props;
        uint32_t crtc = 0, fb = 0, plane = 0;
        std::vector<uint32_t> connectors;
        bool hasMode = false;
        void *user = nullptr;
    };

    int atomicCommit(const std::vector<PropertyValue> &props, uint32_t flags, void *user) override
    {
        Call &c = record("atomic");
        c.flags = flags;
        c.props = props;
        c.user = user;
        return nextError(atomicErrors);
    }
    int createModeBlob(const ModeInfo &, uint32_t *id) override
    {
        *id = nextBlob++;
        liveBlobs.push_back(*id);
        record("createBlob");
        return 0;
    }
    int destroyBlob(uint32_t id) override
    {
        std::erase(liveBlobs, id);
        record("destroyBlob").fb = id;
        return 0;
    }
    int setCrtc(uint32_t crtc, uint32_t fb, uint32_t, uint32_t,
                const std::vector<uint32_t> &connectors, const ModeInfo *mode) override
    {
        Call &c = record("setCrtc");
        c.crtc = crtc;
        c.fb = fb;
        c.connectors = connectors;
        c.hasMode = mode != nullptr;
        return 0;
    }
    int pageFlip(uint32_t crtc, uint32_t fb, uint32_t flags, void *user) override
    {
        Call &c = record("pageFlip");
        c.flags = flags;
        c.crtc = crtc;
        c.fb = fb;
        c.user = user;
        return nextError(flipErrors);
    }
    int setPlane(uint32_t crtc, const PlaneState &plane) override
    {
        Call &c = record("setPlane");
        c.crtc = crtc;
        c.fb = plane.fbId;
        c.plane = plane.planeId;
        return nextError(planeErrors);
    }

    Call &record(const char *what)
    {
        calls.emplace_back();
        calls.back().what = what;
        return calls.back();
    }

    static int nextError(std::vector<int> &errors)
    {
        if (errors.empty())
            return 0;
        int e = errors.front();
        errors.erase(errors.begin());
        return e;
    }

    std::vector<Call> calls;
    std::vector<uint32_t> liveBlobs;
    std::vector<int> atomicErrors, flipErrors, planeErrors;
    uint32_t nextBlob = 900;
};

PropertyTable table()
{
    PropertyTable t;
    t.crtcs[41] = {1, 2};
    t.connectors[51] = {3};
    PlaneProps p;
    p.fbId = 10;
    p.crtcId = 11;
    p.srcX = 12;
    p.srcY = 13;
    p.srcW = 14;
    p.srcH = 15;
    p.crtcX = 16;
    p.crtcY = 17;
    p.crtcW = 18;
    p.crtcH = 19;
    t.planes[61] = p;
    PlaneProps cursor = p;
    cursor.fbId = 20;
    cursor.crtcId = 21;
    t.planes[64] = cursor;
    return t;
}

OutputState state(uint32_t fb)
{
    OutputState s;
    s.crtcId = 41;
    s.connectorId = 51;
    s.mode = fixtures::mode(1280, 800, 71000, 1440, 823, true);
    s.planes.push_back(fullScreenPlane(61, fb, 1280, 800));
    return s;
}

bool has(const std::vector<PropertyValue> &props, uint32_t object, uint32_t prop, uint64_t value)
{
    for (const PropertyValue &p : props)
        if (p.object == object && p.property == prop)
            return p.value == value;
    return false;
}

bool mentions(const std::vector<PropertyValue> &props, uint32_t prop)
{
    for (const PropertyValue &p : props)
        if (p.property == prop)
            return true;
    return false;
}

} /* namespace */

static void test_full_screen_plane_is_16_16()
{
    PlaneState p = fullScreenPlane(61, 7, 1280, 800);
    TEST_ASSERT_EQUAL_UINT(1280u << 16, p.srcW);
    TEST_ASSERT_EQUAL_UINT(800u << 16, p.srcH);
    TEST_ASSERT_EQUAL_UINT(1280, p.crtcW);
    TEST_ASSERT_EQUAL_UINT(0, p.srcX);
}

static void test_atomic_request_modeset()
{
    PropertyTable t = table();
    OutputState s = state(77);
    s.disablePlanes = {64};
    Result<std::vector<PropertyValue>> r = buildAtomicRequest(s, t, true, 900);
    TEST_ASSERT_TRUE(r.ok());
    const std::vector<PropertyValue> &props = *r;
    TEST_ASSERT_TRUE(has(props, 51, 3, 41));  /* connector CRTC_ID */
    TEST_ASSERT_TRUE(has(props, 41, 2, 900)); /* MODE_ID blob */
    TEST_ASSERT_TRUE(has(props, 41, 1, 1));   /* ACTIVE */
    TEST_ASSERT_TRUE(has(props, 61, 10, 77)); /* FB_ID */
    TEST_ASSERT_TRUE(has(props, 61, 11, 41)); /* CRTC_ID */
    TEST_ASSERT_TRUE(has(props, 61, 14, 1280u << 16));
    TEST_ASSERT_TRUE(has(props, 61, 19, 800));
    TEST_ASSERT_TRUE(has(props, 64, 20, 0)); /* cursor off */
    TEST_ASSERT_TRUE(has(props, 64, 21, 0));
    TEST_ASSERT_EQUAL_UINT(3 + 10 + 2, props.size());
}

static void test_atomic_request_flip_touches_only_planes()
{
    PropertyTable t = table();
    Result<std::vector<PropertyValue>> r = buildAtomicRequest(state(78), t, false, 0);
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_FALSE(mentions(*r, 1));
    TEST_ASSERT_FALSE(mentions(*r, 2));
    TEST_ASSERT_FALSE(mentions(*r, 3));
    TEST_ASSERT_TRUE(has(*r, 61, 10, 78));
    TEST_ASSERT_EQUAL_UINT(10, r->size());
}

static void test_atomic_request_rotation()
{
    PropertyTable t = table();
    t.planes[61].rotation = 22;
    OutputState s = state(79);
    /* A portrait 800x1280 frame turned onto the 1280x800 mode: source unrotated, CRTC as the mode.
     */
    s.planes[0].srcW = 800u << 16;
    s.planes[0].srcH = 1280u << 16;
    s.planes[0].rotation = 1u << 1; /* DRM_MODE_ROTATE_90 */
    Result<std::vector<PropertyValue>> r = buildAtomicRequest(s, t, false, 0);
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_TRUE(has(*r, 61, 22, 2));
    TEST_ASSERT_TRUE(has(*r, 61, 14, 800u << 16));
    TEST_ASSERT_TRUE(has(*r, 61, 18, 1280));
    TEST_ASSERT_EQUAL_UINT(11, r->size());

    /* A plane without the property cannot rotate: said, not silently ignored. */
    t.planes[61].rotation = 0;
    r = buildAtomicRequest(s, t, false, 0);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, r.error().errnum());
}

static void test_atomic_request_zpos()
{
    PropertyTable t = table();
    t.planes[61].zpos = 23;
    OutputState s = state(79);
    /* Unset leaves the property alone; 0 is a value like any other. */
    Result<std::vector<PropertyValue>> r = buildAtomicRequest(s, t, false, 0);
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_EQUAL_UINT(10, r->size());
    s.planes[0].zpos = 0;
    r = buildAtomicRequest(s, t, false, 0);
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_TRUE(has(*r, 61, 23, 0));
    TEST_ASSERT_EQUAL_UINT(11, r->size());

    /* A plane without the property: said, not silently ignored. */
    t.planes[61].zpos = 0;
    r = buildAtomicRequest(s, t, false, 0);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, r.error().errnum());
    TEST_ASSERT_TRUE(r.error().message().find("plane 61 has no zpos property") !=
                     std::string::npos);
}

static void test_atomic_request_output_off()
{
    /* An unplugged connector: CRTC off, no mode, connector and planes detached. */
    PropertyTable t = table();
    OutputState s = state(0);
    s.active = false;
    Result<std::vector<PropertyValue>> r = buildAtomicRequest(s, t, true, 900);
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_TRUE(has(*r, 51, 3, 0));
    TEST_ASSERT_TRUE(has(*r, 41, 2, 0));
    TEST_ASSERT_TRUE(has(*r, 41, 1, 0));
    TEST_ASSERT_TRUE(has(*r, 61, 10, 0));
    TEST_ASSERT_TRUE(has(*r, 61, 11, 0));
}

static void test_atomic_request_negative_position()
{
    PropertyTable t = table();
    OutputState s = state(5);
    s.planes[0].crtcX = -16;
    Result<std::vector<PropertyValue>> r = buildAtomicRequest(s, t, false, 0);
    TEST_ASSERT_TRUE(r.ok());
    TEST_ASSERT_TRUE(has(*r, 61, 16, static_cast<uint64_t>(int64_t{-16})));
}

static void test_atomic_request_missing_properties()
{
    PropertyTable t = table();
    t.crtcs[41].modeId = 0;
    Result<std::vector<PropertyValue>> r = buildAtomicRequest(state(1), t, true, 900);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_TRUE(r.error().message().find("CRTC 41") != std::string::npos);

    t = table();
    OutputState s = state(1);
    s.planes[0].planeId = 99;
    r = buildAtomicRequest(s, t, false, 0);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_TRUE(r.error().message().find("plane 99") != std::string::npos);
}

static void test_atomic_flags()
{
    /* Values from drm_mode.h: TEST_ONLY 0x100, NONBLOCK 0x200, ALLOW_MODESET 0x400, EVENT 0x1. */
    TEST_ASSERT_EQUAL_HEX(0x500, atomicFlags(CommitKind::Test));
    TEST_ASSERT_EQUAL_HEX(0x400, atomicFlags(CommitKind::Modeset));
    TEST_ASSERT_EQUAL_HEX(0x201, atomicFlags(CommitKind::Flip));
}

static void test_atomic_backend_test_then_modeset_then_flip()
{
    FakeKmsIo io;
    PropertyTable t = table();
    auto backend = createAtomicBackend(io, t);
    TEST_ASSERT_EQUAL_STRING("atomic", backend->name());

    TEST_ASSERT_TRUE(backend->commit(state(1), CommitKind::Test, nullptr).ok());
    /* A TEST_ONLY blob is not kept. */
    TEST_ASSERT_EQUAL_UINT(0, io.liveBlobs.size());
    TEST_ASSERT_TRUE(backend->commit(state(1), CommitKind::Modeset, nullptr).ok());
    TEST_ASSERT_EQUAL_UINT(1, io.liveBlobs.size());
    int tag = 0;
    TEST_ASSERT_TRUE(backend->commit(state(2), CommitKind::Flip, &tag).ok());

    std::vector<const FakeKmsIo::Call *> atomics;
    for (const auto &c : io.calls)
        if (c.what == "atomic")
            atomics.push_back(&c);
    TEST_ASSERT_EQUAL_UINT(3, atomics.size());
    TEST_ASSERT_EQUAL_HEX(0x500, atomics[0]->flags);
    TEST_ASSERT_EQUAL_HEX(0x400, atomics[1]->flags);
    TEST_ASSERT_EQUAL_HEX(0x201, atomics[2]->flags);
    TEST_ASSERT_TRUE(atomics[2]->user == &tag);
    TEST_ASSERT_TRUE(has(atomics[1]->props, 41, 2, io.liveBlobs[0]));

    /* A second modeset swaps the blob: the old one is destroyed after success. */
    uint32_t first = io.liveBlobs[0];
    TEST_ASSERT_TRUE(backend->commit(state(3), CommitKind::Modeset, nullptr).ok());
    TEST_ASSERT_EQUAL_UINT(1, io.liveBlobs.size());
    TEST_ASSERT_TRUE(io.liveBlobs[0] != first);

    backend.reset();
    TEST_ASSERT_EQUAL_UINT(0, io.liveBlobs.size());
}

static void test_atomic_backend_rolls_back_on_failure()
{
    FakeKmsIo io;
    PropertyTable t = table();
    auto backend = createAtomicBackend(io, t);
    TEST_ASSERT_TRUE(backend->commit(state(1), CommitKind::Modeset, nullptr).ok());
    uint32_t kept = io.liveBlobs[0];

    io.atomicErrors = {-EINVAL};
    Result<void> r = backend->commit(state(1), CommitKind::Modeset, nullptr);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EINVAL, r.error().errnum());
    TEST_ASSERT_TRUE(r.error().message().find("CRTC 41") != std::string::npos);
    /* The failed attempt's blob is gone, the applied one stays. */
    TEST_ASSERT_EQUAL_UINT(1, io.liveBlobs.size());
    TEST_ASSERT_EQUAL_UINT(kept, io.liveBlobs[0]);
}

static void test_atomic_backend_reports_ebusy()
{
    FakeKmsIo io;
    PropertyTable t = table();
    auto backend = createAtomicBackend(io, t);
    io.atomicErrors = {-EBUSY};
    Result<void> r = backend->commit(state(4), CommitKind::Flip, nullptr);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EBUSY, r.error().errnum());
    /* No blob for a flip, so nothing to leak either way. */
    TEST_ASSERT_EQUAL_UINT(0, io.liveBlobs.size());
}

static void test_changed_since_leaves_out_held_values()
{
    AppliedProperties applied{{{61, 10}, 77}, {{61, 11}, 41}, {{61, 14}, 1280u << 16}};
    std::vector<PropertyValue> request{
        {61, 10, 78}, {61, 11, 41}, {61, 14, 1280u << 16}, {64, 20, 5}};
    PropertyValue anchor{61, 10, 78};
    std::vector<PropertyValue> out = changedSince(applied, request, anchor);
    TEST_ASSERT_EQUAL_UINT(2, out.size());
    TEST_ASSERT_TRUE(has(out, 61, 10, 78));
    TEST_ASSERT_TRUE(has(out, 64, 20, 5)); /* never set: sent */

    /* Nothing new: the anchor alone keeps the CRTC, and its event, in the commit. */
    applied[{61, 10}] = 78;
    applied[{64, 20}] = 5;
    out = changedSince(applied, request, anchor);
    TEST_ASSERT_EQUAL_UINT(1, out.size());
    TEST_ASSERT_TRUE(out.front() == anchor);
}

/* The atomic requests the fake device saw, in order. */
static std::vector<std::vector<PropertyValue>> atomicRequests(const FakeKmsIo &io)
{
    std::vector<std::vector<PropertyValue>> out;
    for (const auto &c : io.calls)
        if (c.what == "atomic")
            out.push_back(c.props);
    return out;
}

static void test_atomic_backend_flips_send_what_changed()
{
    FakeKmsIo io;
    PropertyTable t = table();
    auto backend = createAtomicBackend(io, t);
    TEST_ASSERT_TRUE(backend->commit(state(1), CommitKind::Modeset, nullptr).ok());

    /* A new buffer on the same plane: its FB_ID alone. */
    TEST_ASSERT_TRUE(backend->commit(state(2), CommitKind::Flip, nullptr).ok());
    /* A TEST_ONLY commit states everything and changes nothing the kernel holds. */
    TEST_ASSERT_TRUE(backend->commit(state(9), CommitKind::Test, nullptr).ok());
    /* A second plane comes on: all of its values, and not the primary's. */
    OutputState two = state(3);
    PlaneState cursor = fullScreenPlane(64, 5, 64, 64);
    cursor.crtcX = 100;
    two.planes.push_back(cursor);
    TEST_ASSERT_TRUE(backend->commit(two, CommitKind::Flip, nullptr).ok());
    /* Only the cursor moves. */
    two.planes[1].crtcX = 120;
    TEST_ASSERT_TRUE(backend->commit(two, CommitKind::Flip, nullptr).ok());
    /* Nothing changes: the primary's FB_ID, the anchor. */
    TEST_ASSERT_TRUE(backend->commit(two, CommitKind::Flip, nullptr).ok());

    auto req = atomicRequests(io);
    TEST_ASSERT_EQUAL_UINT(6, req.size());
    TEST_ASSERT_EQUAL_UINT(3 + 10, req[0].size());
    TEST_ASSERT_EQUAL_UINT(1, req[1].size());
    TEST_ASSERT_TRUE(has(req[1], 61, 10, 2));
    TEST_ASSERT_EQUAL_UINT(3 + 10, req[2].size());
    TEST_ASSERT_EQUAL_UINT(1 + 10, req[3].size());
    TEST_ASSERT_TRUE(has(req[3], 61, 10, 3));
    TEST_ASSERT_TRUE(has(req[3], 64, 20, 5));
    TEST_ASSERT_TRUE(has(req[3], 64, 16, 100));
    TEST_ASSERT_EQUAL_UINT(1, req[4].size());
    TEST_ASSERT_TRUE(has(req[4], 64, 16, 120));
    TEST_ASSERT_EQUAL_UINT(1, req[5].size());
    TEST_ASSERT_TRUE(has(req[5], 61, 10, 3));
}

static void test_atomic_backend_states_everything_after_doubt()
{
    FakeKmsIo io;
    PropertyTable t = table();
    auto backend = createAtomicBackend(io, t);
    TEST_ASSERT_TRUE(backend->commit(state(1), CommitKind::Modeset, nullptr).ok());

    /* EBUSY changed nothing: the retry is still a delta. */
    io.atomicErrors = {-EBUSY};
    TEST_ASSERT_FALSE(backend->commit(state(2), CommitKind::Flip, nullptr).ok());
    TEST_ASSERT_TRUE(backend->commit(state(2), CommitKind::Flip, nullptr).ok());
    /* Any other failure leaves the kernel's state in doubt: the next flip states it all. */
    io.atomicErrors = {-EINVAL};
    TEST_ASSERT_FALSE(backend->commit(state(3), CommitKind::Flip, nullptr).ok());
    TEST_ASSERT_TRUE(backend->commit(state(3), CommitKind::Flip, nullptr).ok());
    TEST_ASSERT_TRUE(backend->commit(state(4), CommitKind::Flip, nullptr).ok());
    /* A modeset (after a VT switch, say) states everything and starts the record afresh. */
    TEST_ASSERT_TRUE(backend->commit(state(4), CommitKind::Modeset, nullptr).ok());
    TEST_ASSERT_TRUE(backend->commit(state(5), CommitKind::Flip, nullptr).ok());

    auto req = atomicRequests(io);
    TEST_ASSERT_EQUAL_UINT(8, req.size());
    TEST_ASSERT_EQUAL_UINT(1, req[1].size());
    TEST_ASSERT_EQUAL_UINT(1, req[2].size());
    TEST_ASSERT_EQUAL_UINT(1, req[3].size());
    TEST_ASSERT_EQUAL_UINT(10, req[4].size());
    TEST_ASSERT_EQUAL_UINT(1, req[5].size());
    TEST_ASSERT_EQUAL_UINT(3 + 10, req[6].size());
    TEST_ASSERT_EQUAL_UINT(1, req[7].size());
    TEST_ASSERT_TRUE(has(req[7], 61, 10, 5));
}

static void test_legacy_backend()
{
    FakeKmsIo io;
    auto backend = createLegacyBackend(io);
    TEST_ASSERT_EQUAL_STRING("legacy", backend->name());

    /* Legacy has no TEST_ONLY: nothing is submitted. */
    TEST_ASSERT_TRUE(backend->commit(state(1), CommitKind::Test, nullptr).ok());
    TEST_ASSERT_EQUAL_UINT(0, io.calls.size());

    OutputState s = state(1);
    s.disablePlanes = {64};
    TEST_ASSERT_TRUE(backend->commit(s, CommitKind::Modeset, nullptr).ok());
    TEST_ASSERT_EQUAL_STRING("setCrtc", io.calls[0].what);
    TEST_ASSERT_EQUAL_UINT(41, io.calls[0].crtc);
    TEST_ASSERT_EQUAL_UINT(1, io.calls[0].fb);
    TEST_ASSERT_EQUAL_UINT(1, io.calls[0].connectors.size());
    TEST_ASSERT_EQUAL_UINT(51, io.calls[0].connectors[0]);
    TEST_ASSERT_TRUE(io.calls[0].hasMode);
    TEST_ASSERT_EQUAL_STRING("setPlane", io.calls[1].what);
    TEST_ASSERT_EQUAL_UINT(64, io.calls[1].plane);
    TEST_ASSERT_EQUAL_UINT(0, io.calls[1].fb);

    int tag = 0;
    TEST_ASSERT_TRUE(backend->commit(state(2), CommitKind::Flip, &tag).ok());
    const FakeKmsIo::Call &flip = io.calls.back();
    TEST_ASSERT_EQUAL_STRING("pageFlip", flip.what);
    TEST_ASSERT_EQUAL_UINT(2, flip.fb);
    TEST_ASSERT_EQUAL_HEX(0x1, flip.flags); /* DRM_MODE_PAGE_FLIP_EVENT */
    TEST_ASSERT_TRUE(flip.user == &tag);

    io.flipErrors = {-EBUSY};
    Result<void> r = backend->commit(state(3), CommitKind::Flip, &tag);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EBUSY, r.error().errnum());

    /*
     * A flip with a layer: SetPlane first, the page flip last. A refused
     * plane then leaves no flip queued whose event nobody expects.
     */
    OutputState layered = state(4);
    layered.planes.push_back(fullScreenPlane(64, 7, 1280, 800));
    io.calls.clear();
    TEST_ASSERT_TRUE(backend->commit(layered, CommitKind::Flip, &tag).ok());
    TEST_ASSERT_EQUAL_UINT(2, io.calls.size());
    TEST_ASSERT_EQUAL_STRING("setPlane", io.calls[0].what);
    TEST_ASSERT_EQUAL_UINT(64, io.calls[0].plane);
    TEST_ASSERT_EQUAL_STRING("pageFlip", io.calls[1].what);
    io.calls.clear();
    io.planeErrors = {-EINVAL};
    r = backend->commit(layered, CommitKind::Flip, &tag);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EINVAL, r.error().errnum());
    TEST_ASSERT_EQUAL_UINT(1, io.calls.size());
    TEST_ASSERT_EQUAL_STRING("setPlane", io.calls[0].what);

    /* Legacy ioctls have no rotation: refused before anything is submitted. */
    size_t before = io.calls.size();
    OutputState rotated = state(5);
    rotated.planes[0].rotation = 1u << 2; /* DRM_MODE_ROTATE_180 */
    r = backend->commit(rotated, CommitKind::Flip, &tag);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, r.error().errnum());
    TEST_ASSERT_EQUAL_UINT(before, io.calls.size());
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_full_screen_plane_is_16_16);
    RUN_TEST(test_atomic_request_modeset);
    RUN_TEST(test_atomic_request_flip_touches_only_planes);
    RUN_TEST(test_atomic_request_rotation);
    RUN_TEST(test_atomic_request_zpos);
    RUN_TEST(test_atomic_request_output_off);
    RUN_TEST(test_atomic_request_negative_position);
    RUN_TEST(test_atomic_request_missing_properties);
    RUN_TEST(test_atomic_flags);
    RUN_TEST(test_atomic_backend_test_then_modeset_then_flip);
    RUN_TEST(test_atomic_backend_rolls_back_on_failure);
    RUN_TEST(test_atomic_backend_reports_ebusy);
    RUN_TEST(test_changed_since_leaves_out_held_values);
    RUN_TEST(test_atomic_backend_flips_send_what_changed);
    RUN_TEST(test_atomic_backend_states_everything_after_doubt);
    RUN_TEST(test_legacy_backend);
    return UNITY_END();
}
