#!/usr/bin/env python3
"""Run a command inside a throw-away QEMU VM with a virtio-gpu display.

The VM boots the host's own kernel with a tiny busybox initramfs, mounts the
host's root filesystem read-only over 9p and chroots into it, so the guest runs
the host's binaries and libraries (Mesa, python3, the freshly built scanout
tree).  A second, writable 9p export carries the job directory, mounted in the
guest at the same absolute path as on the host.

Python API:  run(), Result, read_ppm(), write_png(), pixel(),
             input_events(), tablet_value(), tablet_pixel()
CLI:         python3 tests/vm/vm.py [options] -- COMMAND...

Only the standard library is used.
"""

import argparse
import ctypes
import glob
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from typing import Dict, Optional

import vkms as _vkms

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GUEST_BIN = os.path.join(HERE, "guest")

# Modules needed before the 9p root can be mounted, in load order (insmod does
# no dependency resolution).  Built-in ones are skipped automatically.
BOOT_MODULES = ("virtio_ring", "virtio", "virtio_pci_legacy_dev",
                "virtio_pci_modern_dev", "virtio_pci", "netfs", "fscache",
                "9pnet", "9pnet_virtio", "9p")


@dataclass(frozen=True)
class Arch:
    """What differs between the guest architectures.

    x86_64 boots the host's own kernel.  aarch64 boots Debian's arm64 kernel,
    unpacked with its modules and a static arm64 busybox under `root`
    (scripts/cross.sh does that), over the same host tree: its multiarch
    arm64 libraries serve the cross-built programs.  The host's own programs
    cannot run there ("foreign"), so the initramfs's busybox becomes the
    guest's /bin/sh and tools, and the DRM modules are loaded by the
    initramfs instead of the guest's modprobe.
    """
    qemu: str
    machine: tuple     # QEMU options choosing the board
    video: tuple       # QEMU options before the virtio-gpu device
    console: str
    cpu: str
    kernel_glob: str
    boot_modules: tuple
    foreign: bool


ARCHES = {
    "x86_64": Arch("qemu-system-x86_64", (), ("-vga", "none"), "ttyS0", "max",
                   "/boot/vmlinuz-*-amd64", BOOT_MODULES, False),
    # pauth-impdef: Debian's arm64 code signs return addresses everywhere, and
    # TCG computes the architected QARMA5 signature slowly; the IMPDEF
    # algorithm is much cheaper and equally valid for the guest.
    "aarch64": Arch("qemu-system-aarch64", ("-M", "virt"), (), "ttyAMA0", "max,pauth-impdef=on",
                    "boot/vmlinuz-*-arm64",
                    BOOT_MODULES + ("drm", "drm_kms_helper", "drm_shmem_helper",
                                    "virtio_dma_buf", "virtio_gpu"), True),
}


def arch_root(arch):
    """Where a foreign architecture's kernel, modules and busybox are unpacked."""
    if not ARCHES[arch].foreign:
        return "/"
    return os.environ.get("SCANOUT_VM_ARM64_ROOT") or os.path.join(REPO, "build", "vm-arm64")


HOSTROOT_TAG = "hostroot"
JOB_TAG = "scanoutjob"
# 9p payload size; QEMU 7.2 caps it around 500 KiB, 256 KiB is a safe win over
# the small defaults for exec'ing large host binaries.
MSIZE = 262144

# PID 1 of the VM, run by busybox from the initramfs.  It prepares the chroot
# and runs the per-job script <job>/guest-run.sh (written by the host for
# every run), then powers off.  Lines starting with "scanout-vm: FAIL:" are
# picked up by the host as the reason for a failed boot.
INIT_SCRIPT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
say() { echo "scanout-vm: $*"; }
die() {
    echo "scanout-vm: FAIL: $*"
    sync
    poweroff -f
    sleep 10
}
mkdir -p /proc /sys /dev /newroot
mount -t proc proc /proc
say "init started (kernel $(uname -r))"
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do
    insmod "/modules/$m.ko" || die "insmod /modules/$m.ko (module $m)"
done

job=
keep=
foreign=
for arg in $(cat /proc/cmdline); do
    case "$arg" in
    scanout.job=*) job=${arg#scanout.job=} ;;
    scanout.keep=*) keep=${arg#scanout.keep=} ;;
    scanout.foreign=*) foreign=${arg#scanout.foreign=} ;;
    esac
done
[ -n "$job" ] || die "no scanout.job= on the kernel command line"

# The host root is read-only and cannot change during a run, so the page
# cache may keep it (cache=loose): exec'ing big binaries is much faster.
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=@MSIZE@,cache=loose \
    @HOSTROOT_TAG@ /newroot || die "mount 9p tag @HOSTROOT_TAG@ on /newroot"
r=/newroot
# The checkout (scanout.keep) stays visible even where it lives below /tmp
# or /run, which the tmpfs mounts below would hide: hold it aside, then bind
# it back on top of them.
if [ -n "$keep" ]; then
    mkdir -p /keep
    mount -o bind "$r$keep" /keep || die "bind $keep (scanout.keep) aside"
fi
mount -t proc proc $r/proc || die "mount proc on $r/proc"
mount -t sysfs sysfs $r/sys || die "mount sysfs on $r/sys"
mount -t devtmpfs devtmpfs $r/dev || die "mount devtmpfs on $r/dev"
mkdir -p $r/dev/shm $r/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $r/dev/shm
mount -t devpts -o mode=620,ptmxmode=666 devpts $r/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $r/tmp || die "mount tmpfs on $r/tmp"
mount -t tmpfs -o mode=755 tmpfs $r/run || die "mount tmpfs on $r/run"
mount -t tmpfs -o mode=1777 tmpfs $r/var/tmp
if [ -n "$keep" ]; then
    # Tests run programs from the checkout as nobody: a folder above it that
    # others cannot enter (a clone made in a mktemp -d folder, mode 0700)
    # gets a tmpfs over it in the guest, holding only the way to the checkout.
    above=
    d=$(dirname "$keep")
    while [ "$d" != / ]; do
        case $(stat -c %A "$r$d" 2>/dev/null) in
        '' | *x | *t) ;;
        *) above=$d ;;
        esac
        d=$(dirname "$d")
    done
    if [ -n "$above" ]; then
        mount -t tmpfs -o mode=755 tmpfs "$r$above" || die "mount tmpfs on $above"
        say "$above is closed to others on the host: the guest sees only $keep in it"
    fi
    mkdir -p "$r$keep" 2>/dev/null
    mount -o bind /keep "$r$keep" || die "bind $keep back"
fi
# A host tree built for another architecture: this busybox is the guest's
# shell (bound over the tree's /bin/sh) and its tools (first in PATH).
if [ -n "$foreign" ]; then
    mkdir -p $r/run/scanout-vm/bin
    cp /bin/busybox $r/run/scanout-vm/busybox || die "copy busybox to $r/run/scanout-vm"
    for a in $(/bin/busybox --list); do
        ln -s /run/scanout-vm/busybox $r/run/scanout-vm/bin/$a
    done
    mount -o bind $r/run/scanout-vm/busybox $r/bin/sh || die "bind busybox over $r/bin/sh"
fi
# The job dir is mounted last so that it also works below /tmp or /run (the
# mount point is then created in the fresh tmpfs).  No caching: the host
# writes files the guest polls for (screenshot handshake).
mkdir -p "$r$job" 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=@MSIZE@,cache=none \
    @JOB_TAG@ "$r$job" || die "mount 9p tag @JOB_TAG@ on $job"
[ -f "$r$job/guest-run.sh" ] || die "$job/guest-run.sh missing in the guest"

say "running $job/guest-run.sh"
env -i TERM=linux chroot $r /bin/sh "$job/guest-run.sh"
say "guest-run.sh exited with status $?"
sync
umount "$r$job" 2>/dev/null
poweroff -f
sleep 10
""".replace("@MSIZE@", str(MSIZE)).replace(
    "@HOSTROOT_TAG@", HOSTROOT_TAG).replace("@JOB_TAG@", JOB_TAG)

# Per-job script, run by the host's /bin/sh inside the chroot.  Filled in with
# shell-quoted values by _write_guest_run().
GUEST_RUN_TEMPLATE = r"""# Generated by tests/vm/vm.py for one run; executed inside the VM.
job=@JOB@
fail() {
    echo "scanout-vm: FAIL: $*" >&2
    echo "$*" > "$job/setup-error"
    exit 1
}
for m in @MODULES@; do
    modprobe "$m" || fail "modprobe $m failed"
done
if [ -n "@WAIT_DRI@" ]; then
    # No udev: devtmpfs creates the node once the driver has probed.
    n=0
    while [ ! -e /dev/dri/card0 ]; do
        n=$((n + 1))
        [ $n -gt 400 ] && fail "/dev/dri/card0 did not appear within 20 s after modprobe"
        sleep 0.05
    done
fi
if [ -n "@VKMS@" ]; then
    # After virtio_gpu has its card, so that the numbering stays the same.
    cards=$(ls /dev/dri 2>/dev/null | grep -c '^card')
    for m in @VKMS_DEPENDS@; do
        modprobe "$m" || fail "modprobe $m (needed by vkms) failed"
    done
    insmod "$job/vkms.ko" @VKMS_PARAMS@ || fail "insmod $job/vkms.ko failed"
    n=0
    while [ "$(ls /dev/dri 2>/dev/null | grep -c '^card')" -le "$cards" ]; do
        n=$((n + 1))
        [ $n -gt 400 ] && fail "no new /dev/dri/card* within 20 s after insmod vkms.ko"
        sleep 0.05
    done
fi
if [ -n "@UDEV@" ]; then
    # systemd's tools do nothing in a chroot (PID 1's root differs from
    # theirs); this chroot is the guest's whole system, so let them act.
    export SYSTEMD_IGNORE_CHROOT=1
    read -r t0 _ < /proc/uptime
    [ -x /lib/systemd/systemd-udevd ] || fail "/lib/systemd/systemd-udevd missing (install udev: scripts/deps.sh vm)"
    /lib/systemd/systemd-udevd --daemon || fail "systemd-udevd --daemon failed"
    udevadm control --ping --timeout=20 || fail "systemd-udevd did not answer 'udevadm control --ping' within 20 s"
    udevadm trigger --action=add @UDEV_SUBSYSTEMS@ || fail "udevadm trigger --action=add @UDEV_SUBSYSTEMS@ failed"
    udevadm settle --timeout=60 || fail "udevadm settle: events still queued after 60 s"
    read -r t1 _ < /proc/uptime
    echo "scanout-vm: udev ready in $(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}') s" >&2
fi
export SCANOUT_VM_JOB="$job"
export PATH=@GUEST_BIN@:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp
export XDG_CACHE_HOME=/tmp/.cache
export LANG=C.UTF-8
export TERM=dumb
export USER=root
cd @CWD@ || fail "cd @CWD@ failed (note: of host /tmp and /run, only the checkout is visible in the guest)"
: > "$job/started"
sh -c @COMMAND@ < /dev/null > "$job/output.log" 2>&1
echo $? > "$job/status"
sync
"""


class VMError(Exception):
    """The VM could not be set up or started (missing file, bad option...)."""


@dataclass
class Result:
    status: Optional[int]          # guest command exit code; None on timeout/crash
    output: str                    # command stdout+stderr
    shots: Dict[str, str] = field(default_factory=dict)  # name -> .ppm path
    serial: str = ""               # serial console log
    error: Optional[str] = None    # what went wrong when status is None
    timed_out: bool = False
    booted: bool = False           # the guest reached the command
    qemu_returncode: Optional[int] = None
    jobdir: str = ""
    seconds: float = 0.0           # wall time of the whole run


# ---------------------------------------------------------------------------
# Images

def read_ppm(path):
    """Read a binary PPM (P6, maxval 255).  Returns (width, height, rgb bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    tokens = []
    pos = 0
    # Header: magic, width, height, maxval; '#' comments allowed; then a
    # single whitespace byte before the pixels.
    while len(tokens) < 4:
        m = re.compile(rb"\s*(#[^\n]*\n\s*)*([^\s#]+)").match(data, pos)
        if not m:
            raise ValueError(f"{path}: truncated PPM header")
        tokens.append(m.group(2))
        pos = m.end()
    if tokens[0] != b"P6":
        raise ValueError(f"{path}: not a binary PPM (magic {tokens[0]!r})")
    width, height, maxval = (int(t) for t in tokens[1:])
    if maxval != 255:
        raise ValueError(f"{path}: unsupported PPM maxval {maxval}")
    pos += 1
    rgb = data[pos:pos + width * height * 3]
    if len(rgb) != width * height * 3:
        raise ValueError(f"{path}: truncated PPM ({len(rgb)} of "
                         f"{width * height * 3} pixel bytes)")
    return width, height, rgb


def write_png(path, width, height, rgb):
    """Write 8-bit RGB pixels (bytes, row-major) as a PNG file."""
    if len(rgb) != width * height * 3:
        raise ValueError(f"write_png: {len(rgb)} bytes for {width}x{height}")

    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload +
                struct.pack(">I", zlib.crc32(kind + payload) & 0xffffffff))

    stride = width * 3
    raw = b"".join(b"\x00" + bytes(rgb[y * stride:(y + 1) * stride])
                   for y in range(height))
    png = (b"\x89PNG\r\n\x1a\n" +
           chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw, 6)) +
           chunk(b"IEND", b""))
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(png)
    os.replace(tmp, path)


def pixel(img, x, y):
    """(r, g, b) at x, y of an image tuple (width, height, rgb) from read_ppm."""
    width, height, rgb = img
    if not (0 <= x < width and 0 <= y < height):
        raise IndexError(f"pixel ({x},{y}) outside {width}x{height}")
    i = (y * width + x) * 3
    return rgb[i], rgb[i + 1], rgb[i + 2]


# ---------------------------------------------------------------------------
# Kernel and initramfs

def default_kernel(arch="x86_64"):
    pattern = os.path.join(arch_root(arch), ARCHES[arch].kernel_glob)
    kernels = glob.glob(pattern)
    if not kernels:
        hint = ("scripts/cross.sh arm64" if ARCHES[arch].foreign
                else "scripts/deps.sh vm")
        raise VMError(f"no kernel found matching {pattern} "
                      f"(run {hint}, or pass --kernel)")

    def version_key(path):
        ver = os.path.basename(path)[len("vmlinuz-"):]
        return [int(p) if p.isdigit() else p for p in re.split(r"[.-]", ver)]

    return max(kernels, key=version_key)


def kernel_version(kernel):
    """Kernel release string, read from the bzImage header (falls back to
    the vmlinuz-<release> file name)."""
    try:
        with open(kernel, "rb") as f:
            head = f.read(0x10000)
        # x86 boot protocol: "HdrS" at 0x202, kernel_version pointer at 0x20e
        # (relative to 0x200) to a NUL terminated "6.1.0-.. (builder) #1 ..".
        if head[0x202:0x206] == b"HdrS":
            (ptr,) = struct.unpack_from("<H", head, 0x20e)
            s = head[ptr + 0x200:].split(b"\0", 1)[0].decode()
            if s:
                return s.split()[0]
    except (OSError, struct.error, UnicodeDecodeError):
        pass
    base = os.path.basename(kernel)
    if base.startswith("vmlinuz-"):
        return base[len("vmlinuz-"):]
    raise VMError(f"cannot tell the kernel version of {kernel}")


def _module_paths(kver, root="/"):
    """Map module name (with '_') -> absolute path, from modules.dep."""
    moddir = os.path.join(root, f"lib/modules/{kver}")
    dep = os.path.join(moddir, "modules.dep")
    try:
        with open(dep) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise VMError(f"cannot read {dep}: {e} (kernel modules for {kver} "
                      "not installed?)") from e
    paths = {}
    for line in lines:
        rel = line.split(":", 1)[0]
        name = re.sub(r"\.ko(\.\w+)?$", "", os.path.basename(rel)).replace("-", "_")
        paths[name] = os.path.join(moddir, rel)
    builtin = set()
    try:
        with open(os.path.join(moddir, "modules.builtin")) as f:
            for line in f:
                builtin.add(re.sub(r"\.ko$", "", os.path.basename(line.strip()))
                            .replace("-", "_"))
    except OSError:
        pass
    return paths, builtin


def _read_module(path):
    """Module contents, decompressed: busybox insmod cannot load .ko.xz etc."""
    if path.endswith(".ko"):
        with open(path, "rb") as f:
            return f.read()
    if path.endswith(".ko.xz"):
        with lzma.open(path) as f:
            return f.read()
    if path.endswith(".ko.gz"):
        with gzip.open(path) as f:
            return f.read()
    if path.endswith(".ko.zst"):
        if not shutil.which("zstd"):
            raise VMError(f"{path} is zstd-compressed and zstd is not installed")
        return subprocess.run(["zstd", "-dc", path], check=True,
                              stdout=subprocess.PIPE).stdout
    raise VMError(f"unknown module compression: {path}")


class _Cpio:
    """Minimal writer for the 'newc' cpio format the kernel unpacks."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0)
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08x" % v for v in fields)
        self.buf.write(hdr + name_b)
        self.buf.write(b"\0" * (-(len(hdr) + len(name_b)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def dir(self, name):
        self._entry(name, 0o040755)

    def file(self, name, data, perm=0o644):
        self._entry(name, 0o100000 | perm, data)

    def chardev(self, name, major, minor):
        self._entry(name, 0o020600, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.buf.getvalue()


def build_initramfs(kver, cache_dir, arch="x86_64"):
    """Return the path of a (cached) initramfs for kernel `kver`."""
    root = arch_root(arch)
    if ARCHES[arch].foreign:
        busybox = os.path.join(root, "bin/busybox")
    else:
        busybox = shutil.which("busybox") or "/bin/busybox"
    if not os.path.exists(busybox):
        raise VMError(f"busybox not found at {busybox} (install busybox-static, "
                      "see scripts/deps.sh vm; for aarch64 run scripts/cross.sh arm64)")
    paths, builtin = _module_paths(kver, root)
    order, mods = [], []
    for name in ARCHES[arch].boot_modules:
        if name in builtin:
            continue
        if name not in paths:
            raise VMError(f"module {name} not found in "
                          f"{os.path.join(root, 'lib/modules', kver)}")
        order.append(name)
        mods.append(paths[name])

    st = os.stat(busybox)
    key = hashlib.sha256("\n".join(
        [INIT_SCRIPT, kver, busybox, str(st.st_size), str(st.st_mtime_ns)] +
        mods).encode()).hexdigest()[:16]
    out = os.path.join(cache_dir, f"initramfs-{kver}-{key}.cpio.gz")
    if os.path.exists(out):
        return out

    with open(busybox, "rb") as f:
        bb = f.read()
    if b"ld-linux" in bb[:4096] or b"/lib64/ld" in bb[:4096]:
        raise VMError(f"{busybox} is dynamically linked; the initramfs needs "
                      "busybox-static")
    cpio = _Cpio()
    for d in ("bin", "dev", "proc", "sys", "newroot", "modules"):
        cpio.dir(d)
    # The kernel opens /dev/console for init before devtmpfs is mounted.
    cpio.chardev("dev/console", 5, 1)
    cpio.file("bin/busybox", bb, 0o755)
    cpio.file("init", INIT_SCRIPT.encode(), 0o755)
    cpio.file("modules/order", ("\n".join(order) + "\n").encode())
    for name, path in zip(order, mods):
        cpio.file(f"modules/{name}.ko", _read_module(path))
    os.makedirs(cache_dir, exist_ok=True)
    # Write-then-rename so concurrent runs never see a partial file.
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(gzip.compress(cpio.finish(), 6))
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    return out


# ---------------------------------------------------------------------------
# QEMU monitor

def _connect(path, timeout, what):
    """A unix socket connected to `path`, retried until QEMU listens there."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError as e:
            sock.close()
            if time.monotonic() > deadline:
                raise VMError(f"cannot connect to {what} {path}: {e}")
            time.sleep(0.05)


class _Monitor:
    """HMP (human monitor) over a unix socket.  HMP echoes input with line
    editing escape sequences; a command is complete when the next "(qemu) "
    prompt arrives."""

    PROMPT = b"(qemu) "

    def __init__(self, path, timeout=30.0):
        self.sock = _connect(path, timeout, "QEMU monitor")
        self._read_until_prompt(timeout)

    def _read_until_prompt(self, timeout):
        self.sock.settimeout(timeout)
        buf = b""
        while not buf.endswith(self.PROMPT):
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise VMError(f"QEMU monitor did not answer within {timeout} s")
            if not chunk:
                raise VMError("QEMU monitor closed the connection")
            buf += chunk
        return buf

    def command(self, cmd, timeout=30.0):
        self.sock.sendall(cmd.encode() + b"\n")
        reply = self._read_until_prompt(timeout)[:-len(self.PROMPT)]
        text = re.sub(rb"\x1b\[[0-9;]*[A-Za-z]", b"", reply).decode(errors="replace")
        # Drop the echoed command line.
        lines = text.replace("\r", "").split("\n")
        return "\n".join(lines[1:]).strip()

    def close(self):
        self.sock.close()


class _Qmp:
    """QMP (the JSON monitor) over a unix socket: one JSON object per line;
    after the greeting, qmp_capabilities leaves negotiation mode, then each
    command gets a "return" or an "error".  Asynchronous events (objects with
    "event") may arrive in between and are skipped."""

    def __init__(self, path, timeout=30.0):
        self.sock = _connect(path, timeout, "QEMU QMP socket")
        self.buf = b""
        greeting = self._message(timeout)
        if "QMP" not in greeting:
            raise VMError(f"unexpected QMP greeting: {greeting}")
        self.execute("qmp_capabilities")

    def _message(self, timeout):
        self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise VMError(f"QEMU QMP did not answer within {timeout} s")
            if not chunk:
                raise VMError("QEMU QMP closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            raise VMError(f"QEMU QMP sent something that is not JSON: {line[:200]!r}")

    def execute(self, command, arguments=None, timeout=30.0):
        msg = {"execute": command}
        if arguments is not None:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._message(timeout)
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                err = reply["error"]
                raise VMError(f"QMP {command}: {err.get('desc', err)}")

    def close(self):
        self.sock.close()


# ---------------------------------------------------------------------------
# Input (see guest/vm-input)

# QEMU ids of the devices input=True adds.  Events are sent "to" the display
# (QMP input-send-event's device is a display device), and the keyboard and
# tablet are bound to that display, so they win over the PC's PS/2 keyboard
# and mouse, which exist even with -nodefaults and are not bound.
DISPLAY_ID = "video0"
KEYBOARD_ID = "kbd0"
TABLET_ID = "tablet0"
# The axis range QEMU's virtio tablet reports (QEMU's INPUT_EVENT_ABS_MIN/MAX);
# QMP "abs" values are passed through unscaled.
TABLET_ABS_MIN = 0
TABLET_ABS_MAX = 0x7fff
BUTTONS = ("left", "right", "middle", "side", "extra")
_KEY_RE = re.compile(r"^[a-z0-9_]+$")


def tablet_value(pos, size, lo=TABLET_ABS_MIN, hi=TABLET_ABS_MAX):
    """Tablet axis value for physical pixel `pos` of an axis `size` pixels long.

    libinput maps a value v to (v - lo) * size / (hi - lo + 1) (its
    get_absolute_x/y_transformed).  The smallest v whose image is at least
    `pos` is ceil((pos * (hi - lo + 1)) / size) + lo, and its image lies in
    [pos, pos + size / (hi - lo + 1)): under 0.04 px above pos for a 1280
    pixel axis, so both rounding and truncating give back pos."""
    span = hi - lo + 1
    if not 0 < size <= span:
        raise ValueError(f"axis size {size} outside 1..{span}")
    if not 0 <= pos < size:
        raise ValueError(f"position {pos} outside 0..{size - 1}")
    return lo + -(-pos * span // size)


def tablet_pixel(value, size, lo=TABLET_ABS_MIN, hi=TABLET_ABS_MAX):
    """libinput's transform of a tablet axis value onto `size` pixels (a float)."""
    return (value - lo) * size / (hi - lo + 1)


def _int_arg(text, what):
    if not re.fullmatch(r"[0-9]+", text):
        raise ValueError(f"{what} must be a non-negative integer, not {text!r}")
    return int(text)


def input_events(args):
    """The QMP input-send-event batches for one vm-input command line (a list
    of words, e.g. ["click", "100", "200", "640", "480"]).  Each batch is sent
    by its own input-send-event, which QEMU ends with a sync (SYN_REPORT in
    the guest).  Raises ValueError for a bad command."""
    if not args:
        raise ValueError("no action (key, move, click, button)")
    action, rest = args[0], args[1:]

    def key(name, down):
        return {"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": name}}}

    def btn(name, down):
        return {"type": "btn", "data": {"down": down, "button": name}}

    def move(words):
        x, y, w, h = (_int_arg(v, n) for v, n in zip(words, ("X", "Y", "W", "H")))
        return [{"type": "abs", "data": {"axis": "x", "value": tablet_value(x, w)}},
                {"type": "abs", "data": {"axis": "y", "value": tablet_value(y, h)}}]

    if action == "key":
        if not rest:
            raise ValueError("key needs at least one key name")
        for name in rest:
            if not _KEY_RE.match(name):
                raise ValueError(f"bad key name {name!r} (QEMU QKeyCode names: esc, f1, a, 1, spc, ret...)")
        return ([[key(n, True)] for n in rest] +
                [[key(n, False)] for n in reversed(rest)])
    if action == "move":
        if len(rest) != 4:
            raise ValueError("move needs X Y W H")
        return [move(rest)]
    if action == "click":
        if len(rest) not in (4, 5):
            raise ValueError("click needs X Y W H [BUTTON]")
        button = rest[4] if len(rest) == 5 else "left"
        if button not in BUTTONS:
            raise ValueError(f"bad button {button!r} (one of {', '.join(BUTTONS)})")
        return [move(rest[:4]), [btn(button, True)], [btn(button, False)]]
    if action == "button":
        if len(rest) != 2 or rest[0] not in BUTTONS or rest[1] not in ("down", "up"):
            raise ValueError(f"button needs BUTTON down|up (BUTTON one of {', '.join(BUTTONS)})")
        return [[btn(rest[0], rest[1] == "down")]]
    raise ValueError(f"unknown action {action!r} (key, move, click, button)")


# ---------------------------------------------------------------------------
# Running

_SHOT_RE = re.compile(r"^shot-([A-Za-z0-9_][A-Za-z0-9_.-]*)\.req$")
_INPUT_RE = re.compile(r"^input-([A-Za-z0-9_][A-Za-z0-9_.-]*)\.req$")
# Files from a previous run in a reused job dir that would confuse this one.
_STALE = ("status", "output.log", "serial.log", "qemu.log", "started",
          "setup-error", "guest-run.sh", "qemu-cmd", "vkms.ko")


def _clean_jobdir(jobdir):
    for name in os.listdir(jobdir):
        if (name in _STALE or name.startswith(("shot-", "input-")) or
                name.endswith((".ppm", ".png"))):
            try:
                os.unlink(os.path.join(jobdir, name))
            except OSError:
                pass


def _set_pdeathsig():
    """In the QEMU child: die with the runner, however the runner dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# Subsystems udev=True replays "add" events for (udevadm trigger): those the
# tests open devices of.  Not all of them: that would also load a module for
# every PCI and platform device, which costs seconds under TCG.
UDEV_SUBSYSTEMS = ("input", "drm", "video4linux")


def _write_guest_run(jobdir, command, modprobe, cwd, vkms=False, arch="x86_64",
                     udev=False):
    q = shlex.quote
    foreign = ARCHES[arch].foreign
    # A foreign guest loads virtio_gpu from the initramfs: only wait for it.
    wait_dri = foreign or any(m.replace("-", "_") == "virtio_gpu" for m in modprobe)
    guest_bin = GUEST_BIN + (":/run/scanout-vm/bin" if foreign else "")
    text = (GUEST_RUN_TEMPLATE
            .replace("@JOB@", q(jobdir))
            .replace("@MODULES@", " ".join(q(m) for m in modprobe))
            .replace("@WAIT_DRI@", "1" if wait_dri else "")
            .replace("@VKMS@", "1" if vkms else "")
            .replace("@VKMS_DEPENDS@", " ".join(_vkms.DEPENDS))
            .replace("@VKMS_PARAMS@", " ".join(_vkms.PARAMS))
            .replace("@UDEV@", "1" if udev else "")
            .replace("@UDEV_SUBSYSTEMS@",
                     " ".join(f"--subsystem-match={s}" for s in UDEV_SUBSYSTEMS))
            .replace("@GUEST_BIN@", q(guest_bin))
            .replace("@CWD@", q(cwd))
            .replace("@COMMAND@", q(command)))
    with open(os.path.join(jobdir, "guest-run.sh"), "w") as f:
        f.write(text)


def _read(path, default=""):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def tail(text, n=40):
    return "\n".join(text.rstrip("\n").split("\n")[-n:])


def _kill(proc):
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(3)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _handle_shots(jobdir, monitor_path, state, shots):
    """Serve guest screenshot requests (see guest/vm-shot)."""
    for name in sorted(os.listdir(jobdir)):
        m = _SHOT_RE.match(name)
        if not m:
            continue
        shot = m.group(1)
        req = os.path.join(jobdir, name)
        ppm = os.path.join(jobdir, shot + ".ppm")
        os.unlink(req)
        try:
            if os.path.exists(ppm):
                os.unlink(ppm)
            if state.get("mon") is None:
                state["mon"] = _Monitor(monitor_path)
            reply = state["mon"].command(f"screendump {ppm}")
            # screendump returns after writing the file; validate anyway.
            if not os.path.exists(ppm):
                raise VMError(f"screendump did not write {ppm}: {reply or 'no reply'}")
            read_ppm(ppm)
        except (VMError, ValueError, OSError) as e:
            with open(os.path.join(jobdir, f"shot-{shot}.err"), "w") as f:
                f.write(f"{e}\n")
            continue
        shots[shot] = ppm
        open(os.path.join(jobdir, f"shot-{shot}.done"), "w").close()


def _send_input(qmp, batches):
    """Sends the batches in order.  QEMU checks a key name only when its
    batch is sent: if one fails, what is still pressed is released, so that
    no key or button stays down in the guest."""
    def released(ev):
        return dict(ev, data=dict(ev["data"], down=False))

    pressed = []  # key and button events with down=True, not released yet
    try:
        for events in batches:
            qmp.execute("input-send-event", {"device": DISPLAY_ID, "events": events})
            for ev in events:
                if ev["type"] not in ("key", "btn"):
                    continue
                if ev["data"]["down"]:
                    pressed.append(ev)
                else:
                    pressed = [p for p in pressed if released(p) != ev]
    except VMError:
        for ev in reversed(pressed):
            try:
                qmp.execute("input-send-event",
                            {"device": DISPLAY_ID, "events": [released(ev)]})
            except VMError:
                pass
        raise


def _handle_input(jobdir, qmp_path, state):
    """Serve guest input requests (see guest/vm-input): the request file
    holds the vm-input arguments, one per line, and then "end"."""
    replies = state.setdefault("input_replies", {})
    now = time.monotonic()
    # vm-input gives up after 30 s: a reply a minute old is no longer read.
    for path, written in list(replies.items()):
        if now - written > 60:
            try:
                os.unlink(path)
            except OSError:
                pass
            del replies[path]
    for name in sorted(os.listdir(jobdir)):
        m = _INPUT_RE.match(name)
        if not m:
            continue
        req = os.path.join(jobdir, name)
        lines = _read(req).split("\n")
        if lines[-2:] != ["end", ""]:
            continue  # still being written
        os.unlink(req)
        base = os.path.join(jobdir, f"input-{m.group(1)}")
        try:
            if not qmp_path:
                raise VMError("this VM has no input devices (run it with "
                              "input=True, vm.py --input)")
            batches = input_events(lines[:-2])
            if state.get("qmp") is None:
                state["qmp"] = _Qmp(qmp_path)
            _send_input(state["qmp"], batches)
        except (VMError, ValueError, OSError) as e:
            with open(base + ".err", "w") as f:
                f.write(f"{e}\n")
            replies[base + ".err"] = now
            continue
        open(base + ".done", "w").close()
        replies[base + ".done"] = now


def run(command, *, jobdir, modprobe=("virtio_gpu",), timeout=600, cwd=None,
        append="", kernel=None, cache_dir=None, memory=2048, smp=2, vkms=False,
        arch="x86_64", input=False, udev=False):
    """Boot a VM, run `command` (a shell string, via sh -c) and power off.

    With `vkms`, the vkms module (built out of tree, see vkms.py) is loaded
    after the `modprobe` ones, with its overlay, cursor and writeback on;
    `modprobe=()` gives a VM whose only display device is vkms.

    With `input`, the VM has a virtio keyboard and tablet (virtio_input and
    evdev are loaded) that the guest drives with vm-input (guest/vm-input)
    through QMP.  With `udev`, systemd-udevd runs in the guest, started
    after the modules are loaded; "add" events are replayed for
    UDEV_SUBSYSTEMS and the command starts once udev has settled.

    Raises VMError if the VM cannot even be started (missing kernel, busybox,
    module, bad job dir); problems after QEMU started are reported in the
    Result (status None, error set).
    """
    t0 = time.monotonic()
    jobdir = os.path.abspath(jobdir)
    cwd = os.path.abspath(cwd or os.getcwd())
    for what, path in (("job dir", jobdir), ("checkout", REPO)):
        if re.search(r"[\s\"']", path):
            raise VMError(f"{what} path must not contain spaces or quotes: {path!r}")
    if isinstance(modprobe, str):
        modprobe = (modprobe,)
    modprobe = tuple(m for item in modprobe for m in item.split(",") if m)
    os.makedirs(jobdir, exist_ok=True)
    _clean_jobdir(jobdir)

    if arch not in ARCHES:
        raise VMError(f"unknown arch {arch!r} (one of {', '.join(ARCHES)})")
    spec = ARCHES[arch]
    if spec.foreign:
        modprobe = ()  # the guest tree has no modules for this kernel
        if input or udev:
            raise VMError(f"input and udev are for the x86_64 VM only, not for {arch}")
    if input:
        modprobe += tuple(m for m in ("virtio_input", "evdev") if m not in modprobe)
    if udev and not os.path.exists("/lib/systemd/systemd-udevd"):
        raise VMError("/lib/systemd/systemd-udevd not found (install udev: scripts/deps.sh vm)")
    kernel = kernel or default_kernel(arch)
    if not os.path.exists(kernel):
        raise VMError(f"kernel {kernel} does not exist")
    kver = kernel_version(kernel)
    cache_dir = cache_dir or os.environ.get("SCANOUT_VM_CACHE") or \
        os.path.join(REPO, "build", "vm-cache")
    initrd = build_initramfs(kver, cache_dir, arch)
    if vkms:
        if spec.foreign:
            raise VMError(f"vkms is built for the x86_64 VM kernel only, not for {arch}")
        try:
            # Into the job dir: the cache may live where the guest cannot see it.
            shutil.copyfile(_vkms.module(kver, cache_dir), os.path.join(jobdir, "vkms.ko"))
        except _vkms.VkmsError as e:
            raise VMError(f"vkms: {e}")
    _write_guest_run(jobdir, command, modprobe, cwd, vkms, arch, udev)
    qemu = shutil.which(spec.qemu)
    if not qemu:
        raise VMError(f"{spec.qemu} not found (install "
                      f"{'qemu-system-arm' if spec.foreign else 'qemu-system-x86'})")

    # Unix socket paths are limited to 108 bytes; fall back to /tmp.
    sockdir = None
    monitor_path = os.path.join(jobdir, "monitor.sock")
    if len(monitor_path) > 100:
        sockdir = tempfile.mkdtemp(prefix="scanout-vm-")
        monitor_path = os.path.join(sockdir, "monitor.sock")
    qmp_path = os.path.join(os.path.dirname(monitor_path), "qmp.sock") if input else None
    for path in (monitor_path, qmp_path):
        if path and os.path.exists(path):
            os.unlink(path)
    serial_path = os.path.join(jobdir, "serial.log")

    cmdline = (f"console={spec.console} quiet loglevel=3 panic=-1 scanout.job={jobdir} "
               f"scanout.keep={REPO}")
    if spec.foreign:
        cmdline += " scanout.foreign=1"
    if append:
        cmdline += " " + append
    argv = [
        qemu, "-nodefaults", "-no-user-config", "-no-reboot", *spec.machine,
        "-accel", "tcg,thread=multi", "-cpu", spec.cpu,
        "-m", str(memory), "-smp", str(smp),
        "-display", "none", *spec.video, "-device", f"virtio-gpu-pci,id={DISPLAY_ID}",
        "-kernel", kernel, "-initrd", initrd, "-append", cmdline,
        "-serial", f"file:{serial_path}",
        "-monitor", f"unix:{monitor_path},server=on,wait=off",
        # multidevs=remap: / spans several host filesystems; keeps inode
        # numbers unique in the guest.
        "-virtfs", f"local,path=/,mount_tag={HOSTROOT_TAG},security_model=none,"
                   "readonly=on,multidevs=remap",
        "-virtfs", f"local,path={jobdir},mount_tag={JOB_TAG},security_model=none,"
                   "multidevs=remap",
    ]
    if input:
        argv += [
            "-device", f"virtio-keyboard-pci,id={KEYBOARD_ID},display={DISPLAY_ID}",
            "-device", f"virtio-tablet-pci,id={TABLET_ID},display={DISPLAY_ID}",
            "-qmp", f"unix:{qmp_path},server=on,wait=off",
        ]
    with open(os.path.join(jobdir, "qemu-cmd"), "w") as f:
        f.write(shlex.join(argv) + "\n")

    qemu_log = open(os.path.join(jobdir, "qemu.log"), "wb")
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=qemu_log,
                            stderr=subprocess.STDOUT, preexec_fn=_set_pdeathsig)
    shots = {}
    state = {}
    timed_out = False
    status_path = os.path.join(jobdir, "status")
    status_seen = None
    try:
        deadline = t0 + timeout
        while proc.poll() is None:
            now = time.monotonic()
            if now > deadline:
                timed_out = True
                break
            _handle_shots(jobdir, monitor_path, state, shots)
            _handle_input(jobdir, qmp_path, state)
            if status_seen is None and os.path.exists(status_path):
                status_seen = now
            # The guest powers off right after writing the status; do not
            # wait forever if that somehow does not happen.
            if status_seen is not None and now - status_seen > 20:
                break
            time.sleep(0.05)
    finally:
        for conn in ("mon", "qmp"):
            if state.get(conn):
                state[conn].close()
        _kill(proc)
        qemu_log.close()
        if sockdir:
            shutil.rmtree(sockdir, ignore_errors=True)
        else:
            for path in (monitor_path, qmp_path):
                if path and os.path.exists(path):
                    os.unlink(path)

    res = Result(status=None, output=_read(os.path.join(jobdir, "output.log")),
                 shots=shots, serial=_read(serial_path), timed_out=timed_out,
                 booted=os.path.exists(os.path.join(jobdir, "started")),
                 qemu_returncode=proc.returncode, jobdir=jobdir)
    st = _read(status_path).strip()
    if st and not timed_out:
        try:
            res.status = int(st)
        except ValueError:
            res.error = f"bad status file {status_path}: {st!r}"
    if res.status is None and res.error is None:
        fails = re.findall(r"scanout-vm: FAIL: (.*)", res.serial)
        setup_error = _read(os.path.join(jobdir, "setup-error")).strip()
        if timed_out:
            res.error = (f"timed out after {timeout} s "
                         f"({'command was running' if res.booted else 'guest never reached the command'})")
        elif setup_error:
            res.error = f"guest setup failed: {setup_error}"
        elif fails:
            res.error = f"guest init failed: {fails[-1].strip()}"
        elif proc.returncode not in (0, None) and proc.returncode > 0:
            res.error = (f"QEMU exited with code {proc.returncode}: "
                         f"{tail(_read(os.path.join(jobdir, 'qemu.log')), 10)}")
        elif not res.booted:
            res.error = ("VM stopped before the command started "
                         f"(QEMU exit code {proc.returncode}); see {serial_path}")
        else:
            res.error = ("command started but no status was written (guest "
                         f"crashed or powered off early); see {serial_path}")
    res.seconds = time.monotonic() - t0
    return res


# ---------------------------------------------------------------------------
# CLI

def _sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Run COMMAND inside a QEMU VM (host root over 9p, "
                    "virtio-gpu display).  A single COMMAND argument is a shell "
                    "string; several are shell-quoted and joined.",
        usage="%(prog)s [options] -- COMMAND...")
    ap.add_argument("--job", help="job directory (default: a new directory "
                    "under <repo>/build/vm-jobs)")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds for the whole run (default 600)")
    ap.add_argument("--modprobe", action="append",
                    help="guest modules to load (repeatable or comma list; "
                    "default virtio_gpu; pass '' for none)")
    ap.add_argument("--vkms", action="store_true",
                    help="also load vkms (built out of tree and cached) with "
                    "overlay, cursor and writeback")
    ap.add_argument("--input", action="store_true",
                    help="add a virtio keyboard and tablet, driven from the guest "
                    "with vm-input (through QMP)")
    ap.add_argument("--udev", action="store_true",
                    help="run systemd-udevd in the guest (devices of the input, drm "
                    "and video4linux subsystems initialized before COMMAND)")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--kernel", help="kernel image (default: newest "
                    "/boot/vmlinuz-*-amd64, or build/vm-arm64/boot/vmlinuz-*-arm64)")
    ap.add_argument("--arch", choices=sorted(ARCHES), default="x86_64",
                    help="guest architecture (default x86_64; aarch64 runs "
                    "cross-built programs, see scripts/cross.sh)")
    ap.add_argument("--cwd", help="guest working directory (default: current)")
    ap.add_argument("--png", action="store_true",
                    help="also convert screenshots to NAME.png")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)

    command = args.command
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        ap.error("no COMMAND given")
    command = command[0] if len(command) == 1 else shlex.join(command)
    modprobe = ("virtio_gpu",) if args.modprobe is None else tuple(args.modprobe)

    jobdir = args.job
    if not jobdir:
        base = os.path.join(REPO, "build", "vm-jobs")
        os.makedirs(base, exist_ok=True)
        jobdir = tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=base)

    signal.signal(signal.SIGTERM, _sigterm)
    try:
        res = run(command, jobdir=jobdir, modprobe=modprobe, timeout=args.timeout,
                  cwd=args.cwd, append=args.append, kernel=args.kernel,
                  vkms=args.vkms, arch=args.arch, input=args.input, udev=args.udev)
    except VMError as e:
        print(f"vm.py: VM failed to start: {e}", file=sys.stderr)
        return 125
    except KeyboardInterrupt:
        print("vm.py: interrupted; QEMU killed", file=sys.stderr)
        return 130

    sys.stdout.write(res.output)
    sys.stdout.flush()
    if args.png:
        for name, ppm in sorted(res.shots.items()):
            w, h, rgb = read_ppm(ppm)
            write_png(ppm[:-4] + ".png", w, h, rgb)
    for name, ppm in sorted(res.shots.items()):
        print(f"vm.py: screenshot {name}: {ppm}", file=sys.stderr)
    if res.status is not None:
        return res.status
    print(f"vm.py: {res.error}\nvm.py: job dir {res.jobdir}\n"
          f"--- last 40 lines of {os.path.join(res.jobdir, 'serial.log')} ---\n"
          f"{tail(res.serial)}", file=sys.stderr)
    return 124 if res.timed_out else 125


if __name__ == "__main__":
    sys.exit(main())
