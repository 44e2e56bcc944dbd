#!/usr/bin/env bash
# Runs the Go binding's checks and tests in all three link modes: this repository's shared library
# (-tags mycelium_dev), its static archive (-tags mycelium_static) and an installed library via
# pkg-config (the default, what `go get` users build).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

source "$repo/.ci/lib.sh"
bash "$repo/.ci/setup.sh" go
export PATH="$PATH:/usr/local/go/bin"
# Never download a toolchain: go.mod's minimum must be met by the installed one, or this fails.
export GOTOOLCHAIN=local CGO_ENABLED=1
echo "using $(go version)"
build_release_library
build_fault_collector
build_reference_collector

cd "$here"
unformatted="$(gofmt -l .)"
if [ -n "$unformatted" ]; then
    echo "gofmt would change: $unformatted" >&2
    exit 1
fi
go vet -tags mycelium_dev ./...
go vet -tags mycelium_static ./...

echo "== this repository's shared library (-tags mycelium_dev), with the race detector"
go test -count=1 -race -tags mycelium_dev ./...

echo "== static archive (-tags mycelium_static)"
go test -count=1 -tags mycelium_static ./...

echo "== installed library via pkg-config (the default)"
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
    go test -count=1 ./...
