#!/usr/bin/env bash
# Installs a build into a temporary prefix, moves the prefix (the package must be relocatable),
# checks the installed files, then builds and runs consumers through find_package and pkg-config.
#
# Usage: run_install_test.sh <build dir> <version> <C compiler> <C++ compiler> <cmake>
set -euo pipefail

build_dir=$1
version=$2
cc=$3
cxx=$4
cmake=$5
major=${version%%.*}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "install test: FAILED: $*" >&2
  exit 1
}

# Consumers must see the documented defaults, whatever the calling environment says.
run_quietly() {
  env -u TELEMETRY_ENABLED -u TELEMETRY_ENDPOINT -u DO_NOT_TRACK "$@"
}

"$cmake" --install "$build_dir" --prefix "$work/staging" >"$work/install.log" ||
  { cat "$work/install.log" >&2; fail "cmake --install"; }
mv "$work/staging" "$work/prefix"
prefix=$work/prefix

real_library=$(find "$prefix" -name "libmycelium_telemetry.so.$version")
[[ -n $real_library ]] || fail "libmycelium_telemetry.so.$version not installed"
libdir=$(dirname "$real_library")
echo "installed into $prefix (libdir ${libdir#"$prefix"/})"

[[ -f $real_library && ! -L $real_library ]] || fail "the versioned library is not a regular file"
[[ $(readlink "$libdir/libmycelium_telemetry.so.$major") == "libmycelium_telemetry.so.$version" ]] ||
  fail "libmycelium_telemetry.so.$major is not a symlink to the versioned library"
[[ $(readlink "$libdir/libmycelium_telemetry.so") == "libmycelium_telemetry.so.$major" ]] ||
  fail "libmycelium_telemetry.so is not a symlink to libmycelium_telemetry.so.$major"
soname=$(readelf -d "$real_library" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[[ $soname == "libmycelium_telemetry.so.$major" ]] || fail "SONAME is '$soname'"
for installed in "$libdir/libmycelium_telemetry.a" \
                 "$prefix/include/mycelium_telemetry.h" \
                 "$prefix/include/mycelium/telemetry.hpp" \
                 "$libdir/cmake/MyceliumTelemetry/MyceliumTelemetryConfig.cmake" \
                 "$libdir/cmake/MyceliumTelemetry/MyceliumTelemetryConfigVersion.cmake" \
                 "$libdir/pkgconfig/mycelium_telemetry.pc"; do
  [[ -f $installed ]] || fail "$installed not installed"
done
echo "installed files, symlinks and SONAME ($soname): ok"

# What ships is lean (issue 10): no debug info in either library, the shared one at most 2.5 MiB.
size=$(stat -c %s "$real_library")
((size <= 2621440)) || fail "installed shared library is $size bytes, over 2.5 MiB"
for library in "$real_library" "$libdir/libmycelium_telemetry.a"; do
  if readelf -S -W "$library" | grep -q '\.debug_'; then fail "$library carries debug info"; fi
done
echo "installed shared library: $size bytes, no debug info in it or the static archive: ok"

needs_shared_library() {
  readelf -d "$1" | grep "NEEDED.*\[libmycelium_telemetry.so.$major\]" >/dev/null
}

# ---- find_package ---------------------------------------------------------------------------
consumer_build=$work/consumer-build
"$cmake" -S "$here/consumer" -B "$consumer_build" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DMT_EXPECTED_VERSION="$version" >"$work/consumer-configure.log" ||
  { cat "$work/consumer-configure.log" >&2; fail "configuring the find_package consumer"; }
grep -q "^MyceliumTelemetry_DIR:PATH=$libdir/cmake/MyceliumTelemetry$" "$consumer_build/CMakeCache.txt" ||
  fail "find_package did not pick the package from $prefix"
"$cmake" --build "$consumer_build" -j2 >"$work/consumer-build.log" ||
  { cat "$work/consumer-build.log" >&2; fail "building the find_package consumer"; }

needs_shared_library "$consumer_build/consumer_shared" || fail "consumer_shared does not link the .so"
needs_shared_library "$consumer_build/consumer_static" && fail "consumer_static links the .so"
run_quietly "$consumer_build/consumer_shared" || fail "consumer_shared"
run_quietly "$consumer_build/consumer_static" || fail "consumer_static"
run_quietly "$consumer_build/consumer_cpp" || fail "consumer_cpp"
echo "find_package consumers (shared, static, C++): ok"

# ---- pkg-config -----------------------------------------------------------------------------
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[[ $(pkg-config --modversion mycelium_telemetry) == "$version" ]] || fail "pkg-config --modversion"
# shellcheck disable=SC2046 # pkg-config output is meant to be split into flags
"$cc" -std=c11 -Wall -Wextra -Werror "$here/consumer/consumer.c" \
  $(pkg-config --cflags --libs mycelium_telemetry) -o "$work/consumer_pkgconfig" ||
  fail "building with pkg-config --cflags --libs"
needs_shared_library "$work/consumer_pkgconfig" || fail "the pkg-config consumer does not link the .so"
LD_LIBRARY_PATH="$libdir" run_quietly "$work/consumer_pkgconfig" || fail "consumer_pkgconfig"

# Statically, the archive plus Libs.private must be all a program needs.
private_libs=$(pkg-config --static --libs-only-l mycelium_telemetry)
private_libs=${private_libs//-lmycelium_telemetry/}
# shellcheck disable=SC2046,SC2086
"$cc" -std=c11 -Wall -Wextra -Werror "$here/consumer/consumer.c" \
  $(pkg-config --cflags mycelium_telemetry) "$libdir/libmycelium_telemetry.a" $private_libs \
  -o "$work/consumer_pkgconfig_static" ||
  fail "building with the static archive and pkg-config --static"
needs_shared_library "$work/consumer_pkgconfig_static" && fail "the static pkg-config consumer links the .so"
run_quietly "$work/consumer_pkgconfig_static" || fail "consumer_pkgconfig_static"
echo "pkg-config consumers (shared, static): ok"
