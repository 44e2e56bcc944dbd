"""The telemetry client and the process-wide one."""

from __future__ import annotations

import ctypes
import json
import logging
import numbers
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from . import _native
from ._native import lib
from .config import TelemetryConfig

_log = logging.getLogger("mycelium_telemetry")

DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class TelemetryStats:
    """Counters since the client was created. At every moment
    ``enqueued == sent + dropped + failed + (events still queued or being sent)``."""

    enqueued: int = 0
    """Events accepted by track calls."""
    sent: int = 0
    """Events the collector accepted."""
    dropped: int = 0
    """Events displaced from a full queue (oldest first)."""
    failed: int = 0
    """Events given up on: refused by the collector, out of retries, or out of shutdown time."""
    retries: int = 0
    """Repeated delivery attempts."""
    batches_sent: int = 0
    """Batches the collector accepted."""


class _Handle:
    """An ``mt_client`` pointer that is released only once no call is using it.

    ``mt_shutdown`` frees the client, so it must never overlap a call from another thread; the
    count of calls in progress makes ``close`` wait for them and turns later ones away.
    """

    def __init__(self, pointer: int, owned: bool) -> None:
        self._pointer = pointer
        self._owned = owned
        self._calls_in_progress = 0
        self._closed = False
        self._idle = threading.Condition()
        self.final_stats: Optional[TelemetryStats] = None

    def acquire(self) -> Optional[int]:
        with self._idle:
            if self._closed:
                return None
            self._calls_in_progress += 1
            return self._pointer

    def release(self) -> None:
        with self._idle:
            self._calls_in_progress -= 1
            if self._calls_in_progress == 0:
                self._idle.notify_all()

    def close(self, timeout: float) -> None:
        """Sends what is queued within ``timeout`` seconds, keeps the final counters, and
        shuts the client down (freeing it unless it is the global one). Later calls do nothing."""
        with self._idle:
            if self._closed:
                return
            self._closed = True
            self._idle.wait_for(lambda: self._calls_in_progress == 0)
        deadline = time.monotonic() + timeout
        lib.mt_flush(self._pointer, _native.milliseconds(timeout))
        # Read here because an owned client's counters are gone once mt_shutdown frees it.
        self.final_stats = read_stats(self._pointer)
        remaining = _native.milliseconds(max(0.0, deadline - time.monotonic()))
        if self._owned:
            lib.mt_shutdown(self._pointer, remaining)
        else:
            lib.mt_global_shutdown(remaining)


def read_stats(pointer: int) -> TelemetryStats:
    counters = _native.Stats()
    if lib.mt_client_stats(pointer, ctypes.byref(counters)) != _native.MT_OK:
        return TelemetryStats()
    return TelemetryStats(**{name: getattr(counters, name) for name, _ in _native.Stats._fields_})


class TelemetryClient:
    """Sends anonymized usage, performance and error events to a collector.

    Tracking never blocks on the network and never raises because of it: events are queued and
    a native sender thread delivers them in batches; delivery failures only show in
    :meth:`stats`. Track calls raise ``TypeError``/``ValueError`` only for a caller's mistake
    (a wrong type, metadata JSON cannot carry, a NaN metric). When telemetry is disabled they
    return at once without looking at their arguments, and after :meth:`shutdown` they do
    nothing.

    Safe to use from many threads. Use it as a context manager, or call :meth:`shutdown`; a
    client that is garbage collected, or still open when the interpreter exits, is shut down
    then with a 5 second budget to send what is queued.

    Args:
        config: The settings; None reads the ``TELEMETRY_*`` environment variables.
    """

    config: TelemetryConfig

    def __init__(self, config: Optional[TelemetryConfig] = None) -> None:
        if config is None:
            self.config = TelemetryConfig.from_env()
            pointer = lib.mt_client_new(None)
        else:
            self.config = config
            with config._native() as native_config:
                pointer = lib.mt_client_new(native_config)
        if not pointer:
            raise MemoryError("mt_client_new returned NULL")
        self._attach(pointer, owned=True)

    @classmethod
    def _process_wide(cls) -> "TelemetryClient":
        pointer = lib.mt_global()
        if not pointer:
            raise MemoryError("mt_global returned NULL")
        client = cls.__new__(cls)
        client.config = TelemetryConfig.from_env()
        client._attach(pointer, owned=False)
        return client

    def _attach(self, pointer: int, owned: bool) -> None:
        # Asked once: a disabled client then costs one attribute check per track call.
        self._enabled = bool(lib.mt_client_is_enabled(pointer))
        self._handle = _Handle(pointer, owned)
        self._finalizer = weakref.finalize(self, self._handle.close, DEFAULT_TIMEOUT)

    def is_enabled(self) -> bool:
        """True while the client collects: telemetry was enabled and it is not shut down."""
        return self._enabled

    def track_agent_usage(
        self, agent_id: str, operation: str, metadata: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Records that an agent ran an operation.

        ``agent_id`` leaves only as ``sha256(agent_id + salt)``. Of ``metadata`` only the keys
        ``duration_ms``, ``success``, ``retry_count``, ``cache_hit``, ``result_count`` and
        ``status_code`` with scalar values leave.
        """
        if not self._enabled:
            return
        self._track(
            "mt_track_agent_usage",
            _native.encode(agent_id, "agent_id"),
            _native.encode(operation, "operation"),
            _json_object(metadata, "metadata"),
        )

    def track_performance(
        self,
        metric_name: str,
        value: float,
        unit: Optional[str] = "ms",
        tags: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Records a measurement. ``value`` must be finite (NaN or infinity raise ValueError).
        Tags whose key ends in ``_id`` or is ``user`` or ``agent`` leave hashed."""
        if not self._enabled:
            return
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"value must be a number, not {type(value).__name__}")
        self._track(
            "mt_track_performance",
            _native.encode(metric_name, "metric_name"),
            float(value),
            _native.encode_optional(unit, "unit"),
            _json_object(tags, "tags"),
        )

    def track_error(
        self,
        error_type: str,
        error_message: str,
        stack_trace: Optional[str] = None,
        context: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Records an error. The message and stack trace leave scrubbed of home directories,
        URL credentials and email addresses; ``context`` is filtered like metadata."""
        if not self._enabled:
            return
        self._track(
            "mt_track_error",
            _native.encode(error_type, "error_type"),
            _native.encode(error_message, "error_message"),
            _native.encode_optional(stack_trace, "stack_trace"),
            _json_object(context, "context"),
        )

    def track_system_info(self) -> None:
        """Records the platform, its version, the CPU architecture, this library's version and
        the Python runtime (``python X.Y.Z``)."""
        if not self._enabled:
            return
        self._track("mt_track_system_info")

    def flush(self, timeout: float = DEFAULT_TIMEOUT) -> bool:
        """Waits up to ``timeout`` seconds for every event tracked before it to be sent or
        given up on. Returns False if the time ran out, True otherwise (also when disabled or
        shut down, as nothing is then pending). Never raises for a network problem."""
        timeout_ms = _native.milliseconds(timeout)
        if not self._enabled:
            return True
        pointer = self._handle.acquire()
        if pointer is None:
            return True
        try:
            status = lib.mt_flush(pointer, timeout_ms)
        finally:
            self._handle.release()
        if status == _native.MT_ERR_TIMEOUT:
            return False
        if status not in (_native.MT_OK, _native.MT_ERR_SHUT_DOWN):
            _log.warning("mycelium_telemetry: flush failed: %s", _native.status_message(status))
            return False
        return True

    def stats(self) -> TelemetryStats:
        """The client's counters; after :meth:`shutdown`, as they were when it finished its
        final flush. All zero for a disabled client."""
        pointer = self._handle.acquire()
        if pointer is None:
            return self._handle.final_stats or TelemetryStats()
        try:
            return read_stats(pointer)
        finally:
            self._handle.release()

    def shutdown(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Sends what is queued within ``timeout`` seconds and stops the client. It first waits
        for calls other threads are making on it. Later calls do nothing; calling it again is
        harmless."""
        _native.milliseconds(timeout)  # a bad timeout raises here, before anything is stopped
        self._enabled = False
        if self._finalizer.detach() is not None:
            self._handle.close(timeout)

    def __enter__(self) -> "TelemetryClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()

    def _track(self, function_name: str, *arguments: Any) -> None:
        pointer = self._handle.acquire()
        if pointer is None:
            return  # shut down by another thread since the enabled check
        try:
            status = getattr(lib, function_name)(pointer, *arguments)
        finally:
            self._handle.release()
        if status == _native.MT_OK:
            return
        mistake = _native.caller_mistake(status, function_name)
        if mistake is not None:
            raise mistake
        if status == _native.MT_ERR_SHUT_DOWN:
            # Only the global client gets here: something else in the process shut it down.
            self._enabled = False
            return
        # A library bug caught at the C boundary is not the host's problem.
        _log.warning("mycelium_telemetry: %s failed: %s", function_name, _native.status_message(status))


def _json_object(value: Optional[Mapping[str, Any]], name: str) -> Optional[bytes]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    # allow_nan=False: NaN is not JSON, and the collector would refuse the batch.
    text = json.dumps(dict(value), allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return _native.encode(text, name)


_global_client: Optional[TelemetryClient] = None
_global_lock = threading.Lock()


def get_telemetry_client() -> TelemetryClient:
    """The process-wide client, configured from the environment on first use; the same object
    on every call. It is shut down when the interpreter exits, or by
    :func:`shutdown_telemetry_client`."""
    global _global_client
    with _global_lock:
        if _global_client is None:
            _global_client = TelemetryClient._process_wide()
        return _global_client


def shutdown_telemetry_client(timeout: float = DEFAULT_TIMEOUT) -> None:
    """Shuts the process-wide client down, sending what is queued within ``timeout`` seconds.
    Later track calls on it do nothing. If it was never used, it will start out shut down."""
    with _global_lock:
        client = _global_client
    if client is not None:
        client.shutdown(timeout)
    else:
        lib.mt_global_shutdown(_native.milliseconds(timeout))
