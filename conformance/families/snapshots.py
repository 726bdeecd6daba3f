"""The snapshot family: what an implementation *sends*.

For each scenario of :mod:`conformance.scenarios` the implementation builds the client event
through its own send path, and the wire JSON must equal the canonical snapshot
``snapshots/<scenario-id>.json`` (MUST), explicit nulls included. Snapshots are written only from
the reference implementation (``--snapshot-update``), and every implementation is compared with
the same files. A generated ``event_id`` is volatile: when the scenario has none, it is excluded
from the comparison; when the scenario has one, it must be sent unchanged.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from collections.abc import Callable

from syrupy.extensions.json import JSONSnapshotExtension
from syrupy.filters import paths

from ..checks import PASS, Check, Driver, Result, fail
from ..compare import first_difference
from ..corpus.scenarios import SCENARIOS_BY_ID, Scenario

FAMILY = "snapshot"
SNAPSHOTS_ROOT = Path(__file__).resolve().parents[1] / "data" / "snapshots"


class ScenarioSnapshots(JSONSnapshotExtension):
    """One readable JSON file per scenario, named by scenario id, in the top-level ``snapshots/``."""

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        return str(SNAPSHOTS_ROOT)

    @classmethod
    def get_snapshot_name(cls, *, test_location: Any, index: Any = 0) -> str:
        return str(index)


#: Whether what was sent for a scenario matches its snapshot, volatile members aside.
Matcher = Callable[[Scenario, Any, list[str]], bool]


def syrupy_matcher(snapshot: Any) -> Matcher:
    """Compare through syrupy (so that ``--snapshot-update`` writes the files); for pytest runs."""
    assertion = snapshot.with_defaults(extension_class=ScenarioSnapshots)
    return lambda scenario, sent, volatile: assertion(name=scenario.id, exclude=paths(*volatile) if volatile else None) == sent


def stored_matcher(scenario: Scenario, sent: Any, volatile: list[str]) -> bool:
    """Compare with the stored file directly; for runs outside pytest (the detection matrix)."""
    stored = SNAPSHOTS_ROOT / f"{scenario.id}.json"
    if not stored.exists() or not isinstance(sent, dict):
        return False
    sent = {key: value for key, value in sent.items() if key not in volatile}
    return first_difference(json.loads(stored.read_text()), sent) is None


def checks(matcher: Matcher = stored_matcher) -> list[Check]:
    from ..corpus.scenarios import SCENARIOS

    return [check(scenario, matcher) for scenario in SCENARIOS]


def check(scenario: Scenario, matcher: Matcher) -> Check:
    """The snapshot check of one scenario."""

    def run(driver: Driver) -> Result:
        text = driver.build_client(copy.deepcopy(scenario.event))
        try:
            sent = json.loads(text)
        except (TypeError, ValueError) as error:
            return fail(f"sent text that is not JSON ({error}): {str(text)[:200]}")
        volatile = [] if "event_id" in scenario.event else ["event_id"]
        if matcher(scenario, sent, volatile):
            return PASS
        return fail(_explain(scenario, sent, volatile))

    return Check(id=f"{FAMILY}/{scenario.id}/wire", family=FAMILY, level="MUST", run=run, event_type=scenario.event_type, source=f"snapshots/{scenario.id}.json")


def _explain(scenario: Scenario, sent: Any, volatile: list[str]) -> str:
    stored = SNAPSHOTS_ROOT / f"{scenario.id}.json"
    if not stored.exists():
        return f"no snapshot for this scenario yet; write it from the reference: pytest --pyargs conformance -k {scenario.id} --snapshot-update"
    expected = json.loads(stored.read_text())
    if isinstance(sent, dict):
        sent = {key: value for key, value in sent.items() if key not in volatile}
    difference = first_difference(expected, sent)
    return f"the sent JSON differs from the snapshot at {difference}" if difference else "the sent JSON differs from the snapshot"


def unused(root: Path = SNAPSHOTS_ROOT) -> list[Path]:
    """Snapshot files that belong to no scenario (syrupy cannot tell, since we name files by scenario id)."""
    return sorted(path for path in root.glob("*.json") if path.stem not in SCENARIOS_BY_ID)
