"""What reaches a real collector, and what network trouble does (nothing, to the host)."""

from __future__ import annotations

import platform
import socket
import time

from conftest import SALT, cargo_version, sha256_hex

from mycelium_telemetry import TelemetryClient, TelemetryConfig, TelemetryStats

ERROR_MESSAGE = (
    "could not open /home/alice/project/app.py for alice@example.com "
    "via postgres://admin:hunter2@db/x"
)
STACK_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/home/alice/project/app.py", line 42, in connect\n'
    '    engine.open("postgres://admin:hunter2@db/x")\n'
    "DatabaseError: login failed for alice@example.com"
)


def enabled_config(endpoint: str, **overrides) -> TelemetryConfig:
    settings = dict(enabled=True, endpoint=endpoint, salt=SALT, flush_interval_ms=50)
    settings.update(overrides)
    return TelemetryConfig(**settings)


def unused_local_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_collector_receives_exactly_the_anonymized_events(collector):
    with TelemetryClient(enabled_config(collector.url)) as client:
        assert client.is_enabled()
        assert client.track_agent_usage(
            "alice@example.com",
            "summarize",
            {"duration_ms": 12, "prompt": "secret prompt", "nested": {"a": 1}},
        ) is None
        client.track_error(
            "DatabaseError",
            ERROR_MESSAGE,
            STACK_TRACE,
            {"status_code": 500, "user_email": "alice@example.com", "retry_count": 2},
        )
        client.track_performance("latency", 12.5, tags={"session_id": "s-1", "model": "m"})
        client.track_system_info()
        assert client.flush(timeout=10) is True
        stats = client.stats()

    assert collector.requests, "nothing reached the collector"
    for request in collector.requests:
        assert request.path == "/v1/events"
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["User-Agent"] == f"mycelium-telemetry/{cargo_version()}"
        for secret in (b"alice", b"hunter2", b"secret prompt", b"nested", SALT.encode()):
            assert secret not in request.body

    now = time.time()
    events = []
    for body in collector.bodies():
        assert body["version"] == "1.0"
        assert abs(body["timestamp"] - now) < 60
        for event in body["events"]:
            assert abs(event.pop("timestamp") - now) < 60
            events.append(event)

    assert events == [
        {
            "event_type": "agent_usage",
            "agent_id_hash": sha256_hex("alice@example.com" + SALT),
            "operation": "summarize",
            "metadata": {"duration_ms": 12},
        },
        {
            "event_type": "error",
            "error_type": "DatabaseError",
            "error_message": "could not open <user>/project/app.py for <email> "
            "via postgres://<user>:<password>@db/x",
            "stack_trace": "Traceback (most recent call last):\n"
            '  File "<user>/project/app.py", line 42, in connect\n'
            '    engine.open("postgres://<user>:<password>@db/x")\n'
            "DatabaseError: login failed for <email>",
            "context": {"status_code": 500, "retry_count": 2},
        },
        {
            "event_type": "performance",
            "metric_name": "latency",
            "value": 12.5,
            "unit": "ms",
            "tags": {"session_id": sha256_hex("s-1" + SALT), "model": "m"},
        },
        {
            "event_type": "system_info",
            "platform": "Linux",
            "platform_version": platform.release(),
            "arch": platform.machine(),
            "library_version": cargo_version(),
            "runtime": f"python {platform.python_version()}",
        },
    ]
    assert stats == TelemetryStats(
        enqueued=4, sent=4, dropped=0, failed=0, retries=0, batches_sent=len(collector.requests)
    )


def test_unreachable_collector_only_shows_in_stats():
    endpoint = f"http://127.0.0.1:{unused_local_port()}/v1/events"
    client = TelemetryClient(enabled_config(endpoint, retry_attempts=0))
    client.track_agent_usage("agent-1", "run")
    client.track_performance("latency", 3.0)
    assert client.flush(timeout=10) is True  # given up on counts as done
    assert client.stats() == TelemetryStats(enqueued=2, sent=0, failed=2)
    client.shutdown(timeout=1)


def test_flush_timeout_is_a_return_value_not_an_exception():
    # A listener that never accepts: the request hangs until its own one-second timeout.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/v1/events"
        client = TelemetryClient(enabled_config(endpoint, timeout=1, retry_attempts=0))
        client.track_agent_usage("agent-1", "run")
        assert client.flush(timeout=0.2) is False
        started = time.monotonic()
        client.shutdown(timeout=0.2)
        assert time.monotonic() - started < 1.0
        assert client.stats().enqueued == 1
