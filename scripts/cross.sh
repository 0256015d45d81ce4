#!/bin/sh
# Cross-build scanout for ARM boards and test what was built:
#   scripts/cross.sh              arm64 and armhf
#   scripts/cross.sh arm64        one target (arm64 or armhf)
#
# arm64: Debian's cross compiler with the multiarch arm64 -dev packages
#        (toolchains/aarch64-linux-gnu.cmake's default). ctest runs the unit
#        tests under qemu-aarch64 and the aarch64 VM smoke test, which boots
#        Debian's arm64 kernel in qemu-system-aarch64 and runs the cross-built
#        scanout-info and scanout-demo on virtio-gpu.
# armhf: Debian's cross compiler with a sysroot of Debian armhf packages
#        unpacked under build/sysroots/armhf, i.e. the SCANOUT_SYSROOT path a
#        Yocto or Buildroot SDK takes. The sysroot is independent of the
#        host's package versions (multiarch needs both to match exactly, and
#        armhf security updates do not always arrive with the amd64 ones).
#        ctest runs the unit tests under qemu-arm.
# Timings of each step are printed at the end.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
targets=${*:-arm64 armhf}
jobs=$(nproc)
timings=

now() { date +%s; }
timed() {
    what=$1
    shift
    t0=$(now)
    "$@"
    timings="$timings
  $what: $(($(now) - t0)) s"
}

# Debian packages unpacked (not installed) into a directory, with the
# dependencies apt resolves for that architecture. apt runs on private
# lists and an empty dpkg status, so the host's package state is untouched.
armhf_sysroot_packages="libc6-dev libstdc++6 libgcc-s1 libdrm-dev libgbm-dev libegl-dev libgles-dev libinih-dev libpng-dev libinput-dev libudev-dev libxkbcommon-dev"
make_sysroot() {
    arch=$1 dir=$2
    stamp="$dir/.scanout-sysroot"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$armhf_sysroot_packages" ]; then
        echo "cross: sysroot $dir is up to date"
        return 0
    fi
    work="$top/build/sysroots/.apt-$arch"
    rm -rf "$dir" "$work"
    mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/state" "$dir"
    : > "$work/state/status"
    set -- -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" \
        -o "Dir::State::Lists=$work/lists" -o "Dir::State::status=$work/state/status" \
        -o "Dir::State::extended_states=$work/state/extended_states" \
        -o "Dir::Cache::archives=$work/archives" -o Dir::Cache::pkgcache= \
        -o Dir::Cache::srcpkgcache= -o Debug::NoLocking=1
    # An index that fails to download (a mirror in sync) is reported by apt
    # and left out; the install below fails if a needed package is missing.
    apt-get -q "$@" update || echo "cross: apt-get update for $arch reported errors; going on with the indexes it got"
    # shellcheck disable=SC2086
    apt-get -q -y "$@" --download-only --no-install-recommends install $armhf_sysroot_packages
    for deb in "$work"/archives/*.deb; do
        # Mesa's drivers and LLVM are loaded at run time only: not needed to link or unit-test.
        case "$(basename "$deb")" in
        libllvm*|libgl1-mesa-dri_*|libz3-*|libicu*) continue ;;
        esac
        dpkg-deb -x "$deb" "$dir"
    done
    # -dev packages link libfoo.so to absolute paths; inside a sysroot they must stay inside it.
    find "$dir" -type l -lname '/*' | while read -r link; do
        ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$dir$(readlink "$link")")" "$link"
    done
    rm -rf "$work"
    echo "$armhf_sysroot_packages" > "$stamp"
}

# Debian's arm64 kernel (with its modules) and a static arm64 busybox for the
# aarch64 test VM, unpacked under build/vm-arm64: they cannot be installed
# beside the host's own kernel and busybox.
vm_arm64_root() {
    dir="$top/build/vm-arm64"
    kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-arm64\).*/\1/p' | head -1)
    [ -n "$kpkg" ] || { echo "cross: cannot tell which arm64 kernel linux-image-arm64 depends on" >&2; exit 1; }
    if [ -f "$dir/.scanout-kernel" ] && [ "$(cat "$dir/.scanout-kernel")" = "$kpkg" ]; then
        echo "cross: $dir has $kpkg"
        return 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir/debs"
    # apt's _apt user downloads; it must be able to write there.
    chmod 777 "$dir/debs"
    (cd "$dir/debs" && apt-get -q download "$kpkg:arm64" busybox-static:arm64)
    for deb in "$dir"/debs/*.deb; do
        dpkg-deb -x "$deb" "$dir"
    done
    rm -rf "$dir/debs"
    # modules.dep is made by the package's postinst, which unpacking skips.
    depmod -b "$dir" "${kpkg#linux-image-}"
    echo "$kpkg" > "$dir/.scanout-kernel"
}

scripts/deps.sh build vm cross

for target in $targets; do
    case "$target" in
    arm64)
        timed "arm64 kernel and busybox for the VM" vm_arm64_root
        timed "arm64 configure" cmake --preset arm64
        timed "arm64 build" cmake --build --preset arm64 -j "$jobs"
        timed "arm64 tests (unit under qemu-aarch64, aarch64 VM smoke)" ctest --preset arm64
        ;;
    armhf)
        timed "armhf sysroot" make_sysroot armhf "$top/build/sysroots/armhf"
        timed "armhf configure" cmake --preset armhf -DSCANOUT_SYSROOT="$top/build/sysroots/armhf"
        timed "armhf build" cmake --build --preset armhf -j "$jobs"
        timed "armhf tests (unit under qemu-arm)" ctest --preset armhf
        ;;
    *)
        echo "cross.sh: unknown target '$target' (arm64, armhf)" >&2
        exit 2
        ;;
    esac
done
echo "cross: timings:$timings"
