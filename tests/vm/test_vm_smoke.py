#!/usr/bin/env python3
"""Self-test of the VM runner: one boot, checks status, output, screenshot.

Usage: python3 tests/vm/test_vm_smoke.py [JOBDIR]
Exits 0 when every check passes; last line is "N passed, M failed".
"""

import os
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vm  # noqa: E402

# virtio-gpu-pci's default (preferred) mode; fbcon uses it.
EXPECTED_SIZE = (1280, 800)
GUEST_COMMAND = (
    "uname -r; "
    "test -e /dev/dri/card0 && echo card-ok; "
    'echo "job=$SCANOUT_VM_JOB pwd=$(pwd) home=$HOME"; '
    # fbcon draws tty1; put text there so the screenshot is not all black.
    "printf 'scanout vm smoke test\\n' > /dev/tty1; "
    "vm-shot console || echo shot-failed; "
    "exit 3"
)

results = []


def check(name, fn):
    try:
        fn()
    except Exception as e:  # report every failure, keep going
        results.append(False)
        print(f"FAIL {name}: {e}")
        if not isinstance(e, AssertionError):
            traceback.print_exc()
    else:
        results.append(True)
        print(f"ok   {name}")


def test_png_roundtrip():
    # Offline check of the image helpers (no VM needed).
    with tempfile.TemporaryDirectory() as d:
        ppm = os.path.join(d, "a.ppm")
        with open(ppm, "wb") as f:
            f.write(b"P6\n# comment\n2 1\n255\n" + bytes([255, 0, 0, 0, 0, 255]))
        img = vm.read_ppm(ppm)
        assert img[:2] == (2, 1), f"size {img[:2]}"
        assert vm.pixel(img, 0, 0) == (255, 0, 0), vm.pixel(img, 0, 0)
        assert vm.pixel(img, 1, 0) == (0, 0, 255), vm.pixel(img, 1, 0)
        png = os.path.join(d, "a.png")
        vm.write_png(png, *img)
        with open(png, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", "bad PNG signature"


def main():
    build = os.environ.get("SCANOUT_BUILD_DIR") or os.path.join(vm.REPO, "build")
    jobdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.abspath(build), "vm-jobs", "smoke")
    check("image helpers", test_png_roundtrip)

    res = None

    def boot():
        nonlocal res
        res = vm.run(GUEST_COMMAND, jobdir=jobdir, timeout=300, cwd=vm.REPO)
        print(f"     VM run took {res.seconds:.1f} s (job dir {res.jobdir})")
        assert res.status is not None, (
            f"no status: {res.error}\n--- serial tail ---\n{vm.tail(res.serial)}")

    check("boot and run command", boot)
    if res is None or res.status is None:
        print(f"{sum(results)} passed, {results.count(False)} failed")
        return 1

    lines = res.output.splitlines()

    def status():
        assert res.status == 3, f"status {res.status}, expected 3; output:\n{res.output}"

    def output():
        # The guest boots /boot's kernel, not necessarily the running one.
        kver = vm.kernel_version(vm.default_kernel())
        assert lines and lines[0] == kver, (
            f"first line {lines[:1]}, expected guest kernel {kver}")
        assert "card-ok" in lines, f"/dev/dri/card0 missing; output:\n{res.output}"
        want = f"job={res.jobdir} pwd={vm.REPO} home=/tmp"
        assert want in lines, f"expected {want!r} in output:\n{res.output}"
        assert "shot-failed" not in lines, f"vm-shot failed; output:\n{res.output}"

    def screenshot():
        assert "console" in res.shots, f"no 'console' shot; shots {res.shots}"
        img = vm.read_ppm(res.shots["console"])
        assert img[:2] == EXPECTED_SIZE, f"size {img[:2]}, expected {EXPECTED_SIZE}"
        lit = sum(1 for b in img[2] if b)
        assert lit > 100, f"screenshot is (nearly) all black: {lit} non-zero bytes"
        # The text is at the top left; the bottom right corner stays black.
        assert vm.pixel(img, img[0] - 1, img[1] - 1) == (0, 0, 0)

    def serial():
        assert "scanout-vm: running" in res.serial, (
            f"serial log lacks init messages:\n{vm.tail(res.serial)}")

    check("exit status propagated", status)
    check("command output", output)
    check("screenshot", screenshot)
    check("serial log", serial)
    print(f"{sum(results)} passed, {results.count(False)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
