"""The round-trip and send operations of :mod:`.roundtrip`, judged under a dialect.

Parsing, dumping and comparing are the same in every dialect and come from :mod:`.roundtrip`; what
differs is the question "is this still a valid event?", which a dialect's payload must answer under
its own dialect (an xAI ``session.created`` is not a GA event, and was never meant to be).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..checks import PASS, Driver, Result, fail
from ..compare import differences, explain
from ..adapters.adapter import Direction
from ..jsonpath import only, without
from ..verdict import judge_value
from ..findings import member, owner
from .roundtrip import SHOWN, application_paths, canonical_sent, difference_cause, dump_after_parse, send, volatile_paths, without_nulls


def lossless(driver: Driver, direction: Direction, payload: dict[str, Any], text: str, dialect: str, ignored: Sequence[str] = ()) -> Result:
    """Parse then dump gives back ``payload`` (apart from ``ignored``), and the dump is still a
    valid event of ``dialect``."""
    dumped, result = dump_after_parse(driver, direction, text, payload["type"])
    if not result.passed:
        return result
    ignored = list(ignored)
    if direction == "client" and "event_id" not in payload:
        ignored.append("$.event_id")
    expected, actual = without(payload, ignored), without(dumped, ignored)
    if not driver.adapter.nulls_distinct:
        expected, actual = without_nulls(expected), without_nulls(actual)
    seen = application_paths(driver, payload)
    if seen is not None:
        expected, actual = only(expected, seen), only(actual, seen)
    found = differences(expected, actual, exact_numbers=False)
    if found:
        return fail(f"the dump differs at {_places(found)}: {explain(found, shown=SHOWN)}", difference_cause(found[0], payload, direction, dialect=dialect))
    retyped = judge_value(dumped, direction, dialect)
    if not retyped.ok:
        first = retyped.errors[0].path if retyped.errors else "$"
        return fail(f"the dump is no longer a valid {dialect} event: " + _errors(retyped), member("changes", owner(payload, first, direction, dialect), payload.get("type")))
    return PASS


def sends_unchanged(driver: Driver, event: dict[str, Any], dialect: str, ignored: Sequence[str] = ()) -> Result:
    """The send path puts ``event`` on the wire as it is, and what it sends is a valid ``dialect`` client event."""
    sent, result = send(driver, event)
    if not result.passed:
        return result
    skip = [*volatile_paths(event), *ignored]
    found = differences(without(event, skip), without(canonical_sent(event, sent), skip))
    if found:
        return fail(f"the sent JSON differs at {_places(found)}: {explain(found, shown=SHOWN)}", difference_cause(found[0], event, "client", sending=True, dialect=dialect))
    verdict = judge_value(sent, "client", dialect)
    if not verdict.ok:
        first = verdict.errors[0].path if verdict.errors else "$"
        return fail(f"the sent event is not a valid {dialect} client event: " + _errors(verdict), member("sends-changes", owner(event, first, "client", dialect), event.get("type")))
    return PASS


def _errors(verdict: Any) -> str:
    return "; ".join(f"{e.path}: expected {e.expected}, got {e.got}" for e in verdict.errors)


def _places(found: list[Any]) -> str:
    return "1 place" if len(found) == 1 else f"{len(found)} places"
