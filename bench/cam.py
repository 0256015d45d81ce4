#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the camera benchmark: scanout-cam against GStreamer's kmssink,
vivid to vkms, in one VM boot, one table of figures.

Every tool shows the same camera stream (vivid, XR24 = GStreamer's BGRx =
DRM XRGB8888, 640x360 at 30 fps) unscaled in the middle of vkms's 1024x768
output (vkms planes do not scale), for the same number of frames:

  scanout-cam export    the camera's own buffers (EXPBUF) as framebuffers
  scanout-cam import    display buffers (DMABUF) filled by the camera
  kmssink dmabuf        v4l2src io-mode=dmabuf ! kmssink: the reference peer
  kmssink dmabuf-import v4l2src io-mode=dmabuf-import ! kmssink: kmssink's
                        buffers filled by the camera, the peer of `import`

Each tool is run once unmeasured first (llvmpipe, GStreamer's registry and
the page cache warm), then, in rounds, for a short and a long run: the
difference between them is the CPU per frame with start-up and tear-down taken
out. Figures are medians over the rounds. Not a test: nothing is asserted.
"""

import argparse
import os
import re
import shlex
import statistics
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "vm"))
import vm  # noqa: E402
from camtest import SUMMARY, VIVID  # noqa: E402

WIDTH, HEIGHT = 640, 360
# vkms's preferred mode is 1024x768: the camera in its middle, unscaled, where
# kmssink puts it too once vkms refuses to scale it.
RECT = ((1024 - WIDTH) // 2, (768 - HEIGHT) // 2, WIDTH, HEIGHT)
PEER = "kmssink dmabuf"
RUN = re.compile(r"^=== RUN (?P<label>[^|\n]+)\|(?P<frames>\d+)\|(?P<rep>\d+)\n(?P<body>.*?)"
                 r"^BENCH \S.*? status=(?P<status>-?\d+) wall=(?P<wall>[\d.]+) "
                 r"cpu=(?P<cpu>[\d.]+) user=(?P<user>[\d.]+) sys=(?P<sys>[\d.]+) maxrss=(?P<rss>\d+)",
                 re.S | re.M)


def tools(cam, fps, static_cam=None):
    rect = ",".join(map(str, RECT))
    options = f"--device vkms --format XR24 --size {WIDTH}x{HEIGHT} --fps {fps} --rect {rect}"
    scanout = f"{cam} {options}"
    # Only warnings of v4l2src (its "lost frames detected" = sequence gaps) and
    # GST_PERFORMANCE infos (kmssink's "frame copy"); -m prints the bus
    # messages, among them a QoS message for each buffer the sink drops late.
    gst = ("env GST_DEBUG=GST_PERFORMANCE:4,v4l2src:2 GST_DEBUG_NO_COLOR=1 gst-launch-1.0 -m "
           "v4l2src device=/dev/video0 io-mode={io} num-buffers={n} ! "
           f"video/x-raw,format=BGRx,width={WIDTH},height={HEIGHT},framerate={fps}/1 ! "
           "kmssink driver-name=vkms")
    runs = [
        ("scanout-cam export", scanout + " --path export --frames {n}"),
        ("scanout-cam import", scanout + " --path import --frames {n}"),
        (PEER, gst.replace("{io}", "dmabuf")),
        ("kmssink dmabuf-import", gst.replace("{io}", "dmabuf-import")),
    ]
    if static_cam:
        # The same program from the static preset: runtime and libstdc++ linked in, no libseat.
        runs.insert(1, ("scanout-cam static",
                        f"{static_cam} {options} --path export --frames {{n}}"))
    return runs


def guest_script(runs, frames, short, repeat, warmup):
    measure = os.path.join(REPO, "bench", "measure.py")
    camfmt = os.path.join(REPO, "bench", "camfmt.py")
    lines = [f"{VIVID} || {{ echo 'modprobe vivid failed'; exit 10; }}"]
    # Not measured: first starts load llvmpipe and build GStreamer's registry.
    for label, cmd in runs:
        lines.append(f"echo '=== WARMUP {label}'")
        lines.append(f"SCANOUT_LOG=info {cmd.format(n=warmup)} 2>&1 | grep -v -e '^Got message' "
                     "-e 'lost frames' | tail -n 30")
        lines.append(f"python3 {camfmt} /dev/video0")
    for rep in range(1, repeat + 1):
        for n in (short, frames):
            for label, cmd in runs:
                argv = shlex.split(cmd.format(n=n))
                lines.append(f"echo '=== RUN {label}|{n}|{rep}'")
                lines.append(f"python3 {measure} {shlex.quote(label)} {shlex.join(argv)}")
    lines.append("echo '=== END'")
    return "\n".join(lines) + "\n"


class Run:
    """One measured run, parsed from its section of the guest output."""

    def __init__(self, m):
        self.label = m.group("label")
        self.frames = int(m.group("frames"))
        self.rep = int(m.group("rep"))
        self.status = int(m.group("status"))
        self.wall = float(m.group("wall"))
        self.cpu = float(m.group("cpu"))
        self.user, self.sys = float(m.group("user")), float(m.group("sys"))
        self.rss_mib = int(m.group("rss")) / 1024
        body = m.group("body")
        self.summary = None
        if self.label.startswith("scanout-cam"):
            s = SUMMARY.search(body)
            self.ok = self.status == 0 and s is not None
            if s:
                self.summary = s.group(0)
                g = {k: int(s.group(k)) for k in ("captured", "displayed", "skipped",
                                                  "dropped", "copied")}
                self.captured, self.displayed = g["captured"], g["displayed"]
                self.skipped, self.lost, self.copied = g["skipped"], g["dropped"], g["copied"]
                self.lat99, self.deq99 = float(s.group("lat99")), float(s.group("deq99"))
                self.lat50, self.deq50 = float(s.group("lat50")), float(s.group("deq50"))
        else:
            eos = "Got EOS from element" in body
            self.ok = self.status == 0 and eos
            # num-buffers: v4l2src pushes exactly that many; each is taken as shown
            # unless the sink posted a QoS message for dropping it.
            late = len(re.findall(r"^Got message #\d+ from element \"kmssink\d*\" \(qos\)",
                                  body, re.M))
            self.captured = self.frames
            self.skipped = late
            self.displayed = self.frames - late
            self.lost = sum(int(c) for c in re.findall(r"lost frames detected: count = (\d+)",
                                                       body))
            self.copied = len(re.findall(r"frame copy", body)) * WIDTH * HEIGHT * 4
            self.lat99 = self.deq99 = self.lat50 = self.deq50 = None
            if not self.ok:
                self.error = "\n".join(body.strip().splitlines()[-8:])
        self.cpu_per_frame = self.cpu * 1000 / self.displayed if self.ok and self.displayed else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec, none="-"):
    return none if v is None else format(v, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--frames", type=int, default=300, help="frames of a long run (300)")
    ap.add_argument("--short", type=int, default=0,
                    help="frames of a short run (default: a tenth of --frames, at least 10)")
    ap.add_argument("--repeat", type=int, default=5, help="rounds of runs (5)")
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--static", metavar="PATH",
                    help="also measure this scanout-cam (the static preset's) on the export path")
    ap.add_argument("--from-log", metavar="FILE",
                    help="no VM: print the table from a guest output saved by an earlier run "
                         "(<build>/vm-jobs/bench-cam/bench-output.log)")
    args = ap.parse_args()
    n, short = args.frames, args.short or max(10, args.frames // 10)
    if short >= n:
        sys.exit("cam.py: --short must be below --frames")
    cam = os.path.abspath(os.path.join(args.build, "apps", "scanout-cam"))
    if not args.from_log and not os.path.exists(cam):
        sys.exit(f"cam.py: {cam} not built")
    static_cam = os.path.abspath(args.static) if args.static else None
    if static_cam and not args.from_log and not os.path.exists(static_cam):
        sys.exit(f"cam.py: {static_cam} not built")
    if args.from_log and not static_cam:
        with open(args.from_log) as f:
            if "=== RUN scanout-cam static|" in f.read():
                static_cam = "scanout-cam-static"  # only the label matters here
    runs = tools(cam, args.fps, static_cam)
    script = guest_script(runs, n, short, args.repeat, warmup=max(10, short))
    job = os.path.join(os.path.abspath(args.build), "vm-jobs", "bench-cam")
    if args.from_log:
        with open(args.from_log) as f:
            out = f.read()
        # The run's own frame counts and rounds, whatever the options say.
        heads = re.findall(r"^=== RUN [^|\n]+\|(\d+)\|(\d+)$", out, re.M)
        if heads:
            n, short = max(int(f) for f, _ in heads), min(int(f) for f, _ in heads)
            args.repeat = max(int(r) for _, r in heads)
        load = re.search(r"^HOSTLOAD ([\d.]+) ([\d.]+)$", out, re.M)
        load_before, load_after = (float(load.group(1)), float(load.group(2))) if load else (0, 0)
    else:
        load_before = os.getloadavg()[0]
        # vkms only: no virtio-gpu, so fbcon keeps vkms's CRTC on and kmssink
        # shows the video on an overlay plane of the running mode.
        result = vm.run(script, jobdir=job, cwd=REPO, timeout=3600, modprobe=(), vkms=True)
        load_after = os.getloadavg()[0]
        out = result.output + f"HOSTLOAD {load_before:.2f} {load_after:.2f}\n"
        with open(os.path.join(job, "bench-output.log"), "w") as f:
            f.write(out)
        if result.status is None:
            sys.exit(f"cam.py: VM run failed: {result.error}\n{vm.tail(result.serial)}")

    print("=== warm-up (not measured)")
    for m in re.finditer(r"^=== WARMUP ([^\n]+)\n(.*?)(?=^=== )", out, re.S | re.M):
        keep = [ln for ln in m.group(2).splitlines()
                if re.match(r"scanout-cam: \d+ captured|CAMFMT|Execution ended|ERROR", ln)]
        print(f"{m.group(1)}: " + " | ".join(keep))
    mode = re.search(r"mode (\d+x\d+)@([\d.]+)", out)
    granted = re.findall(r"^CAMFMT (.+)$", out, re.M)
    refresh_ms = 1000 / float(mode.group(2)) if mode else None

    parsed = [Run(m) for m in RUN.finditer(out)]
    expected = len(runs) * 2 * args.repeat
    if len(parsed) != expected:
        print(f"cam.py: parsed {len(parsed)} of {expected} runs; guest output in "
              f"{os.path.join(job, 'bench-output.log')}", file=sys.stderr)

    print("\n=== runs")
    print(f"{'tool':22} {'frames':>6} {'round':>5} {'ok':>3} {'wall s':>7} {'CPU s':>7} "
          f"{'user s':>7} {'sys s':>7} {'RSS MiB':>8} {'shown':>5} {'skip':>4} {'lost':>4} "
          f"{'p99 cap/deq ms':>14}")
    for r in parsed:
        shown = getattr(r, "displayed", None)
        lat = "-" if getattr(r, "lat99", None) is None else f"{r.lat99:.1f}/{r.deq99:.1f}"
        print(f"{r.label:22} {r.frames:>6} {r.rep:>5} {'yes' if r.ok else 'NO':>3} "
              f"{r.wall:>7.2f} {r.cpu:>7.3f} {r.user:>7.3f} {r.sys:>7.3f} {r.rss_mib:>8.1f} "
              f"{fmt(shown, 'd'):>5} {fmt(getattr(r, 'skipped', None), 'd'):>4} "
              f"{fmt(getattr(r, 'lost', None), 'd'):>4} {lat:>14}")
        if not r.ok:
            print("    " + getattr(r, "error", "no summary line").replace("\n", "\n    "))

    # Per tool: medians over the rounds of the long runs, and the short-run
    # difference for the per-frame CPU without start-up.
    rows = {}
    for label, _ in runs:
        long_runs = [r for r in parsed if r.label == label and r.frames == n and r.ok]
        short_runs = [r for r in parsed if r.label == label and r.frames == short and r.ok]
        if not long_runs:
            rows[label] = None
            continue
        row = {
            "runs": len(long_runs),
            "captured": median([r.captured for r in long_runs]),
            "displayed": median([r.displayed for r in long_runs]),
            "skipped": median([r.skipped for r in long_runs]),
            "lost": median([r.lost for r in long_runs]),
            "copied": max(r.copied for r in long_runs),
            "accounted": all(r.displayed + r.skipped == r.captured for r in long_runs),
            "wall": median([r.wall for r in long_runs]),
            "cpu": median([r.cpu for r in long_runs]),
            "cpu_frame": median([r.cpu_per_frame for r in long_runs]),
            "cpu_lo": min((r.cpu_per_frame for r in long_runs if r.cpu_per_frame), default=0),
            "cpu_hi": max((r.cpu_per_frame for r in long_runs if r.cpu_per_frame), default=0),
            "rss": median([r.rss_mib for r in long_runs]),
            "lat99": median([r.lat99 for r in long_runs]),
            "deq99": median([r.deq99 for r in long_runs]),
            "lat99_max": max((r.lat99 for r in long_runs if r.lat99 is not None), default=None),
            "deq99_max": max((r.deq99 for r in long_runs if r.deq99 is not None), default=None),
            "steady": None, "steady_user": None, "steady_sys": None,
        }
        if short_runs:
            df = row["displayed"] - median([r.displayed for r in short_runs])
            for key, attr in (("steady", "cpu"), ("steady_user", "user"), ("steady_sys", "sys")):
                dc = (median([getattr(r, attr) for r in long_runs]) -
                      median([getattr(r, attr) for r in short_runs]))
                row[key] = dc * 1000 / df if df > 0 else None
        rows[label] = row

    peer = rows.get(PEER)

    def ratio(row, key):
        if not row or not peer or row[key] is None or not peer[key]:
            return None
        return row[key] / peer[key]

    print(f"\n=== {n} frames per run ({short} for the start-up difference), median of "
          f"{args.repeat} rounds, one VM boot (QEMU TCG, 2 vCPUs)")
    print(f"host: {os.cpu_count()} CPUs, load average {load_before:.1f} before, "
          f"{load_after:.1f} after: guest CPU times count the host's contention too")
    print(f"camera: vivid, asked XR24 {WIDTH}x{HEIGHT} at {args.fps} fps; granted "
          f"(VIDIOC_G_FMT/G_PARM after each warm-up): {', '.join(sorted(set(granted))) or '?'}")
    print(f"display: vkms {mode.group(1) if mode else '?'} at "
          f"{mode.group(2) if mode else '?'} Hz (refresh period "
          f"{fmt(refresh_ms, '.1f')} ms); camera unscaled at {RECT}")
    head = (f"{'tool':22} {'shown/captured':>14} {'skip':>4} {'lost':>4} {'all acc.':>8} "
            f"{'copied B':>9} {'wall s':>6} {'CPU s':>6} {'CPU ms/shown':>12} "
            f"{'(min-max)':>11} {'x peer':>6} {'steady ms':>9} {'x peer':>6} {'user':>5} "
            f"{'x peer':>6} {'sys':>5} "
            f"{'RSS MiB':>7} {'x peer':>6} {'p99 cap/deq ms (worst)':>24}")
    print(head)
    print("-" * len(head))
    for label, _ in runs:
        row = rows[label]
        if row is None:
            print(f"{label:22} no successful long run")
            continue
        lat = ("-" if row["lat99"] is None else
               f"{row['lat99']:.1f}/{row['deq99']:.1f} ({row['lat99_max']:.1f}/"
               f"{row['deq99_max']:.1f})")
        shown = f"{row['displayed']:.0f}/{row['captured']:.0f}"
        spread = f"{row['cpu_lo']:.2f}-{row['cpu_hi']:.2f}"
        print(f"{label:22} {shown:>14} {row['skipped']:>4.0f} {row['lost']:>4.0f} "
              f"{'yes' if row['accounted'] else 'NO':>8} {row['copied']:>9} "
              f"{row['wall']:>6.2f} {row['cpu']:>6.2f} {fmt(row['cpu_frame'], '.2f'):>12} "
              f"{spread:>11} {fmt(ratio(row, 'cpu_frame'), '.2f'):>6} "
              f"{fmt(row['steady'], '.2f'):>9} {fmt(ratio(row, 'steady'), '.2f'):>6} "
              f"{fmt(row['steady_user'], '.2f'):>5} {fmt(ratio(row, 'steady_user'), '.2f'):>6} "
              f"{fmt(row['steady_sys'], '.2f'):>5} "
              f"{row['rss']:>7.1f} {fmt(ratio(row, 'rss'), '.2f'):>6} {lat:>24}")
    print(f"""
shown/captured: scanout-cam's summary; for kmssink num-buffers, less the buffers
  the sink reported dropping late (QoS messages): assumed, not observed on screen.
skip: replaced by a newer frame before the flip (scanout-cam) / dropped late (kmssink).
lost: gaps in the camera's sequence numbers (scanout-cam 'dropped', v4l2src
  'lost frames detected'): frames the camera produced that never reached the app.
all acc.: shown + skip == captured in every long run.
copied B: scanout-cam's own count; kmssink: 'frame copy' reports x {WIDTH * HEIGHT * 4} B.
CPU: user+sys of the process tree over the whole run (start-up included), per
  frame shown; steady: (CPU long - CPU short) / (shown long - shown short),
  the per-frame cost without start-up, also split into user and sys (kernel);
  each is a difference of medians, so user + sys need not add up to it.
x peer: ratio to '{PEER}' (targets: CPU <= 0.2, RSS <= 0.25).
RSS: peak RSS of the tool's process (GNU time %M). p99: median of the rounds (worst round);
  cap = camera timestamp to flip (vivid stamps ahead of delivery), deq =
  dequeue to flip; kmssink reports none.
kmssink runs with -m and GST_DEBUG=GST_PERFORMANCE:4,v4l2src:2 for the counts
  above: their printing is charged to its CPU (a few hundred lines per run).""")
    print("\nself-reported (long runs):")
    for r in parsed:
        if r.frames == n and r.summary:
            print(f"  {r.label} round {r.rep}: {r.summary}")


if __name__ == "__main__":
    main()
