# SPDX-License-Identifier: MIT
# Cross-build for 32-bit ARM Linux with hard float (STM32MP1, Raspberry Pi
# OS 32-bit, i.MX6): cmake -DCMAKE_TOOLCHAIN_FILE=toolchains/arm-linux-gnueabihf.cmake,
# or the armhf preset. Knobs and examples: toolchains/README.md.
set(SCANOUT_TRIPLET arm-linux-gnueabihf)
set(SCANOUT_CPU arm)
set(SCANOUT_QEMU_NAME qemu-arm-static)
# GCC notes that std::map/vector iterators are passed differently than before
# GCC 7.1: every part of the image is built by this compiler, so it is noise.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
