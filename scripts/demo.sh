#!/bin/sh
# Build scanout, boot the QEMU virtual board with a virtio-gpu display, run
# scanout-demo on it and save the screen mid-run as out/demo/screen.png.
#   scripts/demo.sh [scanout-demo options, e.g. --legacy or --mode 1024x768]
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh build vm
cmake --preset release
cmake --build --preset release -j "$(nproc)"
python3 scripts/vm_demo.py --build build/release --out out/demo -- "$@"
