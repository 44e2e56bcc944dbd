"""Finds libmycelium_telemetry, declares the C functions this package calls, and converts
Python values to and from what they take.

Everything else in the package goes through ``lib`` here, looked up at call time, so that a
test can replace one function on it.
"""

from __future__ import annotations

import ctypes
import numbers
import os
from pathlib import Path
from typing import Optional

LIBRARY_ENV_VAR = "MYCELIUM_TELEMETRY_LIB"

# A wheel (packaging/build.sh) carries the library in the package itself; when that file is there
# it is the one this package was built and tested with, so it comes before any other place.
BUNDLED = Path(__file__).resolve().parent / "native" / "libmycelium_telemetry.so.0"

# bindings/python/mycelium_telemetry/_native.py -> the repository root. Installed elsewhere, these
# paths simply do not exist and the system's loader is asked instead.
_REPOSITORY = Path(__file__).resolve().parent.parent.parent.parent
BUILD_OUTPUTS = (
    _REPOSITORY / "target" / "release" / "libmycelium_telemetry.so",
    _REPOSITORY / "target" / "debug" / "libmycelium_telemetry.so",
)
SYSTEM_NAMES = ("libmycelium_telemetry.so.0", "libmycelium_telemetry.so")

MT_OK = 0
MT_ERR_NULL_ARGUMENT = 1
MT_ERR_INVALID_UTF8 = 2
MT_ERR_INVALID_JSON = 3
MT_ERR_INVALID_ARGUMENT = 4
MT_ERR_INVALID_CONFIG_VALUE = 10
MT_ERR_SHUT_DOWN = 20
MT_ERR_TIMEOUT = 21
MT_ERR_IO = 30
MT_ERR_INTERNAL = 99

_VALUE_ERRORS = {
    MT_ERR_INVALID_UTF8,
    MT_ERR_INVALID_JSON,
    MT_ERR_INVALID_ARGUMENT,
    MT_ERR_INVALID_CONFIG_VALUE,
}

UINT32_MAX = 2**32 - 1


class Stats(ctypes.Structure):
    """``mt_stats``."""

    _fields_ = [
        ("enqueued", ctypes.c_uint64),
        ("sent", ctypes.c_uint64),
        ("dropped", ctypes.c_uint64),
        ("failed", ctypes.c_uint64),
        ("retries", ctypes.c_uint64),
        ("batches_sent", ctypes.c_uint64),
    ]


# Counters beyond mt_stats, read one at a time with mt_client_counter (mt_counter numbers).
COUNTERS = {"spooled": 7, "replayed": 8, "spool_dropped": 9}


def _load() -> "tuple[ctypes.CDLL, str]":
    explicit = os.environ.get(LIBRARY_ENV_VAR)
    if explicit:
        # A path the user named is never second-guessed by falling back to another build.
        try:
            return ctypes.CDLL(explicit), explicit
        except OSError as error:
            raise ImportError(f"{LIBRARY_ENV_VAR}={explicit!r} could not be loaded: {error}") from error
    # As every binding does (bindings/contract.json): a place that fails is noted and the next
    # one tried, so that a broken build output does not hide an installed library.
    failures = []
    places = [BUNDLED, *BUILD_OUTPUTS]
    for candidate in [str(path) for path in places if path.is_file()] + list(SYSTEM_NAMES):
        try:
            return ctypes.CDLL(candidate), candidate
        except OSError as error:
            failures.append(f"{candidate}: {error}")
    searched = " or ".join(str(path) for path in BUILD_OUTPUTS)
    raise ImportError(
        "libmycelium_telemetry was not found. Looked for: "
        f"(1) the file named by the environment variable {LIBRARY_ENV_VAR} (not set); "
        f"(2) the library bundled in the wheel, {BUNDLED} (not in this installation); "
        f"(3) the project's build output {searched} (run `cargo build --release`); "
        f"(4) {' or '.join(SYSTEM_NAMES)} in the system's library paths "
        "(install the library or add its folder to LD_LIBRARY_PATH). "
        f"Errors: {'; '.join(failures) or 'none'}."
    )


lib, library_path = _load()

_c_client = ctypes.c_void_p
_c_config = ctypes.c_void_p
_c_status = ctypes.c_int
_c_text = ctypes.c_char_p
# Owned strings come back as a bare address so that they can be freed after copying.
_c_owned_text = ctypes.c_void_p

_SIGNATURES = {
    "mt_client_new": (_c_client, [_c_config]),
    "mt_client_is_enabled": (ctypes.c_bool, [_c_client]),
    "mt_track_agent_usage": (_c_status, [_c_client, _c_text, _c_text, _c_text]),
    "mt_track_performance": (_c_status, [_c_client, _c_text, ctypes.c_double, _c_text, _c_text]),
    "mt_track_error": (_c_status, [_c_client, _c_text, _c_text, _c_text, _c_text]),
    "mt_track_system_info": (_c_status, [_c_client]),
    "mt_flush": (_c_status, [_c_client, ctypes.c_uint32]),
    "mt_client_stats": (_c_status, [_c_client, ctypes.POINTER(Stats)]),
    "mt_client_counter": (_c_status, [_c_client, ctypes.c_int, ctypes.POINTER(ctypes.c_uint64)]),
    "mt_client_close": (_c_status, [_c_client, ctypes.c_uint32]),
    "mt_shutdown": (_c_status, [_c_client, ctypes.c_uint32]),
    "mt_client_free_nowait": (None, [_c_client, ctypes.c_uint32]),
    "mt_global": (_c_client, []),
    "mt_global_shutdown": (_c_status, [ctypes.c_uint32]),
    "mt_config_new": (_c_config, []),
    "mt_config_from_env": (_c_config, []),
    "mt_config_free": (None, [_c_config]),
    "mt_config_set_enabled": (_c_status, [_c_config, ctypes.c_bool]),
    "mt_config_set_endpoint": (_c_status, [_c_config, _c_text]),
    "mt_config_set_timeout_secs": (_c_status, [_c_config, ctypes.c_uint32]),
    "mt_config_set_batch_size": (_c_status, [_c_config, ctypes.c_uint32]),
    "mt_config_set_retry_attempts": (_c_status, [_c_config, ctypes.c_uint32]),
    "mt_config_set_retry_backoff": (_c_status, [_c_config, ctypes.c_double]),
    "mt_config_set_app_name": (_c_status, [_c_config, _c_text]),
    "mt_consent_get": (_c_status, [_c_text, ctypes.POINTER(ctypes.c_int)]),
    "mt_consent_set": (_c_status, [_c_text, ctypes.c_int]),
    "mt_consent_notice": (_c_text, []),
    "mt_consent_explain": (
        _c_status,
        [_c_config, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)],
    ),
    "mt_consent_source_message": (_c_text, [ctypes.c_int]),
    "mt_config_set_salt": (_c_status, [_c_config, _c_text]),
    "mt_config_set_salt_file": (_c_status, [_c_config, _c_text]),
    "mt_config_set_flush_interval_ms": (_c_status, [_c_config, ctypes.c_uint32]),
    "mt_config_set_queue_capacity": (_c_status, [_c_config, ctypes.c_uint32]),
    "mt_config_set_output_file": (_c_status, [_c_config, _c_text]),
    "mt_config_set_ca_file": (_c_status, [_c_config, _c_text]),
    "mt_config_set_token": (_c_status, [_c_config, _c_text]),
    "mt_config_set_spool_max_bytes": (_c_status, [_c_config, ctypes.c_uint32]),
    "mt_config_set_spool_max_age_days": (_c_status, [_c_config, ctypes.c_uint32]),
    "mt_config_set_debug": (_c_status, [_c_config, ctypes.c_bool]),
    "mt_config_allow_metadata_field": (_c_status, [_c_config, _c_text, ctypes.c_int]),
    "mt_config_set_error_detail": (_c_status, [_c_config, ctypes.c_int]),
    "mt_config_set_protocol": (_c_status, [_c_config, ctypes.c_int]),
    "mt_config_set_log_callback": (_c_status, [_c_config, ctypes.c_void_p, ctypes.c_void_p]),
    "mt_hash_identifier": (_c_owned_text, [_c_text, _c_text]),
    "mt_anonymize_path": (_c_owned_text, [_c_text]),
    "mt_anonymize_message": (_c_owned_text, [_c_text]),
    "mt_anonymize_stack_trace": (_c_owned_text, [_c_text]),
    "mt_config_anonymize_event": (_c_owned_text, [_c_config, _c_text]),
    "mt_string_free": (None, [_c_owned_text]),
    "mt_set_runtime": (_c_status, [_c_text]),
    "mt_version": (_c_text, []),
    "mt_status_message": (_c_text, [ctypes.c_int]),
}

# Track calls only check a flag and push onto a lock-free queue: they never wait for I/O or for
# another thread, so they keep the GIL instead of paying to release and retake it (about a third
# of the call). Everything that can wait (flush, close) releases it.
_KEEP_THE_GIL = ("mt_track_agent_usage", "mt_track_performance", "mt_track_error", "mt_track_system_info")
_gil_holding_lib = ctypes.PyDLL(library_path, handle=lib._handle)

for _name, (_restype, _argtypes) in _SIGNATURES.items():
    _function = getattr(_gil_holding_lib if _name in _KEEP_THE_GIL else lib, _name)
    _function.restype = _restype
    _function.argtypes = _argtypes
    setattr(lib, _name, _function)


def status_message(status: int) -> str:
    return lib.mt_status_message(status).decode("utf-8")


def caller_mistake(status: int, action: str) -> Optional[Exception]:
    """The exception for a status that means the caller passed something wrong, else None."""
    if status == MT_ERR_NULL_ARGUMENT:
        return TypeError(f"{action}: {status_message(status)}")
    if status in _VALUE_ERRORS:
        return ValueError(f"{action}: {status_message(status)}")
    return None


def encode(text: object, name: str) -> bytes:
    """``text`` as the NUL-terminated UTF-8 the C functions take."""
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, not {type(text).__name__}")
    if "\0" in text:
        # C would silently stop reading at the NUL.
        raise ValueError(f"{name} must not contain a NUL character")
    return text.encode("utf-8")  # lone surrogates raise UnicodeEncodeError, a ValueError


def encode_optional(text: object, name: str) -> Optional[bytes]:
    return None if text is None else encode(text, name)


def uint32(value: object, name: str) -> int:
    """``value`` checked to fit a C ``uint32_t``, which ctypes would otherwise wrap around."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value <= UINT32_MAX:
        raise ValueError(f"{name}={value!r} is out of range")
    return int(value)


def milliseconds(seconds: object, name: str = "timeout") -> int:
    """A timeout in seconds as the C functions' ``uint32_t`` milliseconds; huge means forever."""
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if not seconds >= 0:  # also refuses NaN
        raise ValueError(f"{name} must be zero or more seconds, not {seconds!r}")
    return int(min(float(seconds) * 1000.0, UINT32_MAX))


def take_string(address: Optional[int]) -> Optional[str]:
    """Copies a string the library handed over, then frees it."""
    if not address:
        return None
    try:
        return ctypes.string_at(address).decode("utf-8")
    finally:
        lib.mt_string_free(address)
