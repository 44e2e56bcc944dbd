"""The consent functions against a consent file in a temporary folder, never the user's own."""

from __future__ import annotations

import json

import pytest
from test_contract import STATUSES

from mycelium_telemetry import Consent, TelemetryConfig, consent


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
