"""Meta-tests of the dialect checks: every deliberately broken dialect implementation is caught by
the checks of its own dialect its catalogue entry names, and that dialect's reference passes them."""

from __future__ import annotations

import pytest

from conformance.detection import dialect_checks, dialect_matrix, render_dialects, run
from conformance.broken.dialects import BROKEN_DIALECTS
from conformance.implementations.reference.dialects import DialectReferenceAdapter


def test_the_catalogue_has_a_defect_at_each_dialects_seams() -> None:
    assert len(BROKEN_DIALECTS) >= 5
    assert {b.dialect for b in BROKEN_DIALECTS} == {"beta", "azure-preview", "xai", "inworld"}
    assert all(b.defect and "\n" not in b.defect and b.caught_by for b in BROKEN_DIALECTS)


@pytest.mark.parametrize("broken", BROKEN_DIALECTS, ids=[b.name for b in BROKEN_DIALECTS])
def test_each_catalogued_check_exists_and_the_dialects_reference_passes_it(broken) -> None:
    checks = dialect_checks(broken.dialect)
    assert [check_id for check_id in broken.caught_by if check_id not in checks] == []
    results = run(DialectReferenceAdapter(broken.dialect), [checks[i] for i in broken.caught_by])
    assert {check_id: r.message for check_id, r in results.items() if not r.passed} == {}


@pytest.mark.parametrize("broken", BROKEN_DIALECTS, ids=[b.name for b in BROKEN_DIALECTS])
def test_each_broken_dialect_implementation_is_caught_where_catalogued(broken) -> None:
    checks = dialect_checks(broken.dialect)
    results = run(broken.adapter(), [checks[i] for i in broken.caught_by], timeout=0.5)
    slipped = [check_id for check_id in broken.caught_by if check_id not in results or results[check_id].passed]
    assert slipped == [], f"{broken.name} ({broken.defect}) slipped through {slipped}"


def test_a_fatal_ping_fails_its_checks_and_the_run_goes_on() -> None:
    (broken,) = [b for b in BROKEN_DIALECTS if b.name == "xai-ping-fatal"]
    results = run(broken.adapter(), dialect_checks("xai").values())
    assert "raised RuntimeError: Unimplemented server event type: ping" in results["corpus/captured-pydantic-xai-ping-1/parses"].message
    assert results["corpus/xai-transcription-updated/parses"].passed


def test_the_dialect_matrix_counts_failing_checks_of_each_dialect_family() -> None:
    rows = {row.broken.name: row for row in dialect_matrix()}
    assert all(not row.missed for row in rows.values())
    assert rows["beta-names-unknown"].caught["session"] >= 2 and rows["xai-manual-vad-dropped"].caught["session"] == 0
    table = render_dialects(list(rows.values()))
    assert "| `xai-manual-vad-dropped` | xai | drops turn_detection: null on send, so manual turns never reach xAI | 1 | – | yes |" in table
