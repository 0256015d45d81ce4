#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Framebuffer sources on virtio-gpu: a dumb buffer, and the same memory
exported as a dma_buf and imported with drmPrimeFDToHandle + AddFB2, each
shown on the primary plane and checked in a screenshot."""

import os
import sys

import vmtest

TOOL = os.path.join(vmtest.BUILD, "tests", "vm", "fb_sources")
RED, BLUE, GREEN, WHITE = (255, 0, 0), (0, 0, 255), (0, 255, 0), (255, 255, 255)


def main():
    name = "fb-sources"
    script = f"""
{TOOL} > $SCANOUT_VM_JOB/tool.out 2>&1 &
pid=$!
wait_stopped $pid || {{ cat $SCANOUT_VM_JOB/tool.out; exit 11; }}
vm-shot dumb || exit 12
exec 3</dev/dri/card0
kill -CONT $pid
wait_stopped $pid || {{ cat $SCANOUT_VM_JOB/tool.out; exit 13; }}
vm-shot dmabuf || exit 14
kill -CONT $pid
wait $pid
echo "tool exit status $?"
cat $SCANOUT_VM_JOB/tool.out
"""
    result = vmtest.boot(name, script)
    job = vmtest.job_dir(name)
    checks = vmtest.Checks("test_vm_fb_sources")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()
    out = result.output
    checks.check("tool exit status 0" in out, "fb_sources exits 0")
    checks.check("showing dumb framebuffer" in out, "dumb buffer committed")
    checks.check("showing dma_buf framebuffer" in out, "imported dma_buf committed")
    f = vmtest.re.search(r"open fds at start (\d+), at exit (\d+)", out)
    checks.check(f is not None and f.group(1) == f.group(2), "no fd leaked (dma_buf, second fd)")

    expect = {
        "dumb": [((0.25, 0.5), RED), ((0.75, 0.5), BLUE), ((0.02, 0.02), RED),
                 ((0.98, 0.98), BLUE)],
        "dmabuf": [((0.5, 0.25), GREEN), ((0.5, 0.75), WHITE), ((0.02, 0.02), GREEN),
                   ((0.98, 0.98), WHITE)],
    }
    for shot, points in expect.items():
        path = os.path.join(job, f"{shot}.ppm")
        if not checks.check(os.path.exists(path), f"screenshot {shot} taken"):
            continue
        img = vmtest.vm.read_ppm(path)
        width, height, _ = img
        for (fx, fy), colour in points:
            x, y = int(fx * (width - 1)), int(fy * (height - 1))
            got = vmtest.vm.pixel(img, x, y)
            checks.check(got == colour, f"{shot}: ({x},{y}) is {colour} (got {got})")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
