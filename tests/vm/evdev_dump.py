#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest side of the input VM tests: reads raw evdev events of input devices
found by name and prints them as JSON lines.

    evdev_dump.py --device NAME [--device NAME...] [--ready FILE]
                  [--until TYPE:CODE:VALUE] [--timeout S]

Devices are found through /sys/class/input/eventN/device/name (waiting up to
10 s for them to appear).  First one line per device:
    {"device": NAME, "node": "/dev/input/eventN", "abs": {"0": [value, min,
     max, fuzz, flat, resolution], ...}}
(abs: the EVIOCGABS answer for each axis the device has), then FILE is
created, then one line per event (SYN_REPORT included):
    {"device": NAME, "type": T, "code": C, "value": V}
until an event equal to --until arrives (then exit 0) or --timeout seconds
pass (exit 3).  Only the standard library.
"""

import argparse
import fcntl
import glob
import json
import os
import select
import struct
import sys
import time

EV_ABS = 0x03
EVENT = struct.Struct("llHHi")   # struct input_event on 64-bit: timeval, type, code, value
ABSINFO = struct.Struct("6i")    # struct input_absinfo


def _ioc(direction, kind, nr, size):
    return (direction << 30) | (size << 16) | (ord(kind) << 8) | nr


def eviocgbit(ev_type, size):
    return _ioc(2, "E", 0x20 + ev_type, size)


def eviocgabs(axis):
    return _ioc(2, "E", 0x40 + axis, ABSINFO.size)


def find(name):
    for path in sorted(glob.glob("/sys/class/input/event*/device/name")):
        with open(path) as f:
            if f.read().strip() == name:
                return "/dev/input/" + path.split("/")[4]
    return None


def abs_info(fd):
    bits = bytearray(8)
    fcntl.ioctl(fd, eviocgbit(EV_ABS, len(bits)), bits)
    axes = {}
    for axis in range(64):
        if bits[axis // 8] >> (axis % 8) & 1:
            buf = bytearray(ABSINFO.size)
            fcntl.ioctl(fd, eviocgabs(axis), buf)
            axes[str(axis)] = list(ABSINFO.unpack(buf))
    return axes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", action="append", required=True)
    ap.add_argument("--ready")
    ap.add_argument("--until")
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()
    until = tuple(int(v) for v in args.until.split(":")) if args.until else None

    fds = {}
    deadline = time.monotonic() + 10
    for name in args.device:
        node = find(name)
        while node is None and time.monotonic() < deadline:
            time.sleep(0.1)
            node = find(name)
        if node is None:
            print(f"evdev_dump: no input device named {name!r}", file=sys.stderr)
            return 2
        fd = os.open(node, os.O_RDONLY | os.O_NONBLOCK)
        fds[fd] = name
        print(json.dumps({"device": name, "node": node, "abs": abs_info(fd)}), flush=True)
    if args.ready:
        open(args.ready, "w").close()

    deadline = time.monotonic() + args.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            print("evdev_dump: timed out", file=sys.stderr)
            return 3
        readable, _, _ = select.select(list(fds), [], [], left)
        for fd in readable:
            data = os.read(fd, EVENT.size * 64)
            for i in range(0, len(data) - EVENT.size + 1, EVENT.size):
                _, _, ev_type, code, value = EVENT.unpack_from(data, i)
                print(json.dumps({"device": fds[fd], "type": ev_type, "code": code,
                                  "value": value}), flush=True)
                if until == (ev_type, code, value):
                    return 0


if __name__ == "__main__":
    sys.exit(main())
