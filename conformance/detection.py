"""Running checks outside pytest, and the detection matrix: which family catches which broken
implementation. A check catches a defect when it fails against it; a broken implementation is
*detected as catalogued* when every check it names in ``caught_by`` fails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .checks import Check, Driver, Result, run_check
from .families import corpus, properties, snapshots
from .implementations.adapter import Adapter
from .implementations.broken import BROKEN, Broken

FAMILIES = ("corpus", "snapshot", "property")


def all_checks(families: Iterable[str] = FAMILIES) -> dict[str, Check]:
    makers = {"corpus": corpus.checks, "snapshot": snapshots.checks, "property": properties.checks}
    return {check.id: check for family in families for check in makers[family]()}


def run(adapter: Adapter, checks: Iterable[Check], timeout: float = 2.0) -> dict[str, Result]:
    """Each check's result; a crash, a hang or a missing capability is a failed result, and a check
    that does not apply is left out."""
    driver = Driver(adapter, timeout)
    results = {}
    for check in checks:
        passed, message, applicable = run_check(check, driver)
        if applicable:
            results[check.id] = Result(bool(passed), message)
    return results


@dataclass(frozen=True)
class Row:
    broken: Broken
    #: family -> how many of its checks failed
    caught: dict[str, int]
    #: the catalogued checks that did *not* fail (empty when detected as catalogued)
    missed: tuple[str, ...]


def matrix(families: Iterable[str] = FAMILIES, catalogue: Iterable[Broken] = BROKEN, timeout: float = 0.5) -> list[Row]:
    families = tuple(families)
    checks = all_checks(families)
    rows = []
    for broken in catalogue:
        results = run(broken.adapter(), checks.values(), timeout)
        caught = {family: sum(1 for check_id, result in results.items() if not result.passed and checks[check_id].family == family) for family in families}
        missed = tuple(check_id for check_id in broken.caught_by if check_id in checks and (check_id not in results or results[check_id].passed))
        rows.append(Row(broken, caught, missed))
    return rows


def render(rows: list[Row], families: Iterable[str] = FAMILIES) -> str:
    families = tuple(families)
    lines = [
        "| broken implementation | defect | " + " | ".join(families) + " | caught where catalogued |",
        "|---|---|" + "---|" * len(families) + "---|",
    ]
    for row in rows:
        cells = " | ".join(str(row.caught[family]) if row.caught[family] else "–" for family in families)
        verdict = "yes" if not row.missed else "**no**: " + ", ".join(row.missed)
        lines.append(f"| `{row.broken.name}` | {row.broken.defect} | {cells} | {verdict} |")
    lines.append("")
    lines.append("Cells count the failing checks of each family; – means the family did not notice the defect.")
    return "\n".join(lines)
