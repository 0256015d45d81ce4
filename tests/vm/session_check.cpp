/* SPDX-License-Identifier: MIT */
/*
 * VM helper for the session: opens a Session, opens a card through it with
 * Device::open, and stays in the loop for a while, saying what happens on
 * VT switches. test_vm_session.py reads these lines:
 *
 *   session: backend NAME vt N active yes|no
 *   drm: PATH (DRIVER) opened through the session
 *   drm: master yes|no WHEN          WHEN: at start, after disabled, after enabled
 *   drm: resources C crtcs, K connectors WHEN
 *   drm: open while disabled: ok, master yes|no | refused: MESSAGE
 *   session: ready
 *   session: disabled | session: enabled
 *   session_check: switch to VT N: ok | MESSAGE
 *   session_check: open fds at start N, at exit M
 *
 *   session_check [--backend auto|seat|direct] [--device PATH] [--seconds S]
 *                 [--commands FIFO]
 *
 * Lines written to the FIFO: "switch N" (Session::switchVt), "quit".
 */
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <scanout/device.h>
#include <scanout/event_loop.h>
#include <scanout/session.h>
#include <scanout/unique_fd.h>

#include "common/fd_count.h"

using namespace scanout;

namespace {

constexpr uint64_t kSecond = 1000000000ull;

struct Options {
    SessionOptions session;
    std::string device = "/dev/dri/card0";
    double seconds = 10;
    /* A FIFO the test writes commands to: VT switches the program asks for itself. */
    std::string commands;
};

int usage()
{
    std::fprintf(stderr, "usage: session_check [--backend auto|seat|direct] [--device PATH] "
                         "[--seconds S] [--commands FIFO]\n");
    return 2;
}

bool parse(int argc, char **argv, Options &o)
{
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        if (i + 1 >= argc)
            return false;
        std::string value = argv[++i];
        if (arg == "--backend") {
            if (value == "auto")
                o.session.backend = SessionOptions::Backend::Auto;
            else if (value == "seat")
                o.session.backend = SessionOptions::Backend::Seat;
            else if (value == "direct")
                o.session.backend = SessionOptions::Backend::Direct;
            else
                return false;
        } else if (arg == "--device") {
            o.device = value;
        } else if (arg == "--seconds") {
            o.seconds = std::atof(value.c_str());
        } else if (arg == "--commands") {
            o.commands = value;
        } else {
            return false;
        }
    }
    return o.seconds > 0;
}

void printMaster(int fd, const char *when)
{
    std::printf("drm: master %s %s\n", drmIsMaster(fd) ? "yes" : "no", when);
}

bool printResources(int fd, const char *when)
{
    drmModeResPtr res = drmModeGetResources(fd);
    if (!res) {
        std::printf("drm: drmModeGetResources failed %s: %s\n", when, strerror(errno));
        return false;
    }
    std::printf("drm: resources %d crtcs, %d connectors %s\n", res->count_crtcs,
                res->count_connectors, when);
    drmModeFreeResources(res);
    return true;
}

int run(const Options &o)
{
    Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
    if (!loop) {
        std::fprintf(stderr, "session_check: %s\n", loop.error().describe().c_str());
        return 1;
    }
    EventLoop &l = **loop;

    Result<std::unique_ptr<Session>> opened = Session::open(l, o.session);
    if (!opened) {
        std::fprintf(stderr, "session_check: %s\n", opened.error().describe().c_str());
        return 1;
    }
    Session &session = **opened;
    std::printf("session: backend %s vt %d active %s\n", session.backend(), session.vt(),
                session.active() ? "yes" : "no");

    DeviceOptions devOptions;
    devOptions.device = o.device;
    devOptions.session = &session;
    Result<std::unique_ptr<Device>> device = Device::open(devOptions);
    if (!device) {
        std::fprintf(stderr, "session_check: %s\n", device.error().describe().c_str());
        return 1;
    }
    int fd = (*device)->fd();
    std::printf("drm: %s (%s) opened through the session\n", (*device)->path().c_str(),
                (*device)->info().driver.c_str());
    printMaster(fd, "at start");
    int status = printResources(fd, "at start") ? 0 : 1;

    session.setCallbacks(
        [&] {
            std::printf("session: disabled\n");
            /* After the session has acknowledged: master is gone by then. */
            l.post([&] {
                printMaster(fd, "after disabled");
                Result<int> again = session.openDevice(o.device, O_RDWR);
                if (again) {
                    std::printf("drm: open while disabled: ok, master %s\n",
                                drmIsMaster(*again) ? "yes" : "no");
                    session.closeDevice(*again);
                } else {
                    std::printf("drm: open while disabled: refused: %s\n",
                                again.error().describe().c_str());
                }
            });
        },
        [&] {
            std::printf("session: enabled\n");
            printMaster(fd, "after enabled");
            if (!printResources(fd, "after enabled"))
                status = 1;
        });

    /* Read-write, so that the FIFO never reports EOF when a writer closes it. */
    UniqueFd commands;
    std::string pending;
    std::optional<EventLoop::Id> commandSource;
    if (!o.commands.empty()) {
        commands.reset(::open(o.commands.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
        if (!commands.isValid()) {
            std::fprintf(stderr, "session_check: open %s: %s\n", o.commands.c_str(),
                         strerror(errno));
            return 1;
        }
        Result<EventLoop::Id> id = l.addFd(commands.get(), EPOLLIN, [&](uint32_t) {
            char buf[256];
            ssize_t n;
            while ((n = ::read(commands.get(), buf, sizeof(buf))) > 0)
                pending.append(buf, static_cast<size_t>(n));
            for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
                std::string line = pending.substr(0, nl);
                pending.erase(0, nl + 1);
                if (line.compare(0, 7, "switch ") == 0) {
                    int vt = std::atoi(line.c_str() + 7);
                    Result<void> r = session.switchVt(vt);
                    std::printf("session_check: switch to VT %d: %s\n", vt,
                                r ? "ok" : r.error().describe().c_str());
                } else if (line == "quit") {
                    std::printf("session_check: quit\n");
                    l.exit(0);
                }
            }
        });
        if (!id) {
            std::fprintf(stderr, "session_check: %s\n", id.error().describe().c_str());
            return 1;
        }
        commandSource = *id;
    }
    Result<EventLoop::Id> end = l.addTimer(static_cast<uint64_t>(o.seconds * kSecond), 0, [&] {
        std::printf("session_check: done after %g s\n", o.seconds);
        l.exit(0);
    });
    std::vector<EventLoop::Id> signals;
    for (int sig : {SIGINT, SIGTERM}) {
        Result<EventLoop::Id> id = l.addSignal(sig, [&l, sig] {
            std::printf("session_check: stopping on %s\n", strsignal(sig));
            l.exit(0);
        });
        if (id)
            signals.push_back(*id);
    }
    if (!end || signals.size() != 2) {
        std::fprintf(stderr, "session_check: cannot set up the loop's timer and signals\n");
        return 1;
    }

    std::printf("session: ready\n");
    if (l.run() != 0)
        status = 1;

    /* The device goes back to the session before the session goes. */
    device->reset();
    opened->reset();
    for (EventLoop::Id id : signals)
        l.remove(id);
    if (commandSource)
        l.remove(*commandSource);
    return status;
}

} /* namespace */

int main(int argc, char **argv)
{
    /* The test reads our output from a file while we run. */
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    Options o;
    if (!parse(argc, argv, o))
        return usage();
    int fdsAtStart = apps::countOpenFds();
    int status = run(o);
    return apps::checkFdLeak("session_check", fdsAtStart, status);
}
