#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The V4L2 capture device against vivid (Debian 6.1 guest kernel): two vivid
webcams, /dev/video0 on the single-planar API and /dev/video1 on the
multi-planar one. Frames stream through the EventLoop in MMAP+EXPBUF and
DMABUF (virtio-gpu dumb buffers) modes; the pixels must be vivid's 75% colour
bars as its test pattern generator computes them (v4l2-tpg-core.c), decoded
as the DRM format the table maps each V4L2 format to. Then vivid drops frames
and flags one buffer ERROR, and finally its Disconnect control pulls the
camera while it streams."""

import os
import re
import sys

import vmtest

TOOL = os.path.join(vmtest.BUILD, "tests", "vm", "v4l2_check")
W, H = 640, 360
SIZE = f"{W}x{H}"

# vivid's 75% colour bar pattern: tpg_colors[] of bars[TPG_PAT_75_COLORBAR]
# (v4l2-tpg-colors.c, v4l2-tpg-core.c): 75% is 191 of 255; white is
# TPG_COLOR_CSC_WHITE (191) and black TPG_COLOR_100_BLACK. RGB formats are
# full range, so these bytes come out unchanged.
BARS = ["white", "yellow", "cyan", "green", "magenta", "red", "blue", "black"]
VIVID_75 = [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0),
            (191, 0, 191), (191, 0, 0), (0, 0, 191), (0, 0, 0)]

# V4L2 format -> the DRM format of the same byte order, and the tolerance of
# its decoded colours (RGB565 keeps 5/6 bits per component).
RGB_FORMATS = {"XR24": ("XR24", 2), "BX24": ("BX24", 2), "XB24": ("XB24", 2),
               "RX24": ("RX24", 2), "AR24": ("AR24", 2), "BGR4": ("XR24", 2),
               "RGB4": ("BX24", 2), "RGBP": ("RG16", 8)}
YUV_SP = ["YUYV", "UYVY", "NV12", "NV21", "NV16", "YU12"]
YUV_MP = ["NM12", "NM16", "YM12"]
LIST_SP = ",".join(YUV_SP)
LIST_MP = ",".join(YUV_MP)
MORE_RGB = ",".join(f for f in RGB_FORMATS if f != "XR24")

GUEST = f"""
J=$SCANOUT_VM_JOB
T={TOOL}
modprobe vivid n_devs=2 node_types=0x1,0x1 input_types=0x0,0x0 multiplanar=1,2 || exit 10
n=0
while [ ! -e /dev/video0 ] || [ ! -e /dev/video1 ]; do
    n=$((n + 1)); [ $n -gt 200 ] && exit 11
    sleep 0.05
done
run() {{
    name=$1; shift
    "$T" "$@" > $J/$name.out 2>&1
    echo "status $name $?"
}}
run info info
run rgb_main rgb /dev/video0 {SIZE} 20 XR24
run rgb_more rgb /dev/video0 {SIZE} 3 {MORE_RGB}
run rgb_mplane rgb /dev/video1 {SIZE} 3 XR24
run yuv_sp yuv /dev/video0 {SIZE} 3 {LIST_SP}
run yuv_mp yuv /dev/video1 {SIZE} 3 {LIST_MP}
run dmabuf dmabuf /dev/video0 {SIZE} 5
run faults faults /dev/video0 {SIZE} 16
run disconnect disconnect /dev/video0 {SIZE}
dmesg | grep -i vivid | tail -5
"""


def ints(text):
    return [int(v) for v in text.split()]


def close(a, b, tol):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def ycbcr_601_limited(rgb):
    """Y'CbCr of an 8-bit RGB colour exactly as vivid's TPG computes it:
    color_to_ycbcr() with the BT.601 limited-range matrix (the default for
    its sRGB webcam), 4 fractional bits, clamped to 16-235 / 16-240."""
    def coeff(v, r):
        return int(0.5 + v * r * 256.0)  # C's (int) cast truncates, as int() does
    m = [[coeff(0.299, 219), coeff(0.587, 219), coeff(0.114, 219)],
         [coeff(-0.1687, 224), coeff(-0.3313, 224), coeff(0.5, 224)],
         [coeff(0.5, 224), coeff(-0.4187, 224), coeff(-0.0813, 224)]]
    r, g, b = (c << 4 for c in rgb)
    y = ((m[0][0] * r + m[0][1] * g + m[0][2] * b) >> 16) + (16 << 4)
    cb = ((m[1][0] * r + m[1][1] * g + m[1][2] * b) >> 16) + (128 << 4)
    cr = ((m[2][0] * r + m[2][1] * g + m[2][2] * b) >> 16) + (128 << 4)
    y, cb, cr = y >> 4, cb >> 4, cr >> 4
    return (min(max(y, 16), 235), min(max(cb, 16), 240), min(max(cr, 16), 240))


class Output:
    """One helper run's output file."""

    def __init__(self, job, name, statuses):
        path = os.path.join(job, f"{name}.out")
        self.name = name
        self.text = open(path).read() if os.path.exists(path) else ""
        self.status = statuses.get(name)

    def lines(self, key):
        return [l.split()[1:] for l in self.text.splitlines() if l.split()[:1] == [key]]


def check_common(c, out):
    c.check(out.status == 0, f"{out.name}: helper exits 0 (got {out.status}; "
            f"{[' '.join(l) for l in out.lines('error')]})")
    f = re.search(r"^fds start (\d+) exit (\d+)$", out.text, re.M)
    c.check(f is not None and f.group(1) == f.group(2),
            f"{out.name}: as many fds open at exit as at start ({f and f.groups()})")
    # Also no warning about non-monotonic timestamps, failed EXPBUF or cleanup.
    logs = re.findall(r"^scanout (?:warn|error): .*$", out.text, re.M)
    c.check(not logs, f"{out.name}: the library logs no warning or error ({logs[:2]})")


def frames_of(out):
    """(seq, ts, age_us, bytesused/dataoffset pairs) per frame line."""
    frames = []
    for l in out.lines("frame"):
        d = dict(zip(l[1::2], l[2::2]))
        planes = re.findall(r"plane (\d+) bytesused (\d+) dataoffset (\d+)", " ".join(l))
        frames.append((int(d["seq"]), int(d["ts"]), int(d["age_us"]),
                       [(int(b), int(o)) for _, b, o in planes]))
    return frames


def stats_of(out):
    s = out.lines("stats")
    return [dict(zip(x[0::2], map(int, x[1::2]))) for x in s]


def check_stream(c, out, label, count):
    frames = frames_of(out)
    c.check(len(frames) == count, f"{label}: {count} frames through the event loop "
            f"(got {len(frames)})")
    seqs = [f[0] for f in frames]
    tss = [f[1] for f in frames]
    c.check(all(b > a for a, b in zip(seqs, seqs[1:])),
            f"{label}: sequence numbers increase ({seqs})")
    c.check(all(b > a for a, b in zip(tss, tss[1:])), f"{label}: timestamps increase")
    # CLOCK_MONOTONIC: the callback's own clock reading is within a second of
    # each stamp (vivid stamps the end of the frame, up to 0.9 frame periods
    # ahead of the moment it hands the buffer over).
    ages = [f[2] for f in frames]
    c.check(all(-1000000 < a < 3000000 for a in ages),
            f"{label}: timestamps are CLOCK_MONOTONIC (age in us {min(ages, default=0)}.."
            f"{max(ages, default=0)})")
    gaps = sum(b - a - 1 for a, b in zip(seqs, seqs[1:]))
    st = stats_of(out)
    c.check(len(st) >= 1 and st[-1]["captured"] == count and st[-1]["dropped"] == gaps,
            f"{label}: stats count {count} frames and {gaps} dropped ({st})")
    return frames


def check_exports(c, out, label, fourcc, drm, mem_planes, data_offset=0):
    fmt = out.lines("format")
    sizeimage = [int(v) for v in re.findall(r"sizeimage (\d+)", " ".join(fmt[0]))] if fmt else []
    bpl = [int(v) for v in re.findall(r"bpl (\d+)", " ".join(fmt[0]))] if fmt else []
    exports = out.lines("export")
    descs = out.lines("desc")
    nbuf = int(out.lines("buffers")[0][0]) if out.lines("buffers") else 0
    c.check(nbuf >= 2 and len(exports) == nbuf * mem_planes,
            f"{label}: every buffer's {mem_planes} memory plane(s) exported "
            f"({len(exports)} exports, {nbuf} buffers)")
    fds = set()
    ok = True
    for e in exports:
        d = dict(zip(e[1::2], e[2::2]))
        plane = int(d["plane"])
        fds.add(d["fd"])
        ok &= (int(d["size"]) >= sizeimage[plane] and d["cloexec"] == "1" and
               d["access"] == "rdwr" and d.get("same_bytes", "1") == "1")
    c.check(ok and len(exports) > 0,
            f"{label}: EXPBUF fds are O_CLOEXEC|O_RDWR, lseek size >= sizeimage "
            f"{sizeimage}, and mmap to the same bytes as the V4L2 mapping")
    c.check(len(fds) == len(exports), f"{label}: one dma_buf fd per buffer and plane")
    # Streaming and EXPBUF map nothing; the CPU view comes with the first read.
    maps = [dict(zip(m[0::2], map(int, m[1::2]))) for m in out.lines("mappings")]
    c.check(len(maps) == 1 and maps[0]["before_read"] == 0 and maps[0]["after_read"] >= 1,
            f"{label}: no camera buffer mmapped until one is read ({maps})")
    same = [e for e in exports if "same_bytes" in e]
    c.check(len(same) == mem_planes, f"{label}: the sampled buffer's dma_buf compared")
    want_planes = 1 if fourcc in RGB_FORMATS or fourcc in ("YUYV", "UYVY") else \
        (3 if fourcc in ("YU12", "YM12") else 2)
    good = len(descs) == nbuf
    for dline in descs:
        text = " ".join(dline)
        good &= f"drm {drm} " in text and "modifier 0x0 " in text and \
            f"size {W}x{H} planes {want_planes}" in text
    c.check(good, f"{label}: exportedBuffer gives DRM {drm}, linear, {W}x{H}, "
            f"{want_planes} plane(s) ({descs[:1]})")
    # Offsets and pitches: the V4L2 layout, data_offset included where reported.
    last_idx = int(out.lines("frame")[-1][2]) if out.lines("frame") else -1
    for dline in descs:
        if int(dline[0]) != last_idx:
            continue
        planes = re.findall(r"plane (\d+) fd (\d+) offset (\d+) pitch (\d+)", " ".join(dline))
        got = [(int(o), int(p)) for _, _, o, p in planes]
        if mem_planes == 1 and want_planes == 1:
            want = [(0, bpl[0])]
        elif mem_planes == 1:
            chroma = bpl[0] if want_planes == 2 else bpl[0] // 2
            vsub = 2 if fourcc in ("NV12", "NV21", "YU12") else 1
            want = [(0, bpl[0]), (bpl[0] * H, chroma)]
            if want_planes == 3:
                want.append((bpl[0] * H + chroma * (H // vsub), chroma))
        else:
            want = [(data_offset if i == 0 else 0, bpl[i]) for i in range(mem_planes)]
        c.check(got == want, f"{label}: buffer {last_idx} plane offsets/pitches {got} "
                f"(expected {want})")
        if mem_planes > 1:
            c.check(len({fd for _, fd, _, _ in planes}) == mem_planes,
                    f"{label}: one fd per colour plane for a *M format")


def check_bars(c, out, label, fourcc, tol):
    bars = [l for l in out.lines("bar") if l[0] == fourcc]
    c.check(len(bars) == 16, f"{label}: 16 bar samples (got {len(bars)})")
    bad = []
    for l in bars:
        i, x, y = int(l[1]), int(l[3]), int(l[5])
        rgb = tuple(ints(" ".join(l[7:10])))
        if not close(rgb, VIVID_75[i], tol):
            bad.append(f"{BARS[i]} at ({x},{y}) {rgb} != {VIVID_75[i]}")
    c.check(bars and not bad, f"{label}: the 75% bars white..black in order, within {tol} "
            f"({'; '.join(bad) or 'all 16 points'})")


def check_yuv(c, out, label, fourcc):
    samples = [l for l in out.lines("ycbcr") if l[0] == fourcc]
    c.check(len(samples) == 16, f"{label}: 16 Y'CbCr samples (got {len(samples)})")
    bad = []
    row = {}
    for l in samples:
        i, x, y = int(l[1]), int(l[3]), int(l[5])
        got = tuple(ints(" ".join(l[7:10])))
        want = ycbcr_601_limited(VIVID_75[i])
        if not close(got, want, 2):
            bad.append(f"{BARS[i]} at ({x},{y}) {got} != {want}")
        row.setdefault(y, []).append((i, got))
    c.check(samples and not bad, f"{label}: Y'CbCr of the bars as vivid computes them "
            f"(BT.601 limited), within 2 ({'; '.join(bad) or 'all 16 points'})")
    for y, vals in row.items():
        lum = [v[0] for _, v in sorted(vals)]
        c.check(all(b < a for a, b in zip(lum, lum[1:])),
                f"{label}: luma falls from white to black along row {y} ({lum})")
    first = {i: v for i, v in sorted(row[min(row)])} if row else {}
    if len(first) == 8:
        c.check(first[1][1] < 88 and first[6][1] > 168 and first[5][2] > 168 and
                first[2][2] < 88 and abs(first[0][1] - 128) <= 2 and abs(first[7][2] - 128) <= 2,
                f"{label}: chroma signs: yellow Cb {first[1][1]} < 128 < blue Cb {first[6][1]}, "
                f"cyan Cr {first[2][2]} < 128 < red Cr {first[5][2]}, white/black neutral")


def main():
    name = "v4l2"
    result = vmtest.boot(name, GUEST)
    job = vmtest.job_dir(name)
    c = vmtest.Checks("test_vm_v4l2")
    if not c.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return c.finish()
    statuses = {m.group(1): int(m.group(2))
                for m in re.finditer(r"^status (\w+) (\d+)$", result.output, re.M)}
    outs = {n: Output(job, n, statuses) for n in
            ("info", "rgb_main", "rgb_more", "rgb_mplane", "yuv_sp", "yuv_mp", "dmabuf",
             "faults", "disconnect")}
    for out in outs.values():
        check_common(c, out)

    # Enumeration.
    info = outs["info"]
    nodes = {l[0]: dict(zip(l[1::2], l[2::2])) for l in info.lines("node")}
    c.check(nodes.get("/dev/video0", {}).get("mplane") == "0" and
            nodes.get("/dev/video1", {}).get("mplane") == "1" and
            all(n.get("driver") == "vivid" for n in nodes.values()),
            f"info: video0 single-planar, video1 multi-planar, both vivid ({nodes})")
    fmts = {l[0]: set(l[1:]) for l in info.lines("formats")}
    want0 = set(RGB_FORMATS) | set(YUV_SP)
    c.check(want0 <= fmts.get("/dev/video0", set()),
            f"info: video0 offers {sorted(want0 - fmts.get('/dev/video0', set())) or 'all'} "
            "of the tested formats")
    c.check(set(YUV_MP) <= fmts.get("/dev/video1", set()) and
            not set(YUV_MP) & fmts.get("/dev/video0", set()),
            "info: only the multi-planar node offers the *M formats")
    sizes = {(l[0], l[1]): l[2:] for l in info.lines("sizes")}
    c.check(sizes.get(("/dev/video0", "XR24")) ==
            ["320x180", "640x360", "640x480", "1280x720", "1920x1080", "3840x2160"],
            f"info: ENUM_FRAMESIZES lists vivid's webcam sizes ({sizes.get(('/dev/video0', 'XR24'))})")
    c.check(info.lines("default") == [["/dev/video0"]], "info: open(\"\") takes /dev/video0")

    # 1. MMAP + EXPBUF, XBGR32 = DRM XRGB8888.
    main_out = outs["rgb_main"]
    check_stream(c, main_out, "XR24 mmap", 20)
    check_exports(c, main_out, "XR24 mmap", "XR24", "XR24", 1)
    check_bars(c, main_out, "XR24 mmap", "XR24", 2)

    # The byte-order mapping, format by format, decoded as the mapped DRM format.
    more = outs["rgb_more"]
    for fourcc, (drm, tol) in RGB_FORMATS.items():
        if fourcc == "XR24":
            continue
        drms = {l[-1] for l in more.lines("bar") if l[0] == fourcc}
        c.check(drms == {drm}, f"{fourcc}: maps to DRM {drm} (got {drms})")
        check_bars(c, more, f"{fourcc} as DRM {drm}", fourcc, tol)
    c.check(len(frames_of(more)) == 3 * (len(RGB_FORMATS) - 1),
            f"other RGB formats: 3 frames each ({len(frames_of(more))})")

    # The multi-planar API with a packed format.
    mp = outs["rgb_mplane"]
    check_stream(c, mp, "XR24 mplane", 3)
    check_exports(c, mp, "XR24 mplane", "XR24", "XR24", 1)
    check_bars(c, mp, "XR24 mplane", "XR24", 2)

    # 3. YUV: packed, semi-planar and planar, single and multi-planar.
    sp = outs["yuv_sp"]
    drm_of = {"YUYV": "YUYV", "UYVY": "UYVY", "NV12": "NV12", "NV21": "NV21", "NV16": "NV16",
              "YU12": "YU12", "NM12": "NV12", "NM16": "NV16", "YM12": "YU12"}
    blocks = re.split(r"^(?=format )", sp.text, flags=re.M)[1:]
    for fourcc, block in zip(YUV_SP, blocks):
        sub = Output.__new__(Output)
        sub.name, sub.text, sub.status = f"yuv {fourcc}", block, 0
        check_stream(c, sub, f"{fourcc}", 3)
        check_exports(c, sub, fourcc, fourcc, drm_of[fourcc], 1)
        check_yuv(c, sp, fourcc, fourcc)
    c.check(len(blocks) == len(YUV_SP), f"single-planar YUV: {len(blocks)} formats streamed")
    mpo = outs["yuv_mp"]
    blocks = re.split(r"^(?=format )", mpo.text, flags=re.M)[1:]
    for fourcc, block in zip(YUV_MP, blocks):
        sub = Output.__new__(Output)
        sub.name, sub.text, sub.status = f"yuv {fourcc}", block, 0
        frames = check_stream(c, sub, f"{fourcc}", 3)
        mem = 3 if fourcc == "YM12" else 2
        offs = {f[3][0][1] for f in frames}
        # vivid puts its first plane's payload 128 bytes in for NV16M (PLANE0_DATA_OFFSET).
        want_off = 128 if fourcc == "NM16" else 0
        c.check(offs == {want_off} and all(len(f[3]) == mem for f in frames),
                f"{fourcc}: {mem} memory planes, data_offset {want_off} reported per frame "
                f"(got {offs})")
        check_exports(c, sub, fourcc, fourcc, drm_of[fourcc], mem, want_off)
        check_yuv(c, mpo, fourcc, fourcc)
    c.check(len(blocks) == len(YUV_MP), f"multi-planar YUV: {len(blocks)} formats streamed")

    # 2. DMABUF: virtio-gpu dumb buffers imported by vivid.
    dm = outs["dmabuf"]
    dumbs = dm.lines("dumb")
    c.check(len(dumbs) == 4, f"dmabuf: 4 dumb buffers exported from /dev/dri/card0 ({len(dumbs)})")
    c.check(dm.lines("buffers") == [["4", "memory", "dmabuf"]], "dmabuf: REQBUFS DMABUF 4")
    c.check(dm.lines("exported_in_dmabuf_mode") and dm.lines("exported_in_dmabuf_mode")[0] != ["ok"],
            "dmabuf: exportedBuffer refuses imported buffers")
    check_stream(c, dm, "DMABUF", 5)
    check_bars(c, dm, "DMABUF read back through the dumb buffer's mmap", "DMABUF", 2)

    # Faults: vivid drops about half the frames, and one buffer comes back flagged ERROR.
    fo = outs["faults"]
    frames = frames_of(fo)
    seqs = [f[0] for f in frames]
    gaps = sum(b - a - 1 for a, b in zip(seqs, seqs[1:]))
    st = stats_of(fo)
    st = st[-1] if st else {}
    c.check(len(frames) == 16 and all(b > a for a, b in zip(seqs, seqs[1:])),
            f"faults: 16 good frames, increasing sequence ({seqs})")
    c.check('control "Percentage of Dropped Buffers"' in fo.text and
            'control "Inject V4L2_BUF_FLAG_ERROR"' in fo.text,
            "faults: vivid's drop and error-injection controls found by name")
    c.check(st.get("errors") == 1, f"faults: the one ERROR buffer is counted ({st})")
    c.check(st.get("dropped", 0) > 0 and st.get("dropped", 0) + st.get("errors", 0) == gaps,
            f"faults: every sequence gap is a drop or the ERROR buffer "
            f"({gaps} = {st.get('dropped')} + {st.get('errors')})")
    c.check(st.get("captured") == 16, "faults: the ERROR buffer is never handed out")

    # 4. Disconnect.
    do = outs["disconnect"]
    ctrl = re.search(r'control "Disconnect" id (0x[0-9a-f]+) type (\d+)', do.text)
    c.check(ctrl is not None, f"disconnect: vivid's Disconnect control found ({ctrl and ctrl.groups()})")
    err = re.search(r'error_callback errno (\d+) streaming (\d) message "(.*)"', do.text)
    c.check(err is not None and err.group(1) == "19" and err.group(2) == "0",
            f"disconnect: ErrorCallback with ENODEV, streaming off ({err and err.groups()})")
    c.check(err is not None and "/dev/video0" in err.group(3) and
            "No such device" in err.group(3),
            f"disconnect: the error names the device and errno ({err and err.group(3)})")
    c.check(re.search(r"error_callbacks 1 frames_after_error 0 streaming 0", do.text) is not None,
            "disconnect: one error callback, no frame after it")
    c.check("queue_after_error errno 19" in do.text, "disconnect: QBUF afterwards says ENODEV")
    c.check("reopen errno 19" in do.text, "disconnect: the node cannot be opened again")
    c.check("destroyed" in do.text and not re.search(r"scanout (warn|error)", do.text),
            "disconnect: the destructor cleans up without warnings")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
