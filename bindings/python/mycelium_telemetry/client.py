"""The telemetry client and the process-wide one."""

from __future__ import annotations

import atexit
import ctypes
import json
import logging
import numbers
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Optional

from . import _native
from ._native import encode as _encode
from ._native import lib
from .anonymization import DataAnonymizer
from .config import TelemetryConfig

_log = logging.getLogger("mycelium_telemetry")
# The old module's public name for its logger (which was "telemetry.client"; this one is
# "mycelium_telemetry").
logger = _log

DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class TelemetryStats:
    """Counters since the client was created. At every moment
    ``enqueued == sent + dropped + failed + spooled + (events still queued or being sent)``."""

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
    spooled: int = 0
    """Events kept in the offline spool for a later run (collector unreachable, out of retries or
    of shutdown time, or ``shutdown(timeout=0)``)."""
    replayed: int = 0
    """Events sent from the spool (kept by an earlier run or another process of the app)."""
    spool_dropped: int = 0
    """Events the spool let go of unsent (its size or age bound, unreadable files, refused for
    good, or not writable)."""


# Pointers of the clients that are still open for the at-exit close, and the lock that makes
# sure a pointer is freed (by a garbage-collected client) or closed at exit, never both at once.
_open_pointers: "set[int]" = set()
_open_pointers_lock = threading.Lock()
# Makes each client's anonymizer once, so that all its users share one salt.
_anonymizer_lock = threading.Lock()


def _free(pointer: int) -> None:
    """Frees an owned client once nothing can call it any more: its TelemetryClient was garbage
    collected. Without blocking the collection: the library's sender sends what is still queued
    (within the default timeout) on its own. Not at exit: see _close_open_clients."""
    with _open_pointers_lock:
        if pointer not in _open_pointers:
            return  # already closed at exit; freeing is left to the process's end
        _open_pointers.discard(pointer)
    lib.mt_client_free_nowait(pointer, _native.milliseconds(DEFAULT_TIMEOUT))


@atexit.register
def _close_open_clients() -> None:
    # Daemon threads may still be inside a call at exit, so clients are closed (which such a
    # call survives, getting nothing done) but not freed: the process is ending anyway.
    with _open_pointers_lock:
        pointers = list(_open_pointers)
        _open_pointers.clear()
    for pointer in pointers:
        lib.mt_client_close(pointer, _native.milliseconds(DEFAULT_TIMEOUT))


def read_stats(pointer: int) -> TelemetryStats:
    counters = _native.Stats()
    if lib.mt_client_stats(pointer, ctypes.byref(counters)) != _native.MT_OK:
        return TelemetryStats()
    values = {name: getattr(counters, name) for name, _ in _native.Stats._fields_}
    for name, number in _native.COUNTERS.items():
        value = ctypes.c_uint64(0)
        if lib.mt_client_counter(pointer, number, ctypes.byref(value)) == _native.MT_OK:
            values[name] = value.value
    return TelemetryStats(**values)


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
        self._pointer = pointer
        # Asked once: a disabled client then costs one attribute check per track call.
        self._enabled = bool(lib.mt_client_is_enabled(pointer))
        with _open_pointers_lock:
            _open_pointers.add(pointer)
        if owned:
            # Freed only once this object is gone, so no method can be using the pointer then;
            # shutdown() merely closes it. At exit _close_open_clients takes over.
            finalizer = weakref.finalize(self, _free, pointer)
            finalizer.atexit = False

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
        status = lib.mt_track_agent_usage(
            self._pointer,
            _encode(agent_id, "agent_id"),
            _encode(operation, "operation"),
            None if metadata is None else _json_object(metadata, "metadata"),
        )
        if status:
            self._refused(status, "mt_track_agent_usage")

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
        status = lib.mt_track_performance(
            self._pointer,
            _encode(metric_name, "metric_name"),
            float(value),
            None if unit is None else _encode(unit, "unit"),
            None if tags is None else _json_object(tags, "tags"),
        )
        if status:
            self._refused(status, "mt_track_performance")

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
        status = lib.mt_track_error(
            self._pointer,
            _encode(error_type, "error_type"),
            _encode(error_message, "error_message"),
            None if stack_trace is None else _encode(stack_trace, "stack_trace"),
            None if context is None else _json_object(context, "context"),
        )
        if status:
            self._refused(status, "mt_track_error")

    def track_system_info(self) -> None:
        """Records the platform, its version, the CPU architecture, this library's version and
        the Python runtime (``python X.Y.Z``)."""
        if not self._enabled:
            return
        status = lib.mt_track_system_info(self._pointer)
        if status:
            self._refused(status, "mt_track_system_info")

    def flush(self, timeout: float = DEFAULT_TIMEOUT) -> bool:
        """Waits up to ``timeout`` seconds for every event tracked before it to be sent or
        given up on. Returns False if the time ran out, True otherwise (also when disabled or
        shut down, as nothing is then pending). Never raises for a network problem."""
        timeout_ms = _native.milliseconds(timeout)
        if not self._enabled:
            return True
        status = lib.mt_flush(self._pointer, timeout_ms)
        if status == _native.MT_ERR_TIMEOUT:
            return False
        if status not in (_native.MT_OK, _native.MT_ERR_SHUT_DOWN):
            _log.warning("mycelium_telemetry: flush failed: %s", _native.status_message(status))
            return False
        return True

    def stats(self) -> TelemetryStats:
        """The client's counters, also after :meth:`shutdown` (then final). All zero for a
        disabled client."""
        return read_stats(self._pointer)

    def shutdown(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Sends what is queued within ``timeout`` seconds and stops the client. Calls other
        threads are making meanwhile are safe: they simply do nothing. Later calls do nothing;
        calling it again is harmless.

        ``timeout=0`` never touches the network: what is still queued is written to the offline
        spool (for a client with an ``app_name`` whose choice is on) and the next run of the
        application sends it. Use it at the end of a short-lived command, so that it exits at
        once; what a deadline cuts off with other timeouts is spooled too."""
        timeout_ms = _native.milliseconds(timeout)  # a bad timeout raises before anything stops
        self._enabled = False
        lib.mt_client_close(self._pointer, timeout_ms)

    def __enter__(self) -> "TelemetryClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()

    @property
    def anonymizer(self) -> DataAnonymizer:
        """The old module's ``client.anonymizer``: a :class:`DataAnonymizer` with this client's
        salt and rules (:meth:`DataAnonymizer.for_config`), made on first use."""
        with _anonymizer_lock:
            anonymizer = getattr(self, "_anonymizer", None)
            if anonymizer is None:
                anonymizer = self._anonymizer = DataAnonymizer.for_config(self.config)
            return anonymizer

    def _refused(self, status: int, function_name: str) -> None:
        mistake = _native.caller_mistake(status, function_name)
        if mistake is not None:
            raise mistake
        if status == _native.MT_ERR_SHUT_DOWN:
            # Shut down by another thread since the enabled check, or, for the global client,
            # by other code in the process.
            self._enabled = False
            return
        # A library bug caught at the C boundary is not the host's problem.
        _log.warning("mycelium_telemetry: %s failed: %s", function_name, _native.status_message(status))


def _not_serializable(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _compact_json_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))``, made
    once. dumps with any non-default argument builds a new encoder on every call, and even a
    reused JSONEncoder builds its C encoder on every call: both cost more than the encoding. The
    C encoder is therefore built here, once, when this Python has one that behaves as expected.

    NaN and infinity raise ValueError (they are not JSON, and the collector would refuse the
    batch), what JSON cannot carry raises TypeError, and a circular structure ValueError."""
    portable = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode
    make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if make_encoder is None:
        return portable
    try:
        # No circular-reference markers: they would be shared between threads. A cycle then
        # ends in RecursionError instead, reported below as dumps reports a cycle.
        chunks_of = make_encoder(
            None, _not_serializable, json.encoder.encode_basestring, None, ":", ",", False, False, False
        )
        if "".join(chunks_of({"probe": [1, True, None, "é"]}, 0)) != '{"probe":[1,true,null,"é"]}':
            return portable
    except Exception:  # noqa: BLE001 (a C encoder this code does not understand: use the portable one)
        return portable

    def encode(value: Any) -> str:
        try:
            return "".join(chunks_of(value, 0))
        except RecursionError:
            raise ValueError("Circular reference detected (or nesting too deep)") from None

    return encode


_encode_json = _compact_json_encoder()


def _json_object(value: Mapping[str, Any], name: str) -> bytes:
    if type(value) is not dict:
        if not isinstance(value, Mapping):
            raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
        value = dict(value)
    # JSON escapes every control character, NUL included, so no NUL check is needed here.
    return _encode_json(value).encode("utf-8")


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
