#!/usr/bin/env bash
# The dashboard's browser test: installs Debian's Chromium and the locked playwright-core if
# missing (through .ci/setup.sh), starts the server under test on 127.0.0.1 over planted data and
# loads its dashboard in headless Chromium (dashboard.test.js). Works from any directory.
#
# MT_DASHBOARD_SERVER is the server's command line, {addr} and {token} filled in by the test;
# MT_DASHBOARD_EXPECT (optional) the summary the data was planted for;
# MT_DASHBOARD_SCREENSHOT=docs/images/dashboard.png refreshes the README's screenshot.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

bash "$repo/.ci/setup.sh" browser

if [ -z "${MT_DASHBOARD_SERVER:-}" ]; then
    # TEMPORARY: a std stand-in (collector/examples/dashboard_standin.rs) serves the planted
    # summary until the collector crate lands; then this becomes mycelium-collector over a
    # planted SQLite database: --listen {addr} --storage sqlite:DB --dashboard-token {token}.
    cargo build --quiet --manifest-path "$repo/collector/Cargo.toml" --target-dir "$repo/target" \
        --example dashboard_standin
    planted="$here/planted-summary.json"
    MT_DASHBOARD_SERVER="$(printf '%q' "$repo/target/debug/examples/dashboard_standin") --listen {addr} --summary $(printf '%q' "$planted") --dashboard-token {token}"
    export MT_DASHBOARD_SERVER
    export MT_DASHBOARD_EXPECT="$planted"
fi
case "${MT_DASHBOARD_SCREENSHOT:-}" in
    "" | /*) ;;
    *) MT_DASHBOARD_SCREENSHOT="$repo/$MT_DASHBOARD_SCREENSHOT" ;; # relative to the repository
esac

cd "$here"
exec node --test dashboard.test.js
