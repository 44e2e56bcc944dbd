#!/usr/bin/env bash
# Runs the Python binding's tests against the library in <repo>/target/release, installing what
# this machine lacks (python3, pytest, openssl for the private-CA test) and building the library
# if it is not there yet.
set -euo pipefail

binding_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repository="$(cd "$binding_dir/../.." && pwd)"

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: $* is missing and only root can install it with apt-get" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v python3 >/dev/null || apt_install python3
command -v openssl >/dev/null || apt_install openssl
python3 -c 'import sys; sys.exit(sys.version_info < (3, 8))' \
    || { echo "test.sh: the binding needs Python 3.8 or newer, found $(python3 --version)" >&2; exit 1; }
if ! python3 -c 'import pytest' 2>/dev/null; then
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    # pytest for the python3 that runs the tests, wherever that interpreter came from.
    python3 -m pip install --quiet pytest || python3 -m pip install --quiet --break-system-packages pytest
fi

if [ ! -f "$repository/target/release/libmycelium_telemetry.so" ]; then
    command -v cargo >/dev/null || { echo "test.sh: cargo is needed to build the library" >&2; exit 1; }
    (cd "$repository" && cargo build --release)
fi

cd "$binding_dir"
export PYTHONPATH="$binding_dir${PYTHONPATH:+:$PYTHONPATH}"
exec python3 -m pytest -p no:cacheprovider tests "$@"
