#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The cross-built arm64 apps on an arm64 kernel: an aarch64 VM smoke test.

Boots Debian's arm64 kernel in qemu-system-aarch64 (-M virt, TCG) with
virtio-gpu, over the host's tree whose multiarch arm64 libraries and Mesa
serve the cross-built binaries (scripts/cross.sh unpacks the kernel). In one
boot: scanout-info --json lists virtio_gpu with Virtual-1; with the vkms
board file it looks for vkms only, unless -d overrides it; scanout-demo runs
30 frames with --board board-configs/qemu-virtio-gpu.ini, stops itself at
frame 15, where the screen is captured and checked against the scene's
predicted layout; then it exits 0 with its summary line, and leaks no fd.
The binaries are checked to be aarch64 ELF files and the guest to be aarch64,
so the test cannot pass by running host programs.

Needs SCANOUT_BUILD_DIR to be an arm64 multiarch build (ctest --preset arm64
sets it).
"""

import json
import os
import struct
import sys

import vmtest
import vm

FRAMES = 30
SHOT = 15
EM_AARCH64 = 183
BOARD = os.path.join(vmtest.REPO, "board-configs", "qemu-virtio-gpu.ini")
VKMS_BOARD = os.path.join(vmtest.REPO, "board-configs", "qemu-vkms.ini")


def elf_machine(path):
    """e_machine of an ELF file, or None when it is not one."""
    with open(path, "rb") as f:
        head = f.read(20)
    if head[:4] != b"\x7fELF":
        return None
    return struct.unpack_from("<H", head, 18)[0]


def main():
    checks = vmtest.Checks("test_vm_aarch64")
    info, demo = vmtest.INFO, vmtest.DEMO
    for binary in (info, demo):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{binary} is not built (run scripts/cross.sh arm64)")
        machine = elf_machine(binary)
        checks.check(machine == EM_AARCH64,
                     f"{os.path.basename(binary)} is an aarch64 ELF (e_machine {machine})")
    if os.environ.get("SCANOUT_SYSROOT"):
        raise SystemExit("the aarch64 VM runs the host tree's multiarch libraries: "
                         "build without SCANOUT_SYSROOT")

    script = f"""
uname -m > $SCANOUT_VM_JOB/uname
{info} --json > $SCANOUT_VM_JOB/info.json
echo "info exit status $?"
# The board file picks the device, and -d on the command line overrides it.
{info} --board {VKMS_BOARD} > $SCANOUT_VM_JOB/vkms.out 2>&1
echo "info with the vkms board exit status $?"
cat $SCANOUT_VM_JOB/vkms.out
{info} --board {VKMS_BOARD} -d virtio_gpu > $SCANOUT_VM_JOB/override.out 2>&1
echo "info with the vkms board and -d virtio_gpu exit status $?"
{demo} --frames {FRAMES} --board {BOARD} --pause-at {SHOT} \
    > $SCANOUT_VM_JOB/demo.out 2> $SCANOUT_VM_JOB/demo.err &
pid=$!
wait_stopped $pid || {{ echo "demo did not stop at frame {SHOT}"; cat $SCANOUT_VM_JOB/demo.err; exit 11; }}
vm-shot frame{SHOT} || exit 12
kill -CONT $pid
wait $pid
echo "demo exit status $?"
cat $SCANOUT_VM_JOB/demo.out
echo "--- demo stderr ---"
cat $SCANOUT_VM_JOB/demo.err
"""
    job = vmtest.job_dir("aarch64")
    result = vm.run(vmtest.GUEST_SH + script, jobdir=job, arch="aarch64", timeout=600,
                    cwd=vmtest.REPO)
    print(f"--- guest output ({result.seconds:.1f} s, status {result.status}) ---")
    print(result.output.rstrip())
    print("--- end of guest output ---")
    print(f"MEASURED aarch64 VM run (boot, info, 30 frames, shutdown): {result.seconds:.1f} s")
    if result.status is None:
        print(f"VM failed: {result.error}")
        print(vm.tail(result.serial))
    if not checks.check(result.status == 0, f"guest script exits 0 (got {result.status})"):
        return checks.finish()

    with open(os.path.join(job, "uname")) as f:
        arch = f.read().strip()
    checks.check(arch == "aarch64", f"the guest kernel is aarch64 (uname -m: {arch})")

    out = result.output
    checks.check("info exit status 0" in out, "scanout-info --json exits 0")
    try:
        with open(os.path.join(job, "info.json")) as f:
            devices = json.load(f)["devices"]
    except (OSError, ValueError, KeyError) as e:
        devices = []
        checks.check(False, f"scanout-info --json parses ({e})")
    gpu = [d for d in devices if d.get("driver") == "virtio_gpu" and d.get("kms")]
    if checks.check(len(gpu) == 1, f"scanout-info lists one virtio_gpu KMS device ({devices})"):
        names = [(c["name"], c["status"]) for c in gpu[0]["connectors"]]
        checks.check(("Virtual-1", "connected") in names,
                     f"Virtual-1 is connected ({names})")

    checks.check("info with the vkms board exit status 1" in out and
                 "no DRM device matching vkms found" in out,
                 "scanout-info --board qemu-vkms.ini looks only for vkms, which is not there")
    with open(os.path.join(job, "override.out")) as f:
        override = f.read()
    checks.check("info with the vkms board and -d virtio_gpu exit status 0" in out and
                 "driver virtio_gpu" in override,
                 "-d virtio_gpu overrides the board file's device")

    checks.check("demo exit status 0" in out, "scanout-demo --board qemu-virtio-gpu.ini exits 0")
    m = vmtest.SUMMARY.search(out)
    if checks.check(m is not None, "summary line printed"):
        checks.check(int(m.group(1)) == FRAMES, f"summary reports {FRAMES} frames ({m.group(1)})")
        checks.check(m.group(6) == "atomic", f"atomic, as the board config says ({m.group(6)})")
        print(f"MEASURED aarch64 demo: {m.group(0)}")
    f = vmtest.FDS.search(out)
    if checks.check(f is not None, "fd count line printed"):
        checks.check(f.group(1) == f.group(2),
                     f"open fds at exit equal those at start ({f.group(1)} -> {f.group(2)})")
    checks.check(f"paused at frame {SHOT}" in out, f"demo paused at frame {SHOT}")

    path = os.path.join(job, f"frame{SHOT}.ppm")
    if checks.check(os.path.exists(path), f"screenshot of frame {SHOT} taken"):
        vmtest.check_scene(checks, path, SHOT, f"frame {SHOT}")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
