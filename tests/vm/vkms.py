# SPDX-License-Identifier: MIT
"""vkms for the test VM, built out of tree.

Debian's kernel config leaves CONFIG_DRM_VKMS off, so the module is built at
test time from the drivers/gpu/drm/vkms folder of Debian's linux-source-X.Y
package against linux-headers-<guest kernel>.  The result is cached in the
VM cache directory, keyed by the kernel release and both package versions, so
it is rebuilt only when one of those changes (about 9 s to extract the folder
from the source tarball, 5 s to build it).

One fix is applied to the 6.1 source before the build (_fix_vblank_deadlock):
turning vblank off (every modeset, and every writeback capture, which routes
the display connector off and back) can deadlock the guest there. Later
kernels fixed it the same way.

Only the standard library is used.
"""

import glob
import hashlib
import os
import re
import shutil
import subprocess
import tempfile

# Module parameters: vkms 6.1 offers no overlay, writeback or cursor unless asked.
PARAMS = ("enable_overlay=1", "enable_writeback=1", "enable_cursor=1")
# What vkms needs loaded first (insmod resolves no dependencies).
DEPENDS = ("drm_kms_helper", "drm_shmem_helper")


class VkmsError(Exception):
    """vkms.ko could not be provided (missing package, failed build)."""


# Part of the cache key: a module built before the fix (or without it) is rebuilt.
FIXES = ("vblank-off-deadlock-1",)


def _fix_vblank_deadlock(src):
    """vkms 6.1's vkms_disable_vblank() waits, in hrtimer_cancel(), for a
    running vblank timer callback, while drm_crtc_vblank_off() holds the
    event and vblank locks with interrupts off; the callback, on the other
    CPU, spins on those same locks in drm_crtc_handle_vblank(). Both CPUs
    spin with interrupts off and the guest freezes without a message (seen
    in vm_shot's writeback captures on a loaded host, with and without the
    runtime's own changes). The fix: do not wait for the callback, and let
    the callback stop its timer once it finds vblank off."""
    path = os.path.join(src, "vkms_crtc.c")
    with open(path) as f:
        text = f.read()
    if "hrtimer_try_to_cancel(&out->vblank_hrtimer)" in text:
        return  # a source that has it already
    cancel = "\thrtimer_cancel(&out->vblank_hrtimer);\n"
    handle = ("\tret = drm_crtc_handle_vblank(crtc);\n"
              "\tif (!ret)\n"
              "\t\tDRM_ERROR(\"vkms failure on handling vblank\");\n")
    if text.count(cancel) != 1 or text.count(handle) != 1:
        raise VkmsError(f"{path}: not the vkms 6.1 code the vblank deadlock fix expects; "
                        "check whether this source still needs it (tests/vm/vkms.py)")
    text = text.replace(cancel, "\thrtimer_try_to_cancel(&out->vblank_hrtimer);\n")
    text = text.replace(handle,
                        "\tret = drm_crtc_handle_vblank(crtc);\n"
                        "\tif (!ret) {\n"
                        "\t\t/* vblank is off: stop, as vkms_disable_vblank() no longer waits */\n"
                        "\t\tspin_unlock(&output->lock);\n"
                        "\t\tdma_fence_end_signalling(fence_cookie);\n"
                        "\t\treturn HRTIMER_NORESTART;\n"
                        "\t}\n")
    with open(path, "w") as f:
        f.write(text)


def _package_version(name):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return out.stdout.strip() if out.returncode == 0 else ""


def _source(kver):
    """(package name, tarball path, top folder) of the kernel source for `kver`."""
    m = re.match(r"(\d+\.\d+)", kver)
    if not m:
        raise VkmsError(f"cannot tell the kernel series of {kver!r}")
    series = m.group(1)
    package = f"linux-source-{series}"
    tarballs = sorted(glob.glob(f"/usr/src/{package}.tar.*"))
    if not tarballs:
        raise VkmsError(f"/usr/src/{package}.tar.* not found: install {package} "
                        "(scripts/deps.sh vm)")
    return package, tarballs[0], package


def module(kver, cache_dir):
    """Path of a vkms.ko for kernel `kver`, built if not cached yet."""
    build = f"/lib/modules/{kver}/build"
    if not os.path.isdir(build):
        raise VkmsError(f"{build} not found: install linux-headers-{kver} "
                        "(scripts/deps.sh vm)")
    package, tarball, top = _source(kver)
    versions = [kver, package, _package_version(package), _package_version(f"linux-headers-{kver}")]
    key = hashlib.sha256("\n".join(versions + list(PARAMS) + list(FIXES)).encode()).hexdigest()[:16]
    out = os.path.join(cache_dir, f"vkms-{kver}-{key}.ko")
    if os.path.exists(out):
        return out

    if not shutil.which("make"):
        raise VkmsError("make not found (scripts/deps.sh vm)")
    os.makedirs(cache_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="vkms-build-", dir=cache_dir)
    try:
        folder = f"{top}/drivers/gpu/drm/vkms"
        # Only this folder: the whole tree is over a gigabyte.
        run = subprocess.run(["tar", "-xf", tarball, "-C", work, folder],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0:
            raise VkmsError(f"extracting {folder} from {tarball} failed: {run.stdout.strip()}")
        src = os.path.join(work, folder)
        _fix_vblank_deadlock(src)
        run = subprocess.run(["make", "-C", build, f"M={src}", "CONFIG_DRM_VKMS=m", "modules"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ko = os.path.join(src, "vkms.ko")
        if run.returncode != 0 or not os.path.exists(ko):
            tail = "\n".join(run.stdout.rstrip().split("\n")[-15:])
            raise VkmsError(f"building vkms from {tarball} against {build} failed "
                            f"(make exit {run.returncode}):\n{tail}")
        # Write-then-rename so concurrent runs never see a partial file.
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        os.close(fd)
        shutil.copyfile(ko, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out
