#!/usr/bin/env bash
# Builds the OpenTelemetry Collector that tests/otel needs, with the OpenTelemetry Collector
# Builder, from tests/otel/builder-config.yaml, once per machine: the binary is cached outside
# the repository under ${XDG_CACHE_HOME:-$HOME/.cache}/mycelium-telemetry-ci/, keyed by the
# builder's version and a hash of the manifest, so a changed manifest builds anew. Prints the
# binary's path on stdout (everything else goes to stderr).
#
# Every module comes from the Go module proxy, pinned to one release (see the manifest). A cold
# build (no Go caches) took about 10 minutes on this project's 2-core machines while other
# builds ran; a cached one costs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
manifest="$here/builder-config.yaml"
builder_version=v0.161.0

command -v go >/dev/null || { echo "otel: go is needed to build the Collector (it is on every machine of this project)" >&2; exit 1; }
hash=$(sha256sum "$manifest" | cut -c1-16)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/mycelium-telemetry-ci"
cache="$cache_root/otelcol-${builder_version#v}-$hash"
binary="$cache/otelcol-mycelium-test"
if [ -x "$binary" ]; then
    echo "$binary"
    exit 0
fi
mkdir -p "$cache_root"
# One build at a time per machine: a second caller waits for the first and then uses its binary.
exec 9>"$cache_root/otelcol.lock"
flock 9
if [ -x "$binary" ]; then
    echo "$binary"
    exit 0
fi
export GOFLAGS=-mod=mod
started=$(date +%s)
work=$(mktemp -d "$cache_root/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "otel: building the OpenTelemetry Collector (builder $builder_version), once per machine" >&2
GOBIN="$work/bin" go install "go.opentelemetry.io/collector/cmd/builder@$builder_version" >&2
"$work/bin/builder" --config="$manifest" --output-path="$work/dist" >&2
mkdir -p "$cache"
mv "$work/dist/otelcol-mycelium-test" "$binary.tmp"
mv "$binary.tmp" "$binary"
echo "otel: Collector built in $(( $(date +%s) - started )) s: $binary" >&2
echo "$binary"
