#!/bin/sh
# Benchmark scanout-demo against kmscube in one VM run, same frame count and mode.
# Not a test: figures only.
#   bench/run.sh [FRAMES]      default 300 frames at the VM's 1280x800
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build vm bench
cmake --preset release
cmake --build --preset release -j "$(nproc)"
python3 bench/bench.py --build build/release --frames "${1:-300}"
