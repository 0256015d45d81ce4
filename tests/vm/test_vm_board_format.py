#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A board config's [display] format and modifiers on vkms, in one boot.

vkms's primary plane takes XR24, XR48 and RG16, each LINEAR only, and its
writeback connector reads the composed output back as XR24. scanout-cam
puts vivid's bars on an overlay plane and paints the primary plane around
them with --background 336699, which RG16 cannot hold exactly: 5/6/5 bits
keep 6/31, 25/63 and 19/31, and vkms widens them back to (49, 101, 156).
So the screenshot shows which format the primary plane scanned out:
- no board: XR24, the colour exactly (51, 102, 153);
- `format = RG16`, from a dumb buffer (GL never loaded) and drawn by GL
  (--gl-primary: GBM and EGL render in RGB565): (49, 101, 156);
- `format = XR48, RG16`: XR48 is not packed RGB the runtime draws, so it
  is passed over with a warning and RG16 is used;
- `modifiers = LINEAR`: the primary plane's buffers are LINEAR, said
  explicitly (no implicit fallback);
- `modifiers = BROADCOM:0x6`, a modifier vkms does not list: scanout-cam
  exits 1, naming the plane, the formats and the modifier.
And the board's `rotation = 90`: vkms's planes have no rotation property,
so the overlay paths are refused with that reason and GL composes the
camera, turned: on the 768x1024 picture the bars stand upright inside
--rect, which on the screen is a 480x640 area with the first bar at the
bottom. And `reflect = x`, a rear-view camera's mirror: refused by the
planes the same way, GL composes the camera mirrored, so --rect lands
mirrored on the screen and the bars run from right to left. And zpos:
vkms 6.1's planes have no zpos property, so `camera-zpos = 1` has the
overlay paths refused naming the plane, and GL composes the camera; with
`ui-zpos = 0` scanout-cam exits 1 naming the primary plane.
And `camera-plane`: `primary` puts a 1280x720 camera on vkms's primary plane
at a 1280x720 mode (the export path, no overlay used, bars across the whole
screen); `primary` with the camera in a rectangle is refused by that plane
(vkms's primary plane cannot be positioned) and GL composes it; `overlay`
takes the first overlay, as `auto` does here.
"""

import os
import re
import sys

import camtest
import vmtest
from camtest import CAM, VIVID

RECT = (192, 144, 640, 480)
ROTATED_RECT = (64, 272, 640, 480)  # on the turned picture, 768x1024
MIRROR_RECT = (64, 144, 640, 480)  # off centre: mirrored, it lands elsewhere
BASE = f"{CAM} --device vkms --format XR24 --size 640x480 --fps 25 --frames 10 " \
       f"--background 336699"
EXACT = (0x33, 0x66, 0x99)
RG16 = (49, 101, 156)  # round(v * 255 / 31 or 63) of 6/31, 25/63, 19/31

BOARDS = {
    "rg16": "format = RG16",
    "xr48": "format = XR48, RG16",
    "linear": "modifiers = LINEAR",
    "tiled": "modifiers = BROADCOM:0x6",
    "rot90": "rotation = 90",
    "mirror": "reflect = x",
    "camera-zpos": "camera-zpos = 1",
    "ui-zpos": "ui-zpos = 0",
    "camera-primary": "camera-plane = primary",
    "camera-overlay": "camera-plane = overlay",
}
FULL_720 = (0, 0, 1280, 720)


def run(name, board=None, extra="", rect=RECT):
    opt = f"--board $SCANOUT_VM_JOB/{board}.ini " if board else ""
    return f"""
echo "=== {name}"
SCANOUT_LOG=info {BASE} --rect {','.join(map(str, rect))} {opt}{extra} --screenshot $SCANOUT_VM_JOB/{name}.png \
    > $SCANOUT_VM_JOB/{name}.out 2>&1
echo "{name} exit $?"
cat $SCANOUT_VM_JOB/{name}.out
"""


def check_refused(checks, out, job, label, error, names):
    """A board scanout-cam cannot start with: exit 1, `error` (a regex) after the device's
    path on stderr, and no screenshot."""
    text = camtest.section(out, label)
    checks.check(f"{label} exit 1" in text, f"{label}: scanout-cam exits 1")
    checks.check(re.search(r"scanout-cam: /dev/dri/card0: " + error, text) is not None,
                 f"{label}: the error names {names}")
    checks.check(not os.path.exists(os.path.join(job, f"{label}.png")), f"{label}: no screenshot")


def check_laid_out(checks, out, job, label, how, rect, pixels, rotation=0, reflect=""):
    """A board whose picture is laid out `how` ("turned 90 degrees"), on vkms, whose planes
    have no rotation property: the export path is refused for that reason, GL composes the
    camera laid out so, and the screenshot has the bars in `rect` of the laid-out picture
    and each ((x, y), colour) of `pixels` on the screen."""
    text = camtest.section(out, label)
    camtest.check_run(checks, text, label, "gl", frames=10, primary="gl")
    checks.check(f"picture {how} by GL" in text, f"{label}: GL lays the picture out {how}")
    checks.check(re.search(rf"path export rejected: .*plane \d+ cannot show its picture {how} "
                           r"\(rotation property: none\)", text) is not None,
                 f"{label}: the export path is rejected because the plane cannot do it")
    img = camtest.read_shot(checks, job, label)
    if not img:
        return
    camtest.check_bars(checks, img, rect, label, background=EXACT, rotation=rotation,
                       reflect=reflect)
    for (sx, sy), colour in pixels:
        got = vmtest.vm.pixel(img, sx, sy)
        checks.check(vmtest.close(got, colour, 6),
                     f"{label}: screen pixel ({sx},{sy}) is {colour} (got {got})")


def main():
    name = "board-format"
    job = vmtest.job_dir(name)
    # Written in the guest: the job folder is emptied before each boot.
    boards = "".join(f"printf '[board]\\nname = vm {board}\\n[display]\\ndevice = vkms\\n%s\\n' "
                     f"'{keys}' > $SCANOUT_VM_JOB/{board}.ini\n"
                     for board, keys in BOARDS.items())
    script = f"""
{VIVID} || exit 10
{boards}{run("default")}
{run("rg16-dumb", "rg16")}
{run("rg16-gl", "rg16", "--gl-primary")}
{run("xr48-first", "xr48")}
{run("linear", "linear")}
{run("tiled", "tiled")}
{run("rot90", "rot90", rect=ROTATED_RECT)}
{run("mirror", "mirror", rect=MIRROR_RECT)}
{run("camera-zpos", "camera-zpos")}
{run("ui-zpos", "ui-zpos")}
{run("camera-primary", "camera-primary", "--mode 1280x720 --size 1280x720 --fps 5", FULL_720)}
{run("camera-primary-rect", "camera-primary")}
{run("camera-overlay", "camera-overlay")}
echo "=== end"
"""
    result = vmtest.boot(name, script, modprobe=(), vkms=True)
    checks = vmtest.Checks("test_vm_board_format")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        print(vmtest.vm.tail(result.serial))
        return checks.finish()
    out = result.output

    def shown(label, colour, primary):
        text = camtest.section(out, label)
        camtest.check_run(checks, text, label, "export", frames=10, primary=primary)
        if img := camtest.read_shot(checks, job, label):
            camtest.check_bars(checks, img, RECT, label, background=None)
            # Exact: a format's rounding is the point, so no tolerance.
            for px, py in ((RECT[0] // 2, 384), (1024 - RECT[0] // 2, 384), (512, 40)):
                got = vmtest.vm.pixel(img, px, py)
                checks.check(tuple(got) == colour,
                             f"{label}: background at ({px},{py}) is {colour} (got {tuple(got)})")
        return text

    def primary_line(text):
        m = re.search(r"primary plane \d+, (\w+) \(([^)]*)\)", text)
        return (m.group(1), m.group(2)) if m else (None, None)

    text = shown("default", EXACT, "background")
    checks.check(primary_line(text) == ("XR24", "LINEAR, else implicit"),
                 f"default: primary plane XR24, LINEAR else implicit ({primary_line(text)})")

    text = shown("rg16-dumb", RG16, "background")
    checks.check(primary_line(text)[0] == "RG16",
                 f"rg16-dumb: the log names RG16 ({primary_line(text)})")

    text = shown("rg16-gl", RG16, "gl")
    checks.check(re.search(r"GL: .*surface 1024x768 RG16", text) is not None,
                 "rg16-gl: GL renders into an RG16 surface")

    text = shown("xr48-first", RG16, "background")
    checks.check("display format XR48 passed over" in text,
                 "xr48-first: XR48 passed over with a warning")

    text = shown("linear", EXACT, "background")
    checks.check(primary_line(text) == ("XR24", "LINEAR"),
                 f"linear: LINEAR only, no implicit fallback ({primary_line(text)})")

    check_refused(checks, out, job, "tiled", r"plane \d+ accepts none of XR24, AR24 with "
                  r"modifier BROADCOM:0x6: ", "the device, plane, formats and modifier")

    # Worked out by hand, not through to_physical: the area is x 272..751, y 64..703 on the
    # screen; the picture's row 632 is the screen's column 632; bar 0 (white, the picture's
    # x 64..143) is at the bottom, y 624..703, and bar 7 (black) at the top.
    check_laid_out(checks, out, job, "rot90", "turned 90 degrees", ROTATED_RECT,
                   (((632, 664), camtest.BARS[0]), ((632, 104), camtest.BARS[7]),
                    ((632, 32), EXACT), ((900, 384), EXACT)), rotation=90)
    # By hand: the picture's x lands on the screen's 1023 - x, so the area is x 320..959;
    # bar 0 (white, the picture's x 64..143) is at the right, x 880..959, bar 7 (black,
    # x 624..703) at the left, x 320..399; the screen's x 100 is the picture's 923.
    check_laid_out(checks, out, job, "mirror", "mirrored left to right", MIRROR_RECT,
                   (((920, 456), camtest.BARS[0]), ((360, 456), camtest.BARS[7]),
                    ((1000, 384), EXACT), ((100, 384), EXACT)), reflect="x")

    text = camtest.section(out, "camera-zpos")
    camtest.check_run(checks, text, "camera-zpos", "gl", frames=10, primary="gl")
    for path in ("export", "import"):
        checks.check(re.search(rf"path {path} rejected: plane \d+ has no zpos property \(asked "
                               r"for zpos 1\)", text) is not None,
                     f"camera-zpos: the {path} path is rejected: the plane has no zpos")
    if img := camtest.read_shot(checks, job, "camera-zpos"):
        camtest.check_bars(checks, img, RECT, "camera-zpos", background=EXACT)

    check_refused(checks, out, job, "ui-zpos", r"plane \d+ has no zpos property \(asked for "
                  r"zpos 0\)", "the device and the primary plane")

    # camera-plane = primary: the camera's own buffers on the primary plane, all of the screen.
    text = camtest.section(out, "camera-primary")
    camtest.check_run(checks, text, "camera-primary", "export", frames=10, primary="camera")
    checks.check(re.search(r"path export: camera buffers \(EXPBUF\) as framebuffers on the "
                           r"primary plane \d+", text) is not None,
                 "camera-primary: the export path uses the primary plane")
    checks.check("1280x720" in text, "camera-primary: the 1280x720 mode is set")
    if img := camtest.read_shot(checks, job, "camera-primary"):
        checks.check(img[0] == 1280 and img[1] == 720,
                     f"camera-primary: the screenshot is 1280x720 ({img[0]}x{img[1]})")
        camtest.check_bars(checks, img, FULL_720, "camera-primary", background=None)
    # In a rectangle: refused on the primary plane (no overlay is tried), GL composes.
    text = camtest.section(out, "camera-primary-rect")
    camtest.check_run(checks, text, "camera-primary-rect", "gl", frames=10, primary="gl")
    checks.check(re.search(r"path export rejected: [^\n]*", text) is not None
                 and "overlay plane" not in text,
                 "camera-primary-rect: the export path is rejected, no overlay plane used")
    if img := camtest.read_shot(checks, job, "camera-primary-rect"):
        camtest.check_bars(checks, img, RECT, "camera-primary-rect", background=EXACT)
    # camera-plane = overlay: the first overlay, as auto takes on vkms.
    text = camtest.section(out, "camera-overlay")
    camtest.check_run(checks, text, "camera-overlay", "export", frames=10, primary="background")
    checks.check(re.search(r"path export: camera buffers \(EXPBUF\) as framebuffers on the "
                           r"overlay plane \d+", text) is not None,
                 "camera-overlay: the export path uses an overlay plane")
    if img := camtest.read_shot(checks, job, "camera-overlay"):
        camtest.check_bars(checks, img, RECT, "camera-overlay", background=EXACT)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
