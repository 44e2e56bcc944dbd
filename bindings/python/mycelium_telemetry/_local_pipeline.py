"""Builds event dictionaries with the library's own sender, so that no rule is typed twice.

The C ABI exposes the text scrubbers (``mt_anonymize_*``) and ``mt_hash_identifier`` one by
one, but not the typed metadata allowlist, the tag rules, the bounds on names or the error
detail levels: those run only while the sender writes an event. Rewriting them here would give
a second copy to keep in step with the reviewed one. Instead a private native client in
local-only mode (an output file: it never opens a socket) tracks the event, is flushed, and its
wire form is read back from the file: exactly what a collector would have received.

It calls the C functions itself rather than through ``TelemetryClient``, so that the client
module can hand out an anonymizer without the two importing each other.
"""

from __future__ import annotations

import atexit
import json
import numbers
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Tuple

from . import _native
from ._native import lib
from .config import TelemetryConfig

# Keys the sender adds to every event that the old module's anonymizer dictionaries did not
# have (its client added them when queueing).
_ENVELOPE_KEYS = ("event_type", "timestamp")

# A flush writes one event to a local file; this only bounds a stuck sender.
_FLUSH_TIMEOUT_MS = 10_000


class LocalPipeline:
    """One local-only native client and its output file, in a folder only this user can read.

    Args:
        config: Whose salt, salt file, metadata allowlist and error detail to use (for a
            ``from_env`` config, those the environment sets). Whether it is enabled, its
            endpoint, output file and debug setting do not matter: this client is always on,
            writes only to its own file and prints nothing.
    """

    def __init__(self, config: TelemetryConfig) -> None:
        folder = tempfile.mkdtemp(prefix="mycelium-telemetry-anonymizer-")  # mode 0700
        self._path = os.path.join(folder, "events.jsonl")
        try:
            self._client = _local_client(config, self._path)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._lock = threading.Lock()
        # A forked child inherits this object but must neither share the file nor remove the
        # parent's folder: it makes its own pipeline (see belongs_to_this_process).
        self._owner_pid = os.getpid()
        with _live_lock:
            _live[self._client] = (folder, self._owner_pid)
        # Frees the client once this object is gone, when nothing can be using it. Not at exit:
        # see _close_live_pipelines.
        self._finalizer = weakref.finalize(self, _free, self._client, self._owner_pid)
        self._finalizer.atexit = False

    def belongs_to_this_process(self) -> bool:
        return self._owner_pid == os.getpid()

    def agent_usage(self, agent_id: str, operation: str, metadata: Optional[Mapping]) -> Dict[str, Any]:
        arguments = (
            _native.encode(agent_id, "agent_id"),
            _native.encode(operation, "operation"),
            _json(metadata, "metadata"),
        )
        return self._event("mt_track_agent_usage", arguments)

    def performance(
        self, metric_name: str, value: float, unit: str, tags: Optional[Mapping]
    ) -> Dict[str, Any]:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"value must be a number, not {type(value).__name__}")
        arguments = (
            _native.encode(metric_name, "metric_name"),
            float(value),
            _native.encode(unit, "unit"),
            _json(tags, "tags"),
        )
        return self._event("mt_track_performance", arguments)

    def error(self, error_type: str, error_message: str, stack_trace: Optional[str]) -> Dict[str, Any]:
        trace = None if stack_trace is None else _native.encode(stack_trace, "stack_trace")
        arguments = (
            _native.encode(error_type, "error_type"),
            _native.encode(error_message, "error_message"),
            trace,
            None,  # the old module's anonymize_error had no context
        )
        return self._event("mt_track_error", arguments)

    def _event(self, function_name: str, arguments: tuple) -> Dict[str, Any]:
        """The one wire event the track function made, without ``event_type`` and
        ``timestamp``."""
        with self._lock:
            status = getattr(lib, function_name)(self._client, *arguments)
            if status != _native.MT_OK:
                raise _native.caller_mistake(status, function_name) or RuntimeError(
                    f"{function_name} failed: {_native.status_message(status)}"
                )
            flushed = lib.mt_flush(self._client, _FLUSH_TIMEOUT_MS)
            events = self._take_events()
        if flushed != _native.MT_OK or len(events) != 1:
            raise RuntimeError(
                f"the telemetry library did not write the event (mt_flush: "
                f"{_native.status_message(flushed)}; events read: {len(events)})"
            )
        event = events[0]
        for key in _ENVELOPE_KEYS:
            event.pop(key, None)
        return event

    def _take_events(self) -> List[Dict[str, Any]]:
        try:
            with open(self._path, "rb") as output:
                lines = output.read().splitlines()
            # The library appends (O_APPEND), so emptying the file between events is safe and
            # keeps it from growing; nothing is being written while the lock is held.
            os.truncate(self._path, 0)
        except FileNotFoundError:
            return []
        return [event for line in lines if line.strip() for event in json.loads(line)["events"]]


def _local_client(config: TelemetryConfig, path: str) -> int:
    with config._native() as native_config:
        for setting, status in (
            ("enabled", lib.mt_config_set_enabled(native_config, True)),
            ("debug", lib.mt_config_set_debug(native_config, False)),
            ("output_file", lib.mt_config_set_output_file(native_config, path.encode("utf-8"))),
        ):
            if status != _native.MT_OK:
                raise RuntimeError(f"setting {setting} failed: {_native.status_message(status)}")
        pointer = lib.mt_client_new(native_config)
    if not pointer:
        raise MemoryError("mt_client_new returned NULL")
    return pointer


# The native clients of the pipelines still alive, each with its folder and the process that
# made it, and the lock that makes sure each is either freed (its pipeline was collected) or
# closed at exit, never both.
_live: Dict[int, Tuple[str, int]] = {}
_live_lock = threading.Lock()


def _free(pointer: int, owner_pid: int) -> None:
    if os.getpid() != owner_pid:
        return  # the parent's, inherited by a fork: only the parent frees it and its folder
    with _live_lock:
        entry = _live.pop(pointer, None)
    if entry is None:
        return  # already closed at exit
    lib.mt_shutdown(pointer, 0)  # nothing is queued: every event was flushed
    shutil.rmtree(entry[0], ignore_errors=True)


@atexit.register
def _close_live_pipelines() -> None:
    # A daemon thread may still be inside an event call at exit, so the clients are closed (such
    # a call then raises RuntimeError) but not freed, and their folders removed. A forked child
    # leaves its parent's pipelines alone.
    with _live_lock:
        live = list(_live.items())
        _live.clear()
    for pointer, (folder, owner_pid) in live:
        if owner_pid == os.getpid():
            lib.mt_client_close(pointer, 0)
            shutil.rmtree(folder, ignore_errors=True)


def _json(value: Optional[Mapping], name: str) -> Optional[bytes]:
    """A dict as the JSON the track functions take, as the client writes it; empty is None
    (the old module left out empty metadata and tags)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    if not value:
        return None
    text = json.dumps(dict(value), allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")
