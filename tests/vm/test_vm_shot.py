#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scanout-shot on vkms, with virtio-gpu beside it.

vkms's fbdev emulation keeps its own framebuffer on the vkms CRTC (no
console draws on it: fbcon sits on virtio-gpu's fb0, and the VT is put in
graphics mode anyway). The guest paints a known pattern of coloured
rectangles into that /dev/fbN, then scanout-shot captures the CRTC through
the writeback connector three times (first active CRTC, --connector,
--crtc); every pixel of each PNG must be the pattern. A second fd on the
card is held open (not master) so that the kernel's console restore on last
close cannot hide a capture that leaves the routing changed: afterwards the
CRTC and both connectors must be as before. Then a helper captures the CRTC
between its own page flips on the same fd, as a Display does, with an
overlay plane on top: each capture must show the buffer just flipped to,
composed with the overlay, and flipping must go on working. On virtio-gpu, which has no
writeback, scanout-shot must say so; errors for a bad path, an unknown
connector and a CRTC blanked through fbdev (ACTIVE 0, mode kept) are
checked too. The kernel command
line asks for 640x480 to keep the images small."""

import json
import os
import re
import sys

import vmtest
from vmtest import INFO, SHOT

WB_FLIP = os.path.join(vmtest.BUILD, "tests", "vm", "wb_flip")
ROUNDS = 4
# wb_flip's buffers (tests/vm/wb_flip.cpp): the primary cycles through these,
# an overlay a quarter of the size shows yellow at (w/4, h/4).
FLIP_COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
OVERLAY = (255, 255, 0)

# Drawn in order: four quadrants, then a rectangle across the centre. Channel
# values differ so that a red/blue swap or a lost channel shows. The same text
# runs in the guest (to paint) and here (to predict).
REGIONS_PY = """
def regions(w, h):
    return [(0, 0, w // 2, h // 2, (255, 0, 0)),
            (w // 2, 0, w, h // 2, (0, 255, 0)),
            (0, h // 2, w // 2, h, (0, 0, 255)),
            (w // 2, h // 2, w, h, (240, 160, 32)),
            (w * 3 // 8, h * 3 // 8, w * 5 // 8, h * 5 // 8, (16, 128, 224))]
"""

# Guest: KD_GRAPHICS on the VT, then the pattern into /dev/fbN as XRGB8888.
PAINT_PY = REGIONS_PY + r"""
import fcntl, os, sys
n = sys.argv[1]
sysfs = f"/sys/class/graphics/fb{n}/"
w, h = (int(v) for v in open(sysfs + "virtual_size").read().split(","))
stride = int(open(sysfs + "stride").read())
bpp = int(open(sysfs + "bits_per_pixel").read())
if bpp != 32:
    sys.exit(f"fb{n}: {bpp} bits per pixel, expected 32")
tty = os.open("/dev/tty0", os.O_RDWR)
fcntl.ioctl(tty, 0x4B3A, 1)  # KDSETMODE KD_GRAPHICS: the console stops drawing
frame = bytearray(stride * h)
for x0, y0, x1, y1, (r, g, b) in regions(w, h):
    run = bytes((b, g, r, 0xff)) * (x1 - x0)
    for y in range(y0, y1):
        frame[y * stride + x0 * 4:y * stride + x1 * 4] = run
with open(f"/dev/fb{n}", "wb") as fb:
    fb.write(frame)
print(w, h, stride)
"""

# Guest: an fd on the card that is not DRM master, held until killed.
HOLD_PY = r"""
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.ioctl(fd, 0x641f)  # DRM_IOCTL_DROP_MASTER: the first opener got master
except OSError:
    pass
open(sys.argv[2], "w").close()
time.sleep(600)
"""

LINE = re.compile(r"scanout-shot: (\d+)x(\d+) from (\S+) \(CRTC (\d+)\) via (\S+) "
                  r"on (/dev/dri/card\d+) \((\w+)\) -> (\S+)")


def predicted(width, height):
    ns = {}
    exec(REGIONS_PY, ns)
    img = bytearray(width * height * 3)
    for x0, y0, x1, y1, colour in ns["regions"](width, height):
        run = bytes(colour) * (x1 - x0)
        for y in range(y0, y1):
            img[(y * width + x0) * 3:(y * width + x1) * 3] = run
    return ns["regions"](width, height), bytes(img)


def vkms_state(info):
    """(CRTC state, {connector name: crtc}) of the vkms device in scanout-info JSON."""
    dev = [d for d in info["devices"] if d.get("driver") == "vkms"][0]
    crtc = dev["crtcs"][0]
    routing = {c["name"]: c["crtc"] for c in dev["connectors"]}
    return vmtest.crtc_state(info, crtc["id"]), routing, dev


def main():
    name = "shot"
    job = vmtest.job_dir(name)
    os.makedirs(job, exist_ok=True)
    with open(os.path.join(job, "paint.py"), "w") as f:
        f.write(PAINT_PY)
    with open(os.path.join(job, "hold.py"), "w") as f:
        f.write(HOLD_PY)

    j = "$SCANOUT_VM_JOB"
    script = f"""
fbn=$(awk '$2 == "vkmsdrmfb" {{print $1}}' /proc/fb)
[ -n "$fbn" ] || {{ echo "no vkms fbdev in /proc/fb:"; cat /proc/fb; exit 10; }}
echo "vkms fbdev: /dev/fb$fbn"
card=
for c in /sys/class/drm/card[0-9]*; do
    case "$(readlink -f $c/device)" in */vkms) card=/dev/dri/${{c##*/}} ;; esac
done
echo "vkms card: $card"
python3 {j}/paint.py $fbn > {j}/fb.txt || exit 11
sleep 0.5
{INFO} --json --writeback > {j}/before.json || exit 12
python3 {j}/hold.py $card {j}/held &
holder=$!
i=0
while [ ! -e {j}/held ]; do i=$((i + 1)); [ $i -gt 200 ] && exit 13; sleep 0.05; done
{SHOT} --device vkms {j}/shot.png; echo "shot status $?"
read conn crtc <<EOF
$(python3 -c 'import json, sys
d = [d for d in json.load(open(sys.argv[1]))["devices"] if d["driver"] == "vkms"][0]
c = [c for c in d["connectors"] if not c["writeback"]][0]
print(c["name"], c["crtc"])' {j}/before.json)
EOF
echo "vkms connector $conn on CRTC $crtc"
{SHOT} --device vkms --connector "$conn" {j}/by-connector.png; echo "connector status $?"
{SHOT} --device vkms --crtc "$crtc" {j}/by-crtc.png; echo "crtc status $?"
{INFO} --json --writeback > {j}/after.json || exit 14
{SHOT} --device virtio_gpu {j}/virtio.png 2> {j}/virtio.err; echo "virtio status $?"
{SHOT} --device vkms /nonexistent/dir/x.png 2> {j}/nodir.err; echo "nodir status $?"
{SHOT} --device vkms --connector Nope-9 {j}/nope.png 2> {j}/noconn.err; echo "noconn status $?"
{SHOT} --device vkms 2> /dev/null; echo "no file status $?"
{SHOT} --help | head -1
# The held fd also keeps the console's restore on last close (which would
# switch the CRTC back on) from running while the CRTC is blanked.
echo 4 > /sys/class/graphics/fb$fbn/blank; echo "blank status $?"
{SHOT} --device vkms {j}/blanked.png 2> {j}/blanked.err; echo "blanked status $?"
kill $holder
wait $holder 2> /dev/null
{WB_FLIP} {j} {ROUNDS} > {j}/wb_flip.out 2>&1; echo "wb_flip status $?"
cat {j}/wb_flip.out
"""
    result = vmtest.boot(name, script, vkms=True, append="video=640x480")
    checks = vmtest.Checks("test_vm_shot")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()
    out = result.output

    def read(name):
        try:
            with open(os.path.join(job, name)) as f:
                return f.read().strip()
        except OSError:
            return ""

    fb_w, fb_h, _ = (int(v) for v in read("fb.txt").split())
    before = vmtest.read_json(os.path.join(job, "before.json"))
    after = vmtest.read_json(os.path.join(job, "after.json"))
    state0, routing0, dev = vkms_state(before)
    state1, routing1, _ = vkms_state(after)
    mode = state0[4] if state0 else None
    checks.check(mode is not None and mode[:2] == (fb_w, fb_h),
                 f"the vkms CRTC shows the {fb_w}x{fb_h} fbdev framebuffer at that mode ({mode})")
    checks.check((fb_w, fb_h) == (640, 480), f"video=640x480 gives 640x480 ({fb_w}x{fb_h})")

    checks.check("shot status 0" in out, "scanout-shot --device vkms exits 0")
    m = LINE.search(out)
    display = [c["name"] for c in dev["connectors"] if not c["writeback"]]
    if checks.check(m is not None, "scanout-shot prints its summary line"):
        checks.check((int(m.group(1)), int(m.group(2))) == (fb_w, fb_h),
                     f"the line gives the size {fb_w}x{fb_h} ({m.group(1)}x{m.group(2)})")
        checks.check([m.group(3)] == display,
                     f"the line names the display connector {display} ({m.group(3)})")
        checks.check(m.group(5) == "Writeback-1", f"the line names Writeback-1 ({m.group(5)})")
        checks.check(m.group(7) == "vkms", f"the line names the vkms driver ({m.group(7)})")
        checks.check(m.group(8).endswith("/shot.png"), f"the line names the file ({m.group(8)})")
        print(f"MEASURED {m.group(0)}")

    regions, want = predicted(fb_w, fb_h)
    shots = {}
    for png in ("shot.png", "by-connector.png", "by-crtc.png"):
        try:
            shots[png] = vmtest.read_png(os.path.join(job, png))
        except (OSError, ValueError) as e:
            checks.check(False, f"{png} is a readable PNG ({e})")
    checks.check("connector status 0" in out, "--connector capture exits 0")
    checks.check("crtc status 0" in out, "--crtc capture exits 0")

    img = shots.get("shot.png")
    if img:
        width, height, rgb = img
        checks.check((width, height) == (fb_w, fb_h), f"PNG is {fb_w}x{fb_h} ({width}x{height})")
        if (width, height) == (fb_w, fb_h):
            # Inside each region, and on both sides of each of its edges.
            for x0, y0, x1, y1, colour in regions:
                cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
                for px, py in ((cx, cy), (x0, y0 + 1), (x1 - 1, y1 - 2)):
                    if regions[-1] != (x0, y0, x1, y1, colour) and \
                            regions[-1][0] <= px < regions[-1][2] and \
                            regions[-1][1] <= py < regions[-1][3]:
                        continue  # covered by the centre rectangle
                    got = vmtest.vm.pixel(img, px, py)
                    checks.check(got == colour, f"pixel ({px},{py}) is {colour} (got {got})")
            bad = sum(1 for i in range(0, len(want), 3) if rgb[i:i + 3] != want[i:i + 3])
            checks.check(bad == 0, f"every pixel matches the painted pattern "
                         f"({bad} of {width * height} differ)")
    for png in ("by-connector.png", "by-crtc.png"):
        if png in shots and img:
            checks.check(shots[png] == img, f"{png} equals shot.png")

    checks.check(state0 is not None and state0[0], f"vkms CRTC active before ({state0})")
    checks.check(state0 == state1, f"vkms CRTC state after the captures equals before "
                 f"({state0} -> {state1})")
    checks.check(routing0 == routing1, f"connector routing after equals before "
                 f"({routing0} -> {routing1})")
    checks.check(routing1.get("Writeback-1") == 0,
                 f"Writeback-1 is on no CRTC afterwards ({routing1.get('Writeback-1')})")

    virtio = read("virtio.err")
    checks.check("virtio status 1" in out, "virtio-gpu capture exits 1")
    checks.check(re.search(r"/dev/dri/card\d+ \(virtio_gpu\): no writeback connector; "
                           r"screenshots need one", virtio) is not None,
                 f"virtio-gpu: says there is no writeback connector ({virtio})")
    checks.check(not os.path.exists(os.path.join(job, "virtio.png")), "no file written on virtio")
    nodir = read("nodir.err")
    checks.check("nodir status 1" in out and "/nonexistent/dir/x.png" in nodir and
                 "No such file or directory" in nodir,
                 f"an unwritable path fails naming it and the errno ({nodir})")
    noconn = read("noconn.err")
    checks.check("noconn status 1" in out and "no connector named Nope-9" in noconn,
                 f"an unknown connector fails naming it ({noconn})")
    checks.check("no file status 2" in out, "a missing FILE is a usage error (exit 2)")
    checks.check("Usage: scanout-shot" in out, "--help prints usage")
    blanked = read("blanked.err")
    checks.check("blank status 0" in out, "fbdev blanking switched the CRTC off")
    checks.check("blanked status 1" in out and "no active CRTC" in blanked,
                 f"with the CRTC off: says no CRTC is active ({blanked})")

    # Captures between page flips, with an overlay plane composed on top.
    flip_out = out[out.find("wb_flip status"):]
    checks.check("wb_flip status 0" in out, "wb_flip exits 0")
    caps = re.findall(r"wb_flip: capture (\d+) shows buffer (\d+) in ([\d.]+) ms", flip_out)
    checks.check(len(caps) == ROUNDS, f"{ROUNDS} captures between flips ({len(caps)})")
    done = re.search(r"wb_flip: (\d+) captures, (\d+) flips completed", flip_out)
    checks.check(done is not None and int(done.group(2)) == ROUNDS + 1,
                 f"every flip completed, one after the last capture too "
                 f"({done.group(0) if done else 'no summary'})")
    fds = re.search(r"wb_flip: open fds at start (\d+), at exit (\d+)", flip_out)
    checks.check(fds is not None and fds.group(1) == fds.group(2),
                 f"no fd leaked by the captures ({fds.group(0) if fds else 'no fd line'})")
    if caps:
        print(f"MEASURED capture between flips, ms: {[float(c[2]) for c in caps]}")
    for n, k, _ in caps:
        path = os.path.join(job, f"flip-{n}.png")
        try:
            width, height, rgb = vmtest.read_png(path)
        except (OSError, ValueError) as e:
            checks.check(False, f"flip-{n}.png is a readable PNG ({e})")
            continue
        base = FLIP_COLOURS[int(k)]
        ox, oy, ow, oh = width // 4, height // 4, width // 4, height // 4
        bad = 0
        for y in range(height):
            for x in range(width):
                inside = ox <= x < ox + ow and oy <= y < oy + oh
                i = (y * width + x) * 3
                if tuple(rgb[i:i + 3]) != (OVERLAY if inside else base):
                    bad += 1
        checks.check((width, height) == (640, 480) and bad == 0,
                     f"capture {n}: {width}x{height}, buffer {k} {base} with the overlay "
                     f"{OVERLAY} at ({ox},{oy}) {ow}x{oh} ({bad} pixels differ)")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
