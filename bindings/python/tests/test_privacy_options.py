"""Typed metadata keys and error detail levels, checked on what the loopback collector receives."""

from __future__ import annotations

import json

import pytest
from conftest import clean_environment, run_python
from test_delivery import enabled_config

from mycelium_telemetry import ErrorDetail, Protocol, TelemetryClient, TelemetryConfig, ValueType

TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/home/alice/project/app.py", line 42, in main\n'
    "    connect(password='hunter2')\n"
    "ValueError: bad input from alice@example.com"
)


def test_typed_keys_keep_right_typed_values_and_drop_the_rest(collector):
    config = enabled_config(
        collector.url,
        metadata_fields={"output_count": ValueType.NON_NEGATIVE_INTEGER, "streamed": "boolean", "model": ValueType.ANY},
    )
    with TelemetryClient(config) as client:
        client.track_agent_usage(
            "a", "right", {"output_count": 7, "streamed": True, "model": "m by alice@example.com", "status_code": 201}
        )
        client.track_agent_usage(
            "a", "wrong", {"output_count": "7", "streamed": 1, "duration_ms": "41 ms for alice", "status_code": 42}
        )
        client.track_error("E", "m", context={"status_code": 503, "success": "yes"})
        assert client.flush(timeout=10) is True
    right, wrong, error = collector.events()
    assert right["metadata"] == {"output_count": 7, "streamed": True, "model": "m by <email>", "status_code": 201}
    assert "metadata" not in wrong
    assert error["context"] == {"status_code": 503}


@pytest.mark.parametrize(
    "detail, message, trace",
    [
        (ErrorDetail.FULL, "bad input from <email>", "<user>/project/app.py"),
        ("frames", "", "app.py:42 in main"),
        (ErrorDetail.TYPE, "", None),
    ],
)
def test_each_error_detail_level_changes_what_arrives(collector, detail, message, trace):
    with TelemetryClient(enabled_config(collector.url, error_detail=detail)) as client:
        client.track_error("ValueError", "bad input from alice@example.com", TRACE, {"retry_count": 1})
        assert client.flush(timeout=10) is True
    (event,) = collector.events()
    assert event["error_type"] == "ValueError"
    assert event["error_message"] == message
    assert event["context"] == {"retry_count": 1}
    if trace is None:
        assert "stack_trace" not in event
    else:
        assert trace in event["stack_trace"]
    if detail != ErrorDetail.FULL:
        assert "alice" not in str(event) and "hunter2" not in str(event)


def test_bad_options_are_refused_before_anything_is_sent():
    with pytest.raises(ValueError, match="error_detail"):
        TelemetryConfig(error_detail="minimal")
    with pytest.raises(TypeError, match="error_detail"):
        TelemetryConfig(error_detail=2)
    with pytest.raises(ValueError, match="not one of"):
        TelemetryConfig(metadata_fields={"x": "string"})
    with pytest.raises(ValueError, match="api_token"):
        TelemetryConfig(metadata_fields={"api_token": ValueType.BOOLEAN})
    with pytest.raises(ValueError, match="status_code"):
        TelemetryConfig(metadata_fields={"status_code": ValueType.BOOLEAN})
    with pytest.raises(TypeError, match="metadata_fields"):
        TelemetryConfig(metadata_fields=[("x", "any")])
    config = TelemetryConfig(metadata_fields={"duration_ms": "any"}, error_detail="TYPE")
    assert "error_detail='TYPE'" in repr(config)


def test_error_detail_from_the_environment(collector):
    environment = clean_environment(
        TELEMETRY_ENABLED="true",
        TELEMETRY_ENDPOINT=collector.url,
        TELEMETRY_SALT="s",
        TELEMETRY_FLUSH_INTERVAL_MS="50",
        TELEMETRY_ERROR_DETAIL="type",
    )
    program = """
        from mycelium_telemetry import get_telemetry_client, shutdown_telemetry_client

        client = get_telemetry_client()
        client.track_error("ValueError", "bad input from alice@example.com", "trace")
        assert client.flush(10)
        shutdown_telemetry_client(timeout=5)
    """
    run_python(program, environment)
    (event,) = collector.events()
    assert (event["error_type"], event["error_message"], "stack_trace" in event) == ("ValueError", "", False)


def test_protocol_otlp_sends_otlp_logs(collector):
    url = collector.url.replace("/v1/events", "/v1/logs")
    config = enabled_config(url, protocol=Protocol.OTLP, app_name="py-otlp", flush_interval_ms=60_000)
    with TelemetryClient(config) as client:
        client.track_error("ValueError", "bad input from alice@example.com")
        client.track_system_info()
        assert client.flush(timeout=10) is True
    (request,) = collector.requests
    assert request.path == "/v1/logs"
    resource_logs = json.loads(request.body)["resourceLogs"]
    attributes = {a["key"]: a["value"] for a in resource_logs[0]["resource"]["attributes"]}
    assert attributes["service.name"] == {"stringValue": "py-otlp"}
    assert attributes["telemetry.sdk.language"] == {"stringValue": "python"}
    records = resource_logs[0]["scopeLogs"][0]["logRecords"]
    assert [r["eventName"] for r in records] == ["mycelium.error", "mycelium.system_info"]
    assert records[0]["severityText"] == "ERROR"
    assert b"alice" not in request.body


def test_protocol_is_checked_and_shown():
    with pytest.raises(ValueError, match="protocol"):
        TelemetryConfig(protocol="zipkin")
    assert "protocol='otlp'" in repr(TelemetryConfig(protocol="otlp"))
