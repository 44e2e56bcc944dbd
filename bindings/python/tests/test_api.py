"""Configuration, caller mistakes, lifecycle, the disabled fast path, the anonymizer."""

from __future__ import annotations

import collections
import gc
import json
import math
import threading
import time
import types
import weakref

import pytest
from conftest import SALT, cargo_version, sha256_hex
from test_delivery import enabled_config, unused_local_port

import mycelium_telemetry
from mycelium_telemetry import DataAnonymizer, TelemetryClient, TelemetryConfig, TelemetryStats
from mycelium_telemetry import client as client_module
from mycelium_telemetry._native import lib


def test_config_defaults_match_the_old_module():
    config = TelemetryConfig()
    assert (config.enabled, config.endpoint, config.timeout, config.batch_size) == (
        False,
        "https://mycelium-telemetry.sornsen.io",
        5,
        100,
    )
    assert (config.retry_attempts, config.retry_backoff, config.salt) == (3, 2.0, None)
    assert config.is_enabled() is False
    assert TelemetryConfig(enabled=True).is_enabled() is True
    assert "secret" not in repr(TelemetryConfig(salt="secret"))


@pytest.mark.parametrize(
    "setting",
    [
        {"timeout": 0},
        {"timeout": 31},
        {"timeout": -1},
        {"timeout": 2**32 + 5},  # would wrap around to 5 in a uint32_t
        {"batch_size": 0},
        {"batch_size": 1001},
        {"retry_attempts": 11},
        {"retry_backoff": 0.5},
        {"retry_backoff": 10.5},
        {"retry_backoff": math.nan},
        {"endpoint": "http://collector.example.com/v1/events"},
        {"endpoint": "https://user:pass@collector.example.com"},
        {"salt": ""},
        {"flush_interval_ms": 1},
        {"queue_capacity": 0},
        {"endpoint": "https://example.com/\0"},
    ],
)
def test_out_of_range_config_values_raise_value_error(setting):
    with pytest.raises(ValueError):
        TelemetryConfig(**setting)


@pytest.mark.parametrize(
    "setting", [{"timeout": "5"}, {"timeout": 2.5}, {"endpoint": None}, {"retry_backoff": "2"}]
)
def test_config_values_of_the_wrong_type_raise_type_error(setting):
    with pytest.raises(TypeError):
        TelemetryConfig(**setting)


def test_config_edges_are_accepted():
    TelemetryConfig(timeout=1, batch_size=1000, retry_attempts=0, retry_backoff=10.0)
    TelemetryConfig(endpoint="collector.example.com/v1/events")  # no scheme: https
    TelemetryConfig(endpoint="http://localhost:8080/v1/events")
    TelemetryConfig(flush_interval_ms=10, queue_capacity=1_000_000, salt_file="/tmp/salt")


def test_changing_a_config_after_creation_is_validated_when_a_client_is_made():
    config = TelemetryConfig()
    config.batch_size = 5000
    with pytest.raises(ValueError, match="batch_size"):
        TelemetryClient(config)


def _circular() -> dict:
    context: dict = {"status_code": 1}
    context["self"] = context
    return context


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"duration_ms": 87, "success": True, "cache_hit": None},
        {"ratio": 0.1, "big": 10**30, "neg": -1.5e-300, "text": 'é "quoted" \\ \n \0 \u2028 ✓'},
        {1: "int key", 2.5: "float key", True: "bool key", None: "none key"},
        {"nested": {"list": [1, [2, {"a": ()}]], "empty": {}}},
        {"subclasses": collections.OrderedDict(a=1)},
    ],
)
def test_metadata_json_is_what_json_dumps_writes(value):
    expected = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    assert client_module._json_object(value, "metadata") == expected.encode("utf-8")
    assert client_module._json_object(types.MappingProxyType(value), "metadata") == expected.encode("utf-8")


@pytest.mark.parametrize(
    "value, error",
    [
        ({"x": math.nan}, ValueError),
        ({"x": [math.inf]}, ValueError),
        ({"x": object()}, TypeError),
        ({(1, 2): "tuple key"}, TypeError),
        (_circular(), ValueError),
        ([("duration_ms", 1)], TypeError),
    ],
)
def test_metadata_json_refuses_what_json_dumps_refuses(value, error):
    with pytest.raises(error):
        client_module._json_object(value, "metadata")
    for _ in range(3):  # a refusal leaves nothing behind that breaks the next call
        assert client_module._json_object({"a": 1}, "metadata") == b'{"a":1}'


@pytest.mark.parametrize(
    "call, error",
    [
        pytest.param(lambda c: c.track_agent_usage("a", "op", {"when": object()}), TypeError, id="unserializable"),
        pytest.param(lambda c: c.track_agent_usage("a", "op", {"ratio": math.nan}), ValueError, id="nan-metadata"),
        pytest.param(lambda c: c.track_agent_usage("a", "op", ["duration_ms", 1]), TypeError, id="list-metadata"),
        pytest.param(
            lambda c: c.track_agent_usage("a", "op", {"deep": json.loads("[" * 70 + "]" * 70)}),
            ValueError,
            id="too-deep-metadata",
        ),
        pytest.param(lambda c: c.track_agent_usage(None, "op"), TypeError, id="none-agent-id"),
        pytest.param(lambda c: c.track_agent_usage("\udc80", "op"), ValueError, id="lone-surrogate"),
        pytest.param(lambda c: c.track_agent_usage("a\0b", "op"), ValueError, id="nul-character"),
        pytest.param(lambda c: c.track_performance("latency", math.nan), ValueError, id="nan-value"),
        pytest.param(lambda c: c.track_performance("latency", math.inf), ValueError, id="infinite-value"),
        pytest.param(lambda c: c.track_performance("latency", "12"), TypeError, id="string-value"),
        pytest.param(lambda c: c.track_performance("latency", 1.0, tags={"k": {1, 2}}), TypeError, id="set-tag"),
        pytest.param(lambda c: c.track_error("E", None), TypeError, id="none-message"),
        pytest.param(lambda c: c.track_error("E", "m", context={1j: "x"}), TypeError, id="complex-key"),
        pytest.param(lambda c: c.track_error("E", "m", context=_circular()), ValueError, id="circular-context"),
    ],
)
def test_caller_mistakes_raise_and_queue_nothing(stored, call, error):
    with TelemetryClient(enabled_config(stored.url)) as client:
        with pytest.raises(error):
            call(client)
        assert client.flush(timeout=5)
        assert client.stats().enqueued == 0
    assert stored.bodies() == []


def test_after_shutdown_calls_do_nothing(stored):
    client = TelemetryClient(enabled_config(stored.url))
    client.track_agent_usage("agent-1", "run")
    client.shutdown(timeout=5)
    assert len(stored.events()) == 1

    assert client.is_enabled() is False
    assert client.track_agent_usage("agent-2", "run", {"duration_ms": 1}) is None
    assert client.track_performance("latency", math.nan) is None  # not even validated
    assert client.track_error("E", "m") is None
    assert client.track_system_info() is None
    assert client.flush(timeout=1) is True
    assert client.stats() == TelemetryStats(enqueued=1, sent=1, batches_sent=1)
    client.shutdown()  # a second shutdown is harmless
    assert len(stored.events()) == 1


def test_context_manager_sends_and_shuts_down(stored):
    with TelemetryClient(enabled_config(stored.url, flush_interval_ms=60_000)) as client:
        client.track_agent_usage("agent-1", "run")
    # The flush interval alone would have held the event for a minute.
    assert [event["operation"] for event in stored.events()] == ["run"]
    assert client.is_enabled() is False


# On the fault collector: under this load a request can time out and be retried while the first
# is still being stored, so a receiver that prints after storing may not have printed it yet.
def test_shutdown_while_other_threads_track_is_safe_and_they_stop(collector):
    client = TelemetryClient(enabled_config(collector.url))
    failures = []

    def keep_tracking() -> None:
        try:
            # Until well after the shutdown, so that calls are in progress while it closes.
            for index in range(200_000):
                client.track_agent_usage(f"agent-{index}", "run", {"retry_count": index})
                client.track_performance("latency", float(index))
        except BaseException as error:  # noqa: BLE001 (any error fails the test)
            failures.append(error)

    threads = [threading.Thread(target=keep_tracking) for _ in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while client.stats().enqueued < 200 and time.monotonic() < deadline:
        time.sleep(0.001)
    client.shutdown(timeout=10)
    stats_at_shutdown = client.stats()
    for thread in threads:
        thread.join()

    assert failures == []
    assert client.is_enabled() is False
    # Calls that lost the race to the close were turned away: nothing more was accepted.
    assert client.stats().enqueued == stats_at_shutdown.enqueued
    stats = client.stats()
    assert 0 < stats.sent == len(collector.events())
    assert stats.sent + stats.dropped + stats.failed <= stats.enqueued


def test_stats_after_shutdown_are_the_final_counters(stored):
    client = TelemetryClient(enabled_config(stored.url, flush_interval_ms=60_000))
    for index in range(3):
        client.track_agent_usage(f"agent-{index}", "run")
    assert client.stats() == TelemetryStats(enqueued=3)  # held back by the flush interval
    client.shutdown(timeout=5)
    # Read from the closed native client: what its final drain sent, not a copy from before it.
    assert client.stats() == TelemetryStats(enqueued=3, sent=3, batches_sent=1)
    assert len(stored.events()) == 3


def test_a_client_dropped_without_shutdown_sends_what_it_queued(stored):
    client = TelemetryClient(enabled_config(stored.url, flush_interval_ms=60_000))
    client.track_agent_usage("agent-1", "forgotten")
    finalizers_before = len(weakref.finalize._registry)
    del client
    gc.collect()
    # The finalizer ran (freeing the native client without waiting), not just queued; the
    # sender then sends what was queued on its own.
    assert len(weakref.finalize._registry) < finalizers_before
    assert [event["operation"] for event in stored.wait_for_events(1)] == ["forgotten"]


def test_disabled_client_makes_no_foreign_call_and_serializes_nothing(monkeypatch, stored):
    def refuse(*_arguments, **_keywords):
        raise AssertionError("crossed into C or serialized for a disabled client")

    for name in ("mt_track_agent_usage", "mt_track_performance", "mt_track_error", "mt_track_system_info"):
        monkeypatch.setattr(lib, name, refuse)
    monkeypatch.setattr(client_module, "_encode_json", refuse)

    disabled = TelemetryClient(TelemetryConfig(endpoint=stored.url))
    assert disabled.is_enabled() is False
    assert disabled.track_agent_usage("alice@example.com", "run", {"duration_ms": 1}) is None
    assert disabled.track_performance("latency", 1.0, tags={"user": "alice"}) is None
    assert disabled.track_error("E", "m", "trace", {"status_code": 1}) is None
    assert disabled.track_system_info() is None

    # The same calls on an enabled client do reach the patched functions.
    with TelemetryClient(enabled_config(stored.url)) as enabled:
        with pytest.raises(AssertionError):
            enabled.track_agent_usage("alice@example.com", "run", {"duration_ms": 1})
        with pytest.raises(AssertionError):
            enabled.track_system_info()
        monkeypatch.undo()
        monkeypatch.setattr(client_module, "_encode_json", refuse)
        with pytest.raises(AssertionError):
            enabled.track_error("E", "m", context={"status_code": 1})
    disabled.shutdown()


def test_anonymizer_calls_the_native_rules():
    anonymizer = DataAnonymizer(SALT)
    assert anonymizer.salt == SALT
    assert anonymizer.hash_identifier("alice@example.com") == sha256_hex("alice@example.com" + SALT)
    assert DataAnonymizer("other").hash_identifier("x") != anonymizer.hash_identifier("x")
    assert anonymizer.anonymize_file_path("/home/john/project/file.py") == "<user>/project/file.py"
    assert anonymizer.anonymize_file_path("C:\\Users\\jane\\Documents\\code.py") == "<user>/Documents/code.py"
    assert anonymizer.anonymize_file_path("/opt/company/team/app/main.py") == "team/app/main.py"
    assert (
        anonymizer.anonymize_message("mail alice@example.com at postgres://admin:hunter2@db/x")
        == "mail <email> at postgres://<user>:<password>@db/x"
    )
    assert (
        anonymizer.anonymize_stack_trace('File "/home/alice/app.py", line 3, in main')
        == 'File "<user>/app.py", line 3, in main'
    )
    assert anonymizer.anonymize_message("naïve ✓ text") == "naïve ✓ text"
    with pytest.raises(TypeError):
        anonymizer.hash_identifier(42)
    with pytest.raises(ValueError):
        anonymizer.anonymize_file_path("/home/\udc80/x")


def test_version_is_the_crate_version():
    assert mycelium_telemetry.__version__ == cargo_version()


def test_flush_and_shutdown_refuse_a_bad_timeout():
    client = TelemetryClient(TelemetryConfig())
    with pytest.raises(ValueError):
        client.flush(timeout=-1)
    with pytest.raises(TypeError):
        client.shutdown(timeout="soon")
    client.shutdown()


def test_stats_are_zero_for_a_disabled_client():
    client = TelemetryClient(TelemetryConfig(enabled=False, endpoint=f"http://127.0.0.1:{unused_local_port()}"))
    client.track_agent_usage("a", "b")
    assert client.stats() == TelemetryStats()
    client.shutdown()
