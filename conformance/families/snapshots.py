"""The snapshot family: what an implementation *sends*.

For each scenario of :mod:`conformance.scenarios` the implementation builds the client event
through its own send path, and the wire JSON must equal the canonical snapshot
``snapshots/<scenario-id>.json`` (MUST), explicit nulls included. Snapshots are written only from
the reference implementation (``--snapshot-update``), and every implementation is compared with
the same files. What a sender may add is volatile (:func:`roundtrip.volatile_paths`): an
``event_id`` or an ``item.id`` the scenario did not give is left out of the comparison, but must
still make a valid client event; one the scenario gave must be sent unchanged. A null that cannot
differ from leaving the member out (:data:`roundtrip.NULL_EQUALS_ABSENT`) may be left out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from collections.abc import Callable

from syrupy.extensions.json import JSONSnapshotExtension
from syrupy.filters import paths

from ..adapters.scope import features_of
from ..checks import Check, Driver, Result, fail
from ..findings import Cause
from ..compare import differences, explain
from ..corpus.scenarios import SCENARIOS_BY_ID, Scenario
from ..jsonpath import without
from .roundtrip import SHOWN, canonical_sent, difference_cause, send, valid_sent, volatile_paths

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

    def matches(scenario: Scenario, sent: Any, volatile: list[str]) -> bool:
        excluded = paths(*(_syrupy_path(path) for path in volatile)) if volatile else None
        return assertion(name=scenario.id, exclude=excluded) == canonical_sent(scenario.event, sent)

    return matches


def _syrupy_path(path: str) -> str:
    """``$.item.id`` as syrupy's ``paths()`` names it: ``item.id``."""
    return path.removeprefix("$.")


def stored_matcher(scenario: Scenario, sent: Any, volatile: list[str]) -> bool:
    """Compare with the stored file directly; for runs outside pytest (the detection matrix)."""
    stored = SNAPSHOTS_ROOT / f"{scenario.id}.json"
    if not stored.exists() or not isinstance(sent, dict):
        return False
    return not differences(without(json.loads(stored.read_text()), volatile), without(canonical_sent(scenario.event, sent), volatile), limit=1)


def checks(matcher: Matcher = stored_matcher) -> list[Check]:
    from ..corpus.scenarios import SCENARIOS

    return [check(scenario, matcher) for scenario in SCENARIOS]


def check(scenario: Scenario, matcher: Matcher) -> Check:
    """The snapshot check of one scenario."""

    def run(driver: Driver) -> Result:
        sent, result = send(driver, scenario.event)
        if not result.passed:
            return result
        volatile = volatile_paths(scenario.event)
        if not matcher(scenario, sent, volatile):
            return fail(*_explain(scenario, sent, volatile))
        # What the sender added in place of the volatile members must still make a valid event.
        return valid_sent(sent)

    return Check(
        id=f"{FAMILY}/{scenario.id}/wire", family=FAMILY, level="MUST", run=run, event_type=scenario.event_type,
        source=f"snapshots/{scenario.id}.json", sends=features_of(scenario.event),
    )


def _explain(scenario: Scenario, sent: Any, volatile: list[str]) -> tuple[str, Cause | None]:
    stored = SNAPSHOTS_ROOT / f"{scenario.id}.json"
    if not stored.exists():
        return f"no snapshot for this scenario yet; write it from the reference: pytest --pyargs conformance -k {scenario.id} --snapshot-update", None
    expected = without(json.loads(stored.read_text()), volatile)
    found = differences(expected, without(canonical_sent(scenario.event, sent), volatile))
    if not found:
        return "the sent JSON differs from the snapshot", None
    where = "1 place" if len(found) == 1 else f"{len(found)} places"
    return f"the sent JSON differs from the snapshot at {where}: {explain(found, shown=SHOWN)}", difference_cause(found[0], expected, "client", sending=True)


def unused(root: Path = SNAPSHOTS_ROOT) -> list[Path]:
    """Snapshot files that belong to no scenario (syrupy cannot tell, since we name files by scenario id)."""
    return sorted(path for path in root.glob("*.json") if path.stem not in SCENARIOS_BY_ID)
