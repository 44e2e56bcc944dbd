"""Checks what a real OpenTelemetry Collector's file exporter wrote for tests/otel/test.sh: one
JSON ExportLogsServiceRequest per line. For each expected sender (by service.name) it checks the
resource attributes, one log record of every event type with the documented event name,
severity and attributes, and that nothing planted unscrubbed arrived anywhere.

Usage: python3 check_records.py <records file> <service.name>=<sdk language> ...
       [--installation-id NAME ...] [--absent NAME ...]
A service named after --installation-id must carry mycelium.installation_id (32 hex digits);
every other one must not.
"""

import json
import re
import sys

PLANTED = [
    "agent-planted-7f3e",
    "/home/planted-user",
    "planted-token-9d2c",
    "planted-password",
    "planted@example.com",
    "planted-user-id",
    "otel-test-salt",
]
HASH = re.compile(r"^[0-9a-f]{64}$")
EVENT_NAMES = {"mycelium.agent_usage", "mycelium.performance", "mycelium.error", "mycelium.system_info"}


def attrs(items):
    """OTLP KeyValue list -> {key: AnyValue}."""
    return {item["key"]: item.get("value", {}) for item in items or []}


def text(values, key):
    return values.get(key, {}).get("stringValue")


class Failures(list):
    def check(self, ok, message):
        if not ok:
            self.append(message)


def check_service(resource_logs, service, language, with_id, failures):
    mine = [rl for rl in resource_logs if text(attrs(rl["resource"].get("attributes")), "service.name") == service]
    failures.check(len(mine) == 1, f"{service}: {len(mine)} ResourceLogs, expected 1 (one batch)")
    if not mine:
        return 0
    resource = attrs(mine[0]["resource"]["attributes"])
    failures.check(text(resource, "telemetry.sdk.name") == "mycelium-telemetry", f"{service}: telemetry.sdk.name")
    failures.check(text(resource, "telemetry.sdk.language") == language,
                   f"{service}: telemetry.sdk.language {text(resource, 'telemetry.sdk.language')!r}, expected {language!r}")
    failures.check(bool(text(resource, "telemetry.sdk.version")), f"{service}: telemetry.sdk.version")
    failures.check(text(resource, "os.type") == "linux", f"{service}: os.type {text(resource, 'os.type')!r}")
    failures.check(text(resource, "host.arch") in {"amd64", "arm64"}, f"{service}: host.arch {text(resource, 'host.arch')!r}")
    installation_id = text(resource, "mycelium.installation_id")
    if with_id:
        failures.check(re.fullmatch(r"[0-9a-f]{32}", installation_id or "") is not None,
                       f"{service}: mycelium.installation_id {installation_id!r}")
    else:
        failures.check(installation_id is None, f"{service}: an installation id without a recorded choice")
    records = [r for sl in mine[0].get("scopeLogs", []) for r in sl.get("logRecords", [])]
    by_name = {r.get("eventName"): r for r in records}
    failures.check(len(records) == 4 and set(by_name) == EVENT_NAMES,
                   f"{service}: event names {sorted(str(n) for n in by_name)}")
    for record in records:
        failures.check(re.fullmatch(r"[1-9][0-9]{18}", record.get("timeUnixNano", "")) is not None,
                       f"{service}: timeUnixNano {record.get('timeUnixNano')!r}")
        error = record.get("eventName") == "mycelium.error"
        failures.check(record.get("severityNumber") == (17 if error else 9), f"{service}: severityNumber of {record.get('eventName')}")
        failures.check(record.get("severityText") == ("ERROR" if error else "INFO"), f"{service}: severityText of {record.get('eventName')}")

    usage = attrs(by_name.get("mycelium.agent_usage", {}).get("attributes"))
    failures.check(HASH.match(text(usage, "mycelium.agent_id_hash") or "") is not None, f"{service}: agent_id_hash is not a hash")
    failures.check(text(usage, "mycelium.operation") == "summarize", f"{service}: operation")
    failures.check(usage.get("mycelium.metadata.duration_ms") == {"intValue": "812"}, f"{service}: duration_ms {usage.get('mycelium.metadata.duration_ms')}")
    failures.check(usage.get("mycelium.metadata.success") == {"boolValue": True}, f"{service}: success")
    model = text(usage, "mycelium.metadata.model") or ""
    failures.check(model.startswith("gpt at ") and "planted-user" not in model, f"{service}: model not scrubbed: {model!r}")
    failures.check("mycelium.metadata.api_token" not in usage, f"{service}: a key outside the allowlist arrived")

    performance = attrs(by_name.get("mycelium.performance", {}).get("attributes"))
    failures.check(performance.get("mycelium.value") == {"doubleValue": 41.5}, f"{service}: value {performance.get('mycelium.value')}")
    failures.check(text(performance, "mycelium.metric_name") == "latency", f"{service}: metric_name")
    failures.check(text(performance, "mycelium.unit") == "ms", f"{service}: unit")
    failures.check(text(performance, "mycelium.tags.region") == "eu", f"{service}: tags.region")
    failures.check(HASH.match(text(performance, "mycelium.tags.user_id") or "") is not None, f"{service}: tags.user_id not hashed")

    error = attrs(by_name.get("mycelium.error", {}).get("attributes"))
    failures.check(text(error, "exception.type") == "ValueError", f"{service}: exception.type")
    message = text(error, "exception.message") or ""
    failures.check(message.startswith("cannot open ") and "<email>" in message, f"{service}: exception.message {message!r}")
    trace = text(error, "exception.stacktrace") or ""
    failures.check("app.py" in trace and "line 12" in trace, f"{service}: exception.stacktrace lost its frame: {trace!r}")
    failures.check(error.get("mycelium.context.retry_count") == {"intValue": "2"}, f"{service}: context.retry_count")
    failures.check("mycelium.context.password" not in error, f"{service}: a secret context key arrived")

    system = attrs(by_name.get("mycelium.system_info", {}).get("attributes"))
    failures.check(text(system, "mycelium.platform") == "Linux", f"{service}: platform")
    failures.check(bool(text(system, "mycelium.library_version")), f"{service}: library_version")
    return len(records)


def main(argv):
    path, rest = argv[1], argv[2:]
    absent = []
    if "--absent" in rest:
        at = rest.index("--absent")
        rest, absent = rest[:at], rest[at + 1 :]
    with_id = []
    if "--installation-id" in rest:
        at = rest.index("--installation-id")
        rest, with_id = rest[:at], rest[at + 1 :]
    with open(path, encoding="utf-8") as handle:
        raw = handle.read()
    resource_logs = [rl for line in raw.splitlines() if line.strip() for rl in json.loads(line).get("resourceLogs", [])]
    failures = Failures()
    total = 0
    for pair in rest:
        service, language = pair.split("=", 1)
        total += check_service(resource_logs, service, language, service in with_id, failures)
    services = [text(attrs(rl["resource"].get("attributes")), "service.name") for rl in resource_logs]
    for service in absent:
        failures.check(service not in services, f"{service}: records arrived although the Collector should have refused them")
    for planted in PLANTED:
        failures.check(planted not in raw, f"unscrubbed {planted!r} reached the Collector")
    for failure in failures:
        print(f"check_records: {failure}", file=sys.stderr)
    print(f"check_records: {total} log records of {len(rest)} sender(s) checked, {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
