"""The front page's compliance tables: one row per implementation, with its findings by level (new
and known), and for each family the findings its checks show and the outcomes of those checks.

A finding is one cause however many checks it explains (:mod:`conformance.findings`); one whose
checks span two families (an unmodelled event type fails corpus and property checks alike) counts
in each family's cell, and once in the implementation's totals.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..findings import Finding
from . import matrix
from .reading import Report

LEVELS = matrix.LEVEL_ORDER


@dataclass(frozen=True)
class LevelCount:
    """The findings of one level: how many, and how many of them the baseline does not list."""

    level: str
    total: int
    new: int

    @property
    def known(self) -> int:
        return self.total - self.new


@dataclass
class FamilyCell:
    family: str
    #: The outcomes of the family's checks (coloured by the worst MUST outcome, as the matrix).
    checks: matrix.Cell = field(default_factory=matrix.Cell)
    #: Findings with at least one check in the family, by level.
    findings: Counter[str] = field(default_factory=Counter)

    def findings_at(self, level: str | None = None) -> int:
        return sum(self.findings.values()) if level is None else self.findings[level]


@dataclass
class Row:
    report: Report
    levels: list[LevelCount]
    families: list[FamilyCell]

    def count(self, level: str) -> LevelCount:
        return next(count for count in self.levels if count.level == level)


def level_counts(findings: list[Finding]) -> list[LevelCount]:
    return [
        LevelCount(level, sum(1 for f in findings if f.level == level), sum(1 for f in findings if f.level == level and not f.known))
        for level in LEVELS
    ]


def families_of(finding: Finding, family_of: dict[str, str]) -> set[str]:
    """The families of the checks a finding explains (a check the report does not list is placed
    by its id's first segment, which is its family)."""
    return {family_of.get(check, check.split("/", 1)[0]) for check in finding.checks}


def rows(reports: list[Report], families: list[str]) -> list[Row]:
    """One row per report, in the order given; one cell per family, in the order given."""
    built = []
    for report in reports:
        cells = {family: FamilyCell(family) for family in families}
        family_of = {}
        for check in report.checks:
            family_of[check.id] = check.family
            if check.family in cells:
                cells[check.family].checks.add(check)
        for finding in report.findings:
            for family in families_of(finding, family_of) & cells.keys():
                cells[family].findings[finding.level] += 1
        built.append(Row(report, level_counts(report.findings), [cells[family] for family in families]))
    return built
