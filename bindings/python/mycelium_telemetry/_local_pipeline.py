"""Builds event dictionaries with the library's own sender, so that no rule is typed twice.

The C ABI exposes the text scrubbers (``mt_anonymize_*``) and ``mt_hash_identifier`` one by
one, but not the typed metadata allowlist, the tag rules, the bounds on names or the error
detail levels: those run only while the sender writes an event. Rewriting them here would give
a second copy to keep in step with the reviewed one. Instead a private client in local-only
mode (``output_file``: it never opens a socket) tracks the event, is flushed, and its wire form
is read back from the file: exactly what a collector would have received.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import weakref
from typing import Any, Callable, Dict

from .client import TelemetryClient
from .config import TelemetryConfig

# Keys the sender adds to every event that the old module's anonymizer dictionaries did not
# have (its client added them when queueing).
_ENVELOPE_KEYS = ("event_type", "timestamp")

# A flush writes one event to a local file; this only bounds a stuck sender.
_FLUSH_TIMEOUT_SECONDS = 10.0


class LocalPipeline:
    """One local-only client and its output file, in a folder only this user can read.

    Args:
        settings: Keyword arguments for :class:`TelemetryConfig` (salt, salt_file,
            metadata_fields, error_detail); ``enabled`` and ``output_file`` are set here.
    """

    def __init__(self, settings: Dict[str, Any]) -> None:
        folder = tempfile.mkdtemp(prefix="mycelium-telemetry-anonymizer-")  # mode 0700
        self._path = os.path.join(folder, "events.jsonl")
        try:
            config = TelemetryConfig(enabled=True, output_file=self._path, **settings)
            self._client = TelemetryClient(config)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _close, self._client, folder)

    def event(self, track: Callable[[TelemetryClient], None]) -> Dict[str, Any]:
        """The wire event that ``track`` (one track call on the given client) produced, without
        ``event_type`` and ``timestamp``."""
        with self._lock:
            track(self._client)  # a caller's mistake raises here, before anything is queued
            flushed = self._client.flush(_FLUSH_TIMEOUT_SECONDS)
            events = self._take_events()
        if not flushed or len(events) != 1:
            stats = self._client.stats()
            raise RuntimeError(
                f"the telemetry library did not write the event (flushed={flushed}, "
                f"events read={len(events)}, failed={stats.failed}, dropped={stats.dropped})"
            )
        event = events[0]
        for key in _ENVELOPE_KEYS:
            event.pop(key, None)
        return event

    def _take_events(self) -> list:
        try:
            with open(self._path, "rb") as output:
                lines = output.read().splitlines()
            # The library appends (O_APPEND), so emptying the file between events is safe and
            # keeps it from growing; nothing is being written while the lock is held.
            os.truncate(self._path, 0)
        except FileNotFoundError:
            return []
        return [event for line in lines if line.strip() for event in json.loads(line)["events"]]


def _close(client: TelemetryClient, folder: str) -> None:
    client.shutdown(0)
    shutil.rmtree(folder, ignore_errors=True)
