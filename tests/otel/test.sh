#!/usr/bin/env bash
# The OTLP exporter against a real OpenTelemetry Collector, built with the OpenTelemetry
# Collector Builder (tests/otel/build-collector.sh, cached once per machine), listening on
# loopback with the OTLP/HTTP receiver and the file exporter:
#   1. every event type from C (TELEMETRY_PROTOCOL=otlp and OTEL_EXPORTER_OTLP_ENDPOINT, read by
#      mt_config_from_env) and from the Python binding (protocol=Protocol.OTLP), then the records
#      the Collector wrote are checked (tests/otel/check_records.py);
#   2. the Collector requiring a bearer token (bearertokenauth extension): the right key, given
#      in OTEL_EXPORTER_OTLP_HEADERS, gets every event in; a wrong key is refused and its events
#      are counted as failed; neither key appears in the senders' warnings or debug output.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo/tests/otel"
source "$repo/.ci/lib.sh"
bash "$repo/.ci/setup.sh" otel
export PATH="$PATH:/usr/local/go/bin"
build_release_library
collector=$(bash "$here/build-collector.sh")

work=$(mktemp -d)
collector_pid=""
stop_collector() {
    if [ -n "$collector_pid" ]; then
        # SIGTERM: the Collector shuts down its pipeline, so the file exporter writes everything.
        kill "$collector_pid" 2>/dev/null || true
        wait "$collector_pid" 2>/dev/null || true
        collector_pid=""
    fi
}
trap 'stop_collector; [ -n "${MT_OTEL_KEEP:-}" ] && cp "$work"/*.json "$MT_OTEL_KEEP"/; rm -rf "$work"' EXIT

# The library's SONAME is libmycelium_telemetry.so.0, a name only an install creates: link
# against a folder that has it, pointing at the release build.
mkdir -p "$work/lib"
ln -s "$repo/target/release/libmycelium_telemetry.so" "$work/lib/libmycelium_telemetry.so"
ln -s "$repo/target/release/libmycelium_telemetry.so" "$work/lib/libmycelium_telemetry.so.0"
cc -std=c11 -Wall -Wextra -Werror -I "$repo/include" "$here/send_events.c" \
    -L "$work/lib" -lmycelium_telemetry -Wl,-rpath,"$work/lib" -o "$work/send_events"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_collector <name> <extra receiver yaml> <extensions yaml> <service extensions list>
start_collector() {
    local name=$1 auth=$2 extensions=$3 service_extensions=$4
    port=$(free_port)
    records="$work/$name.records.json"
    cat >"$work/$name.yaml" <<YAML
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$port
$auth
exporters:
  file:
    path: $records
$extensions
service:
  extensions: [$service_extensions]
  telemetry:
    # No metrics server: it would take a fixed port (8888) on a machine others share.
    metrics:
      level: none
    logs:
      level: warn
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [file]
YAML
    "$collector" --config="file:$work/$name.yaml" >"$work/$name.collector.log" 2>&1 &
    collector_pid=$!
    for _ in $(seq 1 300); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            return 0
        fi
        kill -0 "$collector_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "otel: the Collector did not start:" >&2
    cat "$work/$name.collector.log" >&2
    return 1
}

# The environment of a sender: its own HOME (salt file), telemetry on for this process, OTLP,
# debug output on so that the header check below sees every line the library writes.
sender_env=(env -i PATH="$PATH" HOME="$work/home" TELEMETRY_ENABLED=1 TELEMETRY_PROTOCOL=otlp
    TELEMETRY_SALT=otel-test-salt TELEMETRY_DEBUG=1 TELEMETRY_RETRY_ATTEMPTS=0)
mkdir -p "$work/home"

# sender <name> <command...>: runs one sender, its stderr kept in $work/<name>.stderr for the
# checks below and shown when it fails.
sender() {
    local name=$1
    shift
    if ! "${sender_env[@]}" "$@" 2>"$work/$name.stderr"; then
        echo "otel: the $name sender failed; its output:" >&2
        cat "$work/$name.stderr" >&2
        return 1
    fi
}

echo "==> run 1: every event type from C and Python into the Collector"
start_collector plain "" "" ""
sender c TELEMETRY_APP=otel-c-test OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port" \
    "$work/send_events" 4 0
sender python PYTHONPATH="$repo/bindings/python" \
    MYCELIUM_TELEMETRY_LIB="$repo/target/release/libmycelium_telemetry.so" \
    python3 "$here/send_events.py" "http://127.0.0.1:$port/v1/logs"
# The user's recorded choice `on` decides (no TELEMETRY_ENABLED): batches carry the
# installation id, as mycelium.installation_id.
# (An empty TELEMETRY_ENABLED counts as unset.)
sender recorded TELEMETRY_ENABLED= TELEMETRY_APP=otel-c-recorded \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port" "$work/send_events" 4 0 record-on
stop_collector
python3 "$here/check_records.py" "$records" otel-c-test=c otel-python-test=python otel-c-recorded=c \
    --installation-id otel-c-recorded

echo "==> run 2: the Collector requires a bearer token"
token="otel-test-token-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
wrong="otel-wrong-token-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
start_collector auth "        auth:
          authenticator: bearertokenauth" "extensions:
  bearertokenauth:
    token: \"$token\"" bearertokenauth
sender right TELEMETRY_APP=otel-c-right-key OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port" \
    OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20$token" "$work/send_events" 4 0
# Refused with 401: not retried, all four counted as failed.
sender wrong TELEMETRY_APP=otel-c-wrong-key OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port" \
    OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20$wrong" "$work/send_events" 0 4
stop_collector
python3 "$here/check_records.py" "$records" otel-c-right-key=c --absent otel-c-wrong-key
grep -q "refused a batch (HTTP 401)" "$work/wrong.stderr" ||
    { echo "otel: the wrong key's refusal was not reported:" >&2; cat "$work/wrong.stderr" >&2; exit 1; }
grep -q "outgoing batch" "$work/right.stderr" ||
    { echo "otel: no debug output to check" >&2; exit 1; }
for file in c python recorded right wrong; do
    for secret in "$token" "$wrong"; do
        if grep -qF "$secret" "$work/$file.stderr"; then
            echo "otel: a header value appeared in the $file sender's output" >&2
            exit 1
        fi
    done
done
echo "otel: 4 passed, 0 failed"
