"""JSON paths as verdicts print them: ``$.session.tools[0].name``, with bracket-quoting for keys
that are not plain identifiers (``$.metadata["a key"]``)."""

from __future__ import annotations

import json
import re
from typing import Any

ROOT = "$"
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]')

#: What :func:`lookup` returns for a path that leads nowhere.
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


def child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def steps(path: str) -> list[str | int]:
    """The keys and indexes of a path made by :func:`child`."""
    return [int(index) if index else (name or json.loads(quoted)) for name, quoted, index in _STEP.findall(path)]


def lookup(value: Any, path: str) -> Any:
    """The value at ``path``, or :data:`MISSING`."""
    for step in steps(path):
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return value


def without(value: Any, paths: list[str]) -> Any:
    """A copy of ``value`` with the object members at ``paths`` removed."""
    if not paths:
        return value
    value = json.loads(json.dumps(value))
    for path in paths:
        *parents, last = steps(path)
        parent = value
        for step in parents:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        if isinstance(parent, dict) and isinstance(last, str):
            parent.pop(last, None)
    return value


def json_type(value: Any) -> str:
    """The JSON type name of a decoded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def describe(value: Any, limit: int = 40) -> str:
    """A short, readable description of a decoded value for error messages."""
    kind = json_type(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        text = repr(value)
        return f"{kind} {text if len(text) <= limit else text[:limit] + f'… ({len(text)} digits)'}"
    if isinstance(value, str):
        shown = json.dumps(value[:limit], ensure_ascii=False)
        return f"string {shown}" + (f"… ({len(value)} characters)" if len(value) > limit else "")
    if isinstance(value, list):
        return f"array of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        keys = ", ".join(list(value)[:5]) + (", …" if len(value) > 5 else "")
        return f"object {{{keys}}}" if value else "empty object"
    return kind
