#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What happens around the frames on virtio-gpu: SIGTERM restores the CRTC
and the VT's text mode, a second app is refused DRM master with a message
that says so, and --keep leaves the state that the default restore undoes
(which shows the restore check can fail)."""

import os
import sys

import vmtest
from vmtest import DEMO, INFO

KDMODE = ("python3 -c 'import fcntl,struct,sys; f=open(sys.argv[1],\"rb\",buffering=0); "
          "b=bytearray(4); fcntl.ioctl(f,0x4B3B,b); print(struct.unpack(\"i\",b)[0])'")


def main():
    name = "lifecycle"
    script = f"""
J=$SCANOUT_VM_JOB
{INFO} --json > $J/before.json || exit 10
echo "vt mode at start $({KDMODE} /dev/tty1)"

# 1. SIGTERM with a VT on stdin.
{DEMO} --pause-at 5 < /dev/tty1 > $J/term.out 2> $J/term.err &
pid=$!
wait_stopped $pid || {{ echo "demo did not stop"; cat $J/term.err; exit 11; }}
echo "vt mode while running $({KDMODE} /dev/tty1)"
exec 3</dev/dri/card0

# 2. A second app while the first holds master.
{DEMO} --frames 1 > $J/second.out 2> $J/second.err
echo "second app status $?"

kill -TERM $pid; kill -CONT $pid
wait $pid
echo "sigterm exit status $?"
{INFO} --json > $J/after-term.json || exit 12
echo "vt mode after exit $({KDMODE} /dev/tty1)"

# 3. --keep: the last frame stays, so the state differs from the start.
{DEMO} --frames 10 --keep > $J/keep.out 2> $J/keep.err
echo "keep exit status $?"
{INFO} --json > $J/after-keep.json || exit 13
exec 3<&-
cat $J/term.out; cat $J/term.err
echo "--- second app stderr ---"; cat $J/second.err
"""
    result = vmtest.boot(name, script)
    job = vmtest.job_dir(name)
    checks = vmtest.Checks("test_vm_lifecycle")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()
    out = result.output

    checks.check("vt mode at start 0" in out, "VT in KD_TEXT at start")
    checks.check("vt mode while running 1" in out, "VT in KD_GRAPHICS while the demo runs")
    checks.check("vt mode after exit 0" in out, "VT back in KD_TEXT after SIGTERM")
    checks.check("sigterm exit status 0" in out, "demo exits 0 after SIGTERM")
    checks.check("Terminated: stopping, restoring the display" in out, "SIGTERM is logged")
    checks.check(vmtest.SUMMARY.search(out) is not None, "summary printed after SIGTERM")
    f = vmtest.FDS.search(out)
    checks.check(f is not None and f.group(1) == f.group(2), "no fd leaked after SIGTERM")

    checks.check("second app status 1" in out, "second app exits 1")
    second = open(os.path.join(job, "second.err")).read()
    checks.check("DRM master" in second and "/dev/dri/card0" in second,
                 f"second app says who holds what ({second.strip()})")

    before = vmtest.read_json(os.path.join(job, "before.json"))
    crtc_id = before["devices"][0]["crtcs"][0]["id"]
    s0 = vmtest.crtc_state(before, crtc_id)
    s_term = vmtest.crtc_state(vmtest.read_json(os.path.join(job, "after-term.json")), crtc_id)
    s_keep = vmtest.crtc_state(vmtest.read_json(os.path.join(job, "after-keep.json")), crtc_id)
    checks.check(s0 == s_term, f"CRTC restored after SIGTERM ({s0} -> {s_term})")
    checks.check("keep exit status 0" in out, "--keep run exits 0")
    checks.check(s_keep != s0, f"with --keep the start state is not put back ({s_keep})")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
