"""Which findings are new, which are fixed and which changed level between two runs.

Findings are matched by id: a finding's id is its cause (:mod:`conformance.findings`), stable
across runs and suite versions. A report older than findings (version 1 or 2) has one finding per
failing check, named after the check (:func:`conformance.reports.reading.from_checks`); when one
side is such a report, ids cannot match causes, so two findings also match when they explain a
check in common. A finding is *new* when nothing on the old side matches it (even if the new
baseline lists it: a release that baselines a regression has regressed), *fixed* when nothing on
the new side matches it, and *changed level* when its level differs from the highest level of
what it matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import LEVEL_ORDER, Finding
from .reading import Report


@dataclass(frozen=True)
class FindingChange:
    id: str
    old: Finding | None
    new: Finding | None

    @property
    def level(self) -> str:
        return (self.new or self.old).level  # type: ignore[union-attr]


@dataclass
class FindingChanges:
    new: list[FindingChange] = field(default_factory=list)
    fixed: list[FindingChange] = field(default_factory=list)
    changed_level: list[FindingChange] = field(default_factory=list)
    #: Whether findings were matched by their checks too (one side is older than findings).
    by_checks: bool = False

    @property
    def new_must(self) -> list[FindingChange]:
        """New MUST findings, and findings that rose to MUST."""
        risen = [change for change in self.changed_level if change.level == "MUST"]
        return [change for change in self.new if change.level == "MUST"] + risen

    @property
    def empty(self) -> bool:
        return not (self.new or self.fixed or self.changed_level)

    def sections(self) -> list[tuple[str, list[FindingChange]]]:
        return [("new findings", self.new), ("fixed findings", self.fixed), ("findings that changed level", self.changed_level)]


def compare_findings(old: Report, new: Report) -> FindingChanges:
    by_checks = not (old.findings_recorded and new.findings_recorded)
    changes = FindingChanges(by_checks=by_checks)
    for finding in new.findings:
        matched = _matches(finding, old.findings, by_checks)
        if not matched:
            changes.new.append(FindingChange(finding.id, None, finding))
            continue
        before = min(matched, key=lambda f: LEVEL_ORDER.get(f.level, 3))
        if before.level != finding.level:
            changes.changed_level.append(FindingChange(finding.id, before, finding))
    for finding in old.findings:
        if not _matches(finding, new.findings, by_checks):
            changes.fixed.append(FindingChange(finding.id, finding, None))
    for found in (changes.new, changes.fixed, changes.changed_level):
        found.sort(key=lambda change: (LEVEL_ORDER.get(change.level, 3), change.id))
    return changes


def _matches(finding: Finding, others: list[Finding], by_checks: bool) -> list[Finding]:
    same = [other for other in others if other.id == finding.id]
    if same or not by_checks:
        return same
    checks = set(finding.checks)
    return [other for other in others if checks.intersection(other.checks)]
