#!/usr/bin/env bash
# Runs the Ruby binding's tests against the library in <repo>/target/release, installing Ruby,
# the ffi gem and minitest from Debian first if this machine lacks them.
set -euo pipefail

binding_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$binding_dir/../.." && pwd)"

missing_packages() {
  if ! command -v ruby >/dev/null 2>&1; then
    echo "ruby ruby-ffi ruby-minitest"
    return
  fi
  local packages=()
  ruby -e 'require "ffi"' >/dev/null 2>&1 || packages+=(ruby-ffi)
  ruby -e 'require "minitest"' >/dev/null 2>&1 || packages+=(ruby-minitest)
  echo "${packages[@]}"
}

packages="$(missing_packages)"
if [[ -n "$packages" ]]; then
  echo "test.sh: installing $packages" >&2
  apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  if [[ -n "$(missing_packages)" ]]; then
    echo "test.sh: still missing after install: $(missing_packages)" >&2
    exit 1
  fi
fi

if [[ ! -f "$repo_dir/target/release/libmycelium_telemetry.so" ]]; then
  echo "test.sh: native library not built yet; running cargo build --release" >&2
  (cd "$repo_dir" && cargo build --release)
fi

cd "$binding_dir"
exec ruby -w -Ilib -Itest -e 'Dir.glob("test/*_test.rb").sort.each { |file| require File.expand_path(file) }'
