#!/bin/sh
# Benchmarks, each in one VM run. Not tests: figures only (bench/README.md).
#   bench/run.sh [FRAMES]          scanout-demo against kmscube, FRAMES (300) at the VM's 1280x800
#   bench/run.sh camera [FRAMES]   scanout-cam against v4l2src ! kmssink, vivid to vkms,
#                                  FRAMES (300) per run, the release build and the static
#                                  preset's; extra options go to bench/cam.py
set -eu
cd "$(dirname "$0")/.."
what=demo
if [ "${1:-}" = camera ] || [ "${1:-}" = demo ]; then
    what=$1
    shift
fi
frames=300
case "${1:-}" in
[0-9]*) frames=$1; shift ;;
esac
scripts/deps.sh build vm bench
cmake --preset release
cmake --build --preset release -j "$(nproc)"
if [ "$what" = camera ]; then
    cmake --preset static
    cmake --build --preset static -j "$(nproc)" --target scanout-cam
    python3 bench/cam.py --build build/release --static build/static/apps/scanout-cam \
        --frames "$frames" "$@"
else
    python3 bench/bench.py --build build/release --frames "$frames" "$@"
fi
