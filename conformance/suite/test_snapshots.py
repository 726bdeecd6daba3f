"""The snapshot family against the implementation under test."""

import pytest

from conformance.families import snapshots
from conformance.corpus.scenarios import SCENARIOS


@pytest.mark.conformance
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[f"{snapshots.FAMILY}/{s.id}/wire" for s in SCENARIOS])
def test_snapshot(scenario, conformance_run, snapshot) -> None:
    conformance_run.settle(snapshots.check(scenario, snapshots.syrupy_matcher(snapshot)))
