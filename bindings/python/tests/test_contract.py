"""This binding against bindings/contract.json: every status handled as the contract says, every
option present, the library searched for in the contract's order, and the log callback."""

from __future__ import annotations

import inspect
import json
import logging
import threading
from pathlib import Path

import pytest
from conftest import REPOSITORY

from mycelium_telemetry import TelemetryClient, TelemetryConfig, _native

CONTRACT = json.loads((REPOSITORY / "bindings" / "contract.json").read_text(encoding="utf-8"))
STATUSES = {status["name"]: status for status in CONTRACT["statuses"]}


@pytest.mark.parametrize("status", CONTRACT["statuses"], ids=lambda status: status["name"])
def test_each_status_maps_as_the_contract_says(status):
    assert getattr(_native, status["name"]) == status["value"], "the number typed in _native"
    assert _native.status_message(status["value"]) == status["message"]
    mistake = _native.caller_mistake(status["value"], "call")
    if status["policy"] == "caller_mistake":
        assert type(mistake).__name__ == status["bindings"]["python"]
        assert status["message"] in str(mistake)
    else:
        assert mistake is None, "only caller mistakes raise"


def local_only_config(tmp_path, **overrides):
    settings = dict(enabled=True, output_file=str(tmp_path / "batches.jsonl"), flush_interval_ms=60_000)
    settings.update(overrides)
    return TelemetryConfig(**settings)


def test_after_shutdown_is_silent_as_the_contract_says(tmp_path):
    assert STATUSES["MT_ERR_SHUT_DOWN"]["bindings"]["python"] == "silent"
    client = TelemetryClient(local_only_config(tmp_path))
    client.shutdown(timeout=5)
    client.track_agent_usage("agent", "run")  # no exception
    assert client.flush(timeout=1) is True  # nothing is pending
    assert client.stats().enqueued == 0


def test_an_internal_error_is_a_warning_never_an_exception(tmp_path, monkeypatch, caplog):
    internal = STATUSES["MT_ERR_INTERNAL"]
    assert internal["policy"] == "internal"
    client = TelemetryClient(local_only_config(tmp_path))
    monkeypatch.setattr(_native.lib, "mt_track_agent_usage", lambda *arguments: internal["value"])
    with caplog.at_level(logging.WARNING, logger="mycelium_telemetry"):
        client.track_agent_usage("agent", "run")
    client.shutdown(timeout=5)
    warnings = [record for record in caplog.records if record.name == "mycelium_telemetry"]
    assert len(warnings) == 1 and internal["message"] in warnings[0].getMessage()


def test_every_option_of_the_contract_is_a_config_keyword():
    keywords = inspect.signature(TelemetryConfig.__init__).parameters
    missing = [option["names"]["python"] for option in CONTRACT["options"] if option["names"]["python"] not in keywords]
    assert missing == []


def test_numeric_options_take_the_contract_range():
    for option in CONTRACT["options"]:
        if "min" not in option:
            continue
        name = option["names"]["python"]
        if name == "timeout" or option["type"] == "uint32":
            low, high, step = int(option["min"]), int(option["max"]), 1
        else:
            low, high, step = option["min"], option["max"], 0.001
        TelemetryConfig(**{name: low})
        TelemetryConfig(**{name: high})
        with pytest.raises(ValueError):
            TelemetryConfig(**{name: high + step})
        if low - step >= 0:
            with pytest.raises(ValueError):
                TelemetryConfig(**{name: low - step})


def test_the_library_is_searched_for_in_the_contract_order():
    library = CONTRACT["library"]
    assert "python" in library["applies_to"]
    assert _native.LIBRARY_ENV_VAR == library["env_var"]
    build_outputs = [str(path.relative_to(REPOSITORY).parent) for path in _native.BUILD_OUTPUTS]
    assert build_outputs == [place for place in library["search_order"] if place.startswith("target/")]
    assert all(path.name == library["build_file"]["linux"] for path in _native.BUILD_OUTPUTS)
    assert list(_native.SYSTEM_NAMES) == library["system_names"]["linux"]
    package_root = Path(_native.__file__).resolve().parent.parent
    assert str(_native.BUNDLED.relative_to(package_root)) == library["bundled"]["python"]


def test_the_log_callback_receives_the_library_messages_on_its_sender_thread(tmp_path):
    received = []
    done = threading.Event()

    def log_callback(level, message):
        received.append((level, message, threading.current_thread() is threading.main_thread()))
        done.set()

    config = local_only_config(tmp_path, debug=True, log_callback=log_callback)
    with TelemetryClient(config) as client:
        client.track_agent_usage("agent", "summarize")
        assert client.flush(timeout=10) is True
        assert done.wait(10)
    level, message, on_main_thread = received[0]
    assert level == logging.DEBUG
    assert '"operation":"summarize"' in message.replace(" ", "")
    assert on_main_thread is False


def test_a_log_callback_that_raises_does_not_reach_the_host(tmp_path, capfd):
    def failing(level, message):
        raise RuntimeError("callback bug")

    with TelemetryClient(local_only_config(tmp_path, debug=True, log_callback=failing)) as client:
        client.track_agent_usage("agent", "summarize")
        assert client.flush(timeout=10) is True
    assert "callback bug" not in capfd.readouterr().err


def test_a_log_callback_must_be_callable():
    with pytest.raises(TypeError):
        TelemetryConfig(log_callback="print")


def test_strings_follow_the_contract(tmp_path):
    rules = CONTRACT["strings"]
    with TelemetryClient(local_only_config(tmp_path)) as client:
        with pytest.raises(ValueError) as nul:
            client.track_agent_usage("agent\0hidden", "run")
        assert type(nul.value).__name__ == rules["nul_byte"]["bindings"]["python"]
        with pytest.raises(UnicodeEncodeError):
            client.track_agent_usage("agent\ud800", "run")
        assert rules["invalid_utf8"]["bindings"]["python"].startswith("ValueError (UnicodeEncodeError")
        assert client.stats().enqueued == 0
