"""The operations several families check, written once.

* Parse then dump (corpus and properties, on recorded and generated payloads): nothing may be lost,
  renamed, retyped or invented.
* Send (corpus, properties and snapshots, for the client events a library sends): the wire JSON of
  what its send path produces for an event equals the event, apart from what a sender may add —
  an ``event_id`` or an ``item.id`` the caller did not give — and it is a valid client event.
* Rejection: an invalid payload is refused, or ignored; ignoring is not accepting, and an
  implementation that has no model for the event type is already counted by the checks of valid
  payloads of that type.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from typing import Any

from .. import judge_value
from ..adapters.adapter import Direction
from ..checks import PASS, Driver, ImplementationFailed, Result, fail
from ..compare import Difference, differences, explain
from ..findings import ACCEPTS_INVALID, Cause, member, mistypes, owner, rejects_valid, unmodelled
from ..jsonpath import MISSING, child, lookup, only, steps, without

#: How many differences a message lists before it says how many more there are.
SHOWN = 3


def parse_as_itself(driver: Driver, direction: Direction, text: str, event_type: str, *, typed: bool = False) -> tuple[Any, Result]:
    """Parse ``text``; pass only if the implementation accepted it as ``event_type``. ``typed``: a
    client that hands the event to its application only raw (its typed listeners never get it) is
    an INFO finding, not a pass: nothing is lost, but code on the typed path never hears of it."""
    parsed = driver.parse(direction, text)
    if parsed.outcome == "ignored":
        return None, fail(f"ignored the {event_type} event (no model for it?)", unmodelled(event_type))
    if parsed.outcome == "rejected":
        return None, fail(f"rejected a valid {event_type} event: {parsed.detail}", rejects_valid(event_type))
    if parsed.event_type != event_type:
        return None, fail(f"parsed the {event_type} event as {parsed.event_type!r}", mistypes(event_type))
    if parsed.untyped and _models(driver):
        return None, fail(f"delivered the {event_type} event raw and untyped: it has no model for it", unmodelled(event_type))
    if parsed.untyped and typed and driver.adapter.typed_listeners:
        why = f" ({parsed.detail})" if parsed.detail else ""
        return parsed.obj, Result(
            False,
            f"the {event_type} event reaches the application only raw, never its typed listeners{why}",
            Cause(f"typed-path-misses/{event_type}", f"valid {event_type} events reach the application only raw: code on its typed path never hears of them"),
            level="INFO",
        )
    return parsed.obj, PASS


def _models(driver: Driver) -> bool:
    """Whether the implementation claims to model the protocol (a raw event is then a gap; for a
    client that hands raw events to its application, it is delivery)."""
    klass = driver.adapter.conformance_class
    return "model" in klass if isinstance(klass, tuple) else klass == "model"


def dump_after_parse(driver: Driver, direction: Direction, text: str, event_type: str) -> tuple[Any, Result]:
    obj, parsed = parse_as_itself(driver, direction, text, event_type)
    if not parsed.passed:
        return None, fail(f"nothing to dump: it {parsed.message}", parsed.cause)
    return driver.dump(direction, obj), PASS


def lossless(driver: Driver, direction: Direction, payload: dict[str, Any], text: str, ignored: Sequence[str] = ()) -> Result:
    """Parse then dump gives back ``payload``, apart from the members at ``ignored`` paths."""
    dumped, result = dump_after_parse(driver, direction, text, payload["type"])
    if not result.passed:
        return result
    ignored = list(ignored)  # a copy: the event_id rule below must not leak into the caller's list
    if direction == "client" and "event_id" not in payload:
        ignored.append("$.event_id")  # a sender may stamp its own event id on an event that had none
    expected, actual = without(payload, ignored), without(dumped, ignored)
    if not driver.adapter.nulls_distinct:  # its application sees None for both: nothing to tell apart
        expected, actual = without_nulls(expected), without_nulls(actual)
    seen = application_paths(driver, payload)
    if seen is not None:  # the application receives only these members: the rest is nobody's loss
        expected, actual = only(expected, seen), only(actual, seen)
    found = differences(expected, actual, exact_numbers=False)
    if found:
        return fail(f"the dump differs at {_places(found)}: {explain(found, shown=SHOWN)}", difference_cause(found[0], payload, direction))
    # 1 and 1.0 are one JSON number, but a float where the protocol wants an integer is a retyping.
    retyped = judge_value(dumped, direction)
    errors = [e for e in retyped.errors if seen is None or any(_below(e.path, path) for path in seen)]
    if not retyped.ok and (errors or seen is None):
        first = errors[0].path if errors else "$"
        return fail(
            "the dump is no longer a valid event: " + "; ".join(f"{e.path}: expected {e.expected}, got {e.got}" for e in errors or retyped.errors),
            member("changes", owner(payload, first, direction), payload.get("type")),
        )
    return PASS


def _below(path: str, prefix: str) -> bool:
    """Whether ``path`` lies at or below ``prefix`` (``[]`` in the prefix standing for any index)."""
    pattern = re.escape(prefix).replace(re.escape("[]"), r"\[\d+\]")
    return re.match(pattern + r"(?:[.\[]|$)", path) is not None


def application_paths(driver: Driver, payload: Any) -> tuple[str, ...] | None:
    """The members of ``payload`` a client's application receives, or ``None`` for all of them."""
    paths = driver.adapter.application_paths
    kind = payload.get("type") if isinstance(payload, dict) else None
    return paths.get(kind) if paths and isinstance(kind, str) else None


def difference_cause(difference: Difference, payload: Any, direction: Direction, *, sending: bool = False, dialect: str | None = None) -> Cause:
    """The cause a difference between what was given and what came back stands for: a member lost,
    invented, changed, or its explicit null dropped, named by the reference model that holds it."""
    if difference.got.startswith("absent"):
        kind = "drops-null" if difference.expected == "null" else "loses"
    elif difference.expected == "absent":
        kind = "invents"
    else:
        kind = "changes"
    event_type = payload.get("type") if isinstance(payload, dict) else None
    return member(f"sends-{kind}" if sending else kind, owner(payload, difference.path, direction, dialect), event_type)


def without_nulls(value: Any) -> Any:
    """``value`` with every object member whose value is ``null`` left out (array items stay)."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def rejects(driver: Driver, direction: Direction, text: str, why: str) -> Result:
    parsed = driver.parse(direction, text)
    if parsed.outcome in ("rejected", "ignored"):
        return PASS
    return fail(f"accepted an invalid payload as {parsed.event_type!r} ({why})", ACCEPTS_INVALID)


# --- sending ------------------------------------------------------------------------------------


def volatile_paths(event: dict[str, Any]) -> list[str]:
    """Members a sender may add to ``event``: an ``event_id`` ("optional client-generated ID") and
    an item's ``id`` ("may be provided by the client or generated by the server"), each only when
    the caller gave none. What was given must be sent unchanged."""
    paths = [] if "event_id" in event else ["$.event_id"]
    item = event.get("item")
    if isinstance(item, dict) and "id" not in item:
        paths.append("$.item.id")
    return paths


#: Explicit nulls a sender may leave out, because leaving them out cannot mean anything else.
NULL_EQUALS_ABSENT: dict[str, str] = {
    "$.session.tracing": (
        "tracing defaults to null (off), and once tracing is on 'the configuration cannot be modified', "
        "so sending null and leaving it out cannot differ"
    ),
    "$.session.audio.input.turn_detection.idle_timeout_ms": (
        "it defaults to null, and whether session.update merges a turn_detection object into the current "
        "one or replaces it is unspecified, so a sender may leave the null out"
    ),
}

TURN_DETECTION = "$.session.audio.input.turn_detection"
#: The documented default of each turn-detection member, by turn-detection type. Whether
#: session.update merges a turn_detection object into the current one or replaces it is
#: unspecified; if it replaces it, a member left out takes its default, so a sender that spells a
#: default out cannot be shown to change anything. Defaults from the spec's descriptions.
TURN_DETECTION_DEFAULTS: dict[str, dict[str, Any]] = {
    "server_vad": {"threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 500, "create_response": True, "interrupt_response": True},
    "semantic_vad": {"eagerness": "auto", "create_response": True, "interrupt_response": True},
}


def canonical_sent(expected: Any, sent: Any) -> Any:
    """``sent`` with what cannot differ from ``expected`` made equal to it: a number written
    another way (``0.0`` for ``0``: one JSON number, RFC 8259 §6; whether a float may stand where
    the protocol wants an integer is :func:`valid_sent`'s question), the nulls of
    :data:`NULL_EQUALS_ABSENT` put back where ``expected`` has them and ``sent`` left them out, and
    turn-detection defaults spelled out where ``expected`` left them out taken away again."""
    if not isinstance(sent, dict):
        return sent
    sent = json.loads(json.dumps(sent))
    for path in NULL_EQUALS_ABSENT:
        if lookup(expected, path) is None and lookup(sent, path) is MISSING:
            *parents, last = steps(path)
            parent = lookup(sent, _path(parents))
            if isinstance(parent, dict):
                parent[last] = None
    sent = _numbers_as_given(expected, sent)
    wanted, given = lookup(expected, TURN_DETECTION), lookup(sent, TURN_DETECTION)
    if isinstance(wanted, dict) and isinstance(given, dict):
        for member, default in TURN_DETECTION_DEFAULTS.get(str(given.get("type")), {}).items():
            if member not in wanted and member in given and given[member] == default and type(given[member]) is type(default):
                del given[member]
    return sent


def _numbers_as_given(expected: Any, sent: Any) -> Any:
    if isinstance(expected, dict) and isinstance(sent, dict):
        return {key: _numbers_as_given(expected[key], item) if key in expected else item for key, item in sent.items()}
    if isinstance(expected, list) and isinstance(sent, list) and len(expected) == len(sent):
        return [_numbers_as_given(want, item) for want, item in zip(expected, sent)]
    if _number(expected) and _number(sent) and expected == sent:
        return expected
    return sent


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _path(parts: list[str | int]) -> str:
    path = "$"
    for part in parts:
        path = child(path, part)
    return path


def send(driver: Driver, event: dict[str, Any]) -> tuple[Any, Result]:
    """What the implementation's send path puts on the wire for ``event``, as JSON. A send path that
    raises on a valid event refuses it: the application cannot send it (a hang stays a hang)."""
    try:
        text = driver.build_client(copy.deepcopy(event))
    except ImplementationFailed as crash:
        cause = getattr(crash, "cause", None)
        if cause is not None and cause.id.startswith("hangs/"):
            raise
        kind = event.get("type")
        return None, fail(str(crash), Cause(f"cannot-send/{kind}", f"its send path raises on a valid {kind}: the application cannot send it"))
    try:
        return json.loads(text), PASS
    except (TypeError, ValueError) as error:
        return None, fail(f"sent text that is not JSON ({error}): {str(text)[:200]}")


def judge_sent(expected: Any, sent: Any, volatile: Sequence[str], ignored: Sequence[str] = ()) -> Result:
    """``sent`` equals ``expected`` apart from the volatile members (which may be added but, when
    added, must still make a valid client event) and the ``ignored`` paths."""
    skip = [*volatile, *ignored]
    found = differences(without(expected, skip), without(canonical_sent(expected, sent), skip))
    if found:
        return fail(f"the sent JSON differs at {_places(found)}: {explain(found, shown=SHOWN)}", difference_cause(found[0], expected, "client", sending=True))
    return valid_sent(sent)


def valid_sent(sent: Any) -> Result:
    """What went on the wire is a valid client event (a generated ``event_id`` of 600 characters,
    or a null one, is not)."""
    verdict = judge_value(sent, "client")
    if not verdict.ok:
        return fail("the sent event is not a valid client event: " + "; ".join(f"{e.path}: expected {e.expected}, got {e.got}" for e in verdict.errors), *invalid_sent_cause(sent, verdict))
    return PASS


def invalid_sent_cause(sent: Any, verdict: Any) -> tuple[Cause, Any]:
    """The cause of an invalid client event sent, and its level: a ``null`` where the schema wants a
    string is SHOULD (the member is optional, and a server may read the null as absent), anything
    else keeps the check's own level."""
    if not verdict.errors:
        kind = verdict.type or (sent.get("type") if isinstance(sent, dict) else None) or "a frame"
        return Cause(f"sends-invalid/{kind}", f"the library sends {kind} that is {verdict.verdict}"), None
    def null_for_string(error: Any) -> bool:
        return error.got == "null" and "string" in error.expected

    if all(null_for_string(error) for error in verdict.errors):
        holder = owner(sent, verdict.errors[0].path, "client")
        return Cause(f"sends-null-member/{holder}", f"the library sends {holder} as null where the schema wants a string; a server may refuse it"), "SHOULD"
    # named after the error that sets the level, not a null beside it
    first = next(error for error in verdict.errors if not null_for_string(error))
    holder = owner(sent, first.path, "client")
    return Cause(f"sends-invalid-member/{holder}", f"the library sends {holder} invalid ({first.expected} expected, {first.got} sent)"), None


def sends_unchanged(driver: Driver, event: dict[str, Any], ignored: Sequence[str] = ()) -> Result:
    """The send path puts ``event`` on the wire as it is (the caller's own members, nulls included)."""
    sent, result = send(driver, event)
    if not result.passed:
        return result
    return judge_sent(event, sent, volatile_paths(event), ignored)


def _places(found: list[Any]) -> str:
    return "1 place" if len(found) == 1 else f"{len(found)} places"
