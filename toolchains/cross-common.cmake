# SPDX-License-Identifier: MIT
#
# Shared part of the cross toolchain files. The per-target file sets
#   SCANOUT_TRIPLET      GNU triplet and Debian multiarch directory (aarch64-linux-gnu)
#   SCANOUT_CPU          CMAKE_SYSTEM_PROCESSOR (aarch64, arm)
#   SCANOUT_QEMU_NAME    the qemu-user binary that runs the target's programs
# and includes this file. Knobs (cache or environment variables, documented in
# toolchains/README.md):
#   SCANOUT_SYSROOT       a Yocto/Buildroot SDK sysroot (or CMAKE_SYSROOT); empty:
#                         Debian multiarch (/usr/lib/<triplet>)
#   SCANOUT_CROSS_COMPILE compiler prefix; default <triplet>- (Debian's cross gcc)
#   SCANOUT_QEMU          the emulator ctest runs the unit tests with; OFF for none

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${SCANOUT_CPU})

# try_compile() re-reads this file in a fresh project: hand the knobs on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES
     SCANOUT_SYSROOT SCANOUT_CROSS_COMPILE SCANOUT_QEMU)

foreach(_knob SCANOUT_SYSROOT SCANOUT_CROSS_COMPILE SCANOUT_QEMU)
  if(NOT DEFINED ${_knob} AND DEFINED ENV{${_knob}})
    set(${_knob} "$ENV{${_knob}}")
  endif()
endforeach()
if(NOT SCANOUT_SYSROOT AND CMAKE_SYSROOT)
  set(SCANOUT_SYSROOT "${CMAKE_SYSROOT}")
endif()
if(NOT DEFINED SCANOUT_CROSS_COMPILE)
  set(SCANOUT_CROSS_COMPILE "${SCANOUT_TRIPLET}-")
endif()

# An SDK's environment script (Yocto's environment-setup-*) exports CC and
# CXX with the right -mcpu and --sysroot flags: those win over the prefix.
if(NOT CMAKE_C_COMPILER AND NOT DEFINED ENV{CC})
  set(CMAKE_C_COMPILER "${SCANOUT_CROSS_COMPILE}gcc")
endif()
if(NOT CMAKE_CXX_COMPILER AND NOT DEFINED ENV{CXX})
  set(CMAKE_CXX_COMPILER "${SCANOUT_CROSS_COMPILE}g++")
endif()

if(SCANOUT_SYSROOT)
  # An SDK sysroot: headers, libraries and .pc files all come from it.
  # Yocto and Buildroot put libraries in /usr/lib; a Debian-style sysroot
  # (debootstrap, or scripts/cross.sh) in /usr/lib/<triplet>. Both are searched.
  set(CMAKE_SYSROOT "${SCANOUT_SYSROOT}")
  set(CMAKE_FIND_ROOT_PATH "${SCANOUT_SYSROOT}")
  set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
  set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${SCANOUT_SYSROOT}")
  set(ENV{PKG_CONFIG_LIBDIR}
      "${SCANOUT_SYSROOT}/usr/lib/${SCANOUT_TRIPLET}/pkgconfig:${SCANOUT_SYSROOT}/usr/lib/pkgconfig:${SCANOUT_SYSROOT}/usr/share/pkgconfig")
  set(_scanout_qemu_root "${SCANOUT_SYSROOT}")
else()
  # Debian multiarch: the target's libraries live beside the host's in
  # /usr/lib/<triplet> (apt-get install libdrm-dev:arm64 ...). PKG_CONFIG_LIBDIR
  # replaces pkg-config's default path, so no host .pc file is ever found.
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${SCANOUT_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
  set(_scanout_qemu_root "/")
endif()
# CMake's FindPkgConfig would add the host's prefix paths otherwise.
set(PKG_CONFIG_USE_CMAKE_PREFIX_PATH OFF)
unset(ENV{PKG_CONFIG_PATH})

# ctest runs cross-built programs through qemu-user. -L is where the emulator
# looks first for absolute paths, i.e. the program's ELF interpreter
# (/lib/ld-linux-aarch64.so.1) and the libraries the interpreter opens. With
# multiarch they are on the host at those very paths, so "/" is right; with a
# sysroot they are below it.
if(NOT DEFINED SCANOUT_QEMU)
  find_program(SCANOUT_QEMU_PROGRAM ${SCANOUT_QEMU_NAME})
  set(SCANOUT_QEMU "${SCANOUT_QEMU_PROGRAM}")
endif()
if(SCANOUT_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${SCANOUT_QEMU};-L;${_scanout_qemu_root}")
endif()
