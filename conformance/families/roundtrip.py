"""Parse-then-dump, the operation two families check: the corpus on recorded payloads and the
properties on generated ones. Nothing may be lost, renamed, retyped or invented."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import judge_value
from ..checks import PASS, Driver, Result, fail
from ..compare import first_difference
from ..implementations.adapter import Direction
from ..jsonpath import without


def parse_as_itself(driver: Driver, direction: Direction, text: str, event_type: str) -> tuple[Any, Result]:
    """Parse ``text``; pass only if the implementation accepted it as ``event_type``."""
    parsed = driver.parse(direction, text)
    if parsed.outcome == "ignored":
        return None, fail(f"ignored the {event_type} event (no model for it?)")
    if parsed.outcome == "rejected":
        return None, fail(f"rejected a valid {event_type} event: {parsed.detail}")
    if parsed.event_type != event_type:
        return None, fail(f"parsed the {event_type} event as {parsed.event_type!r}")
    return parsed.obj, PASS


def dump_after_parse(driver: Driver, direction: Direction, text: str, event_type: str) -> tuple[Any, Result]:
    obj, parsed = parse_as_itself(driver, direction, text, event_type)
    if not parsed.passed:
        return None, fail(f"nothing to dump: it {parsed.message}")
    return driver.dump(direction, obj), PASS


def lossless(driver: Driver, direction: Direction, payload: dict[str, Any], text: str, ignored: Sequence[str] = ()) -> Result:
    """Parse then dump gives back ``payload``, apart from the members at ``ignored`` paths."""
    dumped, result = dump_after_parse(driver, direction, text, payload["type"])
    if not result.passed:
        return result
    ignored = list(ignored)  # a copy: the event_id rule below must not leak into the caller's list
    if direction == "client" and "event_id" not in payload:
        ignored.append("$.event_id")  # a sender may stamp its own event id on an event that had none
    difference = first_difference(without(payload, ignored), without(dumped, ignored), exact_numbers=False)
    if difference:
        return fail(f"the dump differs at {difference}")
    # 1 and 1.0 are one JSON number, but a float where the protocol wants an integer is a retyping.
    retyped = judge_value(dumped, direction)
    if not retyped.ok:
        return fail("the dump is no longer a valid event: " + "; ".join(f"{e.path}: expected {e.expected}, got {e.got}" for e in retyped.errors))
    return PASS


def rejects(driver: Driver, direction: Direction, text: str, why: str) -> Result:
    parsed = driver.parse(direction, text)
    if parsed.outcome == "rejected":
        return PASS
    return fail(f"{parsed.outcome} an invalid payload ({why})")
