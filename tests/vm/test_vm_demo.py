#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scanout-demo on virtio-gpu: 120 frames in atomic or legacy mode.

In one boot: the CRTC state is read before; the demo runs 120 frames and
stops itself at frames 30 and 90, where the screen is captured and checked
against the scene's predicted layout; at the first stop a second fd on the
device is opened so that the kernel's own console restore (on last close)
cannot hide a missing restore; after exit the CRTC state must equal the
state before. The demo's summary line and its fd count are checked too.

The atomic run then shows the scene turned 90 degrees (--rotate 90):
virtio-gpu's primary plane has no rotation property, so GL turns it, and
the screendump must show the scene laid out on an 800x1280 picture whose
top-right corner is the screen's top-left. Then mirrored left to right before
that turn (--rotate 90 --reflect x), as KMS orders reflect-x and rotate-90:
the picture lands transposed, its top-left corner at the screen's top-left.

Usage: test_vm_demo.py atomic|legacy
"""

import os
import sys

import vmtest
from vmtest import DEMO, INFO

FRAMES = 120
SHOTS = (30, 90)
ROTATED_SHOT = 30
# Label, options, rotation and reflection of the turned runs (atomic only).
TURNED = (("rotated", "--rotate 90", 90, ""),
          ("mirrored", "--rotate 90 --reflect x", 90, "x"))


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "atomic"
    if mode not in ("atomic", "legacy"):
        raise SystemExit("usage: test_vm_demo.py atomic|legacy")
    name = f"demo-{mode}"
    flag = "--legacy" if mode == "legacy" else ""
    job = vmtest.job_dir(name)

    rotated = "" if mode != "atomic" else "".join(f"""
echo "=== {label}"
SCANOUT_LOG=info {DEMO} {options} --frames {ROTATED_SHOT + 10} --pause-at {ROTATED_SHOT} \
    > $SCANOUT_VM_JOB/{label}.out 2>&1 &
pid=$!
wait_stopped $pid || {{ echo "{label} demo did not stop"; cat $SCANOUT_VM_JOB/{label}.out; exit 16; }}
vm-shot {label} || exit 17
kill -CONT $pid
wait $pid
echo "{label} exit status $?"
cat $SCANOUT_VM_JOB/{label}.out
""" for label, options, _, _ in TURNED)
    script = f"""
{INFO} --json > $SCANOUT_VM_JOB/before.json || exit 10
{DEMO} --frames {FRAMES} {flag} --pause-at {SHOTS[0]} --pause-at {SHOTS[1]} \
    > $SCANOUT_VM_JOB/demo.out 2> $SCANOUT_VM_JOB/demo.err &
pid=$!
wait_stopped $pid || {{ echo "demo did not stop at frame {SHOTS[0]}"; cat $SCANOUT_VM_JOB/demo.err; exit 11; }}
vm-shot frame{SHOTS[0]} || exit 12
# Hold the device open: without this the kernel restores its console on last close.
exec 3</dev/dri/card0
kill -CONT $pid
wait_stopped $pid || {{ echo "demo did not stop at frame {SHOTS[1]}"; cat $SCANOUT_VM_JOB/demo.err; exit 13; }}
vm-shot frame{SHOTS[1]} || exit 14
kill -CONT $pid
wait $pid
echo "demo exit status $?"
{INFO} --json > $SCANOUT_VM_JOB/after.json || exit 15
exec 3<&-
cat $SCANOUT_VM_JOB/demo.out
echo "--- demo stderr ---"
cat $SCANOUT_VM_JOB/demo.err
{rotated}"""
    result = vmtest.boot(name, script)
    checks = vmtest.Checks(f"test_vm_demo {mode}")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()

    out = result.output
    checks.check("demo exit status 0" in out, "scanout-demo exits 0")
    m = vmtest.SUMMARY.search(out)
    if checks.check(m is not None, "summary line printed"):
        checks.check(int(m.group(1)) == FRAMES, f"summary reports {FRAMES} frames ({m.group(1)})")
        checks.check(m.group(6) == mode, f"summary says {mode} ({m.group(6)})")
        checks.check(float(m.group(3)) > 0, f"fps above 0 ({m.group(3)})")
        print(f"MEASURED {mode}: {m.group(0)}")
    f = vmtest.FDS.search(out)
    if checks.check(f is not None, "fd count line printed"):
        checks.check(f.group(1) == f.group(2),
                     f"open fds at exit equal those at start ({f.group(1)} -> {f.group(2)})")
    for frame in SHOTS:
        checks.check(f"paused at frame {frame}" in out, f"demo paused at frame {frame}")

    shots = {}
    for frame in SHOTS:
        path = os.path.join(job, f"frame{frame}.ppm")
        if checks.check(os.path.exists(path), f"screenshot of frame {frame} taken"):
            shots[frame] = vmtest.check_scene(checks, path, frame, f"frame {frame}")

    # The two captures differ exactly where the block moved.
    if len(shots) == 2:
        a, b = shots[SHOTS[0]], shots[SHOTS[1]]
        width, height, _ = a
        _, _, block_a = vmtest.layout(width, height, SHOTS[0])
        _, _, block_b = vmtest.layout(width, height, SHOTS[1])
        moved = block_b[0] - block_a[0]
        checks.check(moved == (SHOTS[1] - SHOTS[0]) * vmtest.BLOCK_STEP,
                     f"block moved {moved} px between frames {SHOTS[0]} and {SHOTS[1]}")
        cx, cy = block_a[0] + block_a[2] // 2, block_a[1] + block_a[3] // 2
        checks.check(vmtest.close(vm_pixel(a, cx, cy), vmtest.BLOCK) and
                     vmtest.close(vm_pixel(b, cx, cy), vmtest.BAND),
                     f"where the block was at frame {SHOTS[0]} is band at frame {SHOTS[1]}")
        diff_rows = {y for y in range(0, height, 4)
                     if a[2][y * width * 3:(y + 1) * width * 3] !=
                     b[2][y * width * 3:(y + 1) * width * 3]}
        inside = all(block_a[1] <= y < block_a[1] + block_a[3] for y in diff_rows)
        checks.check(diff_rows and inside,
                     f"the frames differ only in the block's rows ({len(diff_rows)} sampled rows)")

    for label, _, rotation, reflect in TURNED if mode == "atomic" else ():
        text = out[out.find(f"=== {label}"):]
        text = text[:text.find("=== ", 4)] if "=== " in text[4:] else text
        how = f"turned {rotation} degrees" + (" and mirrored left to right" if reflect else "")
        checks.check(f"{label} exit status 0" in text, f"{label}: scanout-demo exits 0")
        checks.check(f"picture {how} by GL" in text,
                     f"{label}: GL lays the picture out (virtio-gpu's plane has no rotation)")
        m = vmtest.SUMMARY.search(text)
        checks.check(m is not None and int(m.group(1)) == ROTATED_SHOT + 10,
                     f"{label}: summary reports {ROTATED_SHOT + 10} frames")
        path = os.path.join(job, f"{label}.ppm")
        if checks.check(os.path.exists(path), f"{label}: screenshot taken"):
            vmtest.check_scene(checks, path, ROTATED_SHOT, label, rotation, reflect)

    before = vmtest.read_json(os.path.join(job, "before.json"))
    after = vmtest.read_json(os.path.join(job, "after.json"))
    crtc_id = before["devices"][0]["crtcs"][0]["id"]
    s0, s1 = vmtest.crtc_state(before, crtc_id), vmtest.crtc_state(after, crtc_id)
    checks.check(s0 is not None and s0[0], f"CRTC {crtc_id} was active at start ({s0})")
    checks.check(s0 == s1, f"CRTC {crtc_id} after exit equals start ({s0} -> {s1})")
    return checks.finish()


def vm_pixel(img, x, y):
    return vmtest.vm.pixel(img, x, y)


if __name__ == "__main__":
    sys.exit(main())
