#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scanout-kiosk on virtio-gpu with real input devices, in one boot.

QEMU's virtio keyboard and tablet are driven from the guest (vm-input), so
libinput reads real evdev devices through udev. The screendumps show:
- keys: L switches the layout, and the buttons move where ui.h puts them;
- clicks: a click on a button's centre triggers it (the camera comes on,
  vivid's bars appear), a click elsewhere triggers nothing;
- rotation: with --rotate 90 a click where the button is seen triggers it;
- display hotplug: the connector forced off turns the output off and the
  kiosk keeps running; forced on brings the picture back; a kiosk started
  with no display waits for one;
- console: after exit the VT is in text mode and the CRTC as found;
- idle: with nothing happening the kiosk does not flip;
- seat: as user 65534 under seatd-launch it starts, reads input and exits.
"""

import os
import sys

import camtest
import kiosktest as kt
import vmtest
from kiosktest import KIOSK

W, H = 640, 480
STATUS = "/sys/class/drm/card0-Virtual-1/status"
BASE = f"{KIOSK} --mode {W}x{H} --camera-size 320x180 --fps 5 --session direct"


def run(name, args, body):
    """Guest lines: start a kiosk, run `body` against it, let it exit."""
    return f"""
echo "=== {name}"
{BASE} {args} > $SCANOUT_VM_JOB/{name}.log 2>&1 &
pid=$!
if wait_log $SCANOUT_VM_JOB/{name}.log "scanout-kiosk: running:"; then
{body}
fi
wait_exit $pid
echo "{name} exit $?"
cat $SCANOUT_VM_JOB/{name}.log
"""


def main():
    name = "kiosk"
    job = vmtest.job_dir(name)
    beside = kt.layout(W, H)
    full = kt.layout(W, H, full=True)
    cam_c = kt.centre(beside["toggle-camera"])
    full_l = kt.centre(full["switch-layout"])
    # Logical 480x640 turned onto the 640x480 mode.
    rot = kt.layout(H, W)
    rot_l = kt.to_physical(kt.centre(rot["switch-layout"]), 90, H, W)

    script = kt.GUEST + f"""
{camtest.VIVID} || exit 10
{vmtest.INFO} --json > $SCANOUT_VM_JOB/info-before.json
echo "tty before $(kd_mode /dev/tty1)"
{run("keys", "--no-camera", f'''
echo "tty during $(kd_mode /dev/tty1)"
sleep 0.5
vm-shot beside
vm-input key l
wait_log $SCANOUT_VM_JOB/keys.log "action switch-layout (key"
sleep 1
vm-shot full
vm-input click 320 200 {W} {H}
wait_log $SCANOUT_VM_JOB/keys.log "no button"
vm-input click {full_l[0]} {full_l[1]} {W} {H}
wait_log $SCANOUT_VM_JOB/keys.log "action switch-layout (click"
vm-input click {cam_c[0]} {cam_c[1]} {W} {H}
wait_log $SCANOUT_VM_JOB/keys.log "streaming, path" 600
sleep 3
vm-shot camera
vm-input key c
wait_log $SCANOUT_VM_JOB/keys.log "action toggle-camera (key c)"
echo off > {STATUS}
wait_log $SCANOUT_VM_JOB/keys.log "display disconnected"
sleep 1
kill -0 $pid && echo "alive while the display is off"
echo on > {STATUS}
wait_log $SCANOUT_VM_JOB/keys.log "display connected again"
sleep 2
vm-shot back
echo detect > {STATUS}
vm-input key esc
''')}
echo "tty after $(kd_mode /dev/tty1)"
{vmtest.INFO} --json > $SCANOUT_VM_JOB/info-after.json
{run("rotate", "--no-camera --rotate 90", f'''
sleep 0.5
vm-shot rotated
vm-input click {rot_l[0]} {rot_l[1]} {W} {H}
wait_log $SCANOUT_VM_JOB/rotate.log "action switch-layout (click"
vm-input key esc
''')}
echo "=== wait-display"
echo off > {STATUS}
{BASE} --no-camera > $SCANOUT_VM_JOB/wait.log 2>&1 &
pid=$!
wait_log $SCANOUT_VM_JOB/wait.log "waiting for one"
sleep 1
echo on > {STATUS}
wait_log $SCANOUT_VM_JOB/wait.log "scanout-kiosk: running:" && vm-input key esc
wait_exit $pid
echo "wait-display exit $?"
echo detect > {STATUS}
cat $SCANOUT_VM_JOB/wait.log
{run("idle", "--no-camera --timeout 4", ":")}
echo "=== seat"
vm-as-user --seat {KIOSK} --mode {W}x{H} --no-camera --session seat --timeout 60 \
    > $SCANOUT_VM_JOB/seat.log 2>&1 &
pid=$!
if wait_log $SCANOUT_VM_JOB/seat.log "scanout-kiosk: running:" 600; then
    vm-input key l
    wait_log $SCANOUT_VM_JOB/seat.log "action switch-layout (key"
    vm-input key esc
fi
wait_exit $pid
echo "seat exit $?"
cat $SCANOUT_VM_JOB/seat.log
"""
    result = vmtest.boot(name, script, modprobe=("virtio_gpu",), timeout=600, input=True,
                         udev=True)
    checks = vmtest.Checks(name)
    if not checks.check(result.status == 0, f"guest script ran (status {result.status})"):
        return checks.finish()
    out = result.output
    sec = camtest.section

    # Keys and clicks.
    keys = sec(out, "keys")
    checks.check("keys exit 0" in keys, "keys: the kiosk exits 0 on Esc")
    checks.check("action quit (key Escape)" in keys, "keys: Esc is logged as quit")
    checks.check("tty during 1" in keys, "keys: the VT is in graphics mode while it runs")
    checks.check("action switch-layout (key L)" in keys or "action switch-layout (key l)" in keys,
                 "keys: L is logged as switch-layout")
    checks.check("no button" in keys, "clicks: a click outside any button is logged as no button")
    checks.check(keys.count("action ") == 5,
                 f"clicks: the click outside triggered nothing ({keys.count('action ')} actions: "
                 "key L, two clicks, key C, Esc)")
    checks.check("action toggle-camera (click" in keys, "clicks: the camera button's centre "
                 "toggles the camera")
    shots = result.shots
    if checks.check("beside" in shots and "full" in shots, "screendumps before and after L"):
        before = vmtest.vm.read_ppm(shots["beside"])
        after = vmtest.vm.read_ppm(shots["full"])
        for action in kt.ORDER:
            kt.check_colour(checks, before, kt.inside(beside[action]), kt.BUTTONS[action],
                            f"beside: {action} button")
            kt.check_colour(checks, after, kt.inside(full[action]), kt.BUTTONS[action],
                            f"camera full: {action} button in the status strip")
            kt.check_colour(checks, after, kt.inside(beside[action]), kt.BACKGROUND,
                            f"camera full: no {action} button on the left")
    if checks.check("camera" in shots, "screendump with the camera on"):
        img = vmtest.vm.read_ppm(shots["camera"])
        x0, y0 = beside["camera"][0] + (beside["camera"][2] - 320) // 4 * 2, \
            beside["camera"][1] + (beside["camera"][3] - 180) // 2
        # Below vivid's text: the bottom rows of the 180-row frame.
        for i, colour in enumerate(camtest.BARS):
            kt.check_colour(checks, img, (x0 + 40 * i + 20, y0 + 170), colour,
                            f"camera on: vivid bar {i}")
        kt.check_colour(checks, img, kt.inside(beside["screenshot"]),
                        kt.BUTTONS["screenshot"], "camera on: the UI stays beside it")

    # Display hotplug.
    checks.check("display disconnected: output off" in keys, "hotplug: off is noticed")
    checks.check("alive while the display is off" in keys, "hotplug: the kiosk keeps running")
    checks.check("display connected again" in keys, "hotplug: on is noticed")
    if checks.check("back" in shots, "screendump after the display came back"):
        img = vmtest.vm.read_ppm(shots["back"])
        kt.check_colour(checks, img, kt.inside(beside["switch-layout"]),
                        kt.BUTTONS["switch-layout"], "hotplug: the picture is back")
    m = kt.summary(checks, keys, "keys")
    if m:
        checks.check(int(m.group("samples")) >= 3, "latency measured for the input actions")

    # Console: the VT and the CRTC as found.
    checks.check("tty before 0" in out and "tty after 0" in out,
                 "console: the VT is in text mode before and after")
    try:
        before = vmtest.read_json(os.path.join(job, "info-before.json"))
        after = vmtest.read_json(os.path.join(job, "info-after.json"))
        crtcs = [c["id"] for d in before["devices"] for c in d.get("crtcs", [])]
        for crtc in crtcs:
            checks.check(vmtest.crtc_state(before, crtc) == vmtest.crtc_state(after, crtc),
                         f"console: CRTC {crtc} as found ({vmtest.crtc_state(after, crtc)})")
    except (OSError, ValueError, KeyError) as e:
        checks.check(False, f"console: scanout-info JSON readable ({e})")

    # Rotation.
    rotate = sec(out, "rotate")
    checks.check("rotation 90 by GL" in rotate, "rotate: virtio-gpu's plane cannot turn, GL does")
    checks.check("action switch-layout (click" in rotate,
                 f"rotate: a click at {rot_l}, where the layout button is seen, triggers it")
    checks.check("rotate exit 0" in rotate, "rotate: exits 0")
    if checks.check("rotated" in shots, "screendump of the turned UI"):
        img = vmtest.vm.read_ppm(shots["rotated"])
        for action in kt.ORDER:
            p = kt.to_physical(kt.inside(rot[action]), 90, H, W)
            kt.check_colour(checks, img, p, kt.BUTTONS[action], f"rotate: {action} button")

    wait = sec(out, "wait-display")
    checks.check("no display connected; waiting for one" in wait,
                 "no display at start: the kiosk waits")
    checks.check("scanout-kiosk: running:" in wait and "wait-display exit 0" in wait,
                 "no display at start: it starts once the display is connected")

    idle = sec(out, "idle")
    m = kt.summary(checks, idle, "idle")
    if m:
        checks.check(int(m.group("frames")) <= 2 and int(m.group("commits")) <= 2,
                     f"idle: no flips without damage ({m.group('frames')} frames, "
                     f"{m.group('commits')} commits in {m.group('seconds')} s)")

    seat = sec(out, "seat")
    checks.check("session seatd" in seat, "seat: libseat through seatd")
    checks.check("action switch-layout (key" in seat, "seat: input read as user 65534")
    checks.check("seat exit 0" in seat, "seat: exits cleanly")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
