#!/bin/sh
# Benchmark scanout-demo against the peer tools in one VM run, same frame count:
# kmscube (legacy and atomic) and GStreamer's kmssink. Not a test: figures only.
#   bench/run.sh [FRAMES]      default 300 frames at the VM's 1280x800
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build vm bench
cmake --preset release
cmake --build --preset release -j "$(nproc)"
python3 bench/bench.py --build build/release --frames "${1:-300}"
