"""The user's recorded choice, so that a tool can offer ``mytool telemetry on|off|status``.

The choice is kept per application, with a global default, in ``telemetry_consent.json`` beside
the salt file (``TELEMETRY_CONSENT_FILE`` overrides the path)::

    from mycelium_telemetry import consent

    print(consent.NOTICE)
    consent.set(consent.Consent.ON, app="mytool")
    consent.get(app="mytool")  # Consent.ON

An unknown level or a malformed application name raises ``ValueError``; a consent file that
cannot be read or written (a link, another user's file, malformed content) raises ``OSError``,
because the choice was then not read or not recorded.
"""

import ctypes
import enum
from typing import Optional, Union

from . import _native
from ._native import lib

__all__ = ["Consent", "NOTICE", "get", "set"]


class Consent(enum.Enum):
    """A level of consent; ``value`` is its name (``"on"``), as a command line would take it."""

    UNDECIDED = "undecided"  # nothing recorded: the next rule decides; undecided never uploads
    OFF = "off"  # nothing is collected
    LOCAL = "local"  # recorded on this machine only, never uploaded
    ON = "on"  # events are sent


# The numbers of the C enum mt_consent.
_C_LEVELS = {Consent.UNDECIDED: 0, Consent.OFF: 1, Consent.LOCAL: 2, Consent.ON: 3}
_FROM_C = {number: level for level, number in _C_LEVELS.items()}

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
    once, to delete what it received, and may wait for the network (up to 5 seconds)."""
    member = _level(level)
    name = _native.encode_optional(app, "app")
    _check(lib.mt_consent_set(name, _C_LEVELS[member]), f"consent.set({member.value!r}, app={app!r})")
