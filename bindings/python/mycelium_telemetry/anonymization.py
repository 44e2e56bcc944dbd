"""The native anonymizer, for checking what leaves or scrubbing text of your own."""

from __future__ import annotations

from typing import Optional

from . import _native
from ._native import lib


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
    """

    def __init__(self, salt: str) -> None:
        self._salt_bytes = _native.encode(salt, "salt")
        self.salt = salt

    def __repr__(self) -> str:
        return "DataAnonymizer(salt=<hidden>)"

    def hash_identifier(self, identifier: str) -> str:
        """Lowercase hex ``sha256(identifier + salt)``, 64 characters."""
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
