#!/usr/bin/env bash
# Runs the Ruby binding's tests against the library in <repo>/target/release, installing Ruby,
# the ffi gem and minitest from Debian first if this machine lacks them (.ci/setup.sh).
set -euo pipefail

binding_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$binding_dir/../.." && pwd)"

source "$repo_dir/.ci/lib.sh"
bash "$repo_dir/.ci/setup.sh" ruby
build_release_library
build_fault_collector
build_reference_collector

cd "$binding_dir"
exec ruby -w -Ilib -Itest -e 'Dir.glob("test/*_test.rb").sort.each { |file| require File.expand_path(file) }'
