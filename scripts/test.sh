#!/bin/sh
# Build scanout and run every test: unit tests, then the VM tests on QEMU,
# then the static preset (built and started), then the cross builds for
# arm64 and armhf with their unit tests under qemu-user and the aarch64 VM
# smoke test (scripts/cross.sh).
#   scripts/test.sh            debug build, all tests, cross builds included
#   scripts/test.sh -L unit    extra arguments go to ctest, for the host build
#                              only (scripts/cross.sh runs the cross part alone)
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh build vm
cmake --preset debug
cmake --build --preset debug -j "$(nproc)"
ctest --preset debug "$@"
if [ $# -eq 0 ]; then
    # The smallest-footprint build (what the RSS figures are measured on) must
    # keep building, with libstdc++ linked in rather than loaded.
    cmake --preset static
    cmake --build --preset static -j "$(nproc)"
    build/static/apps/scanout-cam --help > /dev/null
    if ldd build/static/apps/scanout-cam | grep -q 'libstdc++'; then
        echo "test.sh: build/static/apps/scanout-cam loads libstdc++ (it should link it in)" >&2
        exit 1
    fi
    scripts/cross.sh
fi
