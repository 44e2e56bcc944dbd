"""The config options beyond where events go: local-only output, a private CA, debug output."""

from __future__ import annotations

import json
import stat
import time

import pytest
from tls_collector import TlsCollector
from conftest import SALT, sha256_hex
from test_delivery import ERROR_MESSAGE, enabled_config

from mycelium_telemetry import TelemetryClient, TelemetryConfig, TelemetryStats


def without_timestamps(events):
    return [{key: value for key, value in event.items() if key != "timestamp"} for event in events]


def test_output_file_writes_each_batch_as_a_json_line_and_sends_nothing(collector, tmp_path):
    output = tmp_path / "batches.jsonl"
    # The collector is the endpoint too: local-only mode must not reach it.
    config = enabled_config(collector.url, output_file=str(output), flush_interval_ms=60_000)
    with TelemetryClient(config) as client:
        client.track_agent_usage("alice@example.com", "summarize", {"duration_ms": 12, "prompt": "secret prompt"})
        client.track_error("DatabaseError", ERROR_MESSAGE, context={"user_email": "alice@example.com"})
        assert client.flush(timeout=10) is True  # the first batch: both events
        client.track_performance("latency", 12.5, tags={"session_id": "s-1"})
        assert client.flush(timeout=10) is True  # the second: one event
        stats = client.stats()

    lines = output.read_text(encoding="utf-8").splitlines()
    batches = [json.loads(line) for line in lines]
    assert [len(batch["events"]) for batch in batches] == [2, 1]
    assert all(batch["version"] == "1.0" for batch in batches)
    assert without_timestamps(batches[0]["events"] + batches[1]["events"]) == [
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
        },
        {
            "event_type": "performance",
            "metric_name": "latency",
            "value": 12.5,
            "unit": "ms",
            "tags": {"session_id": sha256_hex("s-1" + SALT)},
        },
    ]
    for secret in ("alice", "hunter2", "secret prompt", SALT):
        assert secret not in "\n".join(lines)
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert stats == TelemetryStats(enqueued=3, sent=3, batches_sent=2)
    time.sleep(0.2)  # anything sent would have arrived by now
    assert collector.requests == []


def test_output_file_accepts_a_path_object_and_refuses_an_empty_one(tmp_path):
    config = TelemetryConfig(output_file=tmp_path / "batches.jsonl")
    assert "batches.jsonl" in repr(config)
    with pytest.raises(ValueError, match="output_file"):
        TelemetryConfig(output_file="")
    with pytest.raises(TypeError):
        TelemetryConfig(output_file=42)


def test_a_private_ca_is_trusted_only_when_configured(private_ca):
    tls = (str(private_ca.server_certificate), str(private_ca.server_key))
    with TlsCollector(tls) as collector:
        settings = dict(flush_interval_ms=60_000, retry_attempts=0)
        with TelemetryClient(enabled_config(collector.url, **settings)) as untrusting:
            untrusting.track_agent_usage("agent-1", "refused")
            assert untrusting.flush(timeout=10) is True
            assert untrusting.stats() == TelemetryStats(enqueued=1, failed=1)
        assert collector.bodies == []
        assert collector.refused_handshakes >= 1

        trusting_config = enabled_config(collector.url, ca_file=private_ca.ca_file, **settings)
        with TelemetryClient(trusting_config) as trusting:
            trusting.track_agent_usage("agent-1", "accepted")
            assert trusting.flush(timeout=10) is True
            assert trusting.stats() == TelemetryStats(enqueued=1, sent=1, batches_sent=1)
        assert [event["operation"] for event in collector.events()] == ["accepted"]


def test_a_ca_file_must_hold_a_certificate(tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ValueError, match="ca_file"):
        TelemetryConfig(ca_file=str(junk))
    with pytest.raises(ValueError, match="ca_file"):
        TelemetryConfig(ca_file=str(tmp_path / "missing.pem"))


def test_debug_prints_each_outgoing_batch_to_stderr(capfd, tmp_path):
    output = tmp_path / "batches.jsonl"
    config = TelemetryConfig(enabled=True, salt=SALT, output_file=str(output), debug=True)
    assert "debug=True" in repr(config)
    with TelemetryClient(config) as client:
        client.track_agent_usage("alice@example.com", "summarize")
        assert client.flush(timeout=10) is True
    debug_lines = [line for line in capfd.readouterr().err.splitlines() if "outgoing batch" in line]
    assert len(debug_lines) == 1
    # The batch exactly as written (and as it would have been sent).
    assert debug_lines[0].endswith(output.read_text(encoding="utf-8").strip())
    assert sha256_hex("alice@example.com" + SALT) in debug_lines[0]

    quiet = TelemetryConfig(enabled=True, salt=SALT, output_file=str(output))
    with TelemetryClient(quiet) as client:
        client.track_agent_usage("alice@example.com", "summarize")
        assert client.flush(timeout=10) is True
    assert "outgoing batch" not in capfd.readouterr().err


def test_a_token_is_sent_as_a_bearer_header_and_never_shown(collector, capfd):
    config = enabled_config(collector.url, token="ingest-7Hq.x", debug=True)
    assert "ingest-7Hq.x" not in repr(config)
    with TelemetryClient(config) as client:
        client.track_agent_usage("alice@example.com", "summarize")
        assert client.flush(timeout=10) is True
    (request,) = collector.requests
    assert request.headers["Authorization"] == "Bearer ingest-7Hq.x"
    assert b"ingest-7Hq.x" not in request.body
    assert "ingest-7Hq.x" not in capfd.readouterr().err  # the debug output shows the batch only
    for bad in ("", "has space", "line\nbreak"):
        with pytest.raises(ValueError, match="token"):
            TelemetryConfig(token=bad)
