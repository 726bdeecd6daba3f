"""Exact comparison of JSON values, for checks that say "nothing lost, renamed, retyped or invented".

Python's ``==`` is too forgiving for that: ``1 == 1.0 == True`` and it cannot say *where* two
documents differ. :func:`differences` distinguishes every JSON type and names the path of each
difference in words a maintainer can act on.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from collections.abc import Iterator
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
    return next(_differences(expected, actual, path, exact_numbers), None)


def differences(expected: Any, actual: Any, *, exact_numbers: bool = True, limit: int | None = None) -> list[Difference]:
    """Every place where ``actual`` differs from ``expected``, in document order (at most ``limit``),
    so that a message names each real cause rather than the first of several."""
    found = _differences(expected, actual, ROOT, exact_numbers)
    return list(found if limit is None else itertools.islice(found, limit))


def explain(found: list[Difference], total: int | None = None, shown: int = 3) -> str:
    """``$.a: expected …, got …; $.b: …`` for the first ``shown`` differences, and how many more."""
    total = len(found) if total is None else total
    text = "; ".join(str(difference) for difference in found[:shown])
    return text + (f" (and {total - shown} more)" if total > shown else "")


def _differences(expected: Any, actual: Any, path: str, exact_numbers: bool) -> Iterator[Difference]:
    if not exact_numbers and _number(expected) and _number(actual):
        if not _same_number(expected, actual):
            yield Difference(path, describe(expected), describe(actual))
        return
    if json_type(expected) != json_type(actual):
        yield Difference(path, describe(expected), describe(actual))
        return
    if isinstance(expected, dict):
        for key, value in expected.items():
            if key not in actual:
                yield Difference(child(path, key), describe(value), "absent (the member was dropped)")
            else:
                yield from _differences(value, actual[key], child(path, key), exact_numbers)
        for key in actual:
            if key not in expected:
                yield Difference(child(path, key), "absent", f"{describe(actual[key])} (a member was invented)")
        return
    if isinstance(expected, list):
        if len(expected) != len(actual):
            yield Difference(path, describe(expected), describe(actual))
            return
        for index, (left, right) in enumerate(zip(expected, actual)):
            yield from _differences(left, right, child(path, index), exact_numbers)
        return
    if expected != actual:
        yield Difference(path, describe(expected, limit=80), describe(actual, limit=80))


def _same_number(left: int | float, right: int | float) -> bool:
    """One JSON number written two ways: ``1`` and ``1.0``, or ``57171127854394830`` and the
    double a JavaScript implementation writes for it (``5.717112785439483e+16``): the same decimal
    digits, whatever binary value the float holds."""
    if left == right:
        return True
    if isinstance(left, float) != isinstance(right, float):
        return Decimal(repr(left)) == Decimal(repr(right))
    return False


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
