"""The native anonymizer, for checking what leaves or scrubbing text of your own.

``DataAnonymizer`` has the public methods of the old module's class of the same name. Text and
hashes come from the ``mt_anonymize_*`` and ``mt_hash_identifier`` functions; the event
dictionaries (``anonymize_agent_usage``, ``anonymize_performance_metric``, ``anonymize_error``)
are the events the library itself writes (see ``_local_pipeline``), so every rule lives once,
in the library.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Mapping, Optional, Union

from . import _native
from ._local_pipeline import LocalPipeline
from ._native import lib
from .config import ErrorDetail, PathText, ValueType


def _scrubbed(function_name: str, text: str, name: str) -> str:
    result = _native.take_string(getattr(lib, function_name)(_native.encode(text, name)))
    return _checked(result, function_name)


def _checked(result: Optional[str], function_name: str) -> str:
    if result is None:
        # Arguments were already checked, so NULL can only mean the library could not allocate.
        raise MemoryError(f"{function_name} returned NULL")
    return result


class DataAnonymizer:
    """The rules the client applies before anything leaves, callable directly.

    Args:
        salt: The salt identifiers are hashed with.
        metadata_fields: Extra allowlisted metadata keys with their :class:`ValueType`, as
            :class:`TelemetryConfig` takes them; the event dictionaries then keep them as a
            client so configured would send them.
        error_detail: How much of an error :meth:`anonymize_error` keeps, as
            :class:`TelemetryConfig` takes it (default ``ErrorDetail.FULL``).
    """

    def __init__(
        self,
        salt: str,
        *,
        metadata_fields: Optional[Mapping[str, Union[ValueType, str]]] = None,
        error_detail: Union[ErrorDetail, str] = ErrorDetail.FULL,
    ) -> None:
        self._salt_bytes = _native.encode(salt, "salt")
        self.salt = salt
        self._settings: Dict[str, Any] = {
            "salt": salt,
            "metadata_fields": metadata_fields,
            "error_detail": error_detail,
        }
        self._pipeline: Optional[LocalPipeline] = None
        self._pipeline_lock = threading.Lock()

    def __repr__(self) -> str:
        return "DataAnonymizer(salt=<hidden>)"

    def hash_identifier(self, identifier: str) -> str:
        """Lowercase hex ``sha256(identifier + salt)``, 64 characters."""
        address = lib.mt_hash_identifier(self._salt_bytes, _native.encode(identifier, "identifier"))
        return _checked(_native.take_string(address), "mt_hash_identifier")

    def anonymize_file_path(self, path: str) -> str:
        """Removes the user from a path: ``/home/john/project/file.py`` becomes
        ``<user>/project/file.py``; paths outside a home keep their last three components."""
        return _scrubbed("mt_anonymize_path", path, "path")

    def anonymize_message(self, message: str) -> str:
        """Scrubs free text: home paths lose their user, URL credentials become
        ``<user>:<password>``, email addresses become ``<email>``."""
        return _scrubbed("mt_anonymize_message", message, "message")

    def anonymize_stack_trace(self, trace: str) -> str:
        """Scrubs a stack trace like a message; file names, line numbers and function names
        survive."""
        return _scrubbed("mt_anonymize_stack_trace", trace, "trace")

    def anonymize_error(
        self, error_type: str, error_message: str, stack_trace: Optional[str] = None
    ) -> Dict[str, Any]:
        """The error as it would leave: ``{"error_type", "error_message"}`` plus
        ``"stack_trace"`` when a trace was given and something of it is left. The message and
        trace are scrubbed and bounded (1 KiB, 8 KiB); the error type is scrubbed like a name."""
        return self._event(
            lambda client: client.track_error(error_type, error_message, stack_trace or None)
        )

    def anonymize_agent_usage(
        self, agent_id: str, operation: str, metadata: Optional[Mapping[str, Any]] = None
    ) -> Dict[str, Any]:
        """The agent usage as it would leave: ``{"agent_id_hash", "operation"}`` plus
        ``"metadata"`` when something of it passes the typed allowlist."""
        return self._event(lambda client: client.track_agent_usage(agent_id, operation, metadata or None))

    def anonymize_performance_metric(
        self,
        metric_name: str,
        value: float,
        unit: str,
        tags: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """The metric as it would leave: ``{"metric_name", "value", "unit"}`` plus ``"tags"``
        when tags were given. Tags ending in ``_id``, ``user`` and ``agent`` are hashed,
        secret-looking ones dropped, the rest scrubbed. ``value`` must be a finite number."""
        event = self._event(lambda client: client.track_performance(metric_name, value, unit, tags or None))
        if type(value) is int:
            # The wire has one number type (100.0); the old module gave back the caller's int.
            event["value"] = int(event["value"])
        return event

    def _event(self, track) -> Dict[str, Any]:
        with self._pipeline_lock:
            if self._pipeline is None:
                # Made on first use: hashing and scrubbing text need no client.
                self._pipeline = LocalPipeline(self._settings)
            pipeline = self._pipeline
        return pipeline.event(track)
