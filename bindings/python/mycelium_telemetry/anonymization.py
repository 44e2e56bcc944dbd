"""The native anonymizer, for checking what leaves or scrubbing text of your own.

``DataAnonymizer`` has the public methods of the old module's class of the same name. Text and
hashes come from the ``mt_anonymize_*`` and ``mt_hash_identifier`` functions; the event
dictionaries (``anonymize_agent_usage``, ``anonymize_performance_metric``, ``anonymize_error``)
are the events the library itself writes (see ``_event_anonymizer``), so every rule lives once,
in the library.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Union

from . import _event_anonymizer, _native
from ._native import lib
from .config import ErrorDetail, TelemetryConfig, ValueType


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
        self._salt_bytes: Optional[bytes] = _native.encode(salt, "salt")
        self.salt: Optional[str] = salt
        # Checked now, so that a bad option raises here rather than at the first event.
        self._config = TelemetryConfig(salt=salt, metadata_fields=metadata_fields, error_detail=error_detail)

    @classmethod
    def for_config(cls, config: TelemetryConfig) -> "DataAnonymizer":
        """An anonymizer with the rules and salt a client made from ``config`` uses (what
        ``TelemetryClient.anonymizer`` returns): its metadata allowlist and error detail, and
        its salt, which for a config without one is the per-installation salt. ``salt`` is
        then None: the salt is not read into Python, identifiers are hashed by the library. The
        anonymizer never creates the salt file (a client does when it starts collecting): until
        it exists, hashing and the event methods raise RuntimeError.

        A config that is not enabled sends nothing to compare with, so when it has no salt a
        random one is used, as the old module did, and no salt file is created."""
        if config.salt is None and not config.is_enabled():
            return cls(os.urandom(32).hex(), metadata_fields=config.metadata_fields, error_detail=config.error_detail)
        anonymizer = cls.__new__(cls)
        anonymizer.salt = config.salt
        anonymizer._salt_bytes = None if config.salt is None else _native.encode(config.salt, "salt")
        anonymizer._config = config
        return anonymizer

    def __repr__(self) -> str:
        return "DataAnonymizer(salt=<hidden>)"

    def hash_identifier(self, identifier: str) -> str:
        """Lowercase hex ``sha256(identifier + salt)``, 64 characters."""
        if self._salt_bytes is None:
            # The salt lives in the library (a salt file): let it hash, as it hashes agent ids.
            return _event_anonymizer.agent_usage(self._config, identifier, "hash", None)["agent_id_hash"]
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
        return _event_anonymizer.error(self._config, error_type, error_message, stack_trace)

    def anonymize_agent_usage(
        self, agent_id: str, operation: str, metadata: Optional[Mapping[str, Any]] = None
    ) -> Dict[str, Any]:
        """The agent usage as it would leave: ``{"agent_id_hash", "operation"}`` plus
        ``"metadata"`` when something of it passes the typed allowlist."""
        return _event_anonymizer.agent_usage(self._config, agent_id, operation, metadata)

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
        event = _event_anonymizer.performance(self._config, metric_name, value, unit, tags)
        if type(value) is int:
            # The wire has one number type (100.0); the old module gave back the caller's int.
            event["value"] = int(event["value"])
        return event
