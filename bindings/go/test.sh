#!/usr/bin/env bash
# Runs the Go binding's checks and tests in all three link modes: shared (default), static
# (-tags mycelium_static) and installed via pkg-config (-tags mycelium_system).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

apt_updated=""
apt_install() {
    if [ -z "$apt_updated" ]; then
        apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || apt_install golang-go
command -v gcc >/dev/null || apt_install gcc libc6-dev
command -v pkg-config >/dev/null || apt_install pkg-config
# Never download a toolchain: go.mod's minimum must be met by the installed one, or this fails.
export GOTOOLCHAIN=local CGO_ENABLED=1
echo "using $(go version)"

if [ ! -f "$repo/target/release/libmycelium_telemetry.so" ] || [ ! -f "$repo/target/release/libmycelium_telemetry.a" ]; then
    (cd "$repo" && cargo build --release)
fi

cd "$here"
unformatted="$(gofmt -l .)"
if [ -n "$unformatted" ]; then
    echo "gofmt would change: $unformatted" >&2
    exit 1
fi
go vet ./...
go vet -tags mycelium_static ./...

echo "== shared library (default), with the race detector"
go test -count=1 -race ./...

echo "== static archive (-tags mycelium_static)"
go test -count=1 -tags mycelium_static ./...

echo "== installed library via pkg-config (-tags mycelium_system)"
pc_dir="$(mktemp -d)"
trap 'rm -rf "$pc_dir"' EXIT
cat >"$pc_dir/mycelium_telemetry.pc" <<PC
Name: mycelium_telemetry
Description: this repository's build output, standing in for an install
Version: $(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n 1)
Cflags: -I$repo/include
Libs: -L$repo/target/release -lmycelium_telemetry
PC
# pkg-config gives no RUNPATH, as with a system install; the loader finds the SONAME here.
PKG_CONFIG_PATH="$pc_dir" LD_LIBRARY_PATH="$here/internal/devlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    go test -count=1 -tags mycelium_system ./...
