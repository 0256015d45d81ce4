# SPDX-License-Identifier: MIT
"""What the camera VM tests share: vivid, scanout-cam's summary line and the
checks of vivid's colour bars on screen."""

import os
import re

import vmtest

CAM = os.path.join(vmtest.BUILD, "apps", "scanout-cam")

# One webcam-like capture node, nothing else.
VIVID = "modprobe vivid n_devs=1 node_types=0x1 input_types=0x0"

# vivid's default "75% Colorbar" pattern, left to right, as RGB.
BARS = [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0),
        (191, 0, 191), (191, 0, 0), (0, 0, 191), (0, 0, 0)]
# vivid's on-screen text covers rows 16 to 143 of a 480-row frame: sample below.
TEXT_BOTTOM = 144 / 480

# The colour the tests ask scanout-cam to put around the camera (--background).
BACKGROUND = (0, 64, 128)
BACKGROUND_ARG = "--background 004080"

# VIDIOC_S_CTRL with vivid's "Disconnect" button: the camera goes away as if unplugged.
DISCONNECT = ("python3 -c 'import fcntl, os, struct; "
              "fd = os.open(\"/dev/video0\", os.O_RDWR); "
              "fcntl.ioctl(fd, 0xC008561C, struct.pack(\"Ii\", 0x00f0f041, 1))'")

SUMMARY = re.compile(
    r"scanout-cam: (?P<captured>\d+) captured, (?P<displayed>\d+) displayed, "
    r"(?P<skipped>\d+) skipped, (?P<dropped>\d+) dropped, path (?P<path>\w+), "
    r"(?P<copied>\d+) bytes copied, latency median (?P<lat50>-?[\d.]+) ms "
    r"p99 (?P<lat99>-?[\d.]+) ms \(dequeue to flip (?P<deq50>-?[\d.]+) / "
    r"(?P<deq99>-?[\d.]+) ms\), (?P<cpu>[\d.]+) ms CPU/displayed frame, "
    r"(?P<requeued>\d+) requeued while shown, primary (?P<primary>gl|background|camera)"
    r"(?P<lost>, camera lost)?")
FDS = re.compile(r"scanout-cam: open fds at start (-?\d+), at exit (-?\d+)")


def section(output, name):
    """The guest output between '=== name' and the next '=== ' marker."""
    m = re.search(rf"^=== {re.escape(name)}\n(.*?)(?=^=== |\Z)", output, re.S | re.M)
    return m.group(1) if m else ""


def check_run(checks, out, label, path, frames=None, copied_zero=True, primary=None):
    """The summary line and fd count of one scanout-cam run; returns the match.
    primary: "gl", "background" (GL never loaded) or "camera" (the camera's frames are on
    the primary plane itself), what the primary plane shows."""
    checks.check(f"{label} exit 0" in out, f"{label}: scanout-cam exits 0")
    m = SUMMARY.search(out)
    if not checks.check(m is not None, f"{label}: summary line printed"):
        return None
    print(f"MEASURED {label}: {m.group(0)}")
    n = {k: int(m.group(k)) for k in ("captured", "displayed", "skipped", "requeued", "copied")}
    checks.check(m.group("path") == path, f"{label}: path {path} (got {m.group('path')})")
    if frames is not None:
        checks.check(n["captured"] == frames, f"{label}: {frames} frames captured ({n['captured']})")
    checks.check(n["displayed"] > 0, f"{label}: frames displayed ({n['displayed']})")
    checks.check(n["displayed"] + n["skipped"] == n["captured"],
                 f"{label}: every captured frame displayed or skipped "
                 f"({n['displayed']} + {n['skipped']} = {n['captured']})")
    checks.check(n["requeued"] == 0, f"{label}: no buffer requeued while shown ({n['requeued']})")
    if copied_zero:
        checks.check(n["copied"] == 0, f"{label}: 0 bytes copied ({n['copied']})")
    if primary is not None:
        checks.check(m.group("primary") == primary,
                     f"{label}: primary plane drawn by {primary} (got {m.group('primary')})")
    f = FDS.search(out)
    if checks.check(f is not None, f"{label}: fd count printed"):
        checks.check(f.group(1) == f.group(2),
                     f"{label}: open fds at exit equal those at start ({f.group(1)} -> {f.group(2)})")
    return m


def read_shot(checks, job, label):
    """The writeback screenshot `label`.png a run saved in `job`, checked to be there: the
    image (vmtest.read_png), or None."""
    path = os.path.join(job, f"{label}.png")
    if not checks.check(os.path.exists(path), f"{label}: writeback screenshot saved"):
        return None
    return vmtest.read_png(path)


def check_bars(checks, img, rect, label, tolerance=6, background=BACKGROUND, rotation=0,
               reflect=""):
    """vivid's bars inside `rect` (x, y, w, h) of an image from vm.read_ppm or read_png,
    and `background` (an RGB colour, or None for no check) around it. With `rotation`,
    `rect` is on the picture turned that many degrees, as scanout-cam --rotate takes it,
    and mirrored first by `reflect` (--reflect)."""
    width, height, _ = img
    lw, lh = (height, width) if rotation in (90, 270) else (width, height)

    x, y, w, h = rect
    row = y + int(h * (TEXT_BOTTOM + 1) / 2)
    for i, colour in enumerate(BARS):
        for frac in (0.3, 0.5, 0.7):
            px = x + int(w * (i + frac) / 8)
            got = vmtest.turned_pixel(img, rotation, px, row, reflect)
            checks.check(vmtest.close(got, colour, tolerance),
                         f"{label}: bar {i} at ({px},{row}) is {colour} (got {got})")
    if background is None:
        return
    outside = [(x // 2, y + h // 2), (x + w + (lw - x - w) // 2, y + h // 2),
               (x + w // 2, y // 2), (x + w // 2, y + h + (lh - y - h) // 2)]
    for px, py in outside:
        if 0 <= px < lw and 0 <= py < lh and not (x <= px < x + w and y <= py < y + h):
            got = vmtest.turned_pixel(img, rotation, px, py, reflect)
            checks.check(vmtest.close(got, background, 3),
                         f"{label}: background outside the camera at ({px},{py}) is "
                         f"{background} (got {got})")


def probe_rows(text):
    """{path: (outcome, detail)} from scanout-cam --probe's table."""
    rows = {}
    for line in text.splitlines():
        parts = line.split(None, 2)
        if len(parts) >= 2 and parts[0] in ("export", "import", "gl", "copy"):
            rows[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return rows


def check_probes(checks, output, expected):
    """expected: {section: {path: (outcome, errno name or "")}}."""
    for probe, rows in expected.items():
        got = probe_rows(section(output, probe))
        for path, (outcome, errno_name) in rows.items():
            g = got.get(path, ("missing", ""))
            ok = g[0] == outcome and (not errno_name or g[1].startswith(errno_name + ":"))
            checks.check(ok, f"{probe}: {path} {outcome} {errno_name} (got {g[0]} {g[1][:80]})")
