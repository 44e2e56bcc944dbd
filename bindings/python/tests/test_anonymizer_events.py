"""DataAnonymizer's event dictionaries: the old module's keys and shapes, the library's values."""

from __future__ import annotations

import math
import os
import threading

import pytest
from conftest import SALT, sha256_hex
from test_delivery import ERROR_MESSAGE, STACK_TRACE, enabled_config

from mycelium_telemetry import DataAnonymizer, ErrorDetail, TelemetryClient, TelemetryConfig, ValueType

AGENT_METADATA = {"duration_ms": 12, "prompt": "secret prompt", "nested": {"a": 1}, "success": True}
TAGS = {"session_id": "s-1", "user": "alice", "agent": "a-7", "model": "m", "api_key": "sk-123"}
CONTEXT_FREE_ERROR = ("DatabaseError", ERROR_MESSAGE, STACK_TRACE)


@pytest.fixture(scope="module")
def anonymizer() -> DataAnonymizer:
    return DataAnonymizer(SALT)


def test_agent_usage_has_the_old_keys_with_hashed_id_and_filtered_metadata(anonymizer):
    event = anonymizer.anonymize_agent_usage("alice@example.com", "summarize", AGENT_METADATA)
    assert event == {
        "agent_id_hash": sha256_hex("alice@example.com" + SALT),
        "operation": "summarize",
        "metadata": {"duration_ms": 12, "success": True},
    }


@pytest.mark.parametrize("metadata", [None, {}, {"prompt": "secret"}, {"duration_ms": "41"}])
def test_agent_usage_has_no_metadata_key_when_nothing_survives(anonymizer, metadata):
    # The old module left the key out for no metadata and for metadata filtered to nothing;
    # "41" is a string, not a duration, and is dropped rather than converted.
    event = anonymizer.anonymize_agent_usage("agent-1", "run", metadata)
    assert set(event) == {"agent_id_hash", "operation"}


def test_performance_metric_hashes_identifier_tags_and_drops_secret_ones(anonymizer):
    event = anonymizer.anonymize_performance_metric("latency", 12.5, "ms", TAGS)
    assert event == {
        "metric_name": "latency",
        "value": 12.5,
        "unit": "ms",
        "tags": {
            "session_id": sha256_hex("s-1" + SALT),
            "user": sha256_hex("alice" + SALT),
            "agent": sha256_hex("a-7" + SALT),
            "model": "m",
            # api_key is gone: the old module sent it as it was (see the README).
        },
    }


def test_performance_metric_without_tags_and_with_an_int_value(anonymizer):
    event = anonymizer.anonymize_performance_metric("count", 3, "items")
    assert event == {"metric_name": "count", "value": 3, "unit": "items"}
    assert type(event["value"]) is int
    assert set(anonymizer.anonymize_performance_metric("count", 3.0, "items", {})) == {
        "metric_name",
        "value",
        "unit",
    }


def test_error_has_the_old_keys_and_scrubbed_text(anonymizer):
    event = anonymizer.anonymize_error(*CONTEXT_FREE_ERROR)
    assert set(event) == {"error_type", "error_message", "stack_trace"}
    assert event["error_type"] == "DatabaseError"
    assert event["error_message"] == anonymizer.anonymize_message(ERROR_MESSAGE)
    assert event["stack_trace"] == anonymizer.anonymize_stack_trace(STACK_TRACE)
    for secret in ("alice", "hunter2", "/home/"):
        assert secret not in repr(event)


@pytest.mark.parametrize("stack_trace", [None, ""])
def test_error_without_a_trace_has_no_stack_trace_key(anonymizer, stack_trace):
    assert anonymizer.anonymize_error("KeyError", "missing 'x'", stack_trace) == {
        "error_type": "KeyError",
        "error_message": "missing 'x'",
    }


def test_dictionaries_are_what_a_client_sends(anonymizer, collector):
    """The drop-in promise: the same rules as the client, not a second copy of them."""
    with TelemetryClient(enabled_config(collector.url)) as client:
        client.track_agent_usage("alice@example.com", "summarize", AGENT_METADATA)
        client.track_performance("latency", 12.5, "ms", TAGS)
        client.track_error(*CONTEXT_FREE_ERROR)
        assert client.flush(timeout=10) is True
    sent = collector.wait_for_events(3)
    for event in sent:
        del event["event_type"], event["timestamp"]
    assert sent == [
        anonymizer.anonymize_agent_usage("alice@example.com", "summarize", AGENT_METADATA),
        anonymizer.anonymize_performance_metric("latency", 12.5, "ms", TAGS),
        anonymizer.anonymize_error(*CONTEXT_FREE_ERROR),
    ]


def test_metadata_fields_and_error_detail_options_match_a_client_so_configured():
    anonymizer = DataAnonymizer(
        SALT, metadata_fields={"output_count": ValueType.NON_NEGATIVE_INTEGER}, error_detail="frames"
    )
    usage = anonymizer.anonymize_agent_usage("a", "run", {"output_count": 3, "streamed": True})
    assert usage["metadata"] == {"output_count": 3}
    error = anonymizer.anonymize_error(*CONTEXT_FREE_ERROR)
    assert error["error_message"] == ""
    assert "connect" in error["stack_trace"] and "hunter2" not in error["stack_trace"]
    only_type = DataAnonymizer(SALT, error_detail=ErrorDetail.TYPE).anonymize_error(*CONTEXT_FREE_ERROR)
    assert only_type == {"error_type": "DatabaseError", "error_message": ""}
    with pytest.raises(ValueError):
        DataAnonymizer(SALT, metadata_fields={"api_key": "any"}).anonymize_agent_usage("a", "b")


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda a: a.anonymize_agent_usage(None, "run"), TypeError),
        (lambda a: a.anonymize_agent_usage("a", "run", ["not", "a", "dict"]), TypeError),
        (lambda a: a.anonymize_performance_metric("m", math.nan, "ms"), ValueError),
        (lambda a: a.anonymize_performance_metric("m", "12", "ms"), TypeError),
        (lambda a: a.anonymize_error("E", "bad \0 byte"), ValueError),
    ],
)
def test_caller_mistakes_raise_and_the_next_call_is_unaffected(anonymizer, call, error):
    with pytest.raises(error):
        call(anonymizer)
    assert anonymizer.anonymize_agent_usage("agent-1", "after")["operation"] == "after"


def test_concurrent_calls_each_get_their_own_event(anonymizer):
    results = {}

    def work(number: int) -> None:
        for round_ in range(10):
            agent = f"agent-{number}-{round_}"
            results[agent] = anonymizer.anonymize_agent_usage(agent, "run", {"retry_count": number})

    threads = [threading.Thread(target=work, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 40
    for agent, event in results.items():
        assert event["agent_id_hash"] == sha256_hex(agent + SALT)
        assert event["metadata"] == {"retry_count": int(agent.split("-")[1])}


def test_an_event_writes_no_file_and_starts_no_thread(monkeypatch, tmp_path):
    # The wire writer runs on the caller's thread: no client, no output file, no salt file.
    for variable in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "TMPDIR"):
        monkeypatch.setenv(variable, str(tmp_path))
    threads_before = len(os.listdir("/proc/self/task"))
    anonymizer = DataAnonymizer(SALT)
    anonymizer.anonymize_agent_usage("a", "b", {"success": True})
    anonymizer.anonymize_performance_metric("m", 1.5, "ms", {"region": "eu"})
    anonymizer.anonymize_error(*CONTEXT_FREE_ERROR)
    assert list(tmp_path.iterdir()) == []
    assert len(os.listdir("/proc/self/task")) == threads_before


def test_works_under_do_not_track_and_sends_nothing(monkeypatch, collector):
    # The anonymizer only shows what would leave; it never sends, whatever the environment says.
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("TELEMETRY_ENDPOINT", collector.url)
    monkeypatch.setenv("TELEMETRY_ENABLED", "1")
    event = DataAnonymizer(SALT).anonymize_agent_usage("a", "run", {"success": True})
    assert event["metadata"] == {"success": True}
    assert collector.requests == []
    assert TelemetryConfig.from_env().is_enabled() is False


def test_an_empty_salt_is_refused_as_the_config_refuses_it():
    with pytest.raises(ValueError):
        DataAnonymizer("")
    with pytest.raises(TypeError):
        DataAnonymizer(None)


def test_a_forked_child_anonymizes_as_its_parent(anonymizer):
    anonymizer.anonymize_agent_usage("before-fork", "run")
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through its exit code)
        code = 1
        try:
            event = anonymizer.anonymize_agent_usage("in-child", "run", {"retry_count": 1})
            ok = event == {
                "agent_id_hash": sha256_hex("in-child" + SALT),
                "operation": "run",
                "metadata": {"retry_count": 1},
            }
            code = 0 if ok else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    assert anonymizer.anonymize_agent_usage("after-fork", "run")["agent_id_hash"] == sha256_hex("after-fork" + SALT)
