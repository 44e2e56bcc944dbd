#!/usr/bin/env bash
# Compares the built library's ABI with the baseline of the last release,
# abi/libmycelium_telemetry.abi (written by `abidw`, docs/releasing.md), with `abidiff` from
# Debian's abigail-tools:
#   bash packaging/abi-check.sh [--baseline FILE] [--library FILE]
# Passes when nothing changed or the changes are compatible (abidiff's ABIDIFF_ABI_CHANGE bit, 4:
# functions added), and prints them. Fails on an incompatible change (ABIDIFF_ABI_INCOMPATIBLE_CHANGE,
# 8: a function or variable removed), on a tool error (bits 1 and 2), and when the library's SONAME
# is not the baseline's: an incompatible change needs a new SONAME, and a new SONAME needs the
# baseline regenerated at that release, after which the two agree again.
#
# What this covers: the release library is stripped and has no DWARF, so abidiff compares the
# exported symbols (functions and variables, with the SONAME and the needed libraries), not
# type layouts. Signatures and struct layouts are held by the committed header, which
# tests/header.rs regenerates and compares on every `cargo test`; docs/c-api.md ("ABI stability")
# says which header changes keep the SONAME.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/lib.sh"
repo=$(mt_repo_root)
baseline=$repo/abi/libmycelium_telemetry.abi
library=""
while (($#)); do
    case $1 in
        --baseline) baseline=$2; shift 2 ;;
        --library) library=$2; shift 2 ;;
        *) echo "usage: abi-check.sh [--baseline FILE] [--library FILE]" >&2; exit 2 ;;
    esac
done
command -v abidiff >/dev/null || { echo "abi: abidiff not found (bash .ci/setup.sh packaging installs abigail-tools)" >&2; exit 1; }
if [ -z "$library" ]; then
    build_release_library
    library=$repo/target/release/libmycelium_telemetry.so
fi

expected=$(sed -n "s/.*<abi-corpus [^>]*soname='\([^']*\)'.*/\1/p" "$baseline" | head -n 1)
actual=$(readelf -d "$library" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$expected" != "$actual" ]; then
    echo "abi: the library's SONAME is $actual, the baseline's $expected: after changing the" \
        "SONAME, regenerate the baseline (docs/releasing.md)" >&2
    exit 1
fi

status=0
report=$(abidiff "$baseline" "$library") || status=$?
if ((status & 3)); then
    echo "$report" >&2
    echo "abi: abidiff failed (exit $status)" >&2
    exit 1
fi
if ((status & 8)); then
    echo "$report" >&2
    echo "abi: INCOMPATIBLE with the baseline ($expected): restore what was removed or changed," \
        "or give the library a new SONAME and regenerate the baseline (docs/releasing.md)" >&2
    exit 1
fi
if ((status & 4)); then
    echo "$report" | grep -E '^\s*\[A\]|summary' || true
    echo "abi: compatible with the baseline ($expected); the additions above need no new SONAME"
else
    echo "abi: identical to the baseline ($expected)"
fi
