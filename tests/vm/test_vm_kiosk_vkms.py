#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scanout-kiosk on vkms with vivid, in one boot; the kiosk's own screenshot
action (S, through vkms's writeback connector) is the oracle.

- camera: vivid's frames 1:1 on an overlay plane (export path) beside the UI;
- camera hotplug: vivid unbound shows the placeholder, bound again brings
  the live image back;
- camera restarts (key C off and on, the rebind): each takes the plane the
  last one left, with as many fds open and framebuffers on the device;
- cursor: the pointer is on vkms's cursor plane, where the tablet put it;
- rotation: with --rotate 90 (vkms 6.1 planes cannot turn: GL does it) a
  click where the button is seen triggers it.
"""

import os
import re
import sys

import camtest
import kiosktest as kt
import vmtest
from kiosktest import KIOSK

W, H = 1024, 768
CAM_W, CAM_H = 640, 360
UNBIND = "echo vivid.0 > /sys/bus/platform/drivers/vivid/unbind"
BIND = "echo vivid.0 > /sys/bus/platform/drivers/vivid/bind"
BASE = (f"{KIOSK} --device vkms --camera-size {CAM_W}x{CAM_H} --camera-format XR24 --fps 25 "
        f"--session direct")


def shot(log, n):
    """Guest lines: press S and wait for the run's n-th screenshot (in a folder named as its log)."""
    return f"""
vm-input key s
wait_log $SCANOUT_VM_JOB/{log}.log "screenshot $SCANOUT_VM_JOB/{log}/scanout-kiosk-{n}.png" 300
"""


def main():
    name = "kiosk-vkms"
    job = vmtest.job_dir(name)
    beside = kt.layout(W, H)
    area = beside["camera"]
    cam = (area[0] + (area[2] - CAM_W) // 4 * 2, area[1] + (area[3] - CAM_H) // 2)
    pointer = (700, 600)
    rot = kt.layout(H, W)
    rot_l = kt.to_physical(kt.centre(rot["switch-layout"]), 90, H, W)

    script = kt.GUEST + f"""
{camtest.VIVID} || exit 10
# Every framebuffer on the device, of any client (debugfs, as the kernel tracks them).
mount -t debugfs none /sys/kernel/debug 2>/dev/null
FBS=/sys/kernel/debug/dri/0/framebuffer
echo "=== camera"
rm -rf $SCANOUT_VM_JOB/camera $SCANOUT_VM_JOB/rotate
mkdir -p $SCANOUT_VM_JOB/camera $SCANOUT_VM_JOB/rotate
{BASE} --shots $SCANOUT_VM_JOB/camera > $SCANOUT_VM_JOB/camera.log 2>&1 &
pid=$!
if wait_log $SCANOUT_VM_JOB/camera.log "scanout-kiosk: running:" 600; then
    wait_log $SCANOUT_VM_JOB/camera.log "streaming, path export"
    vm-input move {pointer[0]} {pointer[1]} {W} {H}
    sleep 2
    {shot("camera", 1)}
    echo "streaming 1: $(ls /proc/$pid/fd | wc -l) fds, $(grep -c '^framebuffer' $FBS) framebuffers"
    vm-input key c
    wait_log $SCANOUT_VM_JOB/camera.log "action toggle-camera" 300 1
    vm-input key c
    wait_log $SCANOUT_VM_JOB/camera.log "streaming, path export" 300 2
    echo "streaming 2: $(ls /proc/$pid/fd | wc -l) fds, $(grep -c '^framebuffer' $FBS) framebuffers"
    {UNBIND}
    wait_log $SCANOUT_VM_JOB/camera.log "showing the placeholder"
    sleep 1
    {shot("camera", 2)}
    {BIND}
    wait_log $SCANOUT_VM_JOB/camera.log "restarting the stream"
    wait_log $SCANOUT_VM_JOB/camera.log "streaming, path export" 300 3
    echo "streaming 3: $(ls /proc/$pid/fd | wc -l) fds, $(grep -c '^framebuffer' $FBS) framebuffers"
    sleep 2
    {shot("camera", 3)}
    vm-input key esc
fi
wait_exit $pid
echo "camera exit $?"
cat $SCANOUT_VM_JOB/camera.log
echo "=== rotate"
{BASE} --shots $SCANOUT_VM_JOB/rotate --no-camera --rotate 90 > $SCANOUT_VM_JOB/rotate.log 2>&1 &
pid=$!
if wait_log $SCANOUT_VM_JOB/rotate.log "scanout-kiosk: running:" 600; then
    {shot("rotate", 1)}
    vm-input click {rot_l[0]} {rot_l[1]} {W} {H}
    wait_log $SCANOUT_VM_JOB/rotate.log "action switch-layout (click"
    vm-input key esc
fi
wait_exit $pid
echo "rotate exit $?"
cat $SCANOUT_VM_JOB/rotate.log
"""
    result = vmtest.boot(name, script, modprobe=(), vkms=True, timeout=600, input=True,
                         udev=True)
    checks = vmtest.Checks(name)
    if not checks.check(result.status == 0, f"guest script ran (status {result.status})"):
        return checks.finish()
    out = result.output
    camera = camtest.section(out, "camera")
    checks.check("camera exit 0" in camera, "camera: the kiosk exits 0")
    checks.check("streaming, path export" in camera,
                 "camera: vivid's frames go 1:1 onto a plane (export path)")
    checks.check("cursor plane" in camera, "cursor: on vkms's cursor plane")

    def png(run, n):
        path = os.path.join(job, run, f"scanout-kiosk-{n}.png")
        if not checks.check(os.path.exists(path), f"{run}: screenshot {n} written"):
            return None
        return vmtest.read_png(path)

    live = png("camera", 1)
    if live:
        for i, colour in enumerate(camtest.BARS):
            kt.check_colour(checks, live, (cam[0] + CAM_W * (2 * i + 1) // 16, cam[1] + CAM_H - 20),
                            colour, f"live: vivid bar {i}")
        kt.check_colour(checks, live, kt.inside(beside["toggle-camera"]),
                        kt.BUTTONS["toggle-camera"], "live: GL UI beside the camera")
        # The arrow's hot spot is its black tip; one pixel in is white.
        kt.check_colour(checks, live, (pointer[0], pointer[1] + 1), (0, 0, 0), "cursor: edge")
        kt.check_colour(checks, live, (pointer[0] + 1, pointer[1] + 3), (255, 255, 255),
                        "cursor: fill")
    checks.check("camera lost" in camera and "showing the placeholder" in camera,
                 "camera hotplug: the unbind is noticed")
    lost = png("camera", 2)
    if lost:
        kt.check_colour(checks, lost, (cam[0] + 8, cam[1] + CAM_H - 8), kt.PLACEHOLDER,
                        "camera hotplug: the placeholder replaces the camera")
    checks.check("restarting the stream" in camera, "camera hotplug: the rebind is noticed")
    # Each closed view gave its plane and buffers back: every restart (key C
    # off and on, then the rebind) takes the same plane with as many fds open.
    planes = re.findall(r"layer \d+: \S+ on overlay plane (\d+)", camera)
    checks.check(len(planes) == 3 and len(set(planes)) == 1,
                 f"camera restarts: each on the plane the last one left (overlay planes {planes})")
    counts = re.findall(r"streaming \d: (\d+) fds, (\d+) framebuffers", camera)
    checks.check(len(counts) == 3 and len({c[0] for c in counts}) == 1,
                 f"camera restarts: no fd left behind by a closed camera "
                 f"(open fds {[c[0] for c in counts]})")
    checks.check(len(counts) == 3 and len({c[1] for c in counts}) == 1,
                 f"camera restarts: no framebuffer left behind by a closed camera "
                 f"(framebuffers on the device {[c[1] for c in counts]})")
    back = png("camera", 3)
    if back:
        for i, colour in enumerate(camtest.BARS):
            kt.check_colour(checks, back, (cam[0] + CAM_W * (2 * i + 1) // 16, cam[1] + CAM_H - 20),
                            colour, f"camera back: vivid bar {i}")
    kt.summary(checks, camera, "camera")

    rotate = camtest.section(out, "rotate")
    checks.check("rotation 90 by GL" in rotate, "rotate: vkms 6.1's planes cannot turn, GL does")
    checks.check("action switch-layout (click" in rotate,
                 f"rotate: a click at {rot_l}, where the layout button is seen, triggers it")
    turned = png("rotate", 1)
    if turned:
        for action in kt.ORDER:
            p = kt.to_physical(kt.inside(rot[action]), 90, H, W)
            kt.check_colour(checks, turned, p, kt.BUTTONS[action], f"rotate: {action} button")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
