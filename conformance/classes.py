"""Conformance classes: what each kind of implementation must do (:mod:`conformance.adapters.scope`
says what the kinds are and what a client's scope is).

An implementation is judged by what its kind must do, not by everything the protocol can say. A
``client`` is judged by what reaches its application and what goes on the wire: it MUST survive
every event and deliver what it uses; an event type it does not use is INFO ("not used"); a feature
it cannot send is ``not-implemented`` at INFO; a receive check of an event that only an unsendable
feature produces does not apply. A ``model`` is held to everything it models.

:data:`RULES` is the table: for every family and check, its level in each class, with the words of
the protocol behind it. ``docs/classes.md`` shows it (a test keeps the two the same).
:func:`judge_level` applies it to one check and one implementation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .adapters.scope import ConformanceClass, Scope

Level = Literal["MUST", "SHOULD", "INFO"]

# --- the level table ------------------------------------------------------------------------------

#: How a check's level follows from the class: ``own`` (the check's own level), ``uses`` (its own
#: level for an event type the client uses, else INFO, "not used"), ``sends`` (its own level for what
#: the client can send, else not-implemented at INFO), a fixed level, or ``n/a``.
Rule = Literal["own", "uses", "sends", "MUST", "SHOULD", "INFO", "n/a"]


@dataclass(frozen=True)
class Row:
    family: str
    check: str
    model: Rule
    client: Rule
    server: Rule
    proxy: Rule
    #: The protocol's words (or the suite's own reason) behind the row.
    words: str

    def rule(self, klass: ConformanceClass) -> Rule:
        return getattr(self, klass)


RULES: tuple[Row, ...] = (
    Row("corpus", "parses", "own", "uses", "own", "n/a",
        "Every event is defined by its schema, so a model of the protocol represents every one. A client delivers the events it uses; one it does not use "
        "reaches no application, so not reading it is INFO (\"not used\"). Surviving it is judged by tolerates-unknown-type, session/rejects and the wire family."),
    Row("corpus", "lossless-dump", "own", "uses", "own", "n/a",
        "As parses: what an application reads must be what the server sent, with the schema's types and nulls; a client is judged on the members its application receives (Adapter.application_paths)."),
    Row("corpus", "unknown-fields-survive", "INFO", "INFO", "INFO", "n/a",
        "The spec says nothing of members it does not document; real servers send some (README: what real servers send that the spec does not say)."),
    Row("corpus", "sends-unchanged", "own", "sends", "n/a", "n/a",
        "A client event is sent as its schema says, explicit nulls included where the spec gives them meaning (turn_detection: \"Can be set to `null` to turn off.\"; "
        "tracing: \"Set to null to disable tracing.\"). A feature a client cannot send at all is not-implemented, INFO, and listed in its scope."),
    Row("corpus", "rejects", "SHOULD", "SHOULD", "SHOULD", "n/a",
        "No sentence of the spec requires a reader to refuse an invalid event: refusing is a recommended policy, SHOULD, one finding per library (accepts-invalid-events). "
        "A fixture of level INFO, one the protocol leaves open (either content-part vocabulary), stays INFO."),
    Row("corpus", "tolerates-unknown-type", "MUST", "MUST", "MUST", "n/a",
        "The protocol grows (GA added event types to the beta's; servers add their own, inventory §6), and an error is \"recoverable and the session will stay open\": "
        "a reader that crashes on, or mistypes, an event type it does not know stops working on the next server update."),
    Row("corpus", "not-typed-as-known-event", "SHOULD", "SHOULD", "SHOULD", "n/a",
        "Code that dispatches on an object's class misroutes an unknown event the library returns as a known event's class, though it reports the right type."),
    Row("corpus", "well-formed", "MUST", "MUST", "MUST", "MUST", "The suite's own corpus must be readable; not a judgement of the implementation."),
    Row("snapshot", "wire", "own", "sends", "n/a", "n/a", "As corpus sends-unchanged, on the suite's scenarios."),
    Row("property", "lossless-round-trip", "own", "uses", "own", "n/a",
        "As corpus parses and lossless-dump, on events generated from the schemas (integers within ±(2^53−1): RFC 8259 §6 promises no more)."),
    Row("property", "sends-unchanged", "own", "sends", "n/a", "n/a",
        "As corpus sends-unchanged, on generated client events; for a client, only events within what it can send."),
    Row("property", "rejects-invalid", "SHOULD", "SHOULD", "SHOULD", "n/a", "As corpus rejects: a recommended policy, one finding per library."),
    Row("session", "loses", "own", "uses", "own", "n/a",
        "A session's events in order: an ignored event the application uses loses what depends on it (session-rules.md §1); a client need not read what it does not use."),
    Row("session", "rejects", "MUST", "MUST", "MUST", "n/a",
        "A valid event refused mid-session is lost, and a refusal that raises ends a receive loop."),
    Row("session", "mistakes", "MUST", "MUST", "MUST", "n/a", "A valid event read as another type is misrouted."),
    Row("session", "tolerates-unknown", "MUST", "MUST", "MUST", "n/a", "As corpus tolerates-unknown-type, within a session."),
    Row("session", "well-formed", "MUST", "MUST", "MUST", "MUST", "The suite's own corpus must be readable; not a judgement of the implementation."),
    Row("wire", "*", "n/a", "own", "n/a", "n/a",
        "A client on a socket: each wire check's own level (docs/wire.md gives the words behind each), for what it can send; frames outside the protocol (not JSON, no type, a member missing) "
        "are SHOULD, since no valid server sends them. A model has no socket."),
    Row("probe", "*", "n/a", "n/a", "own", "own", "A server as a client sees it: each probe check's own level (docs/probe.md)."),
    Row("proxy", "*", "n/a", "n/a", "n/a", "own",
        "A proxy passes GA-valid traffic unchanged (MUST); what it changes of traffic that is not valid GA (a beta-style session.update, say) is a compatibility step, INFO."),
    Row("dialect", "*", "own", "own", "own", "own", "A dialect's checks, as their family's."),
)
_RULES = {(row.family, row.check): row for row in RULES}


def row_for(family: str, check: str) -> Row | None:
    return _RULES.get((family, check)) or _RULES.get((family, "*"))


#: Checks whose input the protocol may leave open: a fixture of level INFO (either reading is
#: acceptable, as for the content-part vocabulary) is not raised to the row's fixed level.
LEFT_OPEN_STAYS_INFO = frozenset({"rejects", "rejects-invalid"})


@dataclass(frozen=True)
class Judged:
    """How one check applies to one implementation, before it runs."""

    level: Level
    #: ``None``: run it. Otherwise the outcome it gets without running, and why.
    outcome: Literal["not-applicable", "not-implemented"] | None = None
    message: str = ""
    #: The level when the check's event type is not used (INFO), so that a failure there reads "not used".
    not_used: bool = False


def judge_level(
    *,
    family: str,
    check: str,
    level: Level,
    klass: ConformanceClass | tuple[ConformanceClass, ...],
    scope: Scope,
    event_type: str | None = None,
    sends: Iterable[str] = (),
    produced_by: Iterable[str] = (),
    name: str = "the implementation",
) -> Judged:
    """The level of a check for an implementation of class ``klass`` with ``scope``, and whether it
    runs. ``sends``: the features the check's input needs sent; ``produced_by``: the features without
    which no server sends its input. An implementation of several classes (the reference is a model
    and a client) is judged as the one that asks most of it."""
    if isinstance(klass, tuple):
        judged = [judge_level(family=family, check=check, level=level, klass=one, scope=scope, event_type=event_type, sends=sends, produced_by=produced_by, name=name) for one in klass]
        return min(judged, key=lambda j: (j.outcome == "not-applicable", j.outcome == "not-implemented", _ORDER[j.level]))
    row = row_for(family, check)
    rule: Rule = row.rule(klass) if row else "own"
    if rule == "n/a":
        return Judged(level, "not-applicable", f"a {klass} is not judged on {family}/{check} (docs/classes.md)")
    if rule in ("MUST", "SHOULD", "INFO") and not (level == "INFO" and check in LEFT_OPEN_STAYS_INFO):
        level = rule  # type: ignore[assignment]
    if klass != "client":
        return Judged(level)
    unsendable = scope.unsendable(produced_by)
    if unsendable:
        return Judged(level, "not-applicable", f"only {_listed(unsendable)} make(s) a server send this, and {name} cannot send it")
    missing = scope.unsendable(sends)
    if missing and rule in ("sends", "own"):
        return Judged("INFO", "not-implemented", f"{name} cannot send {_listed(missing)} (its scope)")
    if rule == "uses" and not scope.uses(event_type):
        return Judged("INFO", None, "", not_used=True)
    return Judged(level)


_ORDER = {"MUST": 0, "SHOULD": 1, "INFO": 2}


def class_name(klass: ConformanceClass | tuple[ConformanceClass, ...]) -> str:
    """``model`` or ``model+client``, as reports show it."""
    return "+".join(klass) if isinstance(klass, tuple) else klass


def _listed(features: list[str]) -> str:
    return ", ".join(feature.replace("|", " or ") for feature in features)


def table() -> str:
    """The level table as Markdown, as ``docs/classes.md`` shows it: for every family and check, its
    level in each class (``own``: the check's own level; ``uses``/``sends``: its own level within
    a client's scope, INFO or not-implemented outside), and the protocol's words behind it."""
    lines = ["| family | check | model | client | server | proxy | why |", "|---|---|---|---|---|---|---|"]
    for row in RULES:
        lines.append(f"| {row.family} | {row.check} | {row.model} | {row.client} | {row.server} | {row.proxy} | {row.words} |")
    return "\n".join(lines)
