"""The consent functions against a consent file in a temporary folder, never the user's own."""

from __future__ import annotations

import json

import pytest
from test_contract import CONTRACT, STATUSES

from mycelium_telemetry import Consent, ConsentSource, TelemetryClient, TelemetryConfig, consent


@pytest.fixture
def consent_file(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    folder.mkdir(mode=0o700)
    path = folder / "telemetry_consent.json"
    monkeypatch.setenv("TELEMETRY_CONSENT_FILE", str(path))
    return path


def test_set_on_then_get_returns_on(consent_file):
    assert consent.get() is Consent.UNDECIDED
    consent.set(Consent.ON)
    assert consent.get() is Consent.ON
    assert consent_file.stat().st_mode & 0o777 == 0o600
    json.loads(consent_file.read_text(encoding="utf-8"))  # readable by a person, and JSON


def test_levels_can_be_given_by_name(consent_file):
    consent.set("local", app="mytool")
    assert consent.get(app="mytool") is Consent.LOCAL
    consent.set("undecided", app="mytool")
    assert consent.get(app="mytool") is Consent.UNDECIDED


def test_per_app_and_global_entries_are_separate(consent_file):
    consent.set(Consent.LOCAL, app="mytool")
    assert consent.get(app="mytool") is Consent.LOCAL
    assert consent.get() is Consent.UNDECIDED
    consent.set(Consent.OFF)
    assert consent.get(app="mytool") is Consent.LOCAL
    assert consent.get() is Consent.OFF
    assert consent.get(app="other-tool") is Consent.UNDECIDED


def test_the_notice_is_not_empty():
    assert consent.NOTICE.strip()


def test_an_invalid_level_or_name_raises_the_contract_error(consent_file):
    error = STATUSES["MT_ERR_INVALID_ARGUMENT"]["bindings"]["python"]
    assert error == "ValueError"
    with pytest.raises(ValueError, match="not one of"):
        consent.set("maybe")
    with pytest.raises(TypeError):
        consent.set(3)
    with pytest.raises(ValueError):
        consent.get(app="not a name")
    with pytest.raises(ValueError):
        consent.set(Consent.ON, app="no/slashes")
    assert consent.get() is Consent.UNDECIDED
    assert not consent_file.exists()


def test_an_unreadable_consent_file_is_the_contract_io_error(consent_file):
    assert STATUSES["MT_ERR_IO"]["bindings"]["python"] == "OSError"
    consent_file.write_text("not json", encoding="utf-8")
    consent_file.chmod(0o600)
    with pytest.raises(OSError):
        consent.get()


def test_a_consent_file_behind_a_symbolic_link_is_refused_as_an_io_error(consent_file, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text("{}", encoding="utf-8")
    consent_file.symlink_to(target)
    with pytest.raises(OSError):
        consent.get()
    try:
        consent.set(Consent.ON)  # refusing or replacing the link are both safe; writing through is not
    except OSError:
        pass
    assert target.read_text(encoding="utf-8") == "{}"


def test_app_name_is_a_config_option():
    assert TelemetryConfig(app_name="mytool").app_name == "mytool"
    with pytest.raises(ValueError):
        TelemetryConfig(app_name="not a name")


def test_sources_are_the_contract_sources():
    numbers = {source.value: number for number, source in enumerate(ConsentSource, start=1)}
    assert numbers == CONTRACT["consent_sources"]


def _explained(config, level, source):
    """explain() says ``level`` because of ``source``, and a client from ``config`` agrees."""
    explanation = consent.explain(config)
    assert (explanation.level, explanation.source) == (level, source)
    assert "(rule " in explanation.reason
    client = TelemetryClient(config) if config is not None else TelemetryClient(TelemetryConfig.from_env())
    try:
        assert client.is_enabled() == (level is not Consent.OFF)
    finally:
        client.shutdown(timeout=1.0)
    return explanation


def test_explain_names_the_rule_that_decides_row_by_row(consent_file, monkeypatch):
    for name in ("DO_NOT_TRACK", "TELEMETRY_ENABLED", "TELEMETRY_APP"):
        monkeypatch.delenv(name, raising=False)
    # A closed loopback port: a client that does start never reaches a collector.
    config = TelemetryConfig(app_name="mytool", endpoint="http://127.0.0.1:9/v1/events")
    _explained(None, Consent.OFF, ConsentSource.DEFAULT)  # 5
    _explained(config, Consent.OFF, ConsentSource.DEFAULT)  # 5
    host = TelemetryConfig(app_name="mytool", endpoint="http://127.0.0.1:9/v1/events", enabled=True)
    _explained(host, Consent.ON, ConsentSource.HOST)  # 4
    consent.set(Consent.LOCAL)
    _explained(host, Consent.LOCAL, ConsentSource.GLOBAL_CHOICE)  # 3, global
    consent.set(Consent.OFF, app="mytool")
    off = _explained(host, Consent.OFF, ConsentSource.APP_CHOICE)  # 3, the app's own
    assert off.reason == "the choice recorded for this application (rule 3)"
    monkeypatch.setenv("TELEMETRY_ENABLED", "1")
    _explained(host, Consent.ON, ConsentSource.TELEMETRY_ENABLED)  # 2
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    _explained(host, Consent.OFF, ConsentSource.DO_NOT_TRACK)  # 1
    monkeypatch.delenv("DO_NOT_TRACK")
    monkeypatch.delenv("TELEMETRY_ENABLED")
    # None is the environment alone, where TELEMETRY_APP names the application.
    monkeypatch.setenv("TELEMETRY_APP", "mytool")
    _explained(None, Consent.OFF, ConsentSource.APP_CHOICE)


def test_explain_reports_an_unreadable_choice_as_off_without_raising(consent_file):
    consent_file.write_text("not json", encoding="utf-8")
    consent_file.chmod(0o600)
    explanation = consent.explain(TelemetryConfig(enabled=True))
    assert explanation == (Consent.OFF, ConsentSource.UNREADABLE_CHOICE, explanation.reason)
    assert "cannot be read" in explanation.reason
    with pytest.raises(OSError):
        consent.get()  # which says why


def test_explain_takes_a_config_or_nothing():
    with pytest.raises(TypeError):
        consent.explain("mytool")
