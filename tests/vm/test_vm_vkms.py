#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""vkms in the test VM: Debian's kernel does not ship it, so vm.py builds it
out of tree (tests/vm/vkms.py) and loads it with overlay, cursor and
writeback on. This boots a VM whose only display device is vkms and shows
that scanout sees what vkms 6.1 offers: the writeback connector (only with
--writeback), the 1024x768 preferred mode, one primary plane with XR24, XR48
and RG16, eight overlays and a cursor that add AR24 and AR48, no YUV; and
that scanout-demo runs its frames on it."""

import json
import os
import re
import sys

import vmtest
from vmtest import DEMO, INFO

FRAMES = 10
PRIMARY_FORMATS = {"XR24", "XR48", "RG16"}
OVERLAY_FORMATS = PRIMARY_FORMATS | {"AR24", "AR48"}


def main():
    name = "vkms"
    script = f"""
ls /dev/dri > $SCANOUT_VM_JOB/dri.txt
{INFO} --json --device vkms --writeback > $SCANOUT_VM_JOB/info.json; echo "info status $?"
{INFO} --json --device vkms > $SCANOUT_VM_JOB/plain.json; echo "plain info status $?"
{DEMO} --device vkms --frames {FRAMES}; echo "demo exit status $?"
{DEMO} --connector Virtual-1 --frames 2 > /dev/null; echo "by connector status $?"
{DEMO} --device vkms --connector HDMI-A-1 --frames 2 2> $SCANOUT_VM_JOB/hdmi.err; echo "hdmi status $?"
"""
    result = vmtest.boot(name, script, modprobe=(), vkms=True)
    job = vmtest.job_dir(name)
    checks = vmtest.Checks("test_vm_vkms")
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()
    out = result.output

    with open(os.path.join(job, "dri.txt")) as f:
        cards = [n for n in f.read().split() if n.startswith("card")]
    checks.check(cards == ["card0"], f"vkms is the only DRM card ({cards})")
    checks.check("info status 0" in out, "scanout-info --device vkms --writeback exits 0")
    checks.check("plain info status 0" in out, "scanout-info --device vkms exits 0")

    try:
        info = vmtest.read_json(os.path.join(job, "info.json"))
        plain = vmtest.read_json(os.path.join(job, "plain.json"))
    except (OSError, json.JSONDecodeError) as e:
        checks.check(False, f"JSON parses ({e})")
        return checks.finish()
    devs = info["devices"]
    if not checks.check(len(devs) == 1 and devs[0]["driver"] == "vkms",
                        f"one device, driver vkms ({[d.get('driver') for d in devs]})"):
        return checks.finish()
    dev = devs[0]
    checks.check(dev["caps"]["atomic"] is True, "atomic cap")
    checks.check(dev["caps"]["writeback_connectors"] is True, "writeback client cap accepted")

    conns = dev["connectors"]
    wbs = [c for c in conns if c["writeback"]]
    displays = [c for c in conns if not c["writeback"]]
    checks.check(len(wbs) == 1 and wbs[0]["name"] == "Writeback-1",
                 f"one writeback connector, Writeback-1 ({[c['name'] for c in wbs]})")
    plain_wbs = [c["name"] for c in plain["devices"][0]["connectors"] if c["writeback"]]
    checks.check(plain_wbs == [], f"without --writeback none is listed ({plain_wbs})")
    if checks.check(len(displays) == 1, f"one display connector ({[c['name'] for c in displays]})"):
        conn = displays[0]
        checks.check(conn["status"] == "connected", f"{conn['name']} connected")
        preferred = [(m["width"], m["height"]) for m in conn["modes"] if m["preferred"]]
        checks.check(preferred == [(1024, 768)], f"preferred mode 1024x768 ({preferred})")
    crtc_ids = [c["id"] for c in dev["crtcs"]]
    checks.check(len(crtc_ids) == 1, f"one CRTC ({crtc_ids})")
    if wbs and crtc_ids:
        encs = {e["id"]: e for e in dev["encoders"]}
        reach = [encs[e]["possible_crtcs"] for e in wbs[0]["encoders"] if e in encs]
        checks.check(any(crtc_ids[0] in r for r in reach),
                     f"the writeback connector can reach CRTC {crtc_ids[0]} ({reach})")

    planes = dev["planes"]
    by_type = {t: [p for p in planes if p["type"] == t] for t in ("primary", "overlay", "cursor")}
    formats = {p["id"]: {f["fourcc"] for f in p["formats"]} for p in planes}
    checks.check(len(by_type["primary"]) == 1, f"one primary plane ({len(by_type['primary'])})")
    for p in by_type["primary"]:
        checks.check(formats[p["id"]] == PRIMARY_FORMATS,
                     f"primary {p['id']} formats are {sorted(PRIMARY_FORMATS)} "
                     f"({sorted(formats[p['id']])})")
    checks.check(len(by_type["overlay"]) == 8,
                 f"eight overlay planes, vkms 6.1's NUM_OVERLAY_PLANES ({len(by_type['overlay'])})")
    print(f"MEASURED vkms planes: {len(by_type['primary'])} primary, "
          f"{len(by_type['overlay'])} overlay, {len(by_type['cursor'])} cursor")
    for p in by_type["overlay"] + by_type["cursor"]:
        checks.check(formats[p["id"]] == OVERLAY_FORMATS,
                     f"{p['type']} {p['id']} formats are {sorted(OVERLAY_FORMATS)} "
                     f"({sorted(formats[p['id']])})")
    checks.check(len(by_type["cursor"]) == 1, f"one cursor plane ({len(by_type['cursor'])})")
    yuv = sorted({f for fs in formats.values() for f in fs} - OVERLAY_FORMATS)
    checks.check(yuv == [], f"no other (YUV) format on any plane ({yuv})")

    checks.check("demo exit status 0" in out, "scanout-demo --device vkms exits 0")
    m = vmtest.SUMMARY.search(out)
    if checks.check(m is not None, "demo summary line printed"):
        checks.check(int(m.group(1)) == FRAMES, f"summary reports {FRAMES} frames ({m.group(1)})")
        checks.check(m.group(6) == "atomic", f"summary says atomic ({m.group(6)})")
        print(f"MEASURED vkms demo: {m.group(0)}")
    used = re.search(r"scanout info: (/dev/dri/card\d+) \((\w+)\)", out)
    checks.check(used is not None and used.group(2) == "vkms",
                 f"the demo drove vkms ({used.group(0) if used else 'no device line'})")

    # The device is found by the connector asked for, and a driver without it is named.
    checks.check("by connector status 0" in out, "scanout-demo --connector Virtual-1 exits 0")
    with open(os.path.join(job, "hdmi.err")) as f:
        hdmi = f.read()
    checks.check("hdmi status 1" in out, "a connector no vkms device has: exit 1")
    want = ("no KMS-capable DRM device with driver 'vkms' and a connector HDMI-A-1 "
            "(devices: /dev/dri/card0 (vkms: Virtual-1))")
    checks.check(want in hdmi, f"the error names the driver, connector and what each device "
                               f"has ({hdmi.strip()!r})")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
