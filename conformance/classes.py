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


_PARSE = "a server event the implementation reads"
RULES: tuple[Row, ...] = (
    Row("corpus", "parses", "own", "uses", "own", "n/a",
        "Each event is defined by its schema; a model must represent every event. A client delivers what it uses: \"the client should handle\" the server events its application relies on (realtime-conversations guide)."),
    Row("corpus", "lossless-dump", "own", "uses", "own", "n/a",
        "Same as parses: a member the application reads must arrive as the server sent it (the schema's types and nullability)."),
    Row("corpus", "unknown-fields-survive", "INFO", "INFO", "INFO", "n/a",
        "The spec says nothing of undocumented members; real servers send some (the drift table)."),
    Row("corpus", "sends-unchanged", "own", "sends", "n/a", "n/a",
        "What a client sends must be the event it means: each client event's schema, with the nulls the spec gives meaning (\"Set to null to turn off\")."),
    Row("corpus", "rejects", "SHOULD", "SHOULD", "SHOULD", "n/a",
        "No sentence of the spec requires a reader to refuse an invalid event; refusing is a recommended policy, one finding per library."),
    Row("corpus", "tolerates-unknown-type", "MUST", "MUST", "MUST", "n/a",
        "The protocol grows: GA added event types to the beta's. A reader that dies or mistypes on a type it does not know breaks on every server update."),
    Row("corpus", "not-typed-as-known-event", "SHOULD", "SHOULD", "SHOULD", "n/a",
        "Code that dispatches on the object's class misroutes an unknown event; the library still reports the right type."),
    Row("corpus", "well-formed", "MUST", "MUST", "MUST", "MUST", "The suite's own corpus must be readable."),
    Row("snapshot", "wire", "own", "sends", "n/a", "n/a",
        "Each client event is sent as its schema says, the explicit nulls that turn features off included (\"Set to null to turn off\")."),
    Row("property", "lossless-round-trip", "own", "uses", "own", "n/a", "As corpus parses and lossless-dump, on every event the schemas allow."),
    Row("property", "sends-unchanged", "own", "sends", "n/a", "n/a", "As corpus sends-unchanged, on every client event the schemas allow."),
    Row("property", "rejects-invalid", "SHOULD", "SHOULD", "SHOULD", "n/a", "As corpus rejects: a recommended policy, one finding per library."),
    Row("session", "loses", "own", "uses", "own", "n/a", "A session's events in order: an ignored event the application uses loses what depends on it (session-rules.md §1)."),
    Row("session", "rejects", "MUST", "MUST", "MUST", "n/a", "A valid event refused mid-session is lost, and a refusal that raises ends a receive loop."),
    Row("session", "mistakes", "MUST", "MUST", "MUST", "n/a", "A valid event read as another type is misrouted."),
    Row("session", "tolerates-unknown", "MUST", "MUST", "MUST", "n/a", "As corpus tolerates-unknown-type, within a session."),
    Row("session", "well-formed", "MUST", "MUST", "MUST", "MUST", "The suite's own corpus must be readable."),
    Row("wire", "*", "n/a", "own", "n/a", "n/a",
        "A client on a socket: each wire check's own level (docs/wire.md), for the features it can send; a model has no socket."),
    Row("probe", "*", "n/a", "n/a", "own", "own", "A server as a client sees it: each probe check's own level (docs/probe.md)."),
    Row("proxy", "*", "n/a", "n/a", "n/a", "own", "A proxy passes GA-valid traffic unchanged; a documented compatibility rewrite is INFO."),
    Row("dialect", "*", "own", "own", "own", "own", "A dialect's checks, as its family's."),
)
_RULES = {(row.family, row.check): row for row in RULES}


def row_for(family: str, check: str) -> Row | None:
    return _RULES.get((family, check)) or _RULES.get((family, "*"))


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
    if rule in ("MUST", "SHOULD", "INFO"):
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
