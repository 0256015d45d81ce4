# SPDX-License-Identifier: MIT
# Cross-build for 64-bit ARM Linux (Raspberry Pi 4/5, i.MX8M, RK3568/RK3588,
# AM62x): cmake -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux-gnu.cmake, or
# the arm64 preset. Knobs and examples: toolchains/README.md.
set(SCANOUT_TRIPLET aarch64-linux-gnu)
set(SCANOUT_CPU aarch64)
set(SCANOUT_QEMU_NAME qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
