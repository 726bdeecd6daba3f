"""The compliance matrix: rows of checks (a family, then an event type or a scenario), columns of
implementations, and in each cell the outcomes counted and the worst MUST outcome named.

Rows come from each check's family and id alone, so that a new family needs no change here.
Families whose checks each concern one event (corpus, snapshot, property) are grouped by event
type, which is what a maintainer looks for ("what happens to response.done?"). Every other family
is grouped by the second segment of its check ids: ``session/<session-id>/<rule>``,
``probe/<scenario>/<check>`` and ``wire/<scenario>/<check>`` give a row per session or scenario.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..records import CheckRecord
from .reading import Report

#: Families grouped by event type; every other family by the second segment of its check ids.
BY_EVENT_TYPE = frozenset({"corpus", "snapshot", "property"})
#: The order families are shown in; families not listed follow, alphabetically.
FAMILY_ORDER = ("corpus", "snapshot", "property", "session", "probe", "wire")
LEVEL_ORDER = ("MUST", "SHOULD", "INFO")

#: From worst to best: the outcome a cell is coloured and named by.
SEVERITY = ("fail", "unexpected-pass", "not-implemented", "expected-fail", "pass", "not-applicable")


@dataclass(frozen=True)
class Status:
    """What a cell says at a glance: a CSS class, a symbol and a word (colour is never alone)."""

    key: str
    symbol: str
    word: str


STATUSES: dict[str, Status] = {
    "fail": Status("fail", "✗", "fails"),
    "unexpected-pass": Status("stale", "✗", "stale baseline"),
    "not-implemented": Status("missing", "∅", "not implemented"),
    "expected-fail": Status("known", "!", "known failure"),
    "pass": Status("pass", "✓", "passes"),
    "not-applicable": Status("na", "–", "not applicable"),
}
#: A cell with checks but none at the level that colours it.
NO_LEVEL = Status("none", "·", "no {level} checks")
#: A cell with no checks at all.
EMPTY = Status("empty", "", "not run")

#: How each outcome is counted in a cell, in display order.
COUNT_LABELS = {
    "pass": "pass",
    "fail": "fail",
    "unexpected-pass": "stale",
    "expected-fail": "known",
    "not-implemented": "not impl.",
    "not-applicable": "n/a",
}


def family_rank(family: str) -> tuple[int, str]:
    return (FAMILY_ORDER.index(family), "") if family in FAMILY_ORDER else (len(FAMILY_ORDER), family)


def sort_families(families: Iterable[str]) -> list[str]:
    return sorted(set(families), key=family_rank)


def row_of(check: CheckRecord) -> str:
    """The row a check belongs to, within its family."""
    if check.family in BY_EVENT_TYPE and check.event_type:
        return check.event_type
    segments = check.id.split("/")
    return segments[1] if len(segments) > 2 else (check.event_type or segments[-1])


def anchor(family: str, row: str | None = None) -> str:
    """The id of a family's or a row's section on a detail page (ids may hold any non-space text)."""
    return f"{family}" if row is None else f"{family}:{row}"


@dataclass
class Cell:
    counts: Counter[str] = field(default_factory=Counter)
    #: Counts per level, for the level filters.
    by_level: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, check: CheckRecord) -> None:
        self.counts[check.outcome] += 1
        self.by_level.setdefault(check.level, Counter())[check.outcome] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def counted(self, level: str | None = None) -> Counter[str]:
        return self.counts if level is None else self.by_level.get(level, Counter())

    def status(self, level: str = "MUST") -> Status:
        """Named after the worst outcome among the checks of ``level`` (MUST colours the matrix)."""
        if not self.total:
            return EMPTY
        counts = self.by_level.get(level)
        if not counts:
            return Status(NO_LEVEL.key, NO_LEVEL.symbol, NO_LEVEL.word.format(level=level))
        worst = next(outcome for outcome in SEVERITY if counts[outcome])
        return STATUSES[worst]

    def labels(self, level: str | None = None) -> list[tuple[str, int, str]]:
        """``(outcome, count, label)`` for each outcome present, in display order."""
        counts = self.counted(level)
        return [(outcome, counts[outcome], COUNT_LABELS[outcome]) for outcome in COUNT_LABELS if counts[outcome]]

    @property
    def needs_attention(self) -> bool:
        return any(count for outcome, count in self.counts.items() if outcome != "pass")


@dataclass
class Row:
    family: str
    name: str
    #: one cell per implementation, in column order
    cells: list[Cell]

    @property
    def anchor(self) -> str:
        return anchor(self.family, self.name)


@dataclass
class FamilyBlock:
    family: str
    total: list[Cell]
    rows: list[Row]


def build(reports: list[Report]) -> list[FamilyBlock]:
    """The matrix of ``reports``, one column each in the order given."""
    cells: dict[tuple[str, str], list[Cell]] = {}
    totals: dict[str, list[Cell]] = {}
    for column, report in enumerate(reports):
        for check in report.checks:
            key = (check.family, row_of(check))
            cells.setdefault(key, [Cell() for _ in reports])[column].add(check)
            totals.setdefault(check.family, [Cell() for _ in reports])[column].add(check)
    blocks = []
    for family in sort_families(totals):
        rows = [Row(family, name, row) for (of, name), row in sorted(cells.items()) if of == family]
        blocks.append(FamilyBlock(family, totals[family], rows))
    return blocks


def levels_present(reports: list[Report]) -> list[str]:
    present = {check.level for report in reports for check in report.checks}
    return [level for level in LEVEL_ORDER if level in present]

