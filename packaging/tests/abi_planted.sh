#!/usr/bin/env bash
# Shows that packaging/abi-check.sh fails on an incompatible change and passes additions: it runs
# the check on the built library against edited copies of the committed baseline.
#   removed   the baseline lists a function the library lacks (as if the library dropped it): fails
#   added     the baseline lacks one of the library's functions (as if the library added it): passes
#             and names it
#   soname    the baseline is of libmycelium_telemetry.so.<major+1>: fails
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../.ci/lib.sh"
repo=$(mt_repo_root)
baseline=$repo/abi/libmycelium_telemetry.abi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build_release_library
check() { bash "$repo/packaging/abi-check.sh" --library "$repo/target/release/libmycelium_telemetry.so" --baseline "$@"; }

sed "0,/<elf-symbol name='mt_/s//<elf-symbol name='mt_planted_removed_function' type='func-type' binding='global-binding' visibility='default-visibility' is-defined='yes'\/>\n    &/" \
    "$baseline" >"$tmp/removed.abi"
grep -q mt_planted_removed_function "$tmp/removed.abi"
if check "$tmp/removed.abi" >"$tmp/out" 2>&1; then
    cat "$tmp/out"
    echo "abi self-test: a removed function was NOT reported as incompatible" >&2
    exit 1
fi
grep -q "mt_planted_removed_function" "$tmp/out" && grep -q INCOMPATIBLE "$tmp/out"
echo "abi self-test: a removed function fails the check"

grep -v "<elf-symbol name='mt_version'" "$baseline" >"$tmp/added.abi"
check "$tmp/added.abi" >"$tmp/out" 2>&1 || { cat "$tmp/out"; echo "abi self-test: an added function failed the check" >&2; exit 1; }
grep -q "\[A\] mt_version" "$tmp/out" && grep -q "abi: compatible" "$tmp/out"
echo "abi self-test: an added function passes and is reported"

major=$(sed -n "s/.*soname='libmycelium_telemetry\.so\.\([0-9]*\)'.*/\1/p" "$baseline" | head -n 1)
sed "s/soname='libmycelium_telemetry\.so\.$major'/soname='libmycelium_telemetry.so.$((major + 1))'/" "$baseline" >"$tmp/soname.abi"
if check "$tmp/soname.abi" >"$tmp/out" 2>&1; then
    echo "abi self-test: a SONAME other than the baseline's passed" >&2
    exit 1
fi
grep -q "regenerate the baseline" "$tmp/out"
echo "abi self-test: a SONAME other than the baseline's fails"
