"""Every public name of the old module (gsornsen/mycelium plugins/mycelium-core/telemetry at
22813b1: __init__, anonymization, client, config; it had no exceptions or constants module)
exists here under the same module and takes the same arguments, so that code written for it
runs with only its import line changed. The names and parameter lists below were read from
that module; what the calls do is tested in the other files."""

from __future__ import annotations

import importlib
import inspect

import pytest

from mycelium_telemetry import TelemetryConfig

# module -> {public name: the old module's parameters (without self/cls), or None for an
# attribute}. A parameter "name=value" had that default.
OLD_PUBLIC_API = {
    "": {"TelemetryClient": None, "TelemetryConfig": None},
    "anonymization": {
        "DataAnonymizer": ["salt"],
        "DataAnonymizer.hash_identifier": ["identifier"],
        "DataAnonymizer.anonymize_file_path": ["path"],
        "DataAnonymizer.anonymize_stack_trace": ["trace"],
        "DataAnonymizer.anonymize_error": ["error_type", "error_message", "stack_trace=None"],
        "DataAnonymizer.anonymize_agent_usage": ["agent_id", "operation", "metadata=None"],
        "DataAnonymizer.anonymize_performance_metric": ["metric_name", "value", "unit", "tags=None"],
    },
    "config": {
        "TelemetryConfig.from_env": [],
        "TelemetryConfig.is_enabled": [],
        "TelemetryConfig.validate_endpoint": ["v"],
    },
    "client": {
        "TelemetryClient": ["config=None"],
        "TelemetryClient.track_agent_usage": ["agent_id", "operation", "metadata=None"],
        "TelemetryClient.track_performance": ["metric_name", "value", "unit='ms'", "tags=None"],
        "TelemetryClient.track_error": ["error_type", "error_message", "stack_trace=None", "context=None"],
        "TelemetryClient.track_system_info": [],
        "TelemetryClient.shutdown": [],
        "TelemetryClient.is_enabled": [],
        "TelemetryClient.__enter__": [],
        "get_telemetry_client": [],
    },
}
CONFIG_FIELDS = {
    "enabled": False,
    "endpoint": "https://mycelium-telemetry.sornsen.io",
    "timeout": 5,
    "batch_size": 100,
    "retry_attempts": 3,
    "retry_backoff": 2.0,
}

CASES = [(module, name, parameters) for module, names in OLD_PUBLIC_API.items() for name, parameters in names.items()]


def _lookup(module_name: str, dotted: str):
    value = importlib.import_module("mycelium_telemetry" + (f".{module_name}" if module_name else ""))
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("module_name, name, old_parameters", CASES, ids=[f"{m}:{n}" for m, n, _ in CASES])
def test_old_public_name_exists_and_takes_the_old_arguments(module_name, name, old_parameters):
    found = _lookup(module_name, name)
    if old_parameters is None:
        return  # an attribute: its existence is the check (its behaviour is tested elsewhere)
    signature = inspect.signature(found.__init__ if inspect.isclass(found) else found)
    parameters = [p for p in signature.parameters.values() if p.name not in ("self", "cls")]
    for position, old in enumerate(old_parameters):
        old_name, _, old_default = old.partition("=")
        ours = next((p for p in parameters if p.name == old_name), None)
        assert ours is not None, f"{name} lacks the parameter {old_name!r}"
        if old_name != "config" or module_name != "client":
            # Positional calls keep working: the same parameter at the same place.
            assert parameters[position].name == old_name, f"{name}: {old_name!r} moved"
        if old_default:
            assert ours.default is not inspect.Parameter.empty, f"{name}: {old_name!r} lost its default"
            assert repr(ours.default) == old_default, f"{name}: {old_name!r} defaults to {ours.default!r}"
        else:
            assert ours.default is inspect.Parameter.empty, f"{name}: {old_name!r} became optional"
    # Whatever we added after the old parameters must be optional.
    for extra in parameters[len(old_parameters):]:
        assert extra.default is not inspect.Parameter.empty or extra.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ), f"{name}: new parameter {extra.name!r} is required"


def test_old_instance_attributes_and_context_manager():
    from mycelium_telemetry import TelemetryClient

    config = TelemetryConfig(salt="s")
    client = TelemetryClient(config)
    assert client.config is config
    assert client.anonymizer.salt == "s"
    assert config.salt == "s"
    # The old __exit__(exc_type, exc_val, exc_tb), as a with statement calls it.
    assert client.__enter__() is client
    client.__exit__(None, None, None)
    assert client.is_enabled() is False


def test_old_module_level_names():
    import logging

    from mycelium_telemetry import client

    assert isinstance(client.logger, logging.Logger)
    assert client.logger.name == "mycelium_telemetry"


def test_package_exports_the_old_names():
    import mycelium_telemetry

    assert {"TelemetryClient", "TelemetryConfig"} <= set(mycelium_telemetry.__all__)


def test_config_fields_and_defaults_are_the_old_ones():
    config = TelemetryConfig()
    assert {field: getattr(config, field) for field in CONFIG_FIELDS} == CONFIG_FIELDS
    # The old module's salt field exists too; its default differs on purpose (see the README).
    assert hasattr(config, "salt")


def test_validate_endpoint_adds_https_like_the_old_module_and_the_library_accepts_it():
    assert TelemetryConfig.validate_endpoint("collector.example.com") == "https://collector.example.com"
    assert TelemetryConfig.validate_endpoint("http://127.0.0.1:9/x") == "http://127.0.0.1:9/x"
    assert TelemetryConfig.validate_endpoint(None) is None
    config = TelemetryConfig(endpoint=TelemetryConfig.validate_endpoint("collector.example.com"))
    assert config.endpoint == "https://collector.example.com"
