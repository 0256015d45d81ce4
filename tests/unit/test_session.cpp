/* SPDX-License-Identifier: MIT */
/* The session's decisions that need no VT, seat or device. */
#include <cerrno>
#include <string>

#include <linux/kd.h>

#include "base/session_backend.h"

#include "unity.h"

using namespace scanout;
using Backend = SessionOptions::Backend;

static bool contains(const std::string &text, const char *part)
{
    return text.find(part) != std::string::npos;
}

static SeatAttempt noDaemon()
{
    SeatAttempt seat;
    seat.built = true;
    seat.tried = true;
    seat.errnum = ENOENT;
    seat.backends = "seatd, logind";
    seat.reason = "seatd: Could not connect to socket /run/seatd.sock: No such file or directory";
    return seat;
}

static void test_root_falls_back_to_direct()
{
    TEST_ASSERT_TRUE(directAllowed(Backend::Auto, noDaemon(), 0).ok());
    TEST_ASSERT_TRUE(directAllowed(Backend::Direct, SeatAttempt{}, 0).ok());
    SeatAttempt notBuilt;
    TEST_ASSERT_TRUE(directAllowed(Backend::Auto, notBuilt, 0).ok());
}

static void test_non_root_without_daemon_says_what_was_tried()
{
    Result<void> r = directAllowed(Backend::Auto, noDaemon(), 1000);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EPERM, r.error().errnum());
    const std::string &m = r.error().message();
    TEST_ASSERT_TRUE(contains(m, "tried seatd, logind: seatd: Could not connect to socket "
                                 "/run/seatd.sock"));
    TEST_ASSERT_TRUE(contains(m, "needs root, not euid 1000"));
    TEST_ASSERT_TRUE(contains(m, "run seatd"));
    TEST_ASSERT_TRUE(contains(m, "logind session"));
}

static void test_seat_only_never_goes_direct()
{
    /* Even root: "seat" means a seat daemon or nothing. */
    Result<void> r = directAllowed(Backend::Seat, noDaemon(), 0);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, r.error().errnum());
    TEST_ASSERT_TRUE(contains(r.error().message(), "libseat opened no seat (tried seatd, logind"));

    SeatAttempt notBuilt;
    r = directAllowed(Backend::Seat, notBuilt, 0);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(ENOTSUP, r.error().errnum());
    TEST_ASSERT_TRUE(contains(r.error().message(), "built without libseat"));
}

static void test_direct_needs_root()
{
    Result<void> r = directAllowed(Backend::Direct, SeatAttempt{}, 65534);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EPERM, r.error().errnum());
    TEST_ASSERT_TRUE(contains(r.error().message(), "direct backend"));
    TEST_ASSERT_TRUE(contains(r.error().message(), "euid 65534"));

    SeatAttempt notBuilt;
    r = directAllowed(Backend::Auto, notBuilt, 65534);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_TRUE(contains(r.error().message(), "built without libseat"));
}

/* The seat module is built but could not be loaded: as without libseat, and saying why. */
static SeatAttempt moduleMissing()
{
    SeatAttempt seat;
    seat.built = true;
    seat.errnum = ENOENT;
    seat.missing = "the libseat session could not be loaded (load module libscanout-seat.so.0: "
                   "libscanout-seat.so.0: cannot open shared object file: No such file or "
                   "directory)";
    return seat;
}

static void test_missing_module_is_like_no_libseat()
{
    TEST_ASSERT_TRUE(directAllowed(Backend::Auto, moduleMissing(), 0).ok());

    Result<void> r = directAllowed(Backend::Auto, moduleMissing(), 65534);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(EPERM, r.error().errnum());
    TEST_ASSERT_TRUE(contains(r.error().message(), "libscanout-seat.so.0: cannot open shared"));
    TEST_ASSERT_TRUE(contains(r.error().message(), "needs root, not euid 65534"));

    r = directAllowed(Backend::Seat, moduleMissing(), 0);
    TEST_ASSERT_FALSE(r.ok());
    TEST_ASSERT_EQUAL_INT(ENOENT, r.error().errnum());
    TEST_ASSERT_TRUE(contains(r.error().message(), "backend 'seat' asked for, but the libseat "
                                                   "session could not be loaded (load module "
                                                   "libscanout-seat.so.0"));
    TEST_ASSERT_FALSE(contains(r.error().message(), "built without libseat"));
}

static void test_vt_choice()
{
    /* /dev/tty3 is major 4 minor 3; /dev/tty0 (minor 0) and ttyS0 (minor 64) are not VTs. */
    TEST_ASSERT_EQUAL_INT(3, vtOfDevice(4, 3));
    TEST_ASSERT_EQUAL_INT(63, vtOfDevice(4, 63));
    TEST_ASSERT_EQUAL_INT(0, vtOfDevice(4, 0));
    TEST_ASSERT_EQUAL_INT(0, vtOfDevice(4, 64));
    TEST_ASSERT_EQUAL_INT(0, vtOfDevice(136, 0)); /* a pty */
    TEST_ASSERT_EQUAL_INT(0, vtOfDevice(5, 1));   /* /dev/console */

    TEST_ASSERT_EQUAL_INT(3, chooseVt(3, 1)); /* stdin's VT, even when another is in front */
    TEST_ASSERT_EQUAL_INT(1, chooseVt(0, 1));
    TEST_ASSERT_EQUAL_INT(0, chooseVt(0, 0));

    TEST_ASSERT_EQUAL_INT(1, parseVtName("tty1\n"));
    TEST_ASSERT_EQUAL_INT(12, parseVtName("tty12"));
    TEST_ASSERT_EQUAL_INT(0, parseVtName("tty"));
    TEST_ASSERT_EQUAL_INT(0, parseVtName("ttyS0\n"));
    TEST_ASSERT_EQUAL_INT(0, parseVtName("tty64"));
    TEST_ASSERT_EQUAL_INT(0, parseVtName(""));
}

static void test_drm_nodes_and_keyboard_mode()
{
    TEST_ASSERT_TRUE(isDrmPrimary(226, 0));
    TEST_ASSERT_TRUE(isDrmPrimary(226, 1));
    TEST_ASSERT_FALSE(isDrmPrimary(226, 128)); /* renderD128 has no master */
    TEST_ASSERT_FALSE(isDrmPrimary(13, 64));   /* an evdev node */

    TEST_ASSERT_EQUAL_INT(K_UNICODE, keyboardModeToRestore(K_UNICODE));
    TEST_ASSERT_EQUAL_INT(K_XLATE, keyboardModeToRestore(K_XLATE));
    TEST_ASSERT_EQUAL_INT(K_UNICODE, keyboardModeToRestore(K_OFF));
}

static void test_libseat_log_lines()
{
    TEST_ASSERT_EQUAL_STRING("Could not connect to socket /run/seatd.sock: No such file",
                             trimLibseatLog("[libseat/backend/seatd.c:64] Could not connect to "
                                            "socket /run/seatd.sock: No such file\n"));
    TEST_ASSERT_EQUAL_STRING("no prefix", trimLibseatLog("no prefix"));

    std::optional<std::string> name =
        libseatBackendFromLog("[libseat/libseat.c:73] Seat opened with backend 'seatd'");
    TEST_ASSERT_TRUE(name.has_value());
    TEST_ASSERT_EQUAL_STRING("seatd", *name);
    name = libseatBackendFromLog("Seat opened with backend 'logind'\n");
    TEST_ASSERT_TRUE(name.has_value());
    TEST_ASSERT_EQUAL_STRING("logind", *name);
    TEST_ASSERT_FALSE(libseatBackendFromLog("Backend 'seatd' failed to open seat, skipping"));
    TEST_ASSERT_FALSE(libseatBackendFromLog("Seat opened with backend ''"));
}

int main()
{
    UNITY_BEGIN();
    RUN_TEST(test_root_falls_back_to_direct);
    RUN_TEST(test_non_root_without_daemon_says_what_was_tried);
    RUN_TEST(test_seat_only_never_goes_direct);
    RUN_TEST(test_direct_needs_root);
    RUN_TEST(test_missing_module_is_like_no_libseat);
    RUN_TEST(test_vt_choice);
    RUN_TEST(test_drm_nodes_and_keyboard_mode);
    RUN_TEST(test_libseat_log_lines);
    return UNITY_END();
}
