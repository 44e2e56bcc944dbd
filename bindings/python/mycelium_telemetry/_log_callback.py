"""Hands the library's warnings to a Python callable instead of stderr (``log_callback``).

The library calls back from its own sender thread (or the thread creating a client), and that
thread may still log after the client that owns it was closed or collected. So the C side never
holds a Python object: it holds one trampoline, created once and alive for the whole process,
and a number that names the callable in a table. A callable stays in the table for the life of
the process (a few bytes per config that set one), which is what makes a late call safe.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import threading
from typing import Callable, Dict

LogCallback = Callable[[int, str], None]

# mt_log_level -> the logging module's levels, so that ``logger.log`` can take them as they are.
LEVELS = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO, 4: logging.DEBUG}

C_LOG_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

_callables: Dict[int, LogCallback] = {}
_callables_lock = threading.Lock()
_next_id = itertools.count(1)


def _deliver(level: int, message: bytes, user_data: int) -> None:
    # ctypes takes the GIL for a foreign thread. An exception must not escape into C (ctypes
    # would print it to stderr, which the host asked us not to write to): it is dropped.
    callable_ = _callables.get(user_data or 0)
    if callable_ is None:
        return
    try:
        callable_(LEVELS.get(level, logging.DEBUG), message.decode("utf-8", "replace"))
    except BaseException:  # noqa: BLE001 - nothing may unwind into the library's thread
        pass


# Kept alive here for the life of the process: the library may call it at any time.
TRAMPOLINE = C_LOG_CALLBACK(_deliver)


def register(callable_: LogCallback) -> int:
    """The number the trampoline will find ``callable_`` under."""
    if not callable(callable_):
        raise TypeError(f"log_callback must be callable, not {type(callable_).__name__}")
    with _callables_lock:
        number = next(_next_id)
        _callables[number] = callable_
    return number
