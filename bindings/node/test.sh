#!/usr/bin/env bash
# Runs the Node binding's tests: installs Node and the locked dependencies if missing, builds the
# native library if it is not built yet, then `node --test`. Works from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# The test runner and koffi 3 need Node 18 or newer.
if ! command -v node >/dev/null || [ "$(node_major)" -lt 18 ] || ! command -v npm >/dev/null; then
    echo "node-binding: installing Node.js and npm with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    if [ "$(node_major)" -lt 18 ]; then
        echo "node-binding: Node.js 18 or newer is required, found $(node --version 2>/dev/null || echo none)" >&2
        exit 1
    fi
fi

# The caFile test makes its CA certificate with the openssl command.
if ! command -v openssl >/dev/null; then
    echo "node-binding: installing openssl with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
fi

if [ ! -f "$repo/target/release/libmycelium_telemetry.so" ]; then
    echo "node-binding: building the native library (cargo build --release)" >&2
    (cd "$repo" && cargo build --release --lib)
fi

cd "$here"
if [ ! -d node_modules ]; then
    npm ci --no-audit --no-fund
fi

# The build output, not a library the environment happens to name, is what is under test.
unset MYCELIUM_TELEMETRY_LIB
exec node --test test/*.test.js
