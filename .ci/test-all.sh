#!/usr/bin/env bash
# The project's one test command (named in README.md): every test suite, on a fresh machine.
# Installs what the machine lacks, runs each suite even if an earlier one failed, prints a
# summary line, and exits non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
passed=()
run_suite() {
    local name=$1
    shift
    echo
    echo "=== ${name} ==="
    if "$@"; then
        passed+=("$name")
    else
        echo "--- ${name}: FAILED"
        failed+=("$name")
    fi
}

rust_checks() {
    cargo fmt --check && cargo clippy --all-targets --quiet -- -D warnings
}

protocol_schema() {
    python3 -c 'import jsonschema, pytest' 2>/dev/null ||
        python3 -m pip install --quiet jsonschema pytest || return 1
    python3 -m pytest -q tests/protocol
}

fuzz_anonymizer() {
    # cargo-fuzz needs the nightly toolchain, which this machine kind ships with rustup.
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet || return 1
    cargo +nightly fuzz run anonymizer -- -max_total_time="${MT_FUZZ_SECONDS:-30}"
}

# Everything below links against the release library; build it (and the quickstart) once.
cargo build --release --lib --example quickstart || { echo "release build failed"; exit 1; }

run_suite "rust: fmt and clippy" rust_checks
run_suite "rust: tests" cargo test
run_suite "protocol schema" protocol_schema
run_suite "fuzz: anonymizer" fuzz_anonymizer
# Each suite installs what it needs and fails loudly when a toolchain is missing.
for suite in tests/c bindings/python bindings/node bindings/go bindings/ruby; do
    run_suite "$suite" bash "$suite/test.sh"
done

echo
echo "=== summary ==="
for name in "${passed[@]}"; do echo "passed: $name"; done
for name in "${failed[@]}"; do echo "FAILED: $name"; done
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
