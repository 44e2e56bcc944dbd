"""The user's recorded choice, so that a tool can offer ``mytool telemetry on|off|status``.

The choice is kept per application, with a global default, in ``telemetry_consent.json`` beside
the salt file (``TELEMETRY_CONSENT_FILE`` overrides the path)::

    from mycelium_telemetry import consent

    print(consent.NOTICE)
    consent.set(consent.Consent.ON, app="mytool")
    consent.get(app="mytool")  # Consent.ON
    consent.explain(TelemetryConfig(app_name="mytool")).reason
    # 'the choice recorded for this application (rule 3)'

An unknown level or a malformed application name raises ``ValueError``; a consent file that
cannot be read or written (a link, another user's file, malformed content) raises ``OSError``,
because the choice was then not read or not recorded.
"""

import ctypes
import enum
from typing import TYPE_CHECKING, NamedTuple, Optional, Union

from . import _native
from ._native import lib

if TYPE_CHECKING:
    from .config import TelemetryConfig

__all__ = ["Consent", "ConsentSource", "Explanation", "NOTICE", "explain", "get", "set"]


class Consent(enum.Enum):
    """A level of consent; ``value`` is its name (``"on"``), as a command line would take it."""

    UNDECIDED = "undecided"  # nothing recorded: the next rule decides; undecided never uploads
    OFF = "off"  # nothing is collected
    LOCAL = "local"  # recorded on this machine only, never uploaded
    ON = "on"  # events are sent


class ConsentSource(enum.Enum):
    """Which rule of the order decided (C ``mt_consent_source``), first to last."""

    DO_NOT_TRACK = "do_not_track"  # 1. DO_NOT_TRACK is set: off
    TELEMETRY_ENABLED = "telemetry_enabled"  # 2. TELEMETRY_ENABLED is set, for this process
    APP_CHOICE = "app_choice"  # 3. the choice recorded for the config's application
    GLOBAL_CHOICE = "global_choice"  # 3. the global choice (no entry for the application)
    UNREADABLE_CHOICE = "unreadable_choice"  # 3. the consent file cannot be read: off
    HOST = "host"  # 4. the host's TelemetryConfig(enabled=True), nothing recorded
    DEFAULT = "default"  # 5. nothing decided: off


class Explanation(NamedTuple):
    """What a client made from a config does now, and why."""

    level: "Consent"  # OFF, LOCAL or ON; never UNDECIDED
    source: ConsentSource
    reason: str  # the rule in words, as ``mycelium-telemetry status`` prints it


# The numbers of the C enums mt_consent and mt_consent_source.
_C_LEVELS = {Consent.UNDECIDED: 0, Consent.OFF: 1, Consent.LOCAL: 2, Consent.ON: 3}
_FROM_C = {number: level for level, number in _C_LEVELS.items()}
_SOURCES_FROM_C = {number: source for number, source in enumerate(ConsentSource, start=1)}

NOTICE: str = lib.mt_consent_notice().decode("utf-8")
"""The short standard notice to show before asking the user for a choice."""


def _check(status: int, action: str) -> None:
    mistake = _native.caller_mistake(status, action)
    if mistake is not None:
        raise mistake
    if status == _native.MT_ERR_IO:
        raise OSError(f"{action}: {_native.status_message(status)}")
    if status != _native.MT_OK:
        raise RuntimeError(f"{action}: {_native.status_message(status)}")


def _level(level: object) -> Consent:
    if isinstance(level, Consent):
        return level
    if isinstance(level, str):
        try:
            return Consent(level.strip().lower())
        except ValueError:
            pass
        names = ", ".join(repr(member.value) for member in Consent)
        raise ValueError(f"consent level {level!r} is not one of {names}")
    raise TypeError(f"consent level must be a Consent or str, not {type(level).__name__}")


def get(app: Optional[str] = None) -> Consent:
    """The level recorded for ``app`` (None: the global default). ``Consent.UNDECIDED`` means
    nothing is recorded under that name; an application without its own entry follows the
    global one when a client decides."""
    name = _native.encode_optional(app, "app")
    out = ctypes.c_int(0)
    _check(lib.mt_consent_get(name, ctypes.byref(out)), f"consent.get(app={app!r})")
    level = _FROM_C.get(out.value)
    if level is None:
        raise RuntimeError(f"consent.get: the library returned an unknown level {out.value}")
    return level


def set(level: Union[Consent, str], app: Optional[str] = None) -> None:  # noqa: A001 - the verb
    """Records ``level`` (a :class:`Consent` or its name) for ``app`` (None: the global default),
    decided now. ``Consent.UNDECIDED`` forgets the entry. Going from on to off asks the collector,
    once, to delete what it received, and may wait for the network (at most 5 seconds in all)."""
    member = _level(level)
    name = _native.encode_optional(app, "app")
    _check(lib.mt_consent_set(name, _C_LEVELS[member]), f"consent.set({member.value!r}, app={app!r})")


def explain(config: "Optional[TelemetryConfig]" = None) -> Explanation:
    """What a client made from ``config`` (None: from the environment, as
    ``TelemetryConfig.from_env()``) would do now, and which rule decided: the same decision the
    client and ``mycelium-telemetry status`` make. Reads the environment and the consent file;
    never touches the network. A consent file that cannot be read gives
    ``Explanation(Consent.OFF, ConsentSource.UNREADABLE_CHOICE, ...)`` rather than raising, since
    that is what a client does (:func:`get` raises ``OSError`` saying why)."""
    from .config import TelemetryConfig  # config.py documents this module: imported late

    if config is not None and not isinstance(config, TelemetryConfig):
        raise TypeError(f"config must be a TelemetryConfig or None, not {type(config).__name__}")
    level = ctypes.c_int(0)
    source = ctypes.c_int(0)
    if config is None:
        status = lib.mt_consent_explain(None, ctypes.byref(level), ctypes.byref(source))
    else:
        with config._native() as pointer:
            status = lib.mt_consent_explain(pointer, ctypes.byref(level), ctypes.byref(source))
    _check(status, "consent.explain")
    if level.value not in _FROM_C or source.value not in _SOURCES_FROM_C:
        raise RuntimeError(
            f"consent.explain: the library returned an unknown answer {level.value}/{source.value}"
        )
    reason = lib.mt_consent_source_message(source.value).decode("utf-8")
    return Explanation(_FROM_C[level.value], _SOURCES_FROM_C[source.value], reason)
