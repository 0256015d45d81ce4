# SPDX-License-Identifier: MIT
"""Shared pieces of the VM tests: booting a job, checks that count, and the
demo scene's layout (the same arithmetic as apps/demo/scene.cpp)."""

import json
import os
import re
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vm  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("SCANOUT_BUILD_DIR", os.path.join(REPO, "build")))
INFO = os.path.join(BUILD, "apps", "scanout-info")
DEMO = os.path.join(BUILD, "apps", "scanout-demo")
SHOT = os.path.join(BUILD, "apps", "scanout-shot")

# Colours of apps/demo/scene.h.
BARS = [(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
        (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0)]
BAND = (64, 64, 64)
BLOCK = (255, 128, 0)
BLOCK_STEP = 8

# Shell helpers for guest scripts.
GUEST_SH = r"""
set -u
# wait_stopped PID: until the process is stopped (state T), or fail if it ended.
wait_stopped() {
    i=0
    while [ $i -lt 1200 ]; do
        s=$(awk '{print $3}' /proc/$1/stat 2>/dev/null)
        [ "$s" = T ] && return 0
        [ -z "$s" ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
"""


class Checks:
    """Counts checks and prints each failure with what was expected."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
            print(f"PASS {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}")
        return cond

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed or not self.passed else 0


def job_dir(name):
    return os.path.join(BUILD, "vm-jobs", name)


def boot(name, script, modprobe=("virtio_gpu",), timeout=600, vkms=False, append="",
         input=False, udev=False):
    """Runs a guest shell script; prints the guest output; returns the vm.Result.
    With `vkms`, vkms is loaded after the `modprobe` modules; `input` adds the
    virtio keyboard and tablet that vm-input drives; `udev` runs udevd in the
    guest (see vm.run)."""
    for binary in (INFO, DEMO, SHOT):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{name}: {binary} is not built (set SCANOUT_BUILD_DIR)")
    result = vm.run(GUEST_SH + script, jobdir=job_dir(name), modprobe=modprobe,
                    timeout=timeout, cwd=REPO, vkms=vkms, append=append,
                    input=input, udev=udev)
    print(f"--- guest output ({result.seconds:.1f} s, status {result.status}) ---")
    print(result.output.rstrip())
    print("--- end of guest output ---")
    if result.status is None:
        print(f"VM failed: {result.error}")
        print(vm.tail(result.serial))
        # What the programs wrote in this boot before the guest stopped: the
        # script's `cat` of their logs never ran.
        job = job_dir(name)
        since = os.path.getmtime(os.path.join(job, "guest-run.sh"))
        for log in sorted(f for f in os.listdir(job) if f.endswith(".log")
                          and f not in ("qemu.log", "serial.log", "output.log")
                          and os.path.getmtime(os.path.join(job, f)) >= since):
            with open(os.path.join(job, log), errors="replace") as f:
                print(f"--- {log} (last 40 lines) ---\n{vm.tail(f.read())}")
    return result


def read_png(path):
    """Reads an 8-bit, non-interlaced RGB or RGBA PNG into (width, height, rgb
    bytes), the tuple vm.pixel takes; alpha is dropped. Only zlib: the test
    decodes what scanout wrote with code that shares nothing with it."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            raise ValueError(f"{path}: bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None:
        raise ValueError(f"{path}: no IHDR")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, "
                         f"interlace {interlace})")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{path}: {len(raw)} bytes of image data for {width}x{height}")
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride if kind else 0):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xff
            elif kind == 2:
                line[i] = (line[i] + b) & 0xff
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
            elif kind != 0:
                raise ValueError(f"{path}: bad filter {kind} on row {y}")
        prev = line
        if bpp == 3:
            out += line
        else:
            for x in range(width):
                out += line[x * 4:x * 4 + 3]
    return width, height, bytes(out)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def layout(width, height, frame):
    """Bars, band and block of frame `frame`, as (x, y, w, h) with a top-left origin."""
    bars_h = height * 3 // 4
    bars = [(width * i // 8, 0, width * (i + 1) // 8 - width * i // 8, bars_h) for i in range(8)]
    band = (0, bars_h, width, height - bars_h)
    size = band[3] // 2
    travel = width - size if width > size else 1
    x = (frame * BLOCK_STEP) % travel
    block = (x, band[1] + (band[3] - size) // 2, size, size)
    return bars, band, block


def to_physical(rotation, width, height, x, y, reflect=""):
    """The screen pixel under pixel (x, y) of a picture turned `rotation` degrees
    counter-clockwise onto a `width` x `height` screen, as the KMS rotation property
    defines it: with 90, the picture's top-right corner lands at the screen's top-left.
    `reflect` ("x", "y" or "xy") mirrors the picture first, as reflect-x and reflect-y
    do before the turn: x swaps its left and right, y its top and bottom."""
    lw = height if rotation in (90, 270) else width
    lh = width if rotation in (90, 270) else height
    if "x" in reflect:
        x = lw - 1 - x
    if "y" in reflect:
        y = lh - 1 - y
    if rotation == 90:
        return y, lw - 1 - x
    if rotation == 180:
        return lw - 1 - x, lh - 1 - y
    if rotation == 270:
        return lh - 1 - y, x
    return x, y


def turned_pixel(img, rotation, x, y, reflect=""):
    """The screen's colour under pixel (x, y) of the picture turned `rotation` degrees
    (after the mirror `reflect`)."""
    width, height, _ = img
    return vm.pixel(img, *to_physical(rotation, width, height, x, y, reflect))


def close(a, b, tolerance=3):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def check_scene(checks, shot_path, frame, label, rotation=0, reflect=""):
    """Checks the predicted colours of frame `frame` in a screenshot; with `rotation`,
    the scene as laid out on the turned picture and sampled where the turn (after the
    mirror `reflect`) puts it."""
    img = vm.read_ppm(shot_path)
    width, height, _ = img
    lw, lh = (height, width) if rotation in (90, 270) else (width, height)
    bars, band, block = layout(lw, lh, frame)

    for i, (x, y, w, h) in enumerate(bars):
        for px, py in ((x + w // 2, y + h // 2), (x + 2, y + 2), (x + w - 3, y + h - 3)):
            got = turned_pixel(img, rotation, px, py, reflect)
            checks.check(close(got, BARS[i]),
                         f"{label}: bar {i} at ({px},{py}) is {BARS[i]} (got {got})")

    bx, by, bw, bh = block
    inside = [(bx + bw // 2, by + bh // 2), (bx + 2, by + 2), (bx + bw - 3, by + bh - 3)]
    for px, py in inside:
        got = turned_pixel(img, rotation, px, py, reflect)
        checks.check(close(got, BLOCK),
                     f"{label}: block of frame {frame} at ({px},{py}) is {BLOCK} (got {got})")

    # Just outside the block's left and right edges, and above and below it: band.
    outside = [(bx - 3, by + bh // 2), (bx + bw + 2, by + bh // 2),
               (bx + bw // 2, by - 3), (bx + bw // 2, by + bh + 2)]
    for px, py in outside:
        if 0 <= px < lw and band[1] <= py < lh:
            got = turned_pixel(img, rotation, px, py, reflect)
            checks.check(close(got, BAND),
                         f"{label}: band beside the block at ({px},{py}) is {BAND} (got {got})")
    return img


SUMMARY = re.compile(r"scanout-demo: (\d+) frames, ([\d.]+) s, ([\d.]+) fps, "
                     r"([\d.]+) ms CPU/frame, (\d+) missed flips, (atomic|legacy)")
FDS = re.compile(r"scanout-demo: open fds at start (-?\d+), at exit (-?\d+)")


def crtc_state(info_json, crtc_id):
    for dev in info_json["devices"]:
        for crtc in dev.get("crtcs", []):
            if crtc["id"] == crtc_id:
                mode = crtc["mode"]
                return (crtc["active"], crtc["fb"], crtc["x"], crtc["y"],
                        mode and (mode["width"], mode["height"], mode["clock_khz"]))
    return None
