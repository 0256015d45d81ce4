# SPDX-License-Identifier: MIT
"""What the kiosk VM tests share: where scanout-kiosk draws its buttons (the
rules of apps/kiosk/ui.h, computed here again), the rotation of logical to
physical points, and the guest shell helpers that drive a running kiosk."""

import os
import re

import vmtest

KIOSK = os.path.join(vmtest.BUILD, "apps", "scanout-kiosk")

BACKGROUND = (24, 24, 32)
STATUS = (40, 40, 40)
PLACEHOLDER = (128, 128, 128)
BUTTONS = {"toggle-camera": (220, 60, 60), "switch-layout": (60, 180, 60),
           "screenshot": (60, 90, 220)}
ORDER = ("toggle-camera", "switch-layout", "screenshot")


def even(v):
    return v // 2 * 2


def layout(width, height, full=False):
    """{action: (x, y, w, h)} of the buttons and the camera area, logical pixels."""
    s = min(height, even(max(24, height // 12)))
    c = height - s
    if full:
        rects = {a: (width - (3 - i) * (s + s // 4), height - s, s, s)
                 for i, a in enumerate(ORDER)}
        rects["camera"] = (0, 0, even(width), even(c))
        return rects
    if width >= height:
        u = even(width // 3)
        m = max(4, min(u, c) // 16)
        h = (c - 4 * m) // 3
        rects = {a: (m, m + i * (h + m), u - 2 * m, h) for i, a in enumerate(ORDER)}
        rects["camera"] = (u, 0, even(width - u), even(c))
    else:
        u = even(c // 3)
        m = max(4, min(width, u) // 16)
        w = (width - 4 * m) // 3
        rects = {a: (m + i * (w + m), m, w, u - 2 * m) for i, a in enumerate(ORDER)}
        rects["camera"] = (0, u, even(width), even(c - u))
    return rects


def centre(rect):
    x, y, w, h = rect
    return x + w // 2, y + h // 2


def inside(rect):
    """A point inside a button, clear of its centred label."""
    x, y, w, h = rect
    return x + max(2, w // 8), y + max(2, h // 8)


def to_physical(point, rotation, lw, lh):
    """Where a logical point is seen on the output turned counter-clockwise."""
    x, y = point
    if rotation == 90:
        return y, lw - x
    if rotation == 180:
        return lw - x, lh - y
    if rotation == 270:
        return lh - y, x
    return x, y


# Guest helpers: start the kiosk in the background with its log in the job
# dir, and wait for a line in that log.
GUEST = r"""
# wait_log FILE PATTERN [TENTHS [COUNT]]: until grep finds PATTERN in COUNT
# lines of FILE (1 by default).
wait_log() {
    i=0
    while n=$(grep -c -- "$2" "$1" 2>/dev/null); [ "${n:-0}" -lt "${4:-1}" ]; do
        i=$((i + 1))
        if [ $i -gt "${3:-300}" ]; then
            echo "wait_log: '$2' not in ${4:-1} lines of $1 after $((${3:-300} / 10)) s"
            return 1
        fi
        sleep 0.1
    done
}
# wait_exit PID [TENTHS]: PID's exit status once it exits; a kiosk still
# running by then (20 s by default) is told to stop with SIGTERM, then
# killed 5 s later, so one that hangs fails its checks, not the whole boot.
wait_exit() {
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt "${2:-200}" ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$1" 2>/dev/null; then
        echo "wait_exit: pid $1 still running after $((${2:-200} / 10)) s; SIGTERM"
        kill -TERM "$1"
        i=0
        while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -0 "$1" 2>/dev/null && echo "wait_exit: pid $1 ignored SIGTERM; SIGKILL" && kill -KILL "$1"
    fi
    wait "$1"
}
# kd_mode TTY: 0 text, 1 graphics (KDGETMODE).
kd_mode() {
    python3 -c 'import fcntl, struct, sys; fd = open(sys.argv[1], "rb", buffering=0); \
print(struct.unpack("i", fcntl.ioctl(fd, 0x4B3B, b"\0" * 4))[0])' "$1"
}
"""

SUMMARY = re.compile(
    r"scanout-kiosk: (?P<frames>\d+) frames shown in (?P<seconds>[\d.]+) s "
    r"\((?P<commits>\d+) commits, (?P<gl>\d+) GL frames\), (?P<actions>\d+) actions, "
    r"camera (?P<path>\S+), (?P<camframes>\d+) camera frames shown, (?P<dropped>\d+) dropped, "
    r"input to flip median (?P<lat50>[\d.]+) ms p99 (?P<lat99>[\d.]+) ms \((?P<samples>\d+)\), "
    r"(?P<cpu>[\d.]+)% CPU")
FDS = re.compile(r"scanout-kiosk: open fds at start (-?\d+), at exit (-?\d+)")


def summary(checks, out, label):
    """The kiosk's summary line and fd check; returns the match."""
    m = SUMMARY.search(out)
    if not checks.check(m is not None, f"{label}: summary line printed"):
        return None
    print(f"MEASURED {label}: {m.group(0)}")
    fds = FDS.search(out)
    checks.check(fds is not None and fds.group(1) == fds.group(2),
                 f"{label}: no fd leaked ({fds.group(0) if fds else 'no fd line'})")
    return m


def near(a, b, tolerance=8):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def check_colour(checks, img, point, colour, what):
    px = vmtest.vm.pixel(img, int(point[0]), int(point[1]))
    return checks.check(near(px, colour), f"{what}: {colour} at {point} (got {px})")
