#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest side: print the format and frame interval a V4L2 capture node holds
now (VIDIOC_G_FMT, VIDIOC_G_PARM), i.e. what the driver granted the last
client, since drivers may round a requested size or rate.

  camfmt.py [/dev/videoN]      prints: CAMFMT XR24 640x360 1/30"""

import fcntl
import os
import struct
import sys


def iowr(nr, size):
    return (3 << 30) | (size << 16) | (ord("V") << 8) | nr


BUF_TYPE_VIDEO_CAPTURE = 1
FORMAT_SIZE = 208       # struct v4l2_format on 64-bit: type, padding, 200-byte union
STREAMPARM_SIZE = 204   # struct v4l2_streamparm: type, 200-byte union
VIDIOC_G_FMT = iowr(4, FORMAT_SIZE)
VIDIOC_G_PARM = iowr(21, STREAMPARM_SIZE)

path = sys.argv[1] if len(sys.argv) > 1 else "/dev/video0"
fd = os.open(path, os.O_RDWR)
try:
    buf = bytearray(struct.pack("I", BUF_TYPE_VIDEO_CAPTURE).ljust(FORMAT_SIZE, b"\0"))
    fcntl.ioctl(fd, VIDIOC_G_FMT, buf)
    width, height, fourcc = struct.unpack_from("III", buf, 8)
    parm = bytearray(struct.pack("I", BUF_TYPE_VIDEO_CAPTURE).ljust(STREAMPARM_SIZE, b"\0"))
    fcntl.ioctl(fd, VIDIOC_G_PARM, parm)
    # capture: capability, capturemode, timeperframe {numerator, denominator}
    num, den = struct.unpack_from("II", parm, 12)
finally:
    os.close(fd)
print(f"CAMFMT {fourcc.to_bytes(4, 'little').decode('ascii', 'replace')} "
      f"{width}x{height} {num}/{den}")
