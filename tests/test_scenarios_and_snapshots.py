"""The scenario catalogue and its snapshots: every client event type covered, every scenario a
valid reference event with exactly one snapshot, no snapshot without a scenario."""

from __future__ import annotations

import json
from collections import Counter

from conformance import judge_value
from conformance.families import snapshots
from conformance.protocol.names import CLIENT_EVENT_TYPES
from conformance.corpus.scenarios import SCENARIOS


def test_at_least_forty_scenarios_cover_every_client_event_type() -> None:
    assert len(SCENARIOS) >= 40
    assert {s.event_type for s in SCENARIOS} == CLIENT_EVENT_TYPES


def test_scenarios_cover_the_cases_implementations_get_wrong() -> None:
    ids = {s.id for s in SCENARIOS}
    for required in (
        "session-update-turn-detection-null",
        "session-update-tracing-null",
        "session-update-transcription-session",
        "session-update-prompt-reference",
        "response-create-out-of-band",
        "response-cancel-by-id",
        "item-create-function-call-output",
    ):
        assert required in ids
    eagerness = {s.event["session"]["audio"]["input"]["turn_detection"]["eagerness"] for s in SCENARIOS if "semantic-vad" in s.id}
    assert eagerness == {"low", "medium", "high", "auto"}
    tool_choices = Counter(type(s.event["session"].get("tool_choice")).__name__ for s in SCENARIOS if s.id.startswith("session-update-tool-choice"))
    assert tool_choices == {"str": 3, "dict": 2}


def test_every_scenario_is_a_valid_reference_client_event_without_unknown_members() -> None:
    for scenario in SCENARIOS:
        verdict = judge_value(scenario.event, "client")
        assert verdict.ok and not verdict.unknown_fields, (scenario.id, verdict.errors, verdict.unknown_fields)


def test_every_scenario_has_its_snapshot_and_it_is_the_reference_wire_json() -> None:
    for scenario in SCENARIOS:
        path = snapshots.SNAPSHOTS_ROOT / f"{scenario.id}.json"
        assert path.is_file(), f"{path.name} is missing: pytest --pyargs conformance -k {scenario.id} --snapshot-update"
        assert json.loads(path.read_text()) == judge_value(scenario.event).event.wire()


def test_no_snapshot_is_left_without_a_scenario() -> None:
    assert snapshots.unused() == []


def test_unused_snapshots_are_found(tmp_path) -> None:
    (tmp_path / "session-update-server-vad.json").write_text("{}")
    (tmp_path / "retired-scenario.json").write_text("{}")
    assert [p.name for p in snapshots.unused(tmp_path)] == ["retired-scenario.json"]
