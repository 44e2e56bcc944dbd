#!/usr/bin/env bash
# Builds the library with CMake and runs every C, C++ and install test under ctest, twice:
# a normal build in build/ and an AddressSanitizer + UBSan build in build-sanitize/.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

have_gtest() {
  [[ -f /usr/include/gtest/gtest.h ]] || compgen -G "/usr/lib/*/cmake/GTest/GTestConfig.cmake" >/dev/null
}

missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v readelf >/dev/null || missing+=(binutils)
have_gtest || missing+=(libgtest-dev)
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || { echo "test.sh: missing ${missing[*]} and no apt-get to install them" >&2; exit 1; }
  echo "test.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
if ! command -v cargo >/dev/null && [[ ! -x ${CARGO_HOME:-$HOME/.cargo}/bin/cargo ]]; then
  echo "test.sh: cargo not found; install Rust >= 1.74 (https://rustup.rs)" >&2
  exit 1
fi

summaries=()
run_build() {
  local build_dir=$1
  shift
  echo "==> $build_dir: configure, build, test"
  cmake -S "$repo" -B "$build_dir" "$@"
  cmake --build "$build_dir" -j2
  local log=$build_dir/ctest.log
  # ctest's own exit status decides; the log only feeds the summary below.
  (cd "$build_dir" && ctest --output-on-failure) 2>&1 | tee "$log"
  summaries+=("$(basename "$build_dir"): $(grep -E 'tests passed|tests failed' "$log" | tail -n 1)")
}

run_build "$repo/build" -DMT_SANITIZE=OFF
run_build "$repo/build-sanitize" -DMT_SANITIZE=ON

echo
printf '%s\n' "${summaries[@]}"
