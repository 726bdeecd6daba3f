"""Findings: one cause, however many checks it makes fail.

A check that fails says why in its message, and names its cause (:class:`Cause`): a stable id, and
what the cause breaks for an application in one sentence. The id is derived from *what* went wrong,
not from the check that saw it, so that one cause seen by many checks is one finding:

* one unmodelled event type is ``unmodelled-type/<type>`` whether ``parses``, ``lossless-dump``, a
  property or a whole session sees it (a consequence chain);
* one member lost, invented or changed is named by the reference model that holds it
  (``loses-member/Response.conversation_id``), in ``response.created`` and ``response.done`` alike;
* one member sent wrong is named the same way in every scenario that sends it;
* one policy (accepting invalid events) is one finding per library, not one per fixture.

:func:`group` turns a run's failing records into findings: each record belongs to exactly one, whose
level is the highest of its checks. Within one subject (a fixture, a wire scenario), the checks a
failure drags along after it (:data:`CHAINS`) join the finding of the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .jsonpath import ROOT, steps

LEVEL_ORDER = {"MUST": 0, "SHOULD": 1, "INFO": 2}


@dataclass(frozen=True)
class Cause:
    """Why a check failed: a stable id and what it breaks for an application."""

    id: str
    impact: str = ""


# --- causes of the common kinds -------------------------------------------------------------------


def unmodelled(event_type: str) -> Cause:
    return Cause(f"unmodelled-type/{event_type}", f"the application never gets {event_type} events")


def rejects_valid(event_type: str) -> Cause:
    return Cause(f"rejects-valid/{event_type}", f"valid {event_type} events are refused, so the application loses them")


def mistypes(event_type: str) -> Cause:
    return Cause(f"mistypes/{event_type}", f"{event_type} events reach the application as another event type")


ACCEPTS_INVALID = Cause("accepts-invalid-events", "invalid events reach the application as if they were valid, with whatever members they lack or mistype")
MISTAKES_UNKNOWN = Cause("mistypes-unknown-types", "an event type the library does not know is handed to the application as one it knows")
CRASHES_ON_UNKNOWN = Cause("crashes-on-unknown-types", "an event type the library does not know makes it raise, which ends a receive loop")
UNKNOWN_IN_KNOWN_CLASS = Cause("unknown-types-in-known-classes", "code that dispatches on the object's class misroutes an event type the library does not know")


def hangs(what: str) -> Cause:
    return Cause(f"hangs/{_slug(what)}", f"{what} never returns, and the application waits forever")


def crashes(what: str, error: str) -> Cause:
    kind = error.split(":", 1)[0].strip() or "an exception"
    return Cause(f"crashes/{_slug(what)}/{_slug(kind)}", f"{what} raises {kind}")


def member(kind: str, owner: str, event_type: str | None = None) -> Cause:
    """A member lost (``loses``), invented (``invents``), changed (``changes``) or whose explicit
    null was dropped (``drops-null``) on reading; ``sends-*`` the same on sending."""
    what = {
        "loses": "never reaches the application",
        "invents": "reaches the application though the server never sent it",
        "changes": "reaches the application changed (retyped, renamed or rewritten)",
        "drops-null": "loses the explicit null the server sent, so the application cannot tell it from an absent member",
        "sends-loses": "is never sent, whatever the application asked for",
        "sends-invents": "is sent though the application never asked for it",
        "sends-changes": "is sent changed from what the application asked for",
        "sends-drops-null": "loses its explicit null on the way out, so the feature it turns off stays on",
    }[kind]
    return Cause(f"{kind}-member/{owner}", f"{owner} {what}" + (f" (seen in {event_type})" if event_type else ""))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")[:60] or "unnamed"


# --- who holds a member ---------------------------------------------------------------------------


def owner(event: Any, path: str, direction: str, dialect: str | None = None) -> str:
    """The reference model class and member at ``path`` of a valid event: ``Response.conversation_id``
    for ``$.response.conversation_id`` of ``response.done``. A path through a free-form object names
    the member that holds it and the rest (``FunctionTool.parameters.properties``); an event the
    reference does not model names its type and the path with indexes left out. Under a ``dialect``
    the dialect's models hold it (an xAI ``session`` is its own class)."""
    from .verdict import judge_value  # the reference models, read on demand

    verdict = judge_value(event, direction, None if dialect == "ga" else dialect) if isinstance(event, dict) else None  # type: ignore[arg-type]
    model = verdict.event if verdict is not None and verdict.ok else None
    parts = steps(path)
    if model is None or not parts:
        kind = event.get("type") if isinstance(event, dict) else None
        return f"{kind or 'event'}:{_generic(path)}"
    holder: BaseModel = model
    rest: list[str] = []
    value: Any = model
    for part in parts:
        if isinstance(part, int):  # indexes are never part of a cause: every item is held alike
            value = value[part] if isinstance(value, (list, tuple)) and 0 <= part < len(value) else None
        elif isinstance(value, BaseModel):
            holder, rest = value, [part]
            name = _field_named(type(value), part)
            value = getattr(value, name, None) if name else (value.model_extra or {}).get(part)
        else:
            rest.append(part)
            value = value.get(part) if isinstance(value, dict) else None
    name = str(event.get("type")) if holder is model else type(holder).__name__
    return f"{name}.{'.'.join(rest)}" if rest else name


def _field_named(model: type[BaseModel], key: str) -> str | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias, info.serialization_alias):
            return name
    return None


def _generic(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path.removeprefix(ROOT).lstrip("."))


# --- findings ----------------------------------------------------------------------------------


#: Within one subject (``<family>/<subject>/``), a failing check listed after another failing check
#: of the same chain is a consequence of it: it joins the first one's finding.
CHAINS: dict[str, tuple[str, ...]] = {
    "corpus": ("parses", "lossless-dump", "unknown-fields-survive"),
    "wire": ("next-events-reach-app", "stays-alive", "error-surfaced", "session-survives", "closes-cleanly", "follows-session-rules"),
}


@dataclass
class Finding:
    """One cause, the checks it explains, and what a maintainer needs to act on it."""

    id: str
    level: str
    impact: str
    checks: list[str] = field(default_factory=list)
    #: The baseline's reason, with the file and line in the library where it is known.
    reason: str | None = None
    #: The input of its first check (a fixture, a scenario, a transcript).
    input: str = ""
    #: Whether the baseline lists it (known) or the run found it (new).
    known: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "impact": self.impact, "reason": self.reason, "input": self.input, "known": self.known, "checks": sorted(self.checks)}


def group(records: Iterable[Any], reasons: Mapping[str, str] | None = None) -> tuple[list[Finding], dict[str, str]]:
    """The findings of a run's records (objects with ``id``, ``level``, ``outcome``, ``cause``,
    ``impact`` and ``source``), and each failing record's finding id. ``reasons`` maps a finding id
    (and, from an older per-check baseline, a check id) to the baseline's reason; a finding is
    *known* when the baseline names it, or lists every one of its checks (all expected-fail)."""
    reasons = reasons or {}
    failing = [record for record in records if record.outcome in ("fail", "expected-fail")]
    adopted = _chains(failing)
    findings: dict[str, Finding] = {}
    membership: dict[str, str] = {}
    for record in sorted(failing, key=lambda r: r.id):
        cause = adopted.get(record.id) or record.cause or record.id
        impact = record.impact if cause == record.cause else next((r.impact for r in failing if r.cause == cause and r.impact), record.impact)
        finding = findings.get(cause)
        if finding is None:
            finding = findings[cause] = Finding(cause, record.level, impact or "", input=record.source, reason=reasons.get(cause), known=cause in reasons)
        finding.checks.append(record.id)
        if LEVEL_ORDER.get(record.level, 3) < LEVEL_ORDER.get(finding.level, 3):
            finding.level = record.level
        membership[record.id] = cause
    for finding in findings.values():
        # A per-check baseline names no cause: the finding is known when it lists all its checks.
        if not finding.known and all(record.outcome == "expected-fail" for record in failing if membership[record.id] == finding.id):
            finding.known = True
            finding.reason = next((reasons[check] for check in sorted(finding.checks) if reasons.get(check)), None)
    ordered = sorted(findings.values(), key=lambda f: (LEVEL_ORDER.get(f.level, 3), f.id))
    return ordered, membership


def _chains(failing: Sequence[Any]) -> dict[str, str]:
    """For each failing record that is a consequence of an earlier one in its chain, that one's cause."""
    by_subject: dict[str, list[Any]] = {}
    for record in failing:
        family, _, rest = record.id.partition("/")
        subject, _, name = rest.rpartition("/")
        if family in CHAINS and name in CHAINS[family]:
            by_subject.setdefault(f"{family}/{subject}", []).append(record)
    adopted: dict[str, str] = {}
    for key, records in by_subject.items():
        order = CHAINS[key.partition("/")[0]]
        records.sort(key=lambda r: order.index(r.id.rpartition("/")[2]))
        head = records[0]
        for record in records[1:]:
            adopted[record.id] = head.cause or head.id
    return adopted


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    found = {"MUST": 0, "SHOULD": 0, "INFO": 0}
    for finding in findings:
        found[finding.level] = found.get(finding.level, 0) + 1
    return found


def headline(name: str, findings: Sequence[Finding]) -> str:
    """``pipecat: 12 MUST findings, 3 SHOULD (2 new)``."""
    numbers = counts(findings)
    parts = [f"{numbers[level]} {level}" for level in ("MUST", "SHOULD", "INFO") if numbers.get(level)]
    if parts:  # the noun after the first count only, as the docstring reads
        first = next(numbers[level] for level in ("MUST", "SHOULD", "INFO") if numbers.get(level))
        parts[0] += f" finding{'s' if first != 1 else ''}"
    new = sum(1 for finding in findings if not finding.known)
    text = f"{name}: " + (", ".join(parts) if parts else "no findings")
    return text + (f" ({new} new)" if new and findings else "")
