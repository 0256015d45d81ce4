#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest side of the seat VM checks: opens a DRM device directly and then
through libseat (ctypes; only the standard library), and prints one JSON line:

    {"uid": U, "gid": G, "direct": "EACCES" | "ok", "seat": "seat0",
     "major": 226, "driver": "virtio_gpu"}

Run as an unprivileged user under a seat manager, e.g.
    vm-as-user --seat python3 tests/vm/seat_open.py /dev/dri/card0
Exits 0 when libseat gave a working DRM fd, 1 (with "error") otherwise.
"""

import ctypes
import errno
import json
import os
import stat
import sys
import time


class Listener(ctypes.Structure):
    _CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
    _fields_ = [("enable_seat", _CB), ("disable_seat", _CB)]


class DrmVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_int), ("minor", ctypes.c_int), ("patch", ctypes.c_int),
                ("name_len", ctypes.c_size_t), ("name", ctypes.c_char_p),
                ("date_len", ctypes.c_size_t), ("date", ctypes.c_char_p),
                ("desc_len", ctypes.c_size_t), ("desc", ctypes.c_char_p)]


# _IOWR('d', 0x00, struct drm_version)
DRM_IOCTL_VERSION = (3 << 30) | (ctypes.sizeof(DrmVersion) << 16) | (ord("d") << 8)


def drm_driver(fd):
    libc = ctypes.CDLL(None, use_errno=True)
    name = ctypes.create_string_buffer(64)
    ver = DrmVersion(name_len=len(name) - 1, name=ctypes.cast(name, ctypes.c_char_p))
    if libc.ioctl(fd, DRM_IOCTL_VERSION, ctypes.byref(ver)) != 0:
        raise OSError(ctypes.get_errno(), "DRM_IOCTL_VERSION")
    return name.value.decode()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/dev/dri/card0"
    out = {"uid": os.getuid(), "gid": os.getgid()}
    try:
        os.close(os.open(path, os.O_RDWR))
        out["direct"] = "ok"
    except OSError as e:
        out["direct"] = errno.errorcode.get(e.errno, str(e.errno))

    try:
        seat = ctypes.CDLL("libseat.so.1", use_errno=True)
        seat.libseat_open_seat.restype = ctypes.c_void_p
        seat.libseat_open_seat.argtypes = [ctypes.POINTER(Listener), ctypes.c_void_p]
        seat.libseat_dispatch.argtypes = [ctypes.c_void_p, ctypes.c_int]
        seat.libseat_open_device.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                             ctypes.POINTER(ctypes.c_int)]
        seat.libseat_close_device.argtypes = [ctypes.c_void_p, ctypes.c_int]
        seat.libseat_close_seat.argtypes = [ctypes.c_void_p]
        seat.libseat_seat_name.restype = ctypes.c_char_p
        seat.libseat_seat_name.argtypes = [ctypes.c_void_p]
        seat.libseat_set_log_level(1)  # LIBSEAT_LOG_LEVEL_ERROR

        enabled = []
        listener = Listener(Listener._CB(lambda s, d: enabled.append(True)),
                            Listener._CB(lambda s, d: None))
        handle = seat.libseat_open_seat(ctypes.byref(listener), None)
        if not handle:
            raise OSError(ctypes.get_errno(), "libseat_open_seat failed")
        deadline = time.monotonic() + 10
        while not enabled:
            if time.monotonic() > deadline:
                raise TimeoutError("the seat was not enabled within 10 s")
            if seat.libseat_dispatch(handle, 100) < 0:
                raise OSError(ctypes.get_errno(), "libseat_dispatch failed")
        out["seat"] = seat.libseat_seat_name(handle).decode()
        fd = ctypes.c_int(-1)
        dev = seat.libseat_open_device(handle, path.encode(), ctypes.byref(fd))
        if dev < 0:
            raise OSError(ctypes.get_errno(), f"libseat_open_device {path} failed")
        st = os.fstat(fd.value)
        out["major"] = os.major(st.st_rdev) if stat.S_ISCHR(st.st_mode) else None
        out["driver"] = drm_driver(fd.value)
        seat.libseat_close_device(handle, dev)
        os.close(fd.value)
        seat.libseat_close_seat(handle)
    except (OSError, TimeoutError) as e:
        out["error"] = str(e)
    print(json.dumps(out), flush=True)
    return 1 if "error" in out else 0


if __name__ == "__main__":
    sys.exit(main())
