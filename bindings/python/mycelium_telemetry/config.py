"""Telemetry settings, validated by the native library."""

from __future__ import annotations

import ctypes
import enum
import os
from contextlib import contextmanager
from typing import Iterator, Mapping, Optional, Union

from . import _log_callback, _native
from ._log_callback import LogCallback
from ._native import lib

DEFAULT_ENDPOINT = "https://mycelium-telemetry.sornsen.io"

_YES = ("true", "1", "yes", "on")

PathText = Union[str, "os.PathLike[str]"]


class ValueType(enum.Enum):
    """The type an allowlisted metadata or context key accepts (``mt_value_type``).

    A value of another type is dropped, never converted: ``"41"`` is not a number.
    """

    ANY = "any"
    """Any scalar; strings are scrubbed and cut to 128 bytes."""
    BOOLEAN = "boolean"
    NON_NEGATIVE_INTEGER = "non_negative_integer"
    """0, 1, 2, ... (``3.0`` counts as whole)."""
    NON_NEGATIVE_NUMBER = "non_negative_number"
    HTTP_STATUS_CODE = "http_status_code"
    """A whole number from 100 to 599."""


class ErrorDetail(enum.Enum):
    """How much of each error leaves (``TELEMETRY_ERROR_DETAIL``, ``mt_error_detail``)."""

    FULL = "full"
    """The error type, the scrubbed message and the scrubbed stack trace (the default)."""
    FRAMES = "frames"
    """The error type and the trace's frames, one ``file:line in function`` per line."""
    TYPE = "type"
    """The error type only."""


class Protocol(enum.Enum):
    """What batches are sent as (``TELEMETRY_PROTOCOL``, ``mt_protocol``)."""

    MYCELIUM = "mycelium"
    """Wire format 1.0, for the reference collector (the default)."""
    OTLP = "otlp"
    """OTLP/HTTP JSON logs, for an OpenTelemetry Collector (docs/opentelemetry.md)."""


# The numbers of the C enums, which are stable.
_C_VALUE_TYPES = {
    ValueType.ANY: 0,
    ValueType.BOOLEAN: 1,
    ValueType.NON_NEGATIVE_INTEGER: 2,
    ValueType.NON_NEGATIVE_NUMBER: 3,
    ValueType.HTTP_STATUS_CODE: 4,
}
_C_ERROR_DETAILS = {ErrorDetail.FULL: 0, ErrorDetail.FRAMES: 1, ErrorDetail.TYPE: 2}
_C_PROTOCOLS = {Protocol.MYCELIUM: 0, Protocol.OTLP: 1}


class TelemetryConfig:
    """Settings for a :class:`~mycelium_telemetry.TelemetryClient`.

    Telemetry is off unless ``enabled=True``. Every value is checked by the native library when
    the config is created and again when a client is made from it; a value out of range raises
    ``ValueError`` and a value of the wrong type ``TypeError``.

    Args:
        enabled: Whether to collect anything at all (default False).
        endpoint: Collector URL. No scheme means ``https://``; ``http://`` is accepted only for
            loopback hosts (127.0.0.0/8, ::1, localhost); a user or password in it is refused.
        timeout: Request timeout in whole seconds, 1 to 30.
        batch_size: Events per full batch, 1 to 1000.
        retry_attempts: Retries of a failed batch, 0 to 10.
        retry_backoff: Factor between successive retry delays, 1.0 to 10.0.
        app_name: This application's name (1 to 64 of ``A-Z a-z 0-9 - _ .``, starting with a
            letter or digit, like ``TELEMETRY_APP``): the choice recorded for it with
            :func:`mycelium_telemetry.consent.set` applies, else the global one.
        salt: Salt identifiers are hashed with; None uses a per-installation salt kept in
            ``salt_file`` (by default ``~/.config/mycelium/telemetry_salt``).
        salt_file: Where the per-installation salt is kept, when ``salt`` is None.
        flush_interval_ms: Longest a partial batch waits, 10 to 3600000 (default 5000).
        queue_capacity: Events held before the oldest are dropped, 1 to 1000000 (default 8192).
        output_file: Local-only mode: append each batch, exactly as it would be sent, as one
            JSON line to this file (created with mode 0600) and never open a socket; the
            endpoint is then not used. For seeing what would leave.
        ca_file: A PEM file of CA certificates to trust, besides the bundled roots, for an
            ``https://`` endpoint with a private CA. It is read when the config is created.
        spool_max_bytes: The most the offline spool of this application keeps, 0 to 1073741824
            bytes (default 5 MiB; oldest batches go first); 0 turns the spool off.
        spool_max_age_days: How long a spooled batch is kept, 0 to 365 days (default 7); 0
            turns the spool off.
        token: A private collector's ingest token (like ``TELEMETRY_TOKEN``), sent as
            ``Authorization: Bearer <token>`` to the endpoint only; 1 to 4096 visible ASCII
            characters. Never logged, never written to a file, hidden in ``repr``.
        debug: Print each outgoing batch, exactly as sent, to stderr.
        metadata_fields: Keys to let leave in metadata and error context beyond the built-in
            allowlist, each with its :class:`ValueType` (or its name, ``"boolean"``); a value of
            another type is dropped. Built-in keys (``duration_ms``, ``success``,
            ``retry_count``, ``cache_hit``, ``result_count``, ``status_code``) keep their own
            types. At most 32; secret-looking keys are refused with ``ValueError``.
        error_detail: How much of each error leaves: :class:`ErrorDetail` ``FULL`` (default),
            ``FRAMES`` or ``TYPE`` (or ``"full"``, ``"frames"``, ``"type"``).
        protocol: What batches are sent as: :class:`Protocol` ``MYCELIUM`` (default, wire
            format 1.0) or ``OTLP`` (OTLP/HTTP JSON logs for an OpenTelemetry Collector; or
            ``"mycelium"``, ``"otlp"``). With OTLP and ``endpoint`` left at its default, batches
            go to ``http://localhost:4318/v1/logs``; pass the Collector's logs URL as
            ``endpoint``. (``from_env`` also honours ``OTEL_EXPORTER_OTLP_*``.)
        log_callback: Receives the library's warnings instead of stderr, as
            ``log_callback(level, message)`` with a :mod:`logging` level (``logging.WARNING``...),
            so ``logging.getLogger("x").log`` fits as it is. It runs on the library's sender
            thread: keep it short and thread-safe; an exception it raises is dropped. Messages
            never hold the salt or unscrubbed data.
    """

    def __init__(
        self,
        *,
        enabled: bool = False,
        endpoint: str = DEFAULT_ENDPOINT,
        timeout: int = 5,
        batch_size: int = 100,
        retry_attempts: int = 3,
        retry_backoff: float = 2.0,
        salt: Optional[str] = None,
        app_name: Optional[str] = None,
        salt_file: Optional[PathText] = None,
        flush_interval_ms: Optional[int] = None,
        queue_capacity: Optional[int] = None,
        output_file: Optional[PathText] = None,
        ca_file: Optional[PathText] = None,
        token: Optional[str] = None,
        spool_max_bytes: Optional[int] = None,
        spool_max_age_days: Optional[int] = None,
        debug: bool = False,
        metadata_fields: Optional[Mapping[str, Union[ValueType, str]]] = None,
        error_detail: Union[ErrorDetail, str] = ErrorDetail.FULL,
        protocol: Union[Protocol, str] = Protocol.MYCELIUM,
        log_callback: Optional[LogCallback] = None,
    ) -> None:
        self.enabled = enabled
        self.endpoint = endpoint
        self.timeout = timeout
        self.batch_size = batch_size
        self.retry_attempts = retry_attempts
        self.retry_backoff = retry_backoff
        self.salt = salt
        self.app_name = app_name
        self.salt_file = salt_file
        self.flush_interval_ms = flush_interval_ms
        self.queue_capacity = queue_capacity
        self.output_file = output_file
        self.ca_file = ca_file
        self.token = token
        self.spool_max_bytes = spool_max_bytes
        self.spool_max_age_days = spool_max_age_days
        self.debug = debug
        self.metadata_fields = {} if metadata_fields is None else metadata_fields
        self.error_detail = error_detail
        self.protocol = protocol
        self.log_callback = log_callback
        self._from_environment = False
        with self._native():
            pass  # building it is the validation

    @classmethod
    def from_env(cls) -> "TelemetryConfig":
        """The configuration the ``TELEMETRY_*`` environment variables describe.

        A client made from it is configured by the native library straight from the
        environment (see docs/telemetry-configuration.md), so the attributes other than
        ``enabled`` keep their defaults and changing them has no effect. ``enabled`` says
        whether ``TELEMETRY_ENABLED`` opts in and ``DO_NOT_TRACK`` does not veto; a variable with
        an invalid value still disables the client, which
        :meth:`TelemetryClient.is_enabled() <mycelium_telemetry.TelemetryClient.is_enabled>`
        reports. Setting ``enabled = False`` on it does turn telemetry off.
        """
        config = cls()
        config.enabled = _environment_opts_in()
        config._from_environment = True
        return config

    def is_enabled(self) -> bool:
        """Whether this configuration asks for telemetry."""
        return bool(self.enabled)

    def __repr__(self) -> str:
        # The salt is a secret: hashes can be reversed by whoever knows it.
        salt = None if self.salt is None else "<hidden>"
        token = None if self.token is None else "<hidden>"
        return (
            f"TelemetryConfig(enabled={self.enabled!r}, endpoint={self.endpoint!r}, "
            f"timeout={self.timeout!r}, batch_size={self.batch_size!r}, "
            f"retry_attempts={self.retry_attempts!r}, retry_backoff={self.retry_backoff!r}, "
            f"salt={salt}, app_name={self.app_name!r}, salt_file={self.salt_file!r}, "
            f"flush_interval_ms={self.flush_interval_ms!r}, queue_capacity={self.queue_capacity!r}, "
            f"output_file={self.output_file!r}, ca_file={self.ca_file!r}, token={token}, "
            f"spool_max_bytes={self.spool_max_bytes!r}, spool_max_age_days={self.spool_max_age_days!r}, "
            f"debug={self.debug!r}, "
            f"metadata_fields={self.metadata_fields!r}, error_detail={self.error_detail!r}, "
            f"protocol={self.protocol!r}, "
            f"log_callback={self.log_callback!r})"
        )

    @contextmanager
    def _native(self) -> Iterator[int]:
        """A native ``mt_config`` holding these settings, freed when the block ends."""
        pointer = lib.mt_config_from_env() if self._from_environment else lib.mt_config_new()
        if not pointer:
            raise MemoryError("mt_config_new returned NULL")
        try:
            if self._from_environment:
                if not self.enabled:
                    self._set(pointer, "enabled", lib.mt_config_set_enabled, False)
            else:
                self._apply(pointer)
            self._apply_log_callback(pointer)
            yield pointer
        finally:
            lib.mt_config_free(pointer)

    def _apply(self, pointer: int) -> None:
        # Converting first means a TypeError leaves no setting half-applied in a surprising way.
        settings = [
            ("enabled", lib.mt_config_set_enabled, bool(self.enabled)),
            ("endpoint", lib.mt_config_set_endpoint, _native.encode(self.endpoint, "endpoint")),
            ("timeout", lib.mt_config_set_timeout_secs, _native.uint32(self.timeout, "timeout")),
            ("batch_size", lib.mt_config_set_batch_size, _native.uint32(self.batch_size, "batch_size")),
            (
                "retry_attempts",
                lib.mt_config_set_retry_attempts,
                _native.uint32(self.retry_attempts, "retry_attempts"),
            ),
            ("retry_backoff", lib.mt_config_set_retry_backoff, _float(self.retry_backoff, "retry_backoff")),
            ("debug", lib.mt_config_set_debug, bool(self.debug)),
        ]
        optional = [
            ("salt", lib.mt_config_set_salt, self.salt, _native.encode),
            ("app_name", lib.mt_config_set_app_name, self.app_name, _native.encode),
            ("salt_file", lib.mt_config_set_salt_file, _path(self.salt_file), _native.encode),
            ("flush_interval_ms", lib.mt_config_set_flush_interval_ms, self.flush_interval_ms, _native.uint32),
            ("queue_capacity", lib.mt_config_set_queue_capacity, self.queue_capacity, _native.uint32),
            ("output_file", lib.mt_config_set_output_file, _path(self.output_file), _native.encode),
            ("ca_file", lib.mt_config_set_ca_file, _path(self.ca_file), _native.encode),
            ("token", lib.mt_config_set_token, self.token, _native.encode),
            ("spool_max_bytes", lib.mt_config_set_spool_max_bytes, self.spool_max_bytes, _native.uint32),
            ("spool_max_age_days", lib.mt_config_set_spool_max_age_days, self.spool_max_age_days, _native.uint32),
        ]
        settings += [(name, setter, convert(value, name)) for name, setter, value, convert in optional if value is not None]
        detail = _C_ERROR_DETAILS[_member(ErrorDetail, self.error_detail, "error_detail")]
        settings.append(("error_detail", lib.mt_config_set_error_detail, detail))
        protocol = _C_PROTOCOLS[_member(Protocol, self.protocol, "protocol")]
        settings.append(("protocol", lib.mt_config_set_protocol, protocol))
        fields = [
            (_native.encode(key, "metadata_fields key"), _C_VALUE_TYPES[_member(ValueType, value_type, key)])
            for key, value_type in _mapping(self.metadata_fields, "metadata_fields").items()
        ]
        for name, setter, value in settings:
            self._set(pointer, name, setter, value)
        for key, value_type in fields:
            status = lib.mt_config_allow_metadata_field(pointer, key, value_type)
            mistake = _native.caller_mistake(status, f"TelemetryConfig metadata_fields key {key.decode()!r} was refused")
            if mistake is not None:
                raise mistake

    @classmethod
    def validate_endpoint(cls, v: object) -> object:
        """The old module's endpoint normalizer, kept for code that called it: a string without
        ``http://`` or ``https://`` gets ``https://`` in front; anything else comes back as it
        is. The library applies the same rule, and the rest of its checks, when the config is
        used."""
        if isinstance(v, str) and not v.startswith(("http://", "https://")):
            return f"https://{v}"
        return v

    def _apply_log_callback(self, pointer: int) -> None:
        if self.log_callback is None:
            return
        number = _log_callback.register(self.log_callback)
        trampoline = ctypes.cast(_log_callback.TRAMPOLINE, ctypes.c_void_p)
        status = lib.mt_config_set_log_callback(pointer, trampoline, number)
        if status != _native.MT_OK:
            raise RuntimeError(f"setting log_callback failed: {_native.status_message(status)}")

    def _set(self, pointer: int, name: str, setter, value) -> None:
        status = setter(pointer, value)
        shown = "<hidden>" if name in ("salt", "token") else repr(getattr(self, name))
        mistake = _native.caller_mistake(status, f"TelemetryConfig {name}={shown} was refused")
        if mistake is not None:
            raise mistake
        if status != _native.MT_OK:
            raise RuntimeError(f"setting {name} failed: {_native.status_message(status)}")


def _path(value: object) -> object:
    """A path as the str the C setter takes; anything else is left for encode to refuse."""
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def _member(kind, value: object, name: str):
    """``value`` as a member of the enum ``kind``, given as a member or as its name."""
    if isinstance(value, kind):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a {kind.__name__} or str, not {type(value).__name__}")
    try:
        return kind(value.lower())
    except ValueError:
        names = ", ".join(repr(member.value) for member in kind)
        raise ValueError(f"{name}={value!r} is not one of {names}") from None


def _mapping(value: object, name: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of key to ValueType, not {type(value).__name__}")
    return value


def _float(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    return float(value)


def _environment_opts_in() -> bool:
    """The on/off rule of ``mt_config_from_env``, which the C ABI cannot be asked about."""
    opted_in = os.environ.get("TELEMETRY_ENABLED", "").strip().lower() in _YES
    do_not_track = os.environ.get("DO_NOT_TRACK", "").strip() not in ("", "0")
    return opted_in and not do_not_track
