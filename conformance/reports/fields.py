"""Typed reads of a report's JSON, each naming the file, the JSON path and what was expected when
the value is not what it should be (:class:`ReportError`), so that a malformed report is refused
with a message a person can act on, never a traceback.

A member that is absent (or ``null``, for the optional ones) takes its default; a member that is
present with the wrong type is an error, whatever its depth.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

_ABSENT = object()


def _missing(value: Any) -> bool:
    return value is _ABSENT or value is None


class ReportError(Exception):
    """A file that cannot be read as a conformance report; the message names the file and where."""


def shown(value: Any) -> str:
    """A short account of a JSON value for a message, without serialising a deep or huge one."""
    if value is _ABSENT or value is None:
        return "absent" if value is _ABSENT else "null"
    if isinstance(value, dict):
        return f"an object with {len(value)} member{'s' if len(value) != 1 else ''}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"


class Fields:
    """The reads of one file: ``where`` is the file's name in messages."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: str, expected: str, got: Any = _ABSENT) -> ReportError:
        return ReportError(f"{self.where}: {path}: expected {expected}, got {shown(got)}")

    def member(self, parent: dict[str, Any], key: str) -> Any:
        return parent.get(key, _ABSENT)

    def object(self, value: Any, path: str, what: str = "an object") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, what, value)
        return value

    def list(self, value: Any, path: str, what: str = "a list") -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, what, value)
        return value

    def string(self, parent: dict[str, Any], key: str, path: str, default: str | None = None, *, one_of: Collection[str] = ()) -> str:
        """A string member; ``default`` (when not ``None``) stands for an absent or null one."""
        value = self.member(parent, key)
        if default is not None and _missing(value):
            return default
        if not isinstance(value, str):
            raise self.fail(f"{path}.{key}", "a string" if default is None else "a string or null", value)
        if one_of and value not in one_of:
            raise self.fail(f"{path}.{key}", "one of " + ", ".join(one_of), value)
        return value

    def optional_string(self, parent: dict[str, Any], key: str, path: str) -> str | None:
        value = self.member(parent, key)
        if _missing(value):
            return None
        if not isinstance(value, str):
            raise self.fail(f"{path}.{key}", "a string or null", value)
        return value

    def boolean(self, parent: dict[str, Any], key: str, path: str, default: bool = False) -> bool:
        value = self.member(parent, key)
        if _missing(value):
            return default
        if not isinstance(value, bool):
            raise self.fail(f"{path}.{key}", "true or false", value)
        return value

    def strings(self, parent: dict[str, Any], key: str, path: str) -> tuple[str, ...] | None:
        """A list of strings, or ``None`` when the member is absent or null."""
        value = self.member(parent, key)
        if _missing(value):
            return None
        items = self.list(value, f"{path}.{key}", "a list of strings or null")
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise self.fail(f"{path}.{key}[{index}]", "a string", item)
        return tuple(items)

    def text_map(self, parent: dict[str, Any], key: str, path: str) -> dict[str, str]:
        """An object of strings (``{}`` when absent or null)."""
        value = self.member(parent, key)
        if _missing(value):
            return {}
        mapping = self.object(value, f"{path}.{key}", "an object of strings or null")
        for name, item in mapping.items():
            if not isinstance(item, str):
                raise self.fail(f"{path}.{key}[{json.dumps(name, ensure_ascii=False)}]", "a string", item)
        return dict(mapping)
