"""Sends a few events to whatever the TELEMETRY_* environment variables say; without
TELEMETRY_ENABLED=1 it sends nothing. See README.md for running it against a local collector."""

import traceback

from mycelium_telemetry import TelemetryClient

with TelemetryClient() as telemetry:  # configured from the environment; shut down on exit
    print("telemetry enabled:", telemetry.is_enabled())
    telemetry.track_system_info()
    # Only allowlisted metadata leaves; the prompt stays here.
    telemetry.track_agent_usage("agent-42", "summarize", {"duration_ms": 87, "prompt": "private"})
    telemetry.track_performance("latency", 87.0, tags={"session_id": "s-1", "model": "small"})
    try:
        open("/home/you/missing-notes.txt")
    except OSError as error:
        # The user's name in the path is scrubbed before the event leaves.
        telemetry.track_error(type(error).__name__, str(error), traceback.format_exc())
    print("delivered within 5 s:", telemetry.flush(timeout=5.0))
    print(telemetry.stats())
