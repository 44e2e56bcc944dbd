#!/usr/bin/env bash
# The project's one test command (named in README.md): every test suite, on a fresh machine.
# Installs what the machine lacks (.ci/setup.sh), runs each suite even if an earlier one failed,
# prints a summary line, and exits non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
passed=()
run_suite() {
    local name=$1
    shift
    echo
    echo "=== ${name} ==="
    local started=$SECONDS
    if "$@"; then
        passed+=("$name ($((SECONDS - started)) s)")
    else
        echo "--- ${name}: FAILED"
        failed+=("$name ($((SECONDS - started)) s)")
    fi
}

rust_checks() {
    cargo fmt --all --check && cargo clippy --workspace --all-targets --quiet -- -D warnings
}

protocol_schema() {
    python3 -m pytest -q tests/protocol
}

# Each fuzz target runs for a bounded time; crash inputs are kept in fuzz/regressions and
# replayed by `cargo test` (tests/fuzz_regressions.rs) on stable Rust. fuzz/Cargo.lock is
# committed, so every run builds the same dependency versions.
fuzz() {
    local target=$1
    shift
    cargo +nightly fuzz run "$target" -- -max_total_time="${MT_FUZZ_SECONDS:-30}" "$@"
}

# Install first, then test: on a machine that has everything this installs nothing.
bash .ci/setup.sh || { echo "setup failed"; exit 1; }

# The OpenTelemetry Collector takes minutes to build the first time on a machine: start that now,
# at the lowest priority, so it uses what the suites before tests/otel leave idle. The build holds
# a lock, so tests/otel waits for it (or finds the cached binary, or builds it itself if this
# attempt failed, printing why).
otel_log=$(mktemp)
nice -n 19 bash tests/otel/build-collector.sh >"$otel_log" 2>&1 &

# Everything below links against the release library; build it (and the quickstart) once.
cargo build --release --lib --example quickstart || { echo "release build failed"; exit 1; }

run_suite "rust: fmt and clippy" rust_checks
run_suite "rust: tests" cargo test
# The reference collector: its HTTP answers, both storage backends (it starts its own PostgreSQL
# with .ci/postgres.sh), the queries of docs/queries.sql on planted data.
run_suite "collector" cargo test -p mycelium-collector
run_suite "protocol schema" protocol_schema
run_suite "fuzz: anonymizer" fuzz anonymizer
run_suite "fuzz: json_fields" fuzz json_fields -dict=fuzz/dictionaries/json.dict
run_suite "fuzz: c_track" fuzz c_track -dict=fuzz/dictionaries/json.dict
run_suite "fuzz: collector_ingest" fuzz collector_ingest -dict=fuzz/dictionaries/json.dict
# Each suite installs what it needs and fails loudly when a toolchain is missing.
for suite in tests/c bindings/python bindings/node bindings/go bindings/ruby; do
    run_suite "$suite" bash "$suite/test.sh"
done
# OTLP against a real OpenTelemetry Collector, built with the Collector Builder on the first run
# of a machine (about 10 minutes cold on 2 busy cores, started in the background above) and
# cached outside the repository.
wait
rm -f "$otel_log"
run_suite "tests/otel" bash tests/otel/test.sh
# The ABI against the last release's baseline (abidiff), and proof that the check fails on a
# planted incompatible change; then every package built, installed in clean places and run.
run_suite "abi: against abi/libmycelium_telemetry.abi" bash packaging/abi-check.sh
run_suite "abi: planted changes" bash packaging/tests/abi_planted.sh
run_suite "packaging" bash packaging/test.sh
# The dashboard in Debian's headless Chromium (about 15 s warm; the first run on a machine also
# installs chromium with apt and playwright-core with npm ci, about 2 minutes).
run_suite "collector/tests/browser" bash collector/tests/browser/test.sh

echo
echo "=== summary ==="
for name in "${passed[@]}"; do echo "passed: $name"; done
for name in "${failed[@]}"; do echo "FAILED: $name"; done
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed, ${SECONDS} s in all"
[ ${#failed[@]} -eq 0 ]
