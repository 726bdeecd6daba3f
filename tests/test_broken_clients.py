"""Meta-tests of the wire family: every deliberately broken client is caught by the wire checks its
catalogue entry names, on a live socket, and the reference client passes those same checks. A change
that weakens a wire check so that its target slips through fails here."""

from __future__ import annotations

import pytest

from conformance.detection import client_matrix, render_clients, run
from conformance.families import wire
from conformance.broken.clients import BROKEN_CLIENTS, BROKEN_CLIENTS_BY_NAME
from conformance.implementations.reference.adapter import ReferenceAdapter

CHECKS = {check.id: check for check in wire.checks()}


#: The scenarios of issue 20: every check of each (but the three every scenario has) has a broken client of its own.
ISSUE_20 = (
    "first-update-every-connection", "config-server-vad", "config-semantic-vad", "config-turn-detection-off", "config-tools",
    "config-transcription", "config-noise-reduction", "config-voice", "config-output-modalities", "missing-event-id", "empty-event-id",
    "frame-without-type", "delta-missing-member", "strictly-refused-event", "function-call-without-item", "unknown-function", "failed-response",
)


def test_every_new_wire_check_is_caught_by_a_broken_client() -> None:
    own = {f"wire/{scenario}/{spec.name}" for scenario in ISSUE_20 for spec in wire.SCENARIOS_BY_ID[scenario].checks}
    assert own - {check_id for b in BROKEN_CLIENTS for check_id in b.caught_by} == set()


def test_the_catalogue_has_at_least_ten_one_line_departures() -> None:
    assert len(BROKEN_CLIENTS) >= 10
    assert len(BROKEN_CLIENTS_BY_NAME) == len(BROKEN_CLIENTS)
    assert all(b.defect and "\n" not in b.defect and b.caught_by for b in BROKEN_CLIENTS)


def test_every_catalogued_check_exists() -> None:
    assert {check_id for b in BROKEN_CLIENTS for check_id in b.caught_by} - set(CHECKS) == set()


def test_the_reference_client_passes_every_catalogued_check() -> None:
    ids = sorted({check_id for b in BROKEN_CLIENTS for check_id in b.caught_by})
    results = run(ReferenceAdapter(), [CHECKS[i] for i in ids])
    assert {check_id: result.message for check_id, result in results.items() if not result.passed} == {}
    assert set(results) == set(ids), "a catalogued check did not apply to the reference client"


@pytest.mark.parametrize("broken", BROKEN_CLIENTS, ids=[b.name for b in BROKEN_CLIENTS])
def test_each_broken_client_is_caught_where_catalogued(broken) -> None:
    results = run(broken.adapter(), [CHECKS[i] for i in broken.caught_by])
    slipped = [check_id for check_id in broken.caught_by if check_id not in results or results[check_id].passed]
    assert slipped == [], f"{broken.name} ({broken.defect}) slipped through {slipped}"


def test_the_client_matrix_counts_failing_checks_and_names_what_slipped() -> None:
    rows = client_matrix([BROKEN_CLIENTS_BY_NAME["drops-nulls-on-send"], BROKEN_CLIENTS_BY_NAME["leaks-a-task"]], scenarios=["session-config", "config-turn-detection-off", "connect"])
    by_name = {row.broken.name: row for row in rows}
    assert by_name["drops-nulls-on-send"].failing == 2 and by_name["drops-nulls-on-send"].missed == ()
    assert by_name["leaks-a-task"].failing == 3 and by_name["leaks-a-task"].missed == ()  # closes-cleanly of every scenario
    table = render_clients(rows)
    assert "| `drops-nulls-on-send` | drops explicit nulls when sending: turn_detection null never turns voice activity detection off | 2 | yes |" in table
    missing = client_matrix([BROKEN_CLIENTS_BY_NAME["drops-nulls-on-send"]], scenarios=["connect"])
    assert missing[0].missed == ("wire/session-config/carries-configuration", "wire/config-turn-detection-off/carries-configuration")
    assert "**no**: wire/session-config/carries-configuration, wire/config-turn-detection-off/carries-configuration" in render_clients(missing)
