"""Breaking the reference serializer on purpose fails both the snapshot and the property checks,
and a property failure shows the minimal event and how to replay it."""

from __future__ import annotations

import pytest

from .conftest import baseline, outcomes, write_adapter

DROPS_NULLS = """
import json
from conformance.implementations.reference.adapter import ReferenceAdapter

def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value

class Adapter(ReferenceAdapter):
    name = "drops-nulls"

    def dump(self, direction, obj):
        return _drop_nulls(super().dump(direction, obj))

    def build_client(self, event):
        return json.dumps(_drop_nulls(json.loads(super().build_client(event))))
"""

RENAMES = """
import json
from conformance.implementations.reference.adapter import ReferenceAdapter

def _rename(value):
    if isinstance(value, dict):
        return {("modalities" if k == "output_modalities" else k): _rename(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v) for v in value]
    return value

class Adapter(ReferenceAdapter):
    name = "renames-a-field"

    def dump(self, direction, obj):
        return _rename(super().dump(direction, obj))

    def build_client(self, event):
        return json.dumps(_rename(json.loads(super().build_client(event))))
"""


@pytest.mark.parametrize(
    "adapter, snapshot_check",
    [(DROPS_NULLS, "snapshot/session-update-turn-detection-null/wire"), (RENAMES, "snapshot/session-update-full/wire")],
    ids=["drops-explicit-nulls", "renames-a-field"],
)
def test_a_broken_serializer_fails_snapshots_and_properties(run_suite, pytester, adapter: str, snapshot_check: str) -> None:
    selection = f"{snapshot_check} or property/session.update/lossless-round-trip or property/response.create/lossless-round-trip"
    result, report = run_suite("--realtime-impl", write_adapter(pytester, adapter), selection=selection)
    found = outcomes(report)
    assert found[snapshot_check] == "fail"
    assert found["property/session.update/lossless-round-trip"] == "fail"
    assert found["property/response.create/lossless-round-trip"] == "fail"
    result.assert_outcomes(failed=3)


def test_a_property_failure_shows_the_minimal_event_and_the_replay(run_suite, pytester) -> None:
    result, report = run_suite("--realtime-impl", write_adapter(pytester, DROPS_NULLS), selection="property/conversation.item.created/lossless-round-trip")
    (check,) = report["checks"]
    assert "minimal event: {" in check["message"]
    # named as the user loaded it (module:attribute, found through python -m), not by its own name
    assert "replay: python -m pytest --pyargs conformance --realtime-impl broken_adapter:Adapter -k property/conversation.item.created/lossless-round-trip" in check["message"]
    assert ": null" in check["message"].split("minimal event:")[1]


def test_a_baselined_property_failure_still_fails_but_is_not_shrunk(run_suite, pytester) -> None:
    check_id = "property/conversation.item.created/lossless-round-trip"
    listed = baseline(pytester.path / "drops-nulls.json", "drops-nulls", {check_id: "drops nulls"})
    result, report = run_suite("--realtime-impl", write_adapter(pytester, DROPS_NULLS), "--baseline", listed, selection=check_id)
    (check,) = report["checks"]
    assert check["outcome"] == "expected-fail"
    assert "event (not shrunk: the baseline expects this failure): {" in check["message"]
    assert "minimal event" not in check["message"]
