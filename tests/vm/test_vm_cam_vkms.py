#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scanout-cam with vivid on vkms, in one boot; vkms's writeback connector
takes the screenshots.

vkms imports vivid's dma_buf and has overlay planes taking XR24, but no
plane scales and none takes YUV, so:
- XR24 in a camera-sized rectangle: the export path puts the camera's own
  buffers on an overlay above the GL-drawn primary plane (--gl-primary); the
  screenshot shows the bars inside the rectangle and the GL colour outside;
  over 300 frames nothing is copied and no buffer is requeued while on screen;
- the same without --gl-primary: GL is never loaded, a dumb buffer of the
  asked colour fills the primary plane around the camera; under the default
  black there is no buffer at all: the primary plane is off (vkms takes a
  CRTC without it) and the CRTC's own black shows around the camera;
- --fit (scaling needed) and YUYV: the probe rejects the plane paths with
  their errno and GL composes;
- YUYV and NV12 through GL show the bars' colours in order;
- the camera unplugged: reported, exit 0, no leak.
"""

import os
import re
import sys

import camtest
import vmtest
from camtest import BACKGROUND_ARG as BG, CAM, DISCONNECT, VIVID

RECT = (192, 144, 640, 480)     # camera-sized, in the middle of 1024x768
SMALL = (352, 264, 320, 240)    # half size: GL scales it down
BASE = f"{CAM} --device vkms --size 640x480"
# The dumb-buffer background of the run without GL.
NOGL = (32, 128, 64)
NOGL_ARG = "208040"


def arg(rect):
    return ",".join(map(str, rect))


def run(name, args):
    return f"""
echo "=== {name}"
{BASE} {args} --screenshot $SCANOUT_VM_JOB/{name}.png > $SCANOUT_VM_JOB/{name}.out 2>&1
echo "{name} exit $?"
cat $SCANOUT_VM_JOB/{name}.out
"""


def main():
    name = "cam-vkms"
    job = vmtest.job_dir(name)
    script = f"""
{VIVID} || exit 10
echo "=== probe-rect"
{BASE} --format XR24 --rect {arg(RECT)} --probe 2>/dev/null
echo "=== probe-fit"
{BASE} --format XR24 --fit --probe 2>/dev/null
echo "=== probe-yuyv"
{BASE} --format YUYV --rect {arg(RECT)} --probe 2>/dev/null
{run("export", f"--format XR24 --rect {arg(RECT)} --fps 25 --frames 300 --gl-primary {BG}")}
{run("export-nogl", f"--format XR24 --rect {arg(RECT)} --fps 25 --frames 50 "
                    f"--background {NOGL_ARG}")}
{run("export-black", f"--format XR24 --rect {arg(RECT)} --fps 25 --frames 25")}
{run("gl-yuyv", f"--format YUYV --rect {arg(SMALL)} --path gl --fps 5 --frames 8 {BG}")}
{run("gl-nv12", f"--format NV12 --rect {arg(SMALL)} --path gl --fps 5 --frames 8 {BG}")}
echo "=== unplug"
{BASE} --format XR24 --rect {arg(RECT)} --fps 25 > $SCANOUT_VM_JOB/unplug.out 2>&1 &
pid=$!
sleep 3
{DISCONNECT} || echo "disconnect control failed"
wait $pid
echo "unplug exit $?"
cat $SCANOUT_VM_JOB/unplug.out
echo "=== end"
"""
    result = vmtest.boot(name, script, modprobe=(), vkms=True)
    checks = vmtest.Checks("test_vm_cam_vkms")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()
    out = result.output

    expected = {
        "probe-rect": {"export": ("chosen", ""), "import": ("works", ""),
                       "gl": ("works", ""), "copy": ("works", "")},
        # 640x480 fitted into 1024x768 needs scaling, which no vkms plane does.
        "probe-fit": {"export": ("rejected", "ERANGE"), "import": ("rejected", "ERANGE"),
                      "gl": ("chosen", ""), "copy": ("works", "")},
        # No vkms plane takes YUV.
        "probe-yuyv": {"export": ("rejected", "ENOENT"), "import": ("rejected", "ENOENT"),
                       "gl": ("chosen", ""), "copy": ("works", "")},
    }
    camtest.check_probes(checks, out, expected)
    overlay = camtest.section(out, "probe-rect")
    checks.check("overlay plane" in overlay, "probe-rect: the export path uses an overlay plane")

    camtest.check_run(checks, camtest.section(out, "export"), "export", "export", frames=300,
                      primary="gl")
    if img := camtest.read_shot(checks, job, "export"):
        camtest.check_bars(checks, img, RECT, "export")

    text = camtest.section(out, "export-nogl")
    camtest.check_run(checks, text, "export-nogl", "export", frames=50, primary="background")
    checks.check("GL not loaded" in text and "scanout info: GL: " not in text,
                 "export-nogl: the display says GL was never loaded")
    if img := camtest.read_shot(checks, job, "export-nogl"):
        camtest.check_bars(checks, img, RECT, "export-nogl", background=NOGL)

    text = camtest.section(out, "export-black")
    camtest.check_run(checks, text, "export-black", "export", frames=25, primary="background")
    checks.check(re.search(r"primary plane \d+ off under black", text) is not None
                 and "dumb buffer" not in text,
                 "export-black: the primary plane is off, no background buffer made")
    if img := camtest.read_shot(checks, job, "export-black"):
        camtest.check_bars(checks, img, RECT, "export-black", background=(0, 0, 0))

    for fmt in ("yuyv", "nv12"):
        label = f"gl-{fmt}"
        camtest.check_run(checks, camtest.section(out, label), label, "gl", frames=8, primary="gl")
        if img := camtest.read_shot(checks, job, label):
            camtest.check_bars(checks, img, SMALL, label, tolerance=8)

    text = camtest.section(out, "unplug")
    m = camtest.check_run(checks, text, "unplug", "export")
    checks.check(m is not None and m.group("lost"), "unplug: exits 0 reporting the camera lost")
    checks.check("Segmentation" not in out and "Aborted" not in out, "no crash in any run")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
