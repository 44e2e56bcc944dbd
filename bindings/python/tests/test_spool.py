"""shutdown(timeout=0) and the offline spool, through the binding: a process exits at once
while the collector is down, and the next run sends what it left, each batch once."""

from __future__ import annotations

import json

from collector import Collector
from conftest import SALT, clean_environment, run_python

PROGRAM = """
import json, sys, time
from mycelium_telemetry import TelemetryClient, TelemetryConfig
config = TelemetryConfig(enabled=True, endpoint=sys.argv[1], salt=%r, app_name="pyspool",
                         spool_max_bytes=1_000_000, spool_max_age_days=7)
client = TelemetryClient(config)
if sys.argv[2] == "track":
    for index in range(10):
        client.track_agent_usage("agent", f"op-{index}")
    client.shutdown(timeout=0)
else:
    deadline = time.monotonic() + 15
    while client.stats().replayed < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    client.shutdown()
print(json.dumps(client.stats().__dict__))
""" % SALT


def test_shutdown_zero_spools_and_the_next_run_sends_each_batch_once(tmp_path):
    environment = clean_environment(
        HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"), XDG_CONFIG_HOME=str(tmp_path / "config")
    )
    with Collector() as collector:
        collector.command("stop")
        first = json.loads(run_python(PROGRAM, environment, collector.url, "track").stdout)
        assert (first["spooled"], first["sent"], first["failed"]) == (10, 0, 0)
        spooled = list((tmp_path / "state" / "mycelium" / "telemetry" / "spool" / "pyspool").glob("*.json"))
        assert len(spooled) == 1
        collector.command("restart")
        second = json.loads(run_python(PROGRAM, environment, collector.url, "replay").stdout)
        assert second["replayed"] == 10
        batches = collector.command("batches")["batches"]
        assert [(entry["accepted"], entry["events"]) for entry in batches.values()] == [(1, 10)]


def test_spool_bounds_are_checked_by_the_library():
    import pytest

    from mycelium_telemetry import TelemetryConfig

    TelemetryConfig(spool_max_bytes=0, spool_max_age_days=0)  # 0 turns the spool off
    with pytest.raises(ValueError, match="spool_max_bytes"):
        TelemetryConfig(spool_max_bytes=1_073_741_825)
    with pytest.raises(ValueError, match="spool_max_age_days"):
        TelemetryConfig(spool_max_age_days=366)
