"""Run in a virtual environment holding only the wheel: one event of each type, from TELEMETRY_*."""
import sys

import mycelium_telemetry
from mycelium_telemetry import TelemetryClient, _native

# The wheel's own copy of the library, not one found elsewhere.
assert _native.library_path == str(_native.BUNDLED), _native.library_path
with TelemetryClient() as telemetry:
    assert telemetry.is_enabled()
    telemetry.track_agent_usage("agent-7", "clean-install-python", {"duration_ms": 41})
    telemetry.track_performance("latency", 12.5)
    try:
        open("/home/alice/missing.txt")
    except OSError as error:
        telemetry.track_error(type(error).__name__, str(error))
    telemetry.track_system_info()
print(mycelium_telemetry.__version__)
sys.exit(0)
