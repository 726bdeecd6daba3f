"""The corpus family: recorded and authored payloads, read by the implementation.

Per fixture, against the implementation:

* ``parses`` — a valid payload parses into the right event type (the fixture's level, MUST by default);
* ``lossless-dump`` — dumping it gives back every documented member: nothing lost, renamed, retyped
  or invented (same level);
* ``unknown-fields-survive`` — members the spec does not document survive the dump (INFO);
* ``rejects`` — an invalid payload is rejected (the fixture's level, SHOULD by default);
* ``tolerates-unknown-type`` — an unknown or beta event type neither crashes the parser nor is
  mistaken for another type (MUST);
* ``well-formed`` — a fixture file that cannot be read fails this one check instead of the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .. import corpus, judge_value
from ..checks import PASS, Check, Driver, Level, Result, fail
from ..compare import first_difference
from ..jsonpath import MISSING, lookup, without
from ..protocol.names import BETA_RENAMES
from ..verdict import Verdict

FAMILY = "corpus"


def checks(fixtures: list[corpus.Fixture] | None = None, errors: list[corpus.LoadError] | None = None) -> list[Check]:
    if fixtures is None:
        fixtures, errors = corpus.load()
    found = [_well_formed(error) for error in errors or []]
    for fixture in fixtures:
        found.extend(_checks_for(fixture))
    return found


def _check(fixture: corpus.Fixture, name: str, level: Level, run: Callable[[Driver], Result]) -> Check:
    event_type = fixture.payload.get("type") if isinstance(fixture.payload, dict) else None
    return Check(
        id=f"{FAMILY}/{fixture.id}/{name}",
        family=FAMILY,
        level=level,
        run=run,
        event_type=event_type if isinstance(event_type, str) else None,
        source=fixture.source,
    )


def _checks_for(fixture: corpus.Fixture) -> list[Check]:
    text = json.dumps(fixture.payload, ensure_ascii=False)
    expected = fixture.expect.verdict
    if expected == "valid":
        reference = judge_value(fixture.payload, fixture.direction)
        found = [
            _check(fixture, "parses", fixture.level, lambda driver: _parses(driver, fixture, text)),
            _check(fixture, "lossless-dump", fixture.level, lambda driver: _lossless(driver, fixture, text, reference)),
        ]
        if reference.unknown_fields:
            found.append(_check(fixture, "unknown-fields-survive", "INFO", lambda driver: _unknown_survive(driver, fixture, text, reference)))
        return found
    if expected == "invalid":
        return [_check(fixture, "rejects", fixture.level, lambda driver: _rejects(driver, fixture, text))]
    return [_check(fixture, "tolerates-unknown-type", "MUST", lambda driver: _tolerates(driver, fixture, text))]


def _well_formed(error: corpus.LoadError) -> Check:
    message = f"{error.path}: {error.message}"
    return Check(id=f"{FAMILY}/{error.path.stem}/well-formed", family=FAMILY, level="MUST", run=lambda driver: fail(message), source=str(error.path))


def _parsed_as_itself(driver: Driver, fixture: corpus.Fixture, text: str) -> tuple[Any, Result]:
    parsed = driver.parse(fixture.direction, text)
    kind = fixture.payload["type"]
    if parsed.outcome == "ignored":
        return None, fail(f"ignored the {kind} event (no model for it?)")
    if parsed.outcome == "rejected":
        return None, fail(f"rejected a valid {kind} event: {parsed.detail}")
    if parsed.event_type != kind:
        return None, fail(f"parsed the {kind} event as {parsed.event_type!r}")
    return parsed.obj, PASS


def _parses(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    return _parsed_as_itself(driver, fixture, text)[1]


def _dumped(driver: Driver, fixture: corpus.Fixture, text: str) -> tuple[Any, Result]:
    obj, parsed = _parsed_as_itself(driver, fixture, text)
    if not parsed.passed:
        return None, fail(f"nothing to dump: it {parsed.message}")
    return driver.dump(fixture.direction, obj), PASS


def _lossless(driver: Driver, fixture: corpus.Fixture, text: str, reference: Verdict) -> Result:
    dumped, result = _dumped(driver, fixture, text)
    if not result.passed:
        return result
    ignored = [u.path for u in reference.unknown_fields]
    if fixture.direction == "client" and "event_id" not in fixture.payload:
        ignored.append("$.event_id")  # a sender may stamp its own event id on an event that had none
    difference = first_difference(without(fixture.payload, ignored), without(dumped, ignored), exact_numbers=False)
    if difference:
        return fail(f"the dump differs at {difference}")
    # 1 and 1.0 are one JSON number, but a float where the protocol wants an integer is a retyping.
    retyped = judge_value(dumped, fixture.direction)
    if not retyped.ok:
        return fail("the dump is no longer a valid event: " + "; ".join(f"{e.path}: expected {e.expected}, got {e.got}" for e in retyped.errors))
    return PASS


def _unknown_survive(driver: Driver, fixture: corpus.Fixture, text: str, reference: Verdict) -> Result:
    dumped, result = _dumped(driver, fixture, text)
    if not result.passed:
        return result
    for unknown in reference.unknown_fields:
        want, got = lookup(fixture.payload, unknown.path), lookup(dumped, unknown.path)
        if got is MISSING:
            return fail(f"the undocumented member {unknown.path} was dropped")
        difference = first_difference(want, got, unknown.path, exact_numbers=False)
        if difference:
            return fail(f"the undocumented member changed: {difference}")
    return PASS


def _rejects(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    parsed = driver.parse(fixture.direction, text)
    if parsed.outcome == "rejected":
        return PASS
    why = fixture.expect.reason or "it is invalid"
    return fail(f"{parsed.outcome} an invalid payload ({why})")


def _tolerates(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    parsed = driver.parse(fixture.direction, text)
    kind = fixture.payload.get("type")
    if parsed.outcome != "accepted" or parsed.event_type in (kind, BETA_RENAMES.get(str(kind))):
        return PASS
    return fail(f"mistook the {fixture.expect.verdict} event {kind!r} for {parsed.event_type!r}")
