#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The input rig: virtio keyboard and tablet driven by vm-input, udev and a
seat for an unprivileged user, in one boot (input=True, udev=True).

A raw evdev reader (evdev_dump.py) listens on the virtio keyboard and tablet
and on the PC's PS/2 keyboard, and libinput's udev backend (libinput_dump.py)
on seat0, while the guest runs vm-input: a key, a chord, a chord with a bad
key name (refused by QEMU; what was pressed is released), an out-of-range
move (refused by vm-input), the right button, a move to the bottom-right
pixel and a click at (100,200) of a 640x480 display.  The events must arrive
as sent, each step in its own report, only on the virtio devices; the tablet
values must map back to the pixels with libinput's formula and the axis
range the device reports, and libinput's get_absolute_x/y_transformed must
give those pixels.  udev must have initialized the devices.  vm-as-user must
run commands as nobody, and under --seat, seatd-launch must start seatd and
hand nobody a DRM fd through libseat that nobody cannot open directly.
"""

import json
import math
import os
import re
import sys

import vmtest
from vmtest import vm

KEYBOARD = "QEMU Virtio Keyboard"
TABLET = "QEMU Virtio Tablet"
PS2 = "AT Translated Set 2 keyboard"
EV_SYN, EV_KEY, EV_ABS = 0, 1, 3
KEY_ESC, KEY_A, KEY_LEFTSHIFT = 1, 30, 42
BTN_LEFT, BTN_RIGHT = 0x110, 0x111
ABS_X, ABS_Y = 0, 1
CLICK = (100, 200, 640, 480)
CORNER = (639, 479, 640, 480)

SCRIPT = r"""
J=$SCANOUT_VM_JOB
find_node() {
    for d in /sys/class/input/event*; do
        [ "$(cat $d/device/name)" = "$1" ] && { echo /dev/input/${d##*/}; return 0; }
    done
    return 1
}
python3 tests/vm/evdev_dump.py --device "@KEYBOARD@" --device "@TABLET@" --device "@PS2@" \
    --ready /tmp/evdev.ready --until 1:272:0 --timeout 60 > $J/events.jsonl 2> /tmp/evdev.err &
reader=$!
python3 tests/vm/libinput_dump.py --size 640x480 --ready /tmp/libinput.ready \
    --until-button 272 --timeout 60 > $J/libinput.jsonl 2> /tmp/libinput.err &
libinput=$!
n=0
while [ ! -e /tmp/evdev.ready ] || [ ! -e /tmp/libinput.ready ]; do
    kill -0 $reader 2>/dev/null || { echo "evdev_dump ended early"; cat /tmp/evdev.err; exit 10; }
    kill -0 $libinput 2>/dev/null || { echo "libinput_dump ended early"; cat /tmp/libinput.err; exit 10; }
    n=$((n + 1))
    [ $n -gt 300 ] && { echo "readers not ready within 30 s"; exit 10; }
    sleep 0.1
done
vm-input key esc || exit 11
vm-input key shift a || exit 12
vm-input key shift nosuchkey 2> /tmp/badkey.err
echo "bad key status $? $(cat /tmp/badkey.err)"
vm-input move 640 0 640 480 2> /tmp/badmove.err
echo "bad move status $? $(cat /tmp/badmove.err)"
vm-input button right down && vm-input button right up || exit 13
vm-input move @CORNER@ || exit 14
vm-input click @CLICK@ || exit 14
wait $reader
echo "evdev_dump status $?"
cat /tmp/evdev.err
wait $libinput
echo "libinput_dump status $?"
cat /tmp/libinput.err
for what in keyboard:"@KEYBOARD@" tablet:"@TABLET@"; do
    node=$(find_node "${what#*:}") || { echo "no ${what#*:}"; exit 15; }
    udevadm info --query=property --name=$node > $J/udev-${what%%:*}.txt
    echo "udevadm info ${what%%:*} status $?"
done
stat -c '%n %U:%G %a' /dev/input/event* /dev/dri/card0
echo "as-user: $(vm-as-user id -u) status $?"
vm-as-user --seat sh -c 'echo "seat-shell: sock=$SEATD_SOCK backend=$LIBSEAT_BACKEND uid=$(id -u) gid=$(id -g) groups=$(id -G) socket=$(stat -c "%U:%G:%a" "$SEATD_SOCK")"'
echo "seat shell status $?"
vm-as-user --seat python3 tests/vm/seat_open.py /dev/dri/card0 > $J/seat_open.json
echo "seat_open status $?"
cat $J/seat_open.json
"""


def load_events(path):
    devices, events = {}, []
    with open(path) as f:
        for line in f:
            item = json.loads(line)
            if "node" in item:
                devices[item["device"]] = item
            else:
                events.append(item)
    return devices, events


def reports(events, device):
    """The device's events grouped into reports (lists of (type, code,
    value)), each closed by a SYN_REPORT."""
    out, cur = [], []
    for e in events:
        if e["device"] != device:
            continue
        if e["type"] == EV_SYN and e["code"] == 0:
            out.append(cur)
            cur = []
        else:
            cur.append((e["type"], e["code"], e["value"]))
    if cur:
        out.append(cur)
    return out


def udev_props(path):
    props = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            props[key] = value
    return props


def main():
    name = "input-rig"
    job = vmtest.job_dir(name)
    script = (SCRIPT.replace("@KEYBOARD@", KEYBOARD).replace("@TABLET@", TABLET)
              .replace("@PS2@", PS2).replace("@CLICK@", " ".join(map(str, CLICK)))
              .replace("@CORNER@", " ".join(map(str, CORNER))))
    result = vmtest.boot(name, script, input=True, udev=True)
    checks = vmtest.Checks("test_vm_input_rig")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()
    out = result.output
    m = re.search(r"scanout-vm: udev ready in ([\d.]+) s", result.serial)
    if checks.check(m is not None, "udev came up (serial log)"):
        print(f"MEASURED udev ready in {m.group(1)} s; whole run {result.seconds:.1f} s")

    # Input.
    checks.check("evdev_dump status 0" in out, "the evdev reader saw the click's release")
    devices, events = load_events(os.path.join(job, "events.jsonl"))
    keys = [r for r in reports(events, KEYBOARD)]
    expected_keys = [[(EV_KEY, KEY_ESC, 1)], [(EV_KEY, KEY_ESC, 0)],
                     [(EV_KEY, KEY_LEFTSHIFT, 1)], [(EV_KEY, KEY_A, 1)],
                     [(EV_KEY, KEY_A, 0)], [(EV_KEY, KEY_LEFTSHIFT, 0)],
                     # the chord with a bad name: shift is pressed, then released
                     [(EV_KEY, KEY_LEFTSHIFT, 1)], [(EV_KEY, KEY_LEFTSHIFT, 0)]]
    checks.check(keys == expected_keys,
                 f"keyboard: esc tap, shift+a chord, shift released after the bad chord, "
                 f"one key per report (got {keys})")
    checks.check(re.search(r"bad key status 1 .*nosuchkey", out) is not None,
                 "vm-input key with a bad name fails with QEMU's reason")
    checks.check(re.search(r"bad move status 2 .*outside", out) is not None,
                 "vm-input move outside the display fails as a usage error")
    ps2 = [e for e in events if e["device"] == PS2]
    checks.check(not ps2, f"the PS/2 keyboard got nothing ({len(ps2)} events)")

    tablet = reports(events, TABLET)
    info = devices.get(TABLET, {}).get("abs", {})
    ranges = {axis: info.get(str(axis), [0, None, None])[1:3] for axis in (ABS_X, ABS_Y)}
    checks.check(ranges == {ABS_X: [vm.TABLET_ABS_MIN, vm.TABLET_ABS_MAX],
                            ABS_Y: [vm.TABLET_ABS_MIN, vm.TABLET_ABS_MAX]},
                 f"tablet reports axes {vm.TABLET_ABS_MIN}..{vm.TABLET_ABS_MAX} (got {ranges})")
    def move(x, y, w, h):
        return [(EV_ABS, ABS_X, vm.tablet_value(x, w)), (EV_ABS, ABS_Y, vm.tablet_value(y, h))]

    expected_tablet = [[(EV_KEY, BTN_RIGHT, 1)], [(EV_KEY, BTN_RIGHT, 0)],
                       move(*CORNER), move(*CLICK),
                       [(EV_KEY, BTN_LEFT, 1)], [(EV_KEY, BTN_LEFT, 0)]]
    checks.check(tablet == expected_tablet,
                 f"tablet: right button, two moves, then press and release, in separate "
                 f"reports (got {tablet})")
    for target, report in ((CORNER, 2), (CLICK, 3)):
        x, y, w, h = target
        values = dict((code, value) for (t, code, value) in
                      (tablet[report] if report < len(tablet) else []) if t == EV_ABS)
        for axis, pos, size in ((ABS_X, x, w), (ABS_Y, y, h)):
            lo, hi = ranges[axis]
            if axis in values and lo is not None:
                px = vm.tablet_pixel(values[axis], size, lo, hi)
                checks.check(math.floor(px) == pos and abs(px - pos) < 1,
                             f"axis {axis} value {values[axis]} maps back to {px:.3f} "
                             f"on {size} px (wanted {pos})")

    # The same through libinput.
    checks.check("libinput_dump status 0" in out, "libinput saw the click's release")
    added, seen = set(), []
    with open(os.path.join(job, "libinput.jsonl")) as f:
        for line in f:
            item = json.loads(line)
            if "added" in item:
                added.add(item["added"])
            else:
                seen.append(item)
    checks.check({KEYBOARD, TABLET} <= added,
                 f"libinput's udev backend took the virtio keyboard and tablet ({sorted(added)})")
    li_keys = [(e["device"], e["key"], e["pressed"]) for e in seen if "key" in e]
    checks.check(li_keys == [(KEYBOARD, code, value == 1)
                             for r in expected_keys for (_, code, value) in r],
                 f"libinput: the keys, from the virtio keyboard ({li_keys})")
    li_buttons = [(e["device"], e["button"], e["pressed"]) for e in seen if "button" in e]
    checks.check(li_buttons == [(TABLET, BTN_RIGHT, True), (TABLET, BTN_RIGHT, False),
                                (TABLET, BTN_LEFT, True), (TABLET, BTN_LEFT, False)],
                 f"libinput: right, then left button, from the virtio tablet ({li_buttons})")
    li_abs = [e["abs"] for e in seen if "abs" in e]
    targets = [CORNER[:2], CLICK[:2]]
    checks.check(len(li_abs) == 2 and all(
        math.floor(a) == p and 0 <= a - p < 1
        for got, want in zip(li_abs, targets) for a, p in zip(got, want)),
        f"libinput: get_absolute_x/y_transformed(640, 480) give {targets} "
        f"(got {li_abs})")

    # udev.
    for what, prop in (("keyboard", "ID_INPUT_KEYBOARD"), ("tablet", "ID_INPUT_MOUSE")):
        checks.check(f"udevadm info {what} status 0" in out, f"udevadm info of the {what}")
        path = os.path.join(job, f"udev-{what}.txt")
        props = udev_props(path) if os.path.exists(path) else {}
        # udev's input_id calls an absolute pointer with buttons and no pen a
        # mouse (as for VMware's), so QEMU's tablet is ID_INPUT_MOUSE.
        checks.check(props.get("ID_INPUT") == "1" and props.get(prop) == "1",
                     f"udev initialized the {what}: ID_INPUT=1 {prop}=1 "
                     f"({ {k: v for k, v in props.items() if k.startswith('ID_INPUT')} })")

    # Seat.
    checks.check("as-user: 65534 status 0" in out, "vm-as-user runs the command as uid 65534")
    m = re.search(r"seat-shell: (.*)", out)
    checks.check(m is not None and m.group(1) ==
                 "sock=/run/seatd.sock backend=seatd uid=65534 gid=65534 groups=65534 "
                 "socket=nobody:nogroup:700",
                 f"seatd-launch runs the command as nobody with its seatd socket "
                 f"({m and m.group(1)})")
    checks.check("seat_open status 0" in out, "libseat opened /dev/dri/card0 for nobody")
    try:
        with open(os.path.join(job, "seat_open.json")) as f:
            seat = json.load(f)
    except (OSError, ValueError):
        seat = {}
    checks.check(seat.get("uid") == 65534 and seat.get("direct") == "EACCES",
                 f"nobody cannot open /dev/dri/card0 itself ({seat})")
    checks.check(seat.get("seat") == "seat0" and seat.get("major") == 226 and
                 seat.get("driver") == "virtio_gpu",
                 f"through seatd it gets a virtio_gpu DRM fd on seat0 ({seat})")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
