"""Numbers out of a float's range (``1e400``), kept as their digits from a frame to a file.

JSON puts no bound on a number; a float does. The decoder reads ``1e400`` as infinity, and
``json.dumps`` would write infinity back as ``Infinity``, which is not JSON: a recorded transcript
would hold a line the suite's own ``session`` command calls malformed. So a value decoded from text
that holds such a number is decoded again (:func:`exact`) with each one a :class:`BigNumber` — a
float, infinite wherever it is compared or judged, that remembers its digits — and :func:`dumps`
writes the digits back, as they came.
"""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

class BigNumber(float):
    """A number beyond a float's range: infinite as a float, with the digits it was written with."""

    digits: str

    def __new__(cls, digits: str) -> BigNumber:
        number = super().__new__(cls, float(digits))
        number.digits = digits
        return number

    def __repr__(self) -> str:
        return f"BigNumber({self.digits!r})"


def exact(text: str | bytes, value: Any) -> Any:
    """``value`` (``text`` decoded) with every infinite number replaced by its :class:`BigNumber`;
    ``value`` itself when it holds none (the common case costs a walk of ``value``)."""
    if not _has_infinity(value):
        return value
    try:
        return json.loads(text, parse_float=_number, parse_int=int)
    except (ValueError, RecursionError):  # the decoder took it; if this one does not, keep what it made
        return value


def _number(digits: str) -> float:
    number = float(digits)
    return BigNumber(digits) if math.isinf(number) else number


def _has_infinity(value: Any) -> bool:
    if isinstance(value, float):
        return math.isinf(value)
    if isinstance(value, dict):
        return any(_has_infinity(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_infinity(item) for item in value)
    return False


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps(value, **options)``, never writing ``Infinity`` or ``NaN``: a :class:`BigNumber`
    is written as its digits, any other infinity as ``1e999`` (what it reads back as), NaN as null."""
    try:
        return json.dumps(value, allow_nan=False, **options)
    except ValueError:
        pass
    nonce = uuid.uuid4().hex
    spelled: dict[str, str] = {}

    def swap(item: Any) -> Any:
        if isinstance(item, float) and not math.isfinite(item):
            marker = f"{nonce}:{len(spelled)}"
            spelled[json.dumps(marker)] = getattr(item, "digits", None) or ("null" if math.isnan(item) else "1e999" if item > 0 else "-1e999")
            return marker
        if isinstance(item, dict):
            return {key: swap(member) for key, member in item.items()}
        if isinstance(item, list):
            return [swap(member) for member in item]
        return item

    text = json.dumps(swap(value), allow_nan=False, **options)
    for marker, digits in spelled.items():
        text = text.replace(marker, digits, 1)
    return text
