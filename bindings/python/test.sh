#!/usr/bin/env bash
# Runs the Python binding's tests against the library in <repo>/target/release, installing what
# this machine lacks (python3, pytest, openssl for the private-CA test; .ci/setup.sh) and bringing
# the library up to date.
set -euo pipefail

binding_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repository="$(cd "$binding_dir/../.." && pwd)"

source "$repository/.ci/lib.sh"
bash "$repository/.ci/setup.sh" python
python3 -c 'import sys; sys.exit(sys.version_info < (3, 8))' \
    || { echo "test.sh: the binding needs Python 3.8 or newer, found $(python3 --version)" >&2; exit 1; }
build_release_library
build_fault_collector
build_reference_collector

cd "$binding_dir"
export PYTHONPATH="$binding_dir${PYTHONPATH:+:$PYTHONPATH}"
# -rs prints why each test was skipped (the original suite's private-internals tests).
exec python3 -m pytest -p no:cacheprovider -rs tests "$@"
