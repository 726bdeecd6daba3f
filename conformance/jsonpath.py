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


def only(value: Any, paths: list[str] | tuple[str, ...]) -> Any:
    """The parts of ``value`` at ``paths`` (each with everything below it), the rest left out; an
    array on the way keeps every item, each cut to the rest of the path (``$.items`` then ``.id``
    is written ``$.items[].id`` — any index step means every item)."""
    if not paths:
        return {} if isinstance(value, dict) else value
    kept: Any = {} if isinstance(value, dict) else None
    for path in paths:
        kept = _merge(kept, _pick(value, _loose_steps(path)))
    return kept


#: Stands for "every index" while a path with ``[]`` goes through :func:`steps`.
_EVERY = 2**32 - 1


def _loose_steps(path: str) -> list[str | int | None]:
    """Steps of a path where ``[]`` stands for every index (``None``)."""
    return [None if part == _EVERY else part for part in steps(path.replace("[]", f"[{_EVERY}]"))]


def _pick(value: Any, parts: list[str | int | None]) -> Any:
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if head is None or isinstance(head, int):
        if not isinstance(value, list):
            return MISSING
        items = value if head is None else value[head:head + 1]
        return [_pick(item, rest) for item in items]
    if not isinstance(value, dict) or head not in value:
        return MISSING
    picked = _pick(value[head], rest)
    return MISSING if picked is MISSING else {head: picked}


def _merge(left: Any, right: Any) -> Any:
    if right is MISSING:
        return left
    if left is None or left is MISSING:
        return right
    if isinstance(left, dict) and isinstance(right, dict):
        merged = dict(left)
        for key, item in right.items():
            merged[key] = _merge(merged.get(key, MISSING), item) if key in merged else item
        return merged
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [_merge(a, b) for a, b in zip(left, right)]
    return right


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
