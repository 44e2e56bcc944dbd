#!/usr/bin/env bash
# Runs the Node binding's tests: installs Node and the locked dependencies if missing (through
# .ci/setup.sh), brings the native library up to date, then `node --test`. Works from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

source "$repo/.ci/lib.sh"
bash "$repo/.ci/setup.sh" node
build_release_library
build_fault_collector
build_reference_collector

cd "$here"
# The build output, not a library the environment happens to name, is what is under test.
unset MYCELIUM_TELEMETRY_LIB
exec node --test test/*.test.js
