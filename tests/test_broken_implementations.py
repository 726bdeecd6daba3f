"""Meta-tests: every deliberately broken implementation is caught by the checks its catalogue
entry names, and the reference passes those same checks. A change that weakens a check so that
its target slips through fails here."""

from __future__ import annotations

import pytest

from conformance.detection import all_checks, matrix, render, run
from conformance.broken.parsers import BROKEN
from conformance.implementations.reference.adapter import ReferenceAdapter

from .cli import run as run_command

CHECKS = all_checks()


def test_the_catalogue_has_thirty_one_line_defects() -> None:
    assert len(BROKEN) >= 30
    assert len({b.name for b in BROKEN}) == len(BROKEN)
    assert all(b.defect and "\n" not in b.defect and b.caught_by for b in BROKEN)


def test_every_catalogued_check_exists() -> None:
    unknown = {check_id for b in BROKEN for check_id in b.caught_by} - set(CHECKS)
    assert unknown == set()


def test_the_reference_passes_every_catalogued_check() -> None:
    ids = sorted({check_id for b in BROKEN for check_id in b.caught_by})
    failing = {check_id: result.message for check_id, result in run(ReferenceAdapter(), [CHECKS[i] for i in ids]).items() if not result.passed}
    assert failing == {}


@pytest.mark.parametrize("broken", BROKEN, ids=[b.name for b in BROKEN])
def test_each_broken_implementation_is_caught_where_catalogued(broken) -> None:
    results = run(broken.adapter(), [CHECKS[i] for i in broken.caught_by], timeout=0.5)
    slipped = [check_id for check_id in broken.caught_by if check_id not in results or results[check_id].passed]
    assert slipped == [], f"{broken.name} ({broken.defect}) slipped through {slipped}"


def test_the_matrix_counts_failing_checks_per_family() -> None:
    rows = matrix(("corpus", "snapshot"), [b for b in BROKEN if b.name in ("drops-explicit-nulls-on-send", "loses-status-details")])
    by_name = {row.broken.name: row for row in rows}
    assert by_name["drops-explicit-nulls-on-send"].caught["corpus"] >= 1  # client fixtures sent through the send path
    assert by_name["drops-explicit-nulls-on-send"].caught["snapshot"] >= 2
    assert by_name["loses-status-details"].caught["snapshot"] == 0
    assert all(not row.missed for row in rows)
    table = render(rows, ("corpus", "snapshot"))
    row = next(line for line in table.splitlines() if line.startswith("| `loses-status-details` |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == "drops a response's status_details" and int(cells[2]) >= 11 and cells[3] == "–" and cells[4] == "yes"


def test_the_matrix_command() -> None:
    done = run_command("matrix", "--family", "corpus", "--family", "snapshot")
    assert done.code == 0, done.out
    rows = [line for line in done.out.splitlines() if line.startswith("| `")]
    assert len(rows) == len(BROKEN)
    assert all(line.endswith("| yes |") for line in rows)
