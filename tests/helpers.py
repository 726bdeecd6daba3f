"""Shared helpers for the suite's own tests."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from conformance import corpus

FIXTURES, FIXTURE_LOAD_ERRORS = corpus.load()
VALID = [f for f in FIXTURES if f.expect.verdict == "valid"]
NOT_VALID = [f for f in FIXTURES if f.expect.verdict != "valid"]


def fixture_ids(fixtures: list[corpus.Fixture]) -> list[str]:
    return [f.id for f in fixtures]


def with_member(payload: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    """A deep copy of ``payload`` with the member at ``path`` set to ``value``."""
    changed = copy.deepcopy(payload)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def without_member(payload: dict[str, Any], key: str) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    del changed[key]
    return changed


def wrong_type_values(value: Any) -> Iterator[Any]:
    """Values of a JSON type other than ``value``'s, the strict models must refuse."""
    if isinstance(value, bool):
        yield from (1, "true")
    elif isinstance(value, int):
        yield from (str(value), True)
    elif isinstance(value, float):
        yield from (str(value), True)
    elif isinstance(value, str):
        yield from (7, ["x"], False)
    elif isinstance(value, list):
        yield from ("[]", {"0": value[0]} if value else {})
    elif isinstance(value, dict):
        yield from ("{}", [value])
