"""Behaviour that depends on the process: the environment, the global client, exit, and where
the native library is found. Each case runs in its own interpreter."""

from __future__ import annotations

import json
import os
import platform
import shutil

import pytest
from conftest import BINDING_DIR, REPOSITORY, SALT, cargo_version, clean_environment, run_python, sha256_hex

RELEASE_LIBRARY = REPOSITORY / "target" / "release" / "libmycelium_telemetry.so"

TRACK_EVERYWHERE = """
    import json
    from mycelium_telemetry import TelemetryClient, TelemetryConfig, get_telemetry_client

    clients = [TelemetryClient(), TelemetryClient(TelemetryConfig.from_env()), get_telemetry_client()]
    for client in clients:
        client.track_agent_usage("alice@example.com", "run", {"duration_ms": 1})
        client.track_performance("latency", 1.0, tags={"user": "alice"})
        client.track_error("E", "/home/alice/x failed")
        client.track_system_info()
        client.flush(5)
    print(json.dumps({
        "config_enabled": TelemetryConfig.from_env().is_enabled(),
        "clients_enabled": [client.is_enabled() for client in clients],
        "enqueued": [client.stats().enqueued for client in clients],
    }))
"""


def without_timestamps(events):
    for event in events:
        assert isinstance(event.pop("timestamp"), float)
    return events


@pytest.mark.parametrize(
    "variables",
    [
        pytest.param({}, id="nothing-set"),
        pytest.param({"TELEMETRY_ENDPOINT": "{url}", "TELEMETRY_SALT": SALT}, id="endpoint-but-not-enabled"),
        pytest.param({"TELEMETRY_ENABLED": "no", "TELEMETRY_ENDPOINT": "{url}"}, id="enabled-no"),
        pytest.param(
            {"TELEMETRY_ENABLED": "1", "DO_NOT_TRACK": "1", "TELEMETRY_ENDPOINT": "{url}", "TELEMETRY_SALT": SALT},
            id="do-not-track-wins",
        ),
    ],
)
def test_without_opt_in_nothing_is_sent(collector, tmp_path, variables):
    home = tmp_path / "home"
    home.mkdir()
    filled = {name: value.format(url=collector.url) for name, value in variables.items()}
    environment = clean_environment(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), **filled)

    output = json.loads(run_python(TRACK_EVERYWHERE, environment).stdout)

    assert output == {"config_enabled": False, "clients_enabled": [False] * 3, "enqueued": [0] * 3}
    assert collector.requests == []  # the interpreter has exited, so nothing is still on its way
    assert list(home.iterdir()) == []  # not even a salt file


def test_an_invalid_variable_disables_telemetry_with_a_warning(collector):
    environment = clean_environment(
        TELEMETRY_ENABLED="1", TELEMETRY_ENDPOINT=collector.url, TELEMETRY_SALT=SALT, TELEMETRY_TIMEOUT="99"
    )
    completed = run_python(TRACK_EVERYWHERE, environment)
    output = json.loads(completed.stdout)
    assert output["clients_enabled"] == [False] * 3
    assert "TELEMETRY_TIMEOUT" in completed.stderr
    assert collector.requests == []


def test_global_client_follows_the_environment(collector):
    environment = clean_environment(
        TELEMETRY_ENABLED="true",
        TELEMETRY_ENDPOINT=collector.url,
        TELEMETRY_SALT=SALT,
        TELEMETRY_FLUSH_INTERVAL_MS="50",
    )
    program = """
        import dataclasses, json
        from mycelium_telemetry import TelemetryConfig, get_telemetry_client, shutdown_telemetry_client

        client = get_telemetry_client()
        assert client is get_telemetry_client()
        assert client.is_enabled() and TelemetryConfig.from_env().is_enabled()
        client.track_agent_usage("bob@example.com", "search", {"result_count": 3, "query": "private"})
        client.track_system_info()
        assert client.flush(10)
        shutdown_telemetry_client(timeout=5)
        client.track_agent_usage("carol@example.com", "too late")
        assert get_telemetry_client() is client
        print(json.dumps({"enabled": client.is_enabled(), "stats": dataclasses.asdict(client.stats())}))
    """
    output = json.loads(run_python(program, environment).stdout)

    assert output["enabled"] is False
    assert output["stats"]["enqueued"] == output["stats"]["sent"] == 2
    assert without_timestamps(collector.events()) == [
        {
            "event_type": "agent_usage",
            "agent_id_hash": sha256_hex("bob@example.com" + SALT),
            "operation": "search",
            "metadata": {"result_count": 3},
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


def test_global_client_shut_down_before_first_use_stays_off(collector):
    environment = clean_environment(TELEMETRY_ENABLED="1", TELEMETRY_ENDPOINT=collector.url, TELEMETRY_SALT=SALT)
    program = """
        from mycelium_telemetry import get_telemetry_client, shutdown_telemetry_client
        shutdown_telemetry_client(timeout=1)
        client = get_telemetry_client()
        client.track_agent_usage("bob", "run")
        print(client.is_enabled())
    """
    assert run_python(program, environment).stdout.strip() == "False"
    assert collector.requests == []


OLD_MODULE_PROGRAM = """
    import sys
    import traceback

    from mycelium_telemetry import TelemetryClient, TelemetryConfig, DataAnonymizer, get_telemetry_client

    config = TelemetryConfig(
        enabled=True, endpoint=sys.argv[1], timeout=3, batch_size=10,
        retry_attempts=1, retry_backoff=1.5, salt="old-salt",
    )
    client = TelemetryClient(config)
    if client.config.is_enabled():
        client.track_agent_usage("agent-7", "plan", {"duration_ms": 5, "success": True})
        client.track_performance("tokens", 128, "count", {"agent": "agent-7"})
        try:
            open("/home/dev/notes.txt")
        except OSError as error:
            client.track_error(type(error).__name__, str(error), traceback.format_exc())
    get_telemetry_client().track_system_info()
    print(DataAnonymizer(config.salt).hash_identifier("agent-7"))
    # Like many programs, it never flushes or shuts down: leaving must still deliver.
"""


def test_a_program_written_for_the_old_module_runs_unchanged(collector):
    completed = run_python(OLD_MODULE_PROGRAM, clean_environment(), collector.url)

    assert completed.stdout.strip() == sha256_hex("agent-7old-salt")
    events = without_timestamps(collector.events())
    assert [event["event_type"] for event in events] == ["agent_usage", "performance", "error"]
    assert events[0]["metadata"] == {"duration_ms": 5, "success": True}
    assert events[1] == {
        "event_type": "performance",
        "metric_name": "tokens",
        "value": 128.0,
        "unit": "count",
        "tags": {"agent": sha256_hex("agent-7old-salt")},
    }
    assert events[2]["error_type"] == "FileNotFoundError"
    assert "<user>/notes.txt" in events[2]["error_message"]
    assert all(b"/home/dev" not in request.body for request in collector.requests)


WHERE_FROM = "import mycelium_telemetry._native as n; print(n.library_path)"
WHY_NOT = """
    try:
        import mycelium_telemetry
    except ImportError as error:
        print(error)
    else:
        raise SystemExit("imported although no library should be found")
"""


def environment_without_library_hints(**variables: str):
    environment = clean_environment(**variables)
    for name in ("MYCELIUM_TELEMETRY_LIB", "LD_LIBRARY_PATH"):
        if name not in variables:
            environment.pop(name, None)
    return environment


def test_library_is_found_in_the_build_output():
    assert RELEASE_LIBRARY.is_file(), "build it first: cargo build --release"
    output = run_python(WHERE_FROM, environment_without_library_hints()).stdout.strip()
    assert output == str(RELEASE_LIBRARY)


def test_environment_variable_names_the_library_first(tmp_path):
    chosen = tmp_path / "libchosen.so"
    chosen.symlink_to(RELEASE_LIBRARY)
    environment = environment_without_library_hints(MYCELIUM_TELEMETRY_LIB=str(chosen))
    assert run_python(WHERE_FROM, environment).stdout.strip() == str(chosen)


def test_a_missing_library_named_by_the_variable_is_an_import_error(tmp_path):
    missing = tmp_path / "nowhere.so"
    environment = environment_without_library_hints(MYCELIUM_TELEMETRY_LIB=str(missing))
    message = run_python(WHY_NOT, environment).stdout
    assert "MYCELIUM_TELEMETRY_LIB" in message and str(missing) in message


@pytest.fixture
def package_outside_the_repository(tmp_path):
    """A copy of the package where the project's build output cannot be found relative to it."""
    site = tmp_path / "site"
    shutil.copytree(BINDING_DIR / "mycelium_telemetry", site / "mycelium_telemetry")
    return site


def test_system_loader_is_the_last_resort(tmp_path, package_outside_the_repository):
    library_dir = tmp_path / "lib"
    library_dir.mkdir()
    (library_dir / "libmycelium_telemetry.so.0").symlink_to(RELEASE_LIBRARY)
    environment = environment_without_library_hints(LD_LIBRARY_PATH=str(library_dir))
    environment["PYTHONPATH"] = str(package_outside_the_repository)
    program = WHERE_FROM + "; import mycelium_telemetry; print(mycelium_telemetry.__file__)"
    where, package_file = run_python(program, environment, cwd=tmp_path).stdout.split()
    assert where == "libmycelium_telemetry.so.0"
    assert package_file.startswith(str(package_outside_the_repository))


def test_no_library_anywhere_names_all_three_places(tmp_path, package_outside_the_repository):
    environment = environment_without_library_hints()
    environment["PYTHONPATH"] = str(package_outside_the_repository)
    message = run_python(WHY_NOT, environment, cwd=tmp_path).stdout
    assert "MYCELIUM_TELEMETRY_LIB" in message
    assert os.path.join("target", "release", "libmycelium_telemetry.so") in message
    assert "libmycelium_telemetry.so.0" in message


def test_a_build_output_that_fails_to_load_is_reported_and_the_next_place_tried(tmp_path):
    # The package three folders below tmp_path sees tmp_path as its repository (as the contract's
    # search_rule says, every binding skips a broken build output instead of failing on it).
    site = tmp_path / "checkout" / "site"
    shutil.copytree(BINDING_DIR / "mycelium_telemetry", site / "mycelium_telemetry")
    broken = tmp_path / "target" / "release" / "libmycelium_telemetry.so"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not a shared library")
    library_dir = tmp_path / "lib"
    library_dir.mkdir()
    (library_dir / "libmycelium_telemetry.so.0").symlink_to(RELEASE_LIBRARY)
    environment = environment_without_library_hints(LD_LIBRARY_PATH=str(library_dir))
    environment["PYTHONPATH"] = str(site)
    assert run_python(WHERE_FROM, environment, cwd=tmp_path).stdout.strip() == "libmycelium_telemetry.so.0"

    (library_dir / "libmycelium_telemetry.so.0").unlink()
    message = run_python(WHY_NOT, environment, cwd=tmp_path).stdout
    assert str(broken) in message, message
