#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scanout-cam with vivid on virtio-gpu, in one boot.

virtio-gpu (kernel 6.1) cannot import the camera's dma_buf (ENODEV), and its
only plane must cover the whole CRTC, so:
- full screen, auto: the import path (display buffers filled by the camera)
  is chosen, the screendump shows vivid's colour bars, 0 bytes copied;
- in a rectangle, YUYV and NV12: GL composes the frames from EGLImages,
  with the GL background around them;
- --probe prints the decision table with the errno of each rejection;
- the camera unplugged (vivid's Disconnect control) while streaming: the
  app reports it, keeps the last frame on screen, exits 0, leaks nothing.
"""

import os
import sys

import camtest
import vmtest
from camtest import BACKGROUND_ARG as BG, CAM, DISCONNECT, VIVID

FULL = (0, 0, 640, 480)
RECT = (64, 48, 512, 384)
RECT_ARG = ",".join(map(str, RECT))
# GL composition runs in llvmpipe under TCG, about 1 s for a 640x480 quad: keep it small.
SMALL = (160, 120, 320, 240)
SMALL_ARG = ",".join(map(str, SMALL))
BASE = f"{CAM} --mode 640x480 --size 640x480 --fps 25"


def run_paused(name, args, frames, pause_at):
    """Guest lines: run scanout-cam, screendump it at a frame, let it finish."""
    return f"""
echo "=== {name}"
{BASE} {args} --frames {frames} --pause-at {pause_at} > $SCANOUT_VM_JOB/{name}.out 2>&1 &
pid=$!
if wait_stopped $pid; then vm-shot {name}; kill -CONT $pid; fi
wait $pid
echo "{name} exit $?"
cat $SCANOUT_VM_JOB/{name}.out
"""


def main():
    name = "cam-virtio"
    job = vmtest.job_dir(name)
    script = f"""
{VIVID} || exit 10
echo "=== probe-full"
{BASE} --format XR24 --probe 2>/dev/null
echo "=== probe-rect"
{BASE} --format XR24 --rect {RECT_ARG} --probe 2>/dev/null
echo "=== probe-yuyv"
{BASE} --format YUYV --probe 2>/dev/null
{run_paused("import", "--format XR24", 60, 30)}
{run_paused("gl-yuyv", f"--format YUYV --rect {SMALL_ARG} --path gl --fps 5 {BG}", 8, 4)}
{run_paused("gl-nv12", f"--format NV12 --rect {SMALL_ARG} --path gl --fps 5 {BG}", 8, 4)}
echo "=== unplug"
{BASE} --format XR24 --on-disconnect wait --pause-at 10 > $SCANOUT_VM_JOB/unplug.out 2>&1 &
pid=$!
wait_stopped $pid && kill -CONT $pid
sleep 1
{DISCONNECT} || echo "disconnect control failed"
i=0
while ! grep -q "camera lost" $SCANOUT_VM_JOB/unplug.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
sleep 0.5
vm-shot unplug
kill -TERM $pid
wait $pid
echo "unplug exit $?"
cat $SCANOUT_VM_JOB/unplug.out
echo "=== unplug-exit"
rmmod vivid && {VIVID} || echo "vivid reload failed"
{BASE} --format XR24 --pause-at 10 > $SCANOUT_VM_JOB/unplug-exit.out 2>&1 &
pid=$!
wait_stopped $pid && kill -CONT $pid
sleep 1
{DISCONNECT} || echo "disconnect control failed"
wait $pid
echo "unplug-exit exit $?"
cat $SCANOUT_VM_JOB/unplug-exit.out
echo "=== end"
"""
    result = vmtest.boot(name, script)
    checks = vmtest.Checks("test_vm_cam_virtio")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()
    out = result.output

    expected = {
        "probe-full": {"export": ("rejected", "ENODEV"), "import": ("chosen", ""),
                       "gl": ("works", ""), "copy": ("works", "")},
        # The only plane cannot scale or move: the layer is refused, GL takes over.
        "probe-rect": {"export": ("rejected", "ENODEV"), "import": ("rejected", "ERANGE"),
                       "gl": ("chosen", ""), "copy": ("works", "")},
        # No plane takes YUYV at all.
        "probe-yuyv": {"export": ("rejected", "ENOENT"), "import": ("rejected", "ENOENT"),
                       "gl": ("chosen", ""), "copy": ("works", "")},
    }
    camtest.check_probes(checks, out, expected)

    camtest.check_run(checks, camtest.section(out, "import"), "import", "import", frames=60,
                      primary="camera")
    shot = os.path.join(job, "import.ppm")
    if checks.check(os.path.exists(shot), "import: screendump taken"):
        camtest.check_bars(checks, vmtest.vm.read_ppm(shot), FULL, "import", background=None)

    for fmt in ("yuyv", "nv12"):
        label = f"gl-{fmt}"
        camtest.check_run(checks, camtest.section(out, label), label, "gl", frames=8, primary="gl")
        shot = os.path.join(job, f"{label}.ppm")
        if checks.check(os.path.exists(shot), f"{label}: screendump taken"):
            camtest.check_bars(checks, vmtest.vm.read_ppm(shot), SMALL, label, tolerance=8)

    text = camtest.section(out, "unplug")
    checks.check("camera lost" in text, "unplug: the app reports the camera lost")
    m = camtest.check_run(checks, text, "unplug", "import")
    checks.check(m is not None and m.group("lost"), "unplug: summary says the camera was lost")
    shot = os.path.join(job, "unplug.ppm")
    if checks.check(os.path.exists(shot), "unplug: screendump taken after the disconnect"):
        camtest.check_bars(checks, vmtest.vm.read_ppm(shot), FULL, "unplug: last frame kept",
                           background=None)

    text = camtest.section(out, "unplug-exit")
    m = camtest.check_run(checks, text, "unplug-exit", "import")
    checks.check(m is not None and m.group("lost"),
                 "unplug-exit: exits by itself with the camera lost")
    checks.check("Segmentation" not in out and "Aborted" not in out, "no crash in any run")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
