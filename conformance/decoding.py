"""Decoding wire text into JSON values, with a clear reason whenever that fails.

Hostile input must never crash or hang the caller, and must never be silently "repaired":

* invalid UTF-8, truncated text, empty input, ``NaN``/``Infinity`` and lone surrogates are
  :class:`NotJSON`, with the position where decoding failed;
* nesting deeper than :data:`MAX_DEPTH` is :class:`NotJSON` (the decoder refuses it before it can
  exhaust the stack);
* duplicate member names are decoded (last one wins, as every mainstream decoder does) and
  reported by :func:`find_duplicate_key`, because two readers can disagree about such an event.

``pydantic_core.from_json`` does the decoding: it keeps big integers exact (orjson turns them into
floats) and is the fastest decoder we measured on audio-sized strings.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import from_json

from .jsonpath import ROOT, child

#: The decoder's nesting limit (fixed inside pydantic-core's decoder).
MAX_DEPTH = 200


class NotJSON(ValueError):
    """The bytes are not one JSON document; the message says why and where."""


def decode(data: bytes | str) -> Any:
    try:
        return from_json(data, allow_inf_nan=False)
    except ValueError as error:
        raise NotJSON(_explain(data, str(error))) from None


def _explain(data: bytes | str, reason: str) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as bad:
            return f"invalid UTF-8 at byte {bad.start} (0x{data[bad.start]:02x})"
    else:
        text = data
    if not text.strip():
        return "empty document"
    if "recursion limit" in reason:
        return f"nested deeper than {MAX_DEPTH} levels, the decoder's limit ({reason})"
    if "EOF while parsing" in reason:
        return f"truncated: the text ends inside a value ({reason})"
    if "expected value" in reason or "invalid number" in reason:
        at = _offset(text, reason)
        window = text[max(at - 2, 0) : at + 9] if at is not None else ""
        if "NaN" in window or "Infinity" in window:
            return f"NaN and Infinity are not JSON numbers ({reason})"
    if "hex escape" in reason or "unicode code point" in reason:
        return f"invalid \\u escape or lone surrogate ({reason})"
    return reason


def _offset(text: str, reason: str) -> int | None:
    """The character offset of ``line L column C`` in a decoder message."""
    words = reason.split()
    try:
        line = int(words[words.index("line") + 1])
        column = int(words[words.index("column") + 1])
    except (ValueError, IndexError):
        return None
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
    return start + column - 1


def count_members(value: Any) -> int:
    """The number of object members in a decoded value, at any depth."""
    if type(value) is dict:
        total = len(value)
        for item in value.values():
            if type(item) is dict or type(item) is list:
                total += count_members(item)
        return total
    total = 0
    for item in value:
        if type(item) is dict or type(item) is list:
            total += count_members(item)
    return total


def colons_match(data: bytes | str, members: int) -> bool:
    """Whether the text holds exactly ``members`` colons.

    Every colon outside a string separates a member name from its value. So when the text holds
    exactly as many colons as the decoded value has members, no name was repeated (a repeated
    name leaves fewer members than colons) and no string holds a colon. ``find`` is memchr-fast
    on the long colon-free base64 of audio events.
    """
    colon = b":" if isinstance(data, bytes) else ":"
    if len(data) < 2048:  # one C call beats a loop of finds on short text
        return data.count(colon) == members  # type: ignore[arg-type]
    found, position = 0, -1
    while found <= members:
        position = data.find(colon, position + 1)  # type: ignore[arg-type]
        if position < 0:
            break
        found += 1
    return found == members


#: Bytes at each end of a long stretch that :func:`count_colons` counts one by one.
_EDGE = 256


def count_colons(data: bytes | str) -> int:
    """Every colon in the text, exactly, fast on what long events are: one long string (audio),
    most often their last member. The last colon is found from the end (memchr-fast through the
    string after it); before it, the ends of a long stretch are counted and its middle searched
    first, and counted only if it holds a colon."""
    colon = ":" if type(data) is str else b":"
    last = data.rfind(colon)  # type: ignore[arg-type]
    if last < 0:
        return 0
    if last <= 4 * _EDGE:
        return data.count(colon, 0, last) + 1  # type: ignore[arg-type]
    middle = last - _EDGE
    found = data.count(colon, 0, _EDGE) + data.count(colon, middle, last) + 1  # type: ignore[arg-type]
    if data.find(colon, _EDGE, middle) >= 0:  # type: ignore[arg-type]
        found += data.count(colon, _EDGE, middle)  # type: ignore[arg-type]
    return found


def members_and_colons(value: Any) -> tuple[int, int]:
    """The object members in a decoded value at any depth, and the colons its strings (member
    names included) hold."""
    members = colons = 0
    pending = [value]
    while pending:
        current = pending.pop()
        if type(current) is dict:
            members += len(current)
            for key, item in current.items():
                colons += key.count(":")
                kind = type(item)
                if kind is str:
                    colons += item.count(":")
                elif kind is dict or kind is list:
                    pending.append(item)
        elif type(current) is list:
            for item in current:
                kind = type(item)
                if kind is str:
                    colons += item.count(":")
                elif kind is dict or kind is list:
                    pending.append(item)
        elif type(current) is str:
            colons += current.count(":")
    return members, colons


def proves_unique(data: bytes | str, value: Any) -> bool:
    """Whether the colons of the text prove that no object in it repeats a member name.

    A colon in JSON text either follows a member name or stands inside a string. So the text's
    colons are its members (repeated ones included) plus the colons written inside its strings,
    and when they add up to the decoded value's members plus the colons of its decoded strings,
    nothing was repeated — unless a string spells a colon as an escape (``\\u003a``), which
    decodes to a colon without being one in the text: then the count proves nothing.
    """
    colons = count_colons(data)
    if colons == count_members(value):
        return True  # the common case, no colon in any string, without looking into the strings
    members, in_strings = members_and_colons(value)
    if colons != members + in_strings:
        return False
    return not in_strings or ("\\u003" not in data if type(data) is str else b"\\u003" not in data)  # type: ignore[operator]


def find_duplicate_key(data: bytes | str, value: Any) -> tuple[str, str] | None:
    """Return ``(path of the object, key)`` for the first repeated member name, else ``None``.

    ``value`` is the decoded text when the caller has it: if its members and string colons add up
    to the text's colons (:func:`proves_unique`), nothing was repeated and the text need not be
    decoded a second time, slowly, to look.
    """
    if value is not None and (type(value) is not dict and type(value) is not list or proves_unique(data, value)):
        return None
    return _locate_duplicate(data)


def may_repeat_a_member(data: bytes | str) -> bool:
    """Whether an object in the text repeats a member name (text the caller knows is JSON);
    decodes it, and looks closely only when the colon count cannot prove otherwise."""
    try:
        value = decode(data)
    except NotJSON:
        return True  # not for this question: the caller's full path says what it is
    return find_duplicate_key(data, value) is not None


class _Duplicates(dict):
    repeated: str


def _keep_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, item in pairs:
        if key in seen:
            marked = _Duplicates(pairs)
            marked.repeated = key
            return marked
        seen[key] = item
    return seen


def _locate_duplicate(data: bytes | str) -> tuple[str, str] | None:
    try:
        tree = json.loads(data, object_pairs_hook=_keep_duplicates)
    except (ValueError, RecursionError):
        return None
    return _first_marked(tree, ROOT)


def _first_marked(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, _Duplicates):
        return path, value.repeated
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        hit = _first_marked(item, child(path, key))
        if hit:
            return hit
    return None
