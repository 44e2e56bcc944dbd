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
    # The real collector over a SQLite database planted with 30 days of events (hostile strings
    # among them) through its storage layer (collector/examples/plant.rs).
    cargo build --quiet --manifest-path "$repo/Cargo.toml" -p mycelium-collector --bin mycelium-collector \
        --example plant
    data="$(mktemp -d)"
    trap 'rm -rf "$data"' EXIT
    "$repo/target/debug/examples/plant" "sqlite:$data/dashboard.db" 6000 --expect "$data/expect.json"
    MT_DASHBOARD_SERVER="$(printf '%q' "$repo/target/debug/mycelium-collector") --listen {addr} --storage $(printf '%q' "sqlite:$data/dashboard.db") --dashboard-token {token}"
    export MT_DASHBOARD_SERVER
    export MT_DASHBOARD_EXPECT="$data/expect.json"
fi
case "${MT_DASHBOARD_SCREENSHOT:-}" in
    "" | /*) ;;
    *) MT_DASHBOARD_SCREENSHOT="$repo/$MT_DASHBOARD_SCREENSHOT" ;; # relative to the repository
esac

cd "$here"
node --test dashboard.test.js
