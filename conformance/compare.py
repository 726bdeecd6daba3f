"""Exact comparison of JSON values, for checks that say "nothing lost, renamed, retyped or invented".

Python's ``==`` is too forgiving for that: ``1 == 1.0 == True`` and it cannot say *where* two
documents differ. :func:`first_difference` distinguishes every JSON type and names the path of the
first difference in words a maintainer can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .jsonpath import ROOT, child, describe, json_type

_ABSENT = object()


@dataclass(frozen=True)
class Difference:
    path: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.got}"


def first_difference(expected: Any, actual: Any, path: str = ROOT, *, exact_numbers: bool = True) -> Difference | None:
    """The first place where ``actual`` differs from ``expected`` (member order aside), or ``None``.

    With ``exact_numbers=False``, an integer and a float of the same value are the same JSON
    number (``1`` and ``1.0``); whether the float is allowed *there* is a question for the schema.
    """
    if not exact_numbers and _number(expected) and _number(actual):
        return None if expected == actual else Difference(path, describe(expected), describe(actual))
    if json_type(expected) != json_type(actual):
        return Difference(path, describe(expected), describe(actual))
    if isinstance(expected, dict):
        for key, value in expected.items():
            if key not in actual:
                return Difference(child(path, key), describe(value), "absent (the member was dropped)")
            found = first_difference(value, actual[key], child(path, key), exact_numbers=exact_numbers)
            if found:
                return found
        for key in actual:
            if key not in expected:
                return Difference(child(path, key), "absent", f"{describe(actual[key])} (a member was invented)")
        return None
    if isinstance(expected, list):
        for index, (left, right) in enumerate(zip(expected, actual)):
            found = first_difference(left, right, child(path, index), exact_numbers=exact_numbers)
            if found:
                return found
        if len(expected) != len(actual):
            return Difference(path, describe(expected), describe(actual))
        return None
    if expected != actual:
        return Difference(path, describe(expected, limit=80), describe(actual, limit=80))
    return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
