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
bottom.
"""

import os
import re
import sys

import camtest
import vmtest
from camtest import CAM, VIVID

RECT = (192, 144, 640, 480)
ROTATED_RECT = (64, 272, 640, 480)  # on the turned picture, 768x1024
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
}


def run(name, board=None, extra="", rect=RECT):
    opt = f"--board $SCANOUT_VM_JOB/{board}.ini " if board else ""
    return f"""
echo "=== {name}"
SCANOUT_LOG=info {BASE} --rect {','.join(map(str, rect))} {opt}{extra} --screenshot $SCANOUT_VM_JOB/{name}.png \
    > $SCANOUT_VM_JOB/{name}.out 2>&1
echo "{name} exit $?"
cat $SCANOUT_VM_JOB/{name}.out
"""


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
        path = os.path.join(job, f"{label}.png")
        if checks.check(os.path.exists(path), f"{label}: screenshot saved"):
            img = vmtest.read_png(path)
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

    text = camtest.section(out, "tiled")
    checks.check("tiled exit 1" in text, "tiled: scanout-cam exits 1")
    checks.check(re.search(r"scanout-cam: /dev/dri/card0: plane \d+ accepts none of XR24, AR24 "
                           r"with modifier BROADCOM:0x6: ", text) is not None,
                 "tiled: the error names the device, plane, formats and modifier")
    checks.check(not os.path.exists(os.path.join(job, "tiled.png")), "tiled: no screenshot")

    text = camtest.section(out, "rot90")
    camtest.check_run(checks, text, "rot90", "gl", frames=10, primary="gl")
    checks.check("picture turned 90 degrees by GL" in text, "rot90: GL turns the picture")
    checks.check(re.search(r"path export rejected: .*plane \d+ cannot turn its picture 90 degrees",
                           text) is not None,
                 "rot90: the export path is rejected because the plane cannot turn")
    path = os.path.join(job, "rot90.png")
    if checks.check(os.path.exists(path), "rot90: screenshot saved"):
        img = vmtest.read_png(path)
        camtest.check_bars(checks, img, ROTATED_RECT, "rot90", background=EXACT, rotation=90)
        # Worked out by hand, not through to_physical: the area is x 272..751, y 64..703 on
        # the screen; the picture's row 632 is the screen's column 632; bar 0 (white, the
        # picture's x 64..143) is at the bottom, y 624..703, and bar 7 (black) at the top.
        for (sx, sy), colour in (((632, 664), camtest.BARS[0]), ((632, 104), camtest.BARS[7]),
                                 ((632, 32), EXACT), ((900, 384), EXACT)):
            got = vmtest.vm.pixel(img, sx, sy)
            checks.check(vmtest.close(got, colour, 6),
                         f"rot90: screen pixel ({sx},{sy}) is {colour} (got {got})")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
