#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs scanout-demo in the QEMU test VM, saves the screen at the middle
frame as PNG and prints the demo's summary line."""

import argparse
import os
import shlex
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "vm"))
import vm  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build/release", help="build directory")
    ap.add_argument("--out", default="out/demo", help="where screen.png goes")
    ap.add_argument("--frames", type=int, default=240)
    ap.add_argument("demo_args", nargs="*", help="extra scanout-demo options (after --)")
    args = ap.parse_args()

    demo = os.path.abspath(os.path.join(args.build, "apps", "scanout-demo"))
    if not os.access(demo, os.X_OK):
        sys.exit(f"vm_demo: {demo} is not built")
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    job = os.path.join(os.path.abspath(args.build), "vm-jobs", "demo")

    middle = args.frames // 2
    extra = " ".join(shlex.quote(a) for a in args.demo_args)
    script = f"""
{demo} --frames {args.frames} --pause-at {middle} {extra} > $SCANOUT_VM_JOB/demo.out 2>&1 &
pid=$!
i=0
while [ "$(awk '{{print $3}}' /proc/$pid/stat 2>/dev/null)" != T ]; do
    [ -e /proc/$pid ] || break
    [ $i -lt 1200 ] || {{ echo "demo never reached frame {middle}"; break; }}
    sleep 0.1; i=$((i + 1))
done
[ -e /proc/$pid ] && vm-shot screen
kill -CONT $pid 2>/dev/null
wait $pid
status=$?
cat $SCANOUT_VM_JOB/demo.out
exit $status
"""
    print(f"vm_demo: booting the VM and running {args.frames} frames of scanout-demo {extra}")
    result = vm.run(script, jobdir=job, cwd=REPO, timeout=900)
    sys.stdout.write(result.output)
    if result.status is None:
        print(vm.tail(result.serial), file=sys.stderr)
        sys.exit(f"vm_demo: the VM run failed: {result.error}")

    shot = result.shots.get("screen") or os.path.join(job, "screen.ppm")
    if not os.path.exists(shot):
        sys.exit("vm_demo: no screenshot was taken (see the output above)")
    width, height, rgb = vm.read_ppm(shot)
    png = os.path.join(out, "screen.png")
    vm.write_png(png, width, height, rgb)
    summary = [l for l in result.output.splitlines() if " frames, " in l]
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write("\n".join(summary) + "\n")
    print(f"vm_demo: screen of frame {middle} ({width}x{height}) saved as {png}")
    if result.status != 0:
        sys.exit(f"vm_demo: scanout-demo exited with status {result.status}")


if __name__ == "__main__":
    main()
