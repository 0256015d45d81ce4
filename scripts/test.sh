#!/bin/sh
# Build scanout and run every test: unit tests, then the VM tests on QEMU.
#   scripts/test.sh            debug build, all tests
#   scripts/test.sh -L unit    extra arguments go to ctest
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh build vm
cmake --preset debug
cmake --build --preset debug -j "$(nproc)"
ctest --preset debug "$@"
