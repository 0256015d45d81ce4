# SPDX-License-Identifier: MIT
"""vkms for the test VM, built out of tree.

Debian's kernel config leaves CONFIG_DRM_VKMS off, so the module is built at
test time from the drivers/gpu/drm/vkms folder of Debian's linux-source-X.Y
package against linux-headers-<guest kernel>.  The result is cached in the
VM cache directory, keyed by the kernel release and both package versions, so
it is rebuilt only when one of those changes (about 9 s to extract the folder
from the source tarball, 5 s to build it).

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
    key = hashlib.sha256("\n".join(versions + list(PARAMS)).encode()).hexdigest()[:16]
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
