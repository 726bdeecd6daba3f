"""The property family: what an implementation does with everything the protocol allows, not only
the examples someone wrote down. Events are generated from the reference JSON Schema
(:mod:`conformance.generation`) for each of the 57 event types:

* ``lossless-round-trip`` — the implementation's parse then dump gives back the event (MUST);
* ``sends-unchanged`` — for the 11 client events, the library's send path puts the event on the
  wire unchanged (MUST): how a client library is judged on client events, since parsing them is
  a server's job;
* ``rejects-invalid`` — a generated invalid variant (a required member removed, a value of the
  wrong type, an enum value outside its set) is rejected or ignored, not accepted (SHOULD).

A failure reports the minimal event Hypothesis shrank it to and how to replay it. A check the
implementation's baseline already lists as failing is not shrunk: it must still fail, and does, on
the first counterexample found, but a known failure needs no minimal example, and shrinking one is
most of what an implementation env used to spend its time on.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from .. import generation, judge_value
from ..adapters.adapter import Capability, Direction
from ..adapters.scope import features_of, produced_by
from ..checks import PASS, Check, Driver, ImplementationFailed, NotApplicable, Result, fail
from ..findings import ACCEPTS_INVALID, Cause
from ..jsonpath import ROOT, child
from ..protocol import CLIENT_EVENT_MODELS
from ..schema import event_types
from .roundtrip import lossless, sends_unchanged

FAMILY = "property"


class _Counterexample(Exception):
    def __init__(self, message: str, event: Any, cause: Cause | None = None) -> None:
        super().__init__(message)
        self.message, self.event, self.cause = message, event, cause


def checks() -> list[Check]:
    found = []
    for event_type in event_types():
        direction: Direction = "client" if event_type in CLIENT_EVENT_MODELS else "server"
        found.append(_check(event_type, "lossless-round-trip", "MUST", direction, _lossless_property))
        if direction == "client":
            found.append(_check(event_type, "sends-unchanged", "MUST", direction, _sends_property))
        found.append(_check(event_type, "rejects-invalid", "SHOULD", direction, _rejects_property))
    return found


def _check(event_type: str, name: str, level: Any, direction: Direction, prop: Any) -> Check:
    check_id = f"{FAMILY}/{event_type}/{name}"
    return Check(
        id=check_id,
        family=FAMILY,
        level=level,
        run=lambda driver: _falsify(driver, check_id, prop(driver, direction, event_type)),
        event_type=event_type,
        source=f"events generated from the reference schema of {event_type}",
        # What every event of the type needs (its own type's features); a generated event that
        # needs more than a client can send is left out by the property itself (_in_scope).
        produced_by=produced_by({"type": event_type}) if direction == "server" else frozenset(),
        sends=features_of({"type": event_type}) if direction == "client" else frozenset(),
    )


def _in_scope(driver: Driver, event: dict[str, Any], direction: Direction) -> bool:
    """Whether a generated event is within a client's scope: one it could send, or one a server
    sends only after what it could send. Everything is, for every other class."""
    adapter = driver.adapter
    if adapter.conformance_class != "client":
        return True
    return not adapter.scope.unsendable(features_of(event) if direction == "client" else produced_by(event))


def _falsify(driver: Driver, check_id: str, test: Any) -> Result:
    from hypothesis.errors import Unsatisfiable

    try:
        test()
    except Unsatisfiable:
        raise NotApplicable(f"none of the generated {check_id.split('/')[1]} events could be checked against {driver.adapter.name}") from None
    except _Counterexample as found:
        notes = " ".join(getattr(found, "__notes__", []) or [])
        which = "event (not shrunk: the baseline expects this failure)" if driver.failure_expected else "minimal event"
        return fail(f"{found.message}\n  {which}: {json.dumps(found.event, ensure_ascii=False)}\n  replay: {replay(driver.adapter, check_id)} (deterministic under the ci profile) {notes}".rstrip(), found.cause)
    return PASS


def replay(adapter: Any, check_id: str) -> str:
    """The command that runs one check again against this implementation, as it was loaded."""
    spec = getattr(adapter, "loaded_as", None) or adapter.name
    command = f"pytest --pyargs conformance --realtime-impl {shlex.quote(spec)} -k {shlex.quote(check_id)}"
    if ":" in spec and not spec.startswith("stdio:"):
        return f"python -m {command} (python -m puts the current directory on the path, so a local adapter module is found)"
    return command


def _settings(driver: Driver) -> Any:
    """Hypothesis's ``settings`` for one property check: the loaded profile's, without shrinking
    when the failure is expected (``Driver.failure_expected``, set by whoever knows the baseline).
    The checks keep their decorator line as it was: under the ci profile Hypothesis seeds a test
    from its source, so the same line keeps the same examples, and the same outcomes."""
    from hypothesis import Phase, settings

    if not driver.failure_expected:
        return settings

    def unshrunk(**options: Any) -> Any:
        return settings(**options, phases=[phase for phase in settings().phases if phase not in (Phase.shrink, Phase.explain)])

    return unshrunk


def _lossless_property(driver: Driver, direction: Direction, event_type: str) -> Any:
    from hypothesis import given, reject

    driver.require(Capability.PARSE_SERVER if direction == "server" else Capability.PARSE_CLIENT)
    driver.require(Capability.DUMP_SERVER if direction == "server" else Capability.DUMP_CLIENT)
    settings = _settings(driver)

    @settings(report_multiple_bugs=False)
    @given(generation.events(event_type))
    def round_trip(event: dict[str, Any]) -> None:
        if not _in_scope(driver, event, direction):
            reject()  # a server sends it only after a feature this client cannot send
        try:
            result = lossless(driver, direction, event, json.dumps(event, ensure_ascii=False))
        except NotApplicable:
            reject()  # this event cannot be dumped by design (e.g. a message item it converts); others can
        except ImplementationFailed as crash:
            raise _Counterexample(str(crash), event, getattr(crash, "cause", None)) from None
        if not result.passed:
            raise _Counterexample(result.message, event, result.cause)

    return round_trip


def _sends_property(driver: Driver, direction: Direction, event_type: str) -> Any:
    from hypothesis import given, reject

    driver.require(Capability.BUILD_CLIENT)
    settings = _settings(driver)

    @settings(report_multiple_bugs=False)
    @given(generation.events(event_type))
    def sent_unchanged(event: dict[str, Any]) -> None:
        if not _in_scope(driver, event, direction):
            reject()  # a feature this client cannot send, by its scope
        try:
            result = sends_unchanged(driver, event)
        except ImplementationFailed as crash:
            raise _Counterexample(str(crash), event, getattr(crash, "cause", None)) from None
        if not result.passed:
            raise _Counterexample(result.message, event, result.cause)

    return sent_unchanged


def _rejects_property(driver: Driver, direction: Direction, event_type: str) -> Any:
    from hypothesis import assume, given
    from hypothesis import strategies as st

    driver.require(Capability.PARSE_SERVER if direction == "server" else Capability.PARSE_CLIENT)
    settings = _settings(driver)

    @settings(report_multiple_bugs=False)
    @given(generation.events(event_type), st.data())
    def rejected(event: dict[str, Any], data: Any) -> None:
        mutant, change = _mutate(event, data)
        verdict = judge_value(mutant, direction)
        assume(verdict.verdict == "invalid")
        try:
            parsed = driver.parse(direction, json.dumps(mutant, ensure_ascii=False))
        except ImplementationFailed as crash:
            raise _Counterexample(str(crash), mutant, getattr(crash, "cause", None)) from None
        if parsed.outcome == "accepted":
            error = verdict.errors[0]
            raise _Counterexample(f"accepted an invalid event ({change}; {error.path}: expected {error.expected}, got {error.got})", mutant, ACCEPTS_INVALID)

    return rejected


# --- invalid variants ---------------------------------------------------------------------------

_NOT_LISTED = "not-a-listed-value"


def _members(value: Any, path: str = ROOT) -> list[tuple[str, list[Any]]]:
    """Every object member below the event, as (path, steps), the event's own type excepted."""
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        steps_path = child(path, key)
        if isinstance(value, dict) and not (path == ROOT and key == "type"):
            found.append((steps_path, [key]))
        found.extend((deeper, [key, *steps]) for deeper, steps in _members(item, steps_path))
    return found


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "true"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return 1
    if isinstance(value, list):
        return {"items": value}
    if isinstance(value, dict):
        return [value]
    return {"null": True}


def _mutate(event: dict[str, Any], data: Any) -> tuple[dict[str, Any], str]:
    """Draw one change that may make the event invalid: remove a member, give a member a value of
    another JSON type, or put a value outside its enum. The caller keeps only the changes the
    reference calls invalid."""
    from hypothesis import strategies as st

    mutant = json.loads(json.dumps(event))
    members = _members(mutant)
    if not members:
        mutant["event_id"] = 7  # every event's event_id is a string
        return mutant, "event_id given as a number"
    path, steps = data.draw(st.sampled_from(members), label="member")
    kind = data.draw(st.sampled_from(["remove", "retype", "outside-enum"]), label="change")
    parent = mutant
    for step in steps[:-1]:
        parent = parent[step]
    key = steps[-1]
    if kind == "remove":
        del parent[key]
        return mutant, f"{path} removed"
    if kind == "retype":
        parent[key] = _wrong_type(parent[key])
        return mutant, f"{path} given a value of another type"
    parent[key] = _NOT_LISTED
    return mutant, f"{path} set to a value outside its set"
