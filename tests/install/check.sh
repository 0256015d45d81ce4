#!/bin/sh
# Installs the build tree into a scratch prefix, then checks what a user gets:
# the apps, the headers (free of libdrm/GBM/EGL, and libinput/xkbcommon, includes),
# find_package(scanout) with scanout::runtime and scanout::input, and pkg-config,
# the libseat session module beside libscanout.so, which itself needs no libseat, and the
# GL and PNG modules beside it too, so libscanout.so itself needs no libpng.
#   check.sh BUILD_DIR SOURCE_DIR [SEAT_MODULE]    (SEAT_MODULE: libscanout-seat.so.0, if built)
set -eu
build=$1
src=$2
seat_module=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
for f in bin/scanout-info bin/scanout-demo include/scanout/display.h; do
    [ -e "$work/prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
libdir=$(ls -d "$work"/prefix/lib* | head -1)
[ -e "$libdir/pkgconfig/scanout.pc" ] || { echo "FAIL: scanout.pc not installed"; exit 1; }
# The GL renderer and the PNG encoder are loaded at run time from beside libscanout.so.
for module in libscanout-gl.so.0 libscanout-png.so.0; do
    [ -e "$libdir/$module" ] || { echo "FAIL: $module not beside libscanout"; exit 1; }
done
[ -e "$libdir/cmake/scanout/scanoutConfig.cmake" ] || { echo "FAIL: CMake package not installed"; exit 1; }
if [ -n "$seat_module" ]; then
    [ -e "$libdir/$seat_module" ] || { echo "FAIL: $seat_module not installed beside libscanout"; exit 1; }
fi
# libseat (and libsystemd behind it) is loaded with the module, never with libscanout.
for lib in "$libdir"/libscanout*.so.*; do
    [ -e "$lib" ] || continue
    case "$lib" in *libscanout-seat.*) continue ;; esac
    if readelf -d "$lib" | grep -E 'NEEDED.*lib(seat|systemd)'; then
        echo "FAIL: $(basename "$lib") links libseat; only $seat_module may"
        exit 1
    fi
done

# libpng (and zlib behind it) is loaded with the PNG module, never with libscanout.
for lib in "$libdir"/libscanout.so.*; do
    if readelf -d "$lib" | grep -E 'NEEDED.*lib(png|z)'; then
        echo "FAIL: $(basename "$lib") links libpng; only libscanout-png.so may"
        exit 1
    fi
done

if grep -nE '#include *<(xf86drm|xf86drmMode|drm|drm_fourcc|gbm|EGL/|GLES)' "$work"/prefix/include/scanout/*.h; then
    echo "FAIL: a public header includes libdrm, GBM or EGL"
    exit 1
fi
[ -e "$work/prefix/include/scanout/input/input.h" ] || { echo "FAIL: scanout/input/input.h not installed"; exit 1; }
if grep -nE '#include *<(libinput|libudev|xkbcommon/)' "$work"/prefix/include/scanout/input/*.h; then
    echo "FAIL: a public input header includes libinput, libudev or xkbcommon"
    exit 1
fi

cmake -S "$src/tests/install" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/consumer.log" ||
    { cat "$work/consumer.log"; echo "FAIL: find_package(scanout)"; exit 1; }
cmake --build "$work/consumer" > "$work/build.log" || { cat "$work/build.log"; echo "FAIL: consumer build"; exit 1; }
out=$(LD_LIBRARY_PATH="$libdir" "$work/consumer/consumer")
[ "$out" = "XR24" ] || { echo "FAIL: consumer printed '$out'"; exit 1; }

flags=$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs scanout)
case "$flags" in
*-lscanout*) ;;
*) echo "FAIL: pkg-config gives '$flags'"; exit 1 ;;
esac
echo "install: apps, headers, seat module, CMake package and pkg-config file work: 1 passed, 0 failed"
