#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest side of the input VM tests: libinput's udev backend on seat0
(ctypes; only the standard library), printing what it sees as JSON lines:

    {"added": NAME}                      a device libinput took
    {"device": NAME, "key": CODE, "pressed": BOOL}      keyboard keys
    {"device": NAME, "abs": [X, Y]}      absolute pointer motion, through
                                         get_absolute_x/y_transformed(W, H)
    {"device": NAME, "button": CODE, "pressed": BOOL}   pointer buttons

    libinput_dump.py --size WxH [--ready FILE] [--until-button CODE]
                     [--timeout S]

FILE is created once the devices present at start were added.  Stops after
the release of button CODE (exit 0) or after --timeout seconds (exit 3).
Opens devices itself: run it as root.
"""

import argparse
import ctypes
import json
import os
import select
import sys
import time

DEVICE_ADDED = 1
KEYBOARD_KEY = 300
POINTER_MOTION_ABSOLUTE = 401
POINTER_BUTTON = 402

P = ctypes.c_void_p


class Interface(ctypes.Structure):
    _OPEN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_int, P)
    _CLOSE = ctypes.CFUNCTYPE(None, ctypes.c_int, P)
    _fields_ = [("open_restricted", _OPEN), ("close_restricted", _CLOSE)]


def _open(path, flags, _):
    try:
        return os.open(path, flags)
    except OSError as e:
        return -e.errno


def _close(fd, _):
    os.close(fd)


def load():
    udev = ctypes.CDLL("libudev.so.1")
    udev.udev_new.restype = P
    li = ctypes.CDLL("libinput.so.10")
    sigs = {
        "libinput_udev_create_context": (P, [ctypes.POINTER(Interface), P, P]),
        "libinput_udev_assign_seat": (ctypes.c_int, [P, ctypes.c_char_p]),
        "libinput_get_fd": (ctypes.c_int, [P]),
        "libinput_dispatch": (ctypes.c_int, [P]),
        "libinput_get_event": (P, [P]),
        "libinput_event_get_type": (ctypes.c_int, [P]),
        "libinput_event_get_device": (P, [P]),
        "libinput_device_get_name": (ctypes.c_char_p, [P]),
        "libinput_event_get_keyboard_event": (P, [P]),
        "libinput_event_keyboard_get_key": (ctypes.c_uint32, [P]),
        "libinput_event_keyboard_get_key_state": (ctypes.c_int, [P]),
        "libinput_event_get_pointer_event": (P, [P]),
        "libinput_event_pointer_get_absolute_x_transformed": (ctypes.c_double, [P, ctypes.c_uint32]),
        "libinput_event_pointer_get_absolute_y_transformed": (ctypes.c_double, [P, ctypes.c_uint32]),
        "libinput_event_pointer_get_button": (ctypes.c_uint32, [P]),
        "libinput_event_pointer_get_button_state": (ctypes.c_int, [P]),
        "libinput_event_destroy": (None, [P]),
        "libinput_unref": (P, [P]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(li, name)
        fn.restype, fn.argtypes = res, args
    return udev, li


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", required=True)
    ap.add_argument("--ready")
    ap.add_argument("--until-button", type=int)
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    udev, li = load()
    iface = Interface(Interface._OPEN(_open), Interface._CLOSE(_close))
    ctx = li.libinput_udev_create_context(ctypes.byref(iface), None, udev.udev_new())
    if not ctx or li.libinput_udev_assign_seat(ctx, b"seat0") != 0:
        print("libinput_dump: cannot set up libinput on seat0", file=sys.stderr)
        return 2
    fd = li.libinput_get_fd(ctx)

    def drain():
        """Prints the queued events; True once the --until-button release came."""
        li.libinput_dispatch(ctx)
        done = False
        while True:
            ev = li.libinput_get_event(ctx)
            if not ev:
                return done
            kind = li.libinput_event_get_type(ev)
            name = li.libinput_device_get_name(li.libinput_event_get_device(ev)).decode()
            out = None
            if kind == DEVICE_ADDED:
                out = {"added": name}
            elif kind == KEYBOARD_KEY:
                k = li.libinput_event_get_keyboard_event(ev)
                out = {"device": name, "key": li.libinput_event_keyboard_get_key(k),
                       "pressed": li.libinput_event_keyboard_get_key_state(k) == 1}
            elif kind == POINTER_MOTION_ABSOLUTE:
                p = li.libinput_event_get_pointer_event(ev)
                out = {"device": name, "abs": [
                    li.libinput_event_pointer_get_absolute_x_transformed(p, width),
                    li.libinput_event_pointer_get_absolute_y_transformed(p, height)]}
            elif kind == POINTER_BUTTON:
                p = li.libinput_event_get_pointer_event(ev)
                out = {"device": name, "button": li.libinput_event_pointer_get_button(p),
                       "pressed": li.libinput_event_pointer_get_button_state(p) == 1}
                done = done or (out["button"] == args.until_button and not out["pressed"])
            li.libinput_event_destroy(ev)
            if out:
                print(json.dumps(out), flush=True)

    # assign_seat queues DEVICE_ADDED for every device already there.
    drain()
    if args.ready:
        open(args.ready, "w").close()
    deadline = time.monotonic() + args.timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                print("libinput_dump: timed out", file=sys.stderr)
                return 3
            select.select([fd], [], [], left)
            if drain():
                return 0
    finally:
        li.libinput_unref(ctx)


if __name__ == "__main__":
    sys.exit(main())
