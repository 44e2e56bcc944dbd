"""``TelemetryClient.anonymizer`` (the old module's public attribute) and
``DataAnonymizer.for_config``: the same salt and rules as the client, whatever set them."""

from __future__ import annotations

import re

import pytest
from conftest import SALT, sha256_hex
from test_delivery import enabled_config

from mycelium_telemetry import DataAnonymizer, TelemetryClient, TelemetryConfig, ValueType

HEX_64 = re.compile(r"[0-9a-f]{64}")


def _sent_agent_hash(stored, client: TelemetryClient, agent_id: str) -> str:
    client.track_agent_usage(agent_id, "run")
    assert client.flush(timeout=10) is True
    return stored.wait_for_events(1)[-1]["agent_id_hash"]


def test_explicit_salt_and_rules_are_the_clients(stored):
    config = enabled_config(stored.url, metadata_fields={"output_count": ValueType.NON_NEGATIVE_INTEGER})
    with TelemetryClient(config) as client:
        anonymizer = client.anonymizer
        assert client.anonymizer is anonymizer
        assert isinstance(anonymizer, DataAnonymizer)
        assert anonymizer.salt == SALT
        assert anonymizer.hash_identifier("agent-9") == sha256_hex("agent-9" + SALT)
        assert anonymizer.anonymize_agent_usage("a", "run", {"output_count": 2})["metadata"] == {"output_count": 2}
        assert _sent_agent_hash(stored, client, "agent-9") == anonymizer.hash_identifier("agent-9")


def test_installation_salt_hashes_as_the_client_sends(stored, tmp_path):
    salt_file = tmp_path / "telemetry_salt"
    with TelemetryClient(enabled_config(stored.url, salt=None, salt_file=salt_file)) as client:
        sent = _sent_agent_hash(stored, client, "agent-9")
        anonymizer = client.anonymizer
        assert anonymizer.salt is None  # kept by the library, never read into Python
        assert anonymizer.hash_identifier("agent-9") == sent
        assert anonymizer.anonymize_agent_usage("agent-9", "x")["agent_id_hash"] == sent
    assert sent == sha256_hex("agent-9" + salt_file.read_text().strip())


def test_environment_salt_is_used_for_a_client_from_the_environment(monkeypatch, stored):
    monkeypatch.setenv("TELEMETRY_ENABLED", "1")
    monkeypatch.setenv("TELEMETRY_ENDPOINT", stored.url)
    monkeypatch.setenv("TELEMETRY_SALT", "salt-from-the-environment")
    monkeypatch.setenv("TELEMETRY_FLUSH_INTERVAL_MS", "50")
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    with TelemetryClient() as client:
        expected = sha256_hex("agent-9salt-from-the-environment")
        assert client.anonymizer.hash_identifier("agent-9") == expected
        assert _sent_agent_hash(stored, client, "agent-9") == expected


def test_a_disabled_client_without_salt_uses_a_random_one_and_writes_no_salt_file(tmp_path):
    salt_file = tmp_path / "telemetry_salt"
    first = TelemetryClient(TelemetryConfig(salt_file=salt_file)).anonymizer
    second = TelemetryClient(TelemetryConfig(salt_file=salt_file)).anonymizer
    assert HEX_64.fullmatch(first.hash_identifier("agent-9"))
    assert first.hash_identifier("agent-9") == first.hash_identifier("agent-9")
    assert first.hash_identifier("agent-9") != second.hash_identifier("agent-9")
    assert first.anonymize_agent_usage("agent-9", "run")["agent_id_hash"] == first.hash_identifier("agent-9")
    assert not salt_file.exists()


def test_a_disabled_client_with_a_salt_keeps_it():
    anonymizer = TelemetryClient(TelemetryConfig(salt=SALT)).anonymizer
    assert anonymizer.hash_identifier("x") == sha256_hex("x" + SALT)


def test_for_config_is_what_the_attribute_returns_for_a_config():
    config = TelemetryConfig(enabled=True, salt=SALT, error_detail="type")
    anonymizer = DataAnonymizer.for_config(config)
    assert anonymizer.hash_identifier("x") == sha256_hex("x" + SALT)
    assert anonymizer.anonymize_error("E", "message", "trace") == {"error_type": "E", "error_message": ""}



def test_do_not_track_means_a_random_salt_and_no_salt_file(monkeypatch, tmp_path):
    salt_file = tmp_path / "telemetry_salt"
    monkeypatch.setenv("TELEMETRY_ENABLED", "1")
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("TELEMETRY_SALT_FILE", str(salt_file))
    monkeypatch.delenv("TELEMETRY_SALT", raising=False)
    client = TelemetryClient()
    assert client.is_enabled() is False
    assert HEX_64.fullmatch(client.anonymizer.hash_identifier("agent-9"))
    assert client.anonymizer.anonymize_agent_usage("agent-9", "run")["operation"] == "run"
    assert not salt_file.exists()


def test_for_config_never_creates_the_salt_file_and_says_why_it_cannot_hash(tmp_path):
    salt_file = tmp_path / "telemetry_salt"
    anonymizer = DataAnonymizer.for_config(TelemetryConfig(enabled=True, salt_file=salt_file))
    with pytest.raises(RuntimeError, match="salt"):
        anonymizer.anonymize_agent_usage("agent-9", "run")
    assert not salt_file.exists()
    salt_file.write_text("salt-on-file\n")
    assert anonymizer.hash_identifier("agent-9") == sha256_hex("agent-9salt-on-file")
