"""What a report did not judge, and why, so that a reader of a pass sees its limits: the
implementation's conformance class, the server events a client hands to its application (the rest
are judged at INFO, "not used"), the features it cannot send with where that shows in the library,
and the checks that did not run (not applicable, not implemented), grouped by the reason they give.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..adapters.scope import FEATURES
from ..records import CheckRecord
from .reading import Report

#: What each conformance class is judged on (conformance.adapters.scope, conformance.classes).
CLASS_MEANING = {
    "model": "a typed model of the protocol: every event it models must be read back losslessly, and every client event built unchanged",
    "client": "what an application builds on: judged by what reaches the application and what goes on the wire, within its scope",
    "server": "judged through the probe, as a client sees it",
    "proxy": "judged through the probe: it must pass valid traffic unchanged",
}
#: Outcomes of checks that did not judge the implementation.
SKIPPED = ("not-applicable", "not-implemented")


@dataclass(frozen=True)
class Feature:
    id: str
    #: What the feature is (empty for an id this installation does not know).
    what: str
    #: Why the implementation cannot send it, where that shows in the library.
    why: str


@dataclass(frozen=True)
class Skipped:
    """Checks that did not run for one reason."""

    outcome: str
    reason: str
    checks: tuple[CheckRecord, ...]


@dataclass(frozen=True)
class NotJudged:
    klass: str
    #: What the class means, one entry per class it declares.
    meanings: tuple[tuple[str, str], ...]
    #: Whether the report states a class and scope (version 3 and later).
    stated: bool
    #: The server event types it hands to its application; ``None``: all of them.
    consumes: tuple[str, ...] | None
    cannot_send: tuple[Feature, ...]
    skipped: tuple[Skipped, ...]

    @property
    def skipped_checks(self) -> int:
        return sum(len(group.checks) for group in self.skipped)


def of(report: Report) -> NotJudged:
    implementation = report.implementation
    scope = implementation.scope
    classes = [name for name in implementation.klass.split("+") if name]
    why = scope.why if scope else {}
    cannot = tuple(Feature(name, FEATURES.get(name, ""), why.get(name, "")) for name in (scope.cannot_send or ())) if scope else ()
    return NotJudged(
        klass=implementation.klass,
        meanings=tuple((name, CLASS_MEANING[name]) for name in classes if name in CLASS_MEANING),
        stated=scope is not None,
        consumes=scope.consumes if scope else None,
        cannot_send=cannot,
        skipped=_skipped(report.checks),
    )


def _skipped(checks: list[CheckRecord]) -> tuple[Skipped, ...]:
    groups: dict[tuple[str, str], list[CheckRecord]] = {}
    for check in checks:
        if check.outcome in SKIPPED:
            reason = check.message.strip().splitlines()[0] if check.message.strip() else "(no reason given)"
            groups.setdefault((check.outcome, reason), []).append(check)
    ordered = sorted(groups.items(), key=lambda item: (SKIPPED.index(item[0][0]), -len(item[1]), item[0][1]))
    return tuple(Skipped(outcome, reason, tuple(sorted(found, key=lambda c: c.id))) for (outcome, reason), found in ordered)
