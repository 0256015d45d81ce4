#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scanout-info on virtio-gpu: the text listing and the JSON both show the
Virtual-1 connector, its CRTC and the primary plane; the JSON parses; bad
device names fail with a message that names them."""

import json
import os
import sys

import vmtest
from vmtest import INFO


def main():
    name = "info"
    script = f"""
{INFO} > $SCANOUT_VM_JOB/info.txt; echo "text status $?"
{INFO} --json > $SCANOUT_VM_JOB/info.json; echo "json status $?"
{INFO} --json --device virtio_gpu > $SCANOUT_VM_JOB/by-driver.json; echo "by driver status $?"
{INFO} --device no_such_driver 2> $SCANOUT_VM_JOB/bad.err; echo "bad device status $?"
{INFO} --bogus 2> $SCANOUT_VM_JOB/bogus.err; echo "bad option status $?"
{INFO} --help | head -1
cat $SCANOUT_VM_JOB/info.txt
"""
    result = vmtest.boot(name, script)
    job = vmtest.job_dir(name)
    checks = vmtest.Checks("test_vm_info")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()
    out = result.output
    checks.check("text status 0" in out, "text listing exits 0")
    checks.check("json status 0" in out, "JSON listing exits 0")
    checks.check("by driver status 0" in out, "--device by driver name exits 0")
    checks.check("bad device status 1" in out, "unknown device exits 1")
    checks.check("bad option status 2" in out, "unknown option exits 2")
    checks.check("Usage: scanout-info" in out, "--help prints usage")
    with open(os.path.join(job, "bad.err")) as f:
        bad = f.read()
    checks.check("no_such_driver" in bad, f"the error names the device asked for ({bad.strip()})")
    with open(os.path.join(job, "bogus.err")) as f:
        bogus = f.read()
    checks.check("unrecognized option '--bogus'" in bogus and "Usage: scanout-info" in bogus,
                 f"an unknown option is named, then the usage ({bogus.splitlines()[:1]})")

    text = open(os.path.join(job, "info.txt")).read()
    checks.check("driver virtio_gpu" in text, "text names the virtio_gpu driver")
    checks.check("Virtual-1: connected" in text, "text lists Virtual-1 as connected")
    checks.check("1280x800@" in text and "(preferred)" in text, "text lists the preferred mode")
    checks.check(" primary: crtcs [" in text, "text lists a primary plane")
    checks.check("formats: XR24" in text, "text lists XR24 on the primary")

    try:
        data = vmtest.read_json(os.path.join(job, "info.json"))
        by_driver = vmtest.read_json(os.path.join(job, "by-driver.json"))
    except (OSError, json.JSONDecodeError) as e:
        checks.check(False, f"JSON parses ({e})")
        return checks.finish()
    checks.check(True, "JSON parses")
    checks.check(data == by_driver, "selecting by driver name gives the same device")

    devs = [d for d in data["devices"] if d.get("kms")]
    if not checks.check(len(devs) == 1, f"one KMS device ({len(devs)})"):
        return checks.finish()
    dev = devs[0]
    checks.check(dev["driver"] == "virtio_gpu", f"driver is virtio_gpu ({dev['driver']})")
    checks.check(dev["caps"]["atomic"] is True, "atomic cap reported")
    conns = {c["name"]: c for c in dev["connectors"]}
    conn = conns.get("Virtual-1")
    if checks.check(conn is not None, f"connector Virtual-1 listed ({list(conns)})"):
        checks.check(conn["status"] == "connected", "Virtual-1 connected")
        preferred = [m for m in conn["modes"] if m["preferred"]]
        checks.check(len(preferred) == 1 and (preferred[0]["width"], preferred[0]["height"]) ==
                     (1280, 800), f"preferred mode 1280x800 ({preferred})")
        crtc_ids = [c["id"] for c in dev["crtcs"]]
        checks.check(conn["crtc"] in crtc_ids, f"Virtual-1 is on a listed CRTC ({conn['crtc']})")
    checks.check(len(dev["crtcs"]) == 1, f"one CRTC ({len(dev['crtcs'])})")
    primaries = [p for p in dev["planes"] if p["type"] == "primary"]
    if checks.check(len(primaries) == 1, "one primary plane"):
        p = primaries[0]
        checks.check(dev["crtcs"][0]["id"] in p["possible_crtcs"], "primary can drive the CRTC")
        checks.check("XR24" in [f["fourcc"] for f in p["formats"]], "primary accepts XR24")
    checks.check(any(p["type"] == "cursor" for p in dev["planes"]), "cursor plane listed")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
