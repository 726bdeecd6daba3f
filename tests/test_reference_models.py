"""The reference models against the hand-written corpus: every GA event type has valid payloads
that parse and dump back exactly, and invalid variants that are refused at the right JSON path."""

from __future__ import annotations

import pytest

from conformance import judge_value
from conformance.compare import first_difference
from conformance.protocol import CLIENT_EVENT_MODELS, SERVER_EVENT_MODELS
from conformance.protocol.names import BETA_RENAMES, CLIENT_EVENT_TYPES, SERVER_EVENT_TYPES
from conformance.verdict import VERDICTS

from .helpers import NOT_VALID, VALID, fixture_ids, with_member, without_member, wrong_type_values


def test_the_union_has_every_ga_event_type() -> None:
    assert set(CLIENT_EVENT_MODELS) == CLIENT_EVENT_TYPES
    assert set(SERVER_EVENT_MODELS) == SERVER_EVENT_TYPES
    assert len(CLIENT_EVENT_MODELS) + len(SERVER_EVENT_MODELS) == 57


@pytest.mark.parametrize("event_type", sorted(CLIENT_EVENT_TYPES | SERVER_EVENT_TYPES))
def test_every_event_type_has_valid_payloads_judged_as_that_type(event_type: str) -> None:
    valid = [f for f in VALID if f.payload["type"] == event_type]
    assert valid, f"no valid fixture for {event_type}"
    assert all(judge_value(f.payload).type == event_type for f in valid)


@pytest.mark.parametrize("fixture", VALID, ids=fixture_ids(VALID))
def test_valid_payload_parses_and_dumps_back_exactly(fixture) -> None:
    verdict = judge_value(fixture.payload, fixture.direction)
    assert verdict.verdict == "valid", verdict.errors
    assert first_difference(fixture.payload, verdict.event.wire()) is None


@pytest.mark.parametrize("fixture", NOT_VALID, ids=fixture_ids(NOT_VALID))
def test_not_valid_payload_gets_its_verdict_at_its_paths(fixture) -> None:
    verdict = judge_value(fixture.payload, fixture.direction)
    assert verdict.verdict == fixture.expect.verdict
    assert sorted(e.path for e in verdict.errors) == sorted(fixture.expect.errors or [])
    assert all(e.expected and e.got for e in verdict.errors)


def _required(event_type: str) -> list[str]:
    model = CLIENT_EVENT_MODELS.get(event_type) or SERVER_EVENT_MODELS[event_type]
    return [name for name, field in model.model_fields.items() if field.is_required() and name != "type"]


def _first_valid_per_type():
    seen = {}
    for fixture in VALID:
        seen.setdefault(fixture.payload["type"], fixture)
    return [seen[t] for t in sorted(seen)]


@pytest.mark.parametrize("fixture", _first_valid_per_type(), ids=lambda f: f.payload["type"])
def test_removing_any_required_field_is_refused_at_its_path(fixture) -> None:
    for name in _required(fixture.payload["type"]):
        verdict = judge_value(without_member(fixture.payload, name), fixture.direction)
        assert verdict.verdict == "invalid", name
        assert [(e.path, e.got) for e in verdict.errors] == [(f"$.{name}", "absent")]


@pytest.mark.parametrize("fixture", _first_valid_per_type(), ids=lambda f: f.payload["type"])
def test_a_wrong_json_type_in_any_top_level_field_is_refused(fixture) -> None:
    model = CLIENT_EVENT_MODELS.get(fixture.payload["type"]) or SERVER_EVENT_MODELS[fixture.payload["type"]]
    checked = 0
    for name, value in fixture.payload.items():
        if name == "type" or value is None or name not in model.model_fields:
            continue
        for wrong in wrong_type_values(value):
            verdict = judge_value(with_member(fixture.payload, [name], wrong), fixture.direction)
            assert verdict.verdict == "invalid", (name, wrong)
            assert any(e.path == f"$.{name}" or e.path.startswith(f"$.{name}.") or e.path.startswith(f"$.{name}[") for e in verdict.errors), verdict.errors
            checked += 1
    assert checked or fixture.payload.keys() <= {"type", "event_id"}


@pytest.mark.parametrize("beta_name", sorted(BETA_RENAMES))
def test_beta_names_are_recognised_and_name_their_successor(beta_name: str) -> None:
    verdict = judge_value({"type": beta_name, "event_id": "event_1"})
    assert verdict.verdict == "beta-name"
    assert BETA_RENAMES[beta_name] in verdict.note
    assert verdict.errors[0].path == "$.type"


def test_conversation_item_created_is_ga_with_a_note() -> None:
    fixture = next(f for f in VALID if f.payload["type"] == "conversation.item.created")
    verdict = judge_value(fixture.payload)
    assert verdict.verdict == "valid"
    assert "conversation.item.added" in verdict.note


@pytest.mark.parametrize(
    "payload",
    [{"type": "ping"}, {"type": ""}, {"type": "x" * 10_000}, {"type": "response.done\u0000"}, {"type": "__class__"}],
    ids=["ping", "empty", "long", "nul", "dunder"],
)
def test_unknown_types_get_a_verdict_not_an_exception(payload) -> None:
    verdict = judge_value(payload)
    assert verdict.verdict == "unknown-type"
    assert verdict.errors[0].path == "$.type"


def test_an_event_of_the_other_direction_is_unknown_to_this_one() -> None:
    verdict = judge_value({"type": "session.update", "session": {"type": "realtime"}}, "server")
    assert verdict.verdict == "unknown-type"
    assert "client event" in verdict.errors[0].got


def test_unknown_fields_are_kept_reported_and_dumped() -> None:
    fixture = next(f for f in VALID if f.id == "response-done-completed-usage")
    payload = with_member(fixture.payload, ["response", "usage", "input_token_details", "future_tokens"], 3)
    payload = with_member(payload, ["response", "output", 0, "content", 0, "annotations"], [{"kind": "x"}])
    payload = with_member(payload, ["sequence"], 17)
    verdict = judge_value(payload)
    assert verdict.verdict == "valid"
    assert {(u.path, u.type) for u in verdict.unknown_fields} == {
        ("$.response.usage.input_token_details.future_tokens", "integer"),
        ("$.response.output[0].content[0].annotations", "array"),
        ("$.sequence", "integer"),
    }
    assert first_difference(payload, verdict.event.wire()) is None


def test_explicit_nulls_survive_the_dump_and_no_default_is_injected() -> None:
    payload = {"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}, "tracing": None}}
    event = judge_value(payload).event
    assert event.wire() == payload


def test_numbers_keep_their_json_type_through_a_dump() -> None:
    fixture = next(f for f in VALID if f.id == "input-transcription-segment-integer-times")
    dumped = judge_value(fixture.payload).event.wire()
    assert type(dumped["start"]) is int and type(dumped["end"]) is int


def test_verdict_kinds_are_the_documented_five() -> None:
    assert VERDICTS == ("valid", "invalid", "unknown-type", "beta-name", "not-json")
