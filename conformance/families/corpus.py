"""The corpus family: recorded and authored payloads, read by the implementation.

Per fixture, against the implementation:

* ``parses`` — a valid payload parses into the right event type (the fixture's level, MUST by default);
* ``lossless-dump`` — dumping it gives back every documented member: nothing lost, renamed, retyped
  or invented (same level);
* ``unknown-fields-survive`` — members the spec does not document survive the dump (INFO);
* ``sends-unchanged`` — a valid client payload, sent through the library's send path, goes on the
  wire unchanged (same level). This is how a client library is judged on client events: it sends
  them; parsing them is a server's job, so the checks above do not apply to it for client payloads;
* ``rejects`` — an invalid payload is rejected or ignored, not accepted (the fixture's level,
  SHOULD by default);
* ``tolerates-unknown-type`` — an unknown or beta event type neither crashes the parser nor is
  reported as another type (MUST);
* ``not-typed-as-known-event`` — nor does it come back as an object of a known event's class (SHOULD:
  code that dispatches on the class misroutes it, though the library reports the right type);
* ``well-formed`` — a fixture file that cannot be read fails this one check instead of the run.

Each dialect has its own fixtures (``fixtures/<dialect>/...``, ``protocol`` naming the dialect), and
:func:`checks` makes the checks of one dialect's fixtures (GA's by default), every payload judged
under its fixture's dialect; the check ids are the same ``corpus/<fixture-id>/<check>``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .. import corpus, judge_value
from ..adapters.scope import features_of, produced_by
from ..checks import PASS, Check, Driver, Level, Result, fail
from ..findings import MISTAKES_UNKNOWN, UNKNOWN_IN_KNOWN_CLASS, member, owner
from ..compare import first_difference
from ..jsonpath import MISSING, lookup
from ..protocol.names import BETA_RENAMES
from ..verdict import Verdict
from ..protocol.names import CLIENT_EVENT_TYPES, SERVER_EVENT_TYPES
from .roundtrip import dump_after_parse, lossless, parse_as_itself, rejects, sends_unchanged

FAMILY = "corpus"


def checks(fixtures: list[corpus.Fixture] | None = None, errors: list[corpus.LoadError] | None = None, dialect: str = "ga") -> list[Check]:
    if fixtures is None:
        fixtures, errors = corpus.load(dialect=dialect)
    found = [_well_formed(error) for error in errors or []]
    for fixture in fixtures:
        found.extend(_checks_for(fixture))
    return found


def _check(fixture: corpus.Fixture, name: str, level: Level, run: Callable[[Driver], Result]) -> Check:
    event_type = fixture.payload.get("type") if isinstance(fixture.payload, dict) else None
    client = fixture.direction == "client"
    return Check(
        id=f"{FAMILY}/{fixture.id}/{name}",
        family=FAMILY,
        level=level,
        run=run,
        event_type=event_type if isinstance(event_type, str) else None,
        source=fixture.source,
        sends=features_of(fixture.payload) if client else frozenset(),
        produced_by=frozenset() if client else produced_by(fixture.payload),
    )


def _checks_for(fixture: corpus.Fixture) -> list[Check]:
    if fixture.protocol != "ga":
        return _dialect_checks_for(fixture)
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
        if fixture.direction == "client":
            ignored = [u.path for u in reference.unknown_fields]
            found.append(_check(fixture, "sends-unchanged", fixture.level, lambda driver: sends_unchanged(driver, fixture.payload, ignored)))
        return found
    if expected == "invalid":
        if only_missing_event_id(fixture):
            return []
        return [_check(fixture, "rejects", fixture.level, lambda driver: _rejects(driver, fixture, text))]
    return [
        _check(fixture, "tolerates-unknown-type", "MUST", lambda driver: _tolerates(driver, fixture, text)),
        _check(fixture, "not-typed-as-known-event", "SHOULD", lambda driver: _not_typed_as_known(driver, fixture, text)),
    ]


def only_missing_event_id(fixture: corpus.Fixture) -> bool:
    """A server payload invalid only because its ``event_id`` is missing is no rejection case: the
    event is whole, and a reader that takes it loses nothing (captures printed by clients drop it)."""
    payload = fixture.payload
    return (
        fixture.direction == "server" and isinstance(payload, dict) and "event_id" not in payload
        and list(fixture.expect.errors or []) == ["$.event_id"]
    )


def _well_formed(error: corpus.LoadError) -> Check:
    message = f"{error.path}: {error.message}"
    return Check(id=f"{FAMILY}/{error.path.stem}/well-formed", family=FAMILY, level="MUST", run=lambda driver: fail(message), source=str(error.path))


def _parses(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    return parse_as_itself(driver, fixture.direction, text, fixture.payload["type"], typed=True)[1]


def _lossless(driver: Driver, fixture: corpus.Fixture, text: str, reference: Verdict) -> Result:
    return lossless(driver, fixture.direction, fixture.payload, text, [u.path for u in reference.unknown_fields])


def _unknown_survive(driver: Driver, fixture: corpus.Fixture, text: str, reference: Verdict) -> Result:
    dumped, result = dump_after_parse(driver, fixture.direction, text, fixture.payload["type"])
    if not result.passed:
        return result
    for unknown in reference.unknown_fields:
        want, got = lookup(fixture.payload, unknown.path), lookup(dumped, unknown.path)
        if got is MISSING:
            return fail(f"the undocumented member {unknown.path} was dropped", member("loses", owner(fixture.payload, unknown.path, fixture.direction)))
        difference = first_difference(want, got, unknown.path, exact_numbers=False)
        if difference:
            return fail(f"the undocumented member changed: {difference}", member("changes", owner(fixture.payload, unknown.path, fixture.direction)))
    return PASS


def _rejects(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    return rejects(driver, fixture.direction, text, fixture.expect.reason or "it is invalid")


def _tolerates(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    parsed = driver.parse(fixture.direction, text)
    kind = fixture.payload.get("type")
    if parsed.outcome != "accepted" or parsed.event_type in (kind, BETA_RENAMES.get(str(kind))):
        return PASS
    return fail(f"mistook the {fixture.expect.verdict} event {kind!r} for {parsed.event_type!r}", MISTAKES_UNKNOWN)


_KNOWN_TYPES = CLIENT_EVENT_TYPES | SERVER_EVENT_TYPES


def _not_typed_as_known(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    parsed = driver.parse(fixture.direction, text)
    kind = fixture.payload.get("type")
    if parsed.outcome != "accepted" or parsed.model_type is None or parsed.model_type not in _KNOWN_TYPES:
        return PASS
    if parsed.model_type in (kind, BETA_RENAMES.get(str(kind))):
        return PASS
    return fail(
        f"the {fixture.expect.verdict} event {kind!r} came back as an object of the {parsed.model_type} event's class "
        f"(it reports type {parsed.event_type!r}); code that dispatches on the class misroutes it",
        UNKNOWN_IN_KNOWN_CLASS,
    )


# --- fixtures of another dialect ------------------------------------------------------------------
# The same checks, each payload judged under its fixture's dialect: what is valid, the retyping of a
# dump, what a send path may put on the wire, and which names stand for the same event.


def _dialect_checks_for(fixture: corpus.Fixture) -> list[Check]:
    from . import dialect_roundtrip

    dialect = fixture.protocol
    text = json.dumps(fixture.payload, ensure_ascii=False)
    expected = fixture.expect.verdict
    if expected == "valid":
        reference = judge_value(fixture.payload, fixture.direction, dialect)
        ignored = [u.path for u in reference.unknown_fields]
        found = [
            _check(fixture, "parses", fixture.level, lambda driver: _parses(driver, fixture, text)),
            _check(fixture, "lossless-dump", fixture.level,
                   lambda driver: dialect_roundtrip.lossless(driver, fixture.direction, fixture.payload, text, dialect, ignored)),
        ]
        if reference.unknown_fields:
            found.append(_check(fixture, "unknown-fields-survive", "INFO", lambda driver: _unknown_survive(driver, fixture, text, reference)))
        if fixture.direction == "client":
            found.append(_check(fixture, "sends-unchanged", fixture.level,
                                lambda driver: dialect_roundtrip.sends_unchanged(driver, fixture.payload, dialect, ignored)))
        return found
    if expected == "invalid":
        return [_check(fixture, "rejects", fixture.level, lambda driver: _rejects(driver, fixture, text))]
    return [
        _check(fixture, "tolerates-unknown-type", "MUST", lambda driver: _tolerates_under(driver, fixture, text)),
        _check(fixture, "not-typed-as-known-event", "SHOULD", lambda driver: _not_typed_as_known_under(driver, fixture, text)),
    ]


def _same_event(dialect_name: str, kind: object) -> set[object]:
    """The names that stand for the event ``kind`` in ``dialect_name``: its own, the spelling the
    dialect uses for it, and the name that succeeded it."""
    from ..protocol import dialects

    dialect = dialects.get(dialect_name)
    return {kind, dialect.spellings.get(str(kind)), dialect.successors.get(str(kind)), BETA_RENAMES.get(str(kind))} - {None}


def _tolerates_under(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    parsed = driver.parse(fixture.direction, text)
    kind = fixture.payload.get("type")
    if parsed.outcome != "accepted" or parsed.event_type in _same_event(fixture.protocol, kind):
        return PASS
    return fail(f"mistook the {fixture.expect.verdict} event {kind!r} for {parsed.event_type!r}", MISTAKES_UNKNOWN)


def _not_typed_as_known_under(driver: Driver, fixture: corpus.Fixture, text: str) -> Result:
    from ..protocol import dialects

    dialect = dialects.get(fixture.protocol)
    parsed = driver.parse(fixture.direction, text)
    kind = fixture.payload.get("type")
    known = dialect.client_types | dialect.server_types
    if parsed.outcome != "accepted" or parsed.model_type is None or parsed.model_type not in known:
        return PASS
    if parsed.model_type in _same_event(fixture.protocol, kind):
        return PASS
    return fail(
        f"the {fixture.expect.verdict} event {kind!r} came back as an object of the {parsed.model_type} event's class "
        f"(it reports type {parsed.event_type!r}); code that dispatches on the class misroutes it",
        UNKNOWN_IN_KNOWN_CLASS,
    )
