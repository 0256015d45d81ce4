#!/bin/sh
# Install the Debian packages a task needs, skipping those already installed.
#   scripts/deps.sh build   compiler, CMake, the runtime's and the drivers' -dev packages
#   scripts/deps.sh vm      QEMU, Debian's kernel, busybox and Mesa for the test VM, udev
#                           and seatd for its input and seat tests, and what building
#                           vkms for that kernel takes
#   scripts/deps.sh bench   the peer tools the benchmarks run (kmscube; GStreamer's
#                           v4l2src and kmssink with gst-launch-1.0)
#   scripts/deps.sh cross   cross compilers for arm64 and armhf, the arm64 -dev
#                           packages (Debian multiarch), qemu-user and, for the
#                           aarch64 test VM, qemu-system-arm and arm64 Mesa
# Several groups may be given at once. Needs root or sudo. docs/dependencies.md says why
# each package is here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

packages=
vm=
for group in "$@"; do
    case "$group" in
    build) packages="$packages g++ make cmake pkg-config python3 libdrm-dev libgbm-dev libegl-dev libgles-dev libpng-dev libinih-dev"
        packages="$packages libinput-dev libudev-dev libxkbcommon-dev xkb-data libseat-dev" ;;
    vm)
        packages="$packages qemu-system-x86 linux-image-amd64 busybox-static libgl1-mesa-dri libegl-mesa0 libdrm-tests"
        packages="$packages udev seatd libinput10 libseat1"
        packages="$packages gcc make xz-utils python3"
        vm=1
        ;;
    bench) packages="$packages time kmscube gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad" ;;
    cross) packages="$packages crossbuild-essential-arm64 crossbuild-essential-armhf qemu-user-static
        libdrm-dev:arm64 libgbm-dev:arm64 libegl-dev:arm64 libgles-dev:arm64 libinih-dev:arm64
        libpng-dev:arm64 libinput-dev:arm64 libudev-dev:arm64 libxkbcommon-dev:arm64
        qemu-system-arm libgl1-mesa-dri:arm64 libegl-mesa0:arm64" ;;
    *) echo "deps.sh: unknown group '$group' (build, vm, bench, cross)" >&2; exit 2 ;;
    esac
done
[ -n "$packages" ] || { echo "usage: scripts/deps.sh build|vm|bench|cross..." >&2; exit 2; }

sudo=
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
fi
updated=

# install PACKAGE...: apt-get installs those not installed yet.
install() {
    missing=
    for pkg in "$@"; do
        case "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
        esac
    done
    [ -n "$missing" ] || return 0
    if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
        echo "deps: need root or sudo to install:$missing" >&2
        exit 1
    fi
    echo "deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # Packages named pkg:ARCH (multiarch) need ARCH known to dpkg before apt-get update.
    for arch in $(printf '%s\n' $missing | sed -n 's/.*:\([a-z0-9]*\)$/\1/p' | sort -u); do
        if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
            echo "deps: adding dpkg architecture $arch"
            $sudo dpkg --add-architecture "$arch"
            updated=
        fi
    done
    if [ -z "$updated" ]; then
        $sudo apt-get update -q
        updated=1
    fi
    # shellcheck disable=SC2086
    $sudo apt-get install -y -q --no-install-recommends $missing
}

# shellcheck disable=SC2086
install $packages

if [ -n "$vm" ]; then
    # vkms is built from the kernel source of the VM kernel's series (linux-source-6.1)
    # against the headers of the kernel the VM boots, which is the one tests/vm/vm.py
    # picks (the newest /boot/vmlinuz-*-amd64), not the host's uname -r.
    # linux-headers-amd64 would follow the archive's newest kernel instead, which is
    # not the installed one when linux-image-amd64 is held back or was installed earlier.
    kver=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import vm
print(vm.kernel_version(vm.default_kernel()))' "$here/../tests/vm") || {
        echo "deps: cannot tell the VM's kernel version (tests/vm/vm.py)" >&2
        exit 1
    }
    install "linux-headers-$kver" "linux-source-$(echo "$kver" | cut -d. -f1,2)"
fi
echo "deps: all present for: $*"
