"""Sends one event of every type through the Python binding with ``protocol="otlp"`` (an option
of TelemetryConfig, not the environment), with secrets and a home path planted where the
scrubber must catch them. tests/otel/test.sh runs it against a real OpenTelemetry Collector.

Usage: python3 send_events.py <OTLP logs URL>
"""

import sys

import mycelium_telemetry as mt


def main() -> int:
    config = mt.TelemetryConfig(
        enabled=True,
        endpoint=sys.argv[1],
        protocol=mt.Protocol.OTLP,
        app_name="otel-python-test",
        salt="otel-test-salt",
        flush_interval_ms=60_000,
        metadata_fields={"model": "any"},
    )
    client = mt.TelemetryClient(config)
    client.track_agent_usage(
        "agent-planted-7f3e",
        "summarize",
        {"duration_ms": 812, "success": True, "model": "gpt at /home/planted-user/models/x.bin",
         "api_token": "planted-token-9d2c"},
    )
    client.track_performance("latency", 41.5, "ms", {"region": "eu", "user_id": "planted-user-id"})
    client.track_error(
        "ValueError",
        "cannot open /home/planted-user/secret/notes.txt for planted@example.com",
        'Traceback (most recent call last):\n  File "/home/planted-user/project/app.py", line 12, in main\n'
        "ValueError: https://admin:planted-password@db.internal/x",
        {"retry_count": 2, "password": "planted-password"},
    )
    client.track_system_info()
    client.flush(20)
    stats = client.stats()
    client.shutdown(5)
    print(f"python: sent={stats.sent} failed={stats.failed} retries={stats.retries}")
    return 0 if (stats.sent, stats.failed) == (4, 0) else 1


if __name__ == "__main__":
    sys.exit(main())
