"""Privacy-first, opt-in telemetry for Python, backed by the native mycelium-telemetry library.

Telemetry is off unless ``TELEMETRY_ENABLED`` (or ``TelemetryConfig(enabled=True)``) turns it
on, and ``DO_NOT_TRACK`` always wins for the environment. Identifiers are hashed, paths,
credentials and emails scrubbed, and metadata filtered to an allowlist before anything leaves.

    from mycelium_telemetry import TelemetryClient

    with TelemetryClient() as telemetry:
        telemetry.track_agent_usage("agent-42", "summarize", {"duration_ms": 87})
"""

import platform as _platform

from . import consent
from ._native import lib as _lib
from .anonymization import DataAnonymizer
from .client import TelemetryClient, TelemetryStats, get_telemetry_client, shutdown_telemetry_client
from .config import ErrorDetail, Protocol, TelemetryConfig, ValueType
from .consent import Consent, ConsentSource

__version__: str = _lib.mt_version().decode("ascii")

# system_info events name the host runtime; a refusal (an odd version string) only leaves it out.
_lib.mt_set_runtime(f"python {_platform.python_version()}".encode("ascii", "replace"))

__all__ = [
    "Consent",
    "ConsentSource",
    "DataAnonymizer",
    "ErrorDetail",
    "Protocol",
    "TelemetryClient",
    "TelemetryConfig",
    "TelemetryStats",
    "ValueType",
    "get_telemetry_client",
    "shutdown_telemetry_client",
    "consent",
    "__version__",
]
