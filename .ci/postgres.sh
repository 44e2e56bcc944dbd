#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for tests and benchmarks, shared by every suite that needs one.
#
#     bash .ci/postgres.sh [postgres -c options...]
#
# Creates a cluster in a new temporary folder, starts it on a free loopback port, prints one
# line `postgres://postgres@127.0.0.1:PORT/postgres`, then runs until its standard input closes
# (the caller exits or closes the pipe), when it stops the server and removes the folder. As root
# the server runs as the unprivileged user `postgres` (through runuser), as PostgreSQL requires.
# Extra arguments go to `postgres` (e.g. `-c fsync=off` for tests that need no durability).
set -euo pipefail

bin=${MT_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$bin/postgres" ]; then
    echo "postgres.sh: no PostgreSQL server at $bin (Debian package postgresql-15; .ci/setup.sh installs it)" >&2
    exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/mt-postgres.XXXXXX")
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    as_owner=(runuser -u postgres --)
fi
cleanup() {
    if [ -n "${server:-}" ]; then
        # pg_ctl as the owner: a signal to runuser would not reach the server.
        "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" stop -m fast -w >/dev/null 2>&1 || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_owner[@]}" "$bin/postgres" -D "$dir/data" -h 127.0.0.1 -p "$port" -k "$dir" \
    -c max_connections=200 "$@" >"$dir/server.log" 2>&1 </dev/null &
server=$!

for _ in $(seq 1 100); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
        echo "postgres://postgres@127.0.0.1:$port/postgres"
        # Until the caller goes away.
        cat >/dev/null || true
        exit 0
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        cat "$dir/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
echo "postgres.sh: the server did not start within 10 s" >&2
cat "$dir/server.log" >&2
exit 1
