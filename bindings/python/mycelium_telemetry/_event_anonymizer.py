"""Builds event dictionaries with the library's own wire writer, so that no rule is typed twice.

The typed metadata allowlist, the tag rules, the bounds on names and the error detail levels run
only where the library writes an event. ``mt_config_anonymize_event`` runs that writer on one
event, on the caller's thread, with a config's salt and rules: no client, no thread, no file,
no socket. It is not tracking, so consent (``DO_NOT_TRACK``, ``TELEMETRY_ENABLED``, the recorded
choice) does not apply to it.

It calls the C function itself rather than through ``TelemetryClient``, so that the client
module can hand out an anonymizer without the two importing each other.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping
from typing import Any, Dict, Optional

from . import _native
from ._native import lib
from .config import TelemetryConfig

# Keys the wire form has that the old module's anonymizer dictionaries did not (its client
# added them when queueing).
_ENVELOPE_KEYS = ("event_type", "timestamp")


def agent_usage(
    config: TelemetryConfig, agent_id: str, operation: str, metadata: Optional[Mapping]
) -> Dict[str, Any]:
    _native.encode(agent_id, "agent_id")
    _native.encode(operation, "operation")
    event = {"event_type": "agent_usage", "agent_id": agent_id, "operation": operation}
    return _anonymized(config, event, metadata=_object(metadata, "metadata"))


def performance(
    config: TelemetryConfig, metric_name: str, value: float, unit: str, tags: Optional[Mapping]
) -> Dict[str, Any]:
    _native.encode(metric_name, "metric_name")
    _native.encode(unit, "unit")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a number, not {type(value).__name__}")
    event = {"event_type": "performance", "metric_name": metric_name, "value": float(value), "unit": unit}
    return _anonymized(config, event, tags=_object(tags, "tags"))


def error(config: TelemetryConfig, error_type: str, error_message: str, stack_trace: Optional[str]) -> Dict[str, Any]:
    _native.encode(error_type, "error_type")
    _native.encode(error_message, "error_message")
    _native.encode_optional(stack_trace, "stack_trace")
    # The old module's anonymize_error had no context.
    event = {"event_type": "error", "error_type": error_type, "error_message": error_message, "stack_trace": stack_trace}
    return _anonymized(config, event)


def _anonymized(config: TelemetryConfig, event: Dict[str, Any], **objects: Optional[Dict]) -> Dict[str, Any]:
    """The event's wire form without ``event_type`` and ``timestamp``."""
    event.update({name: value for name, value in objects.items() if value is not None})
    # allow_nan=False: a NaN or infinite value raises ValueError here, as the library refuses it.
    text = json.dumps(event, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    with config._native() as native_config:
        wire = _native.take_string(lib.mt_config_anonymize_event(native_config, text.encode("utf-8")))
    if wire is None:
        # Types and values were checked above, so only a missing salt is left.
        raise RuntimeError(
            "mt_config_anonymize_event returned NULL: the config has no salt and its salt file "
            "does not exist yet"
        )
    anonymized = json.loads(wire)
    for key in _ENVELOPE_KEYS:
        anonymized.pop(key, None)
    return anonymized


def _object(value: Optional[Mapping], name: str) -> Optional[Dict]:
    """A mapping as a dict for the event's JSON; empty is None (the old module left out empty
    metadata and tags)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    return dict(value) or None
