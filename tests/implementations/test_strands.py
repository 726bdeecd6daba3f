"""strands' adapters: its model's receive loop fed one frame on a stand-in socket, and the model on a
live socket (tox -e strands runs this; it skips without strands-agents)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("strands.bidi.models.openai.realtime")

from conformance.adapters.adapter import NotApplicable  # noqa: E402
from conformance.checks import Driver  # noqa: E402
from conformance.families.wire import SCENARIOS_BY_ID, function_round_trip  # noqa: E402
from conformance.implementations.strands.adapter import StrandsAdapter  # noqa: E402
from conformance.implementations.strands.wire import StrandsWireAdapter  # noqa: E402
from conformance.live.wire_runner import run_scenario  # noqa: E402

WHERE = {"event_id": "e", "response_id": "resp_1", "item_id": "item_1", "output_index": 0, "content_index": 0}


@pytest.fixture(scope="module")
def adapter() -> StrandsAdapter:
    return StrandsAdapter()


def _parse(adapter: StrandsAdapter, event: dict) -> tuple:
    parsed = Driver(adapter).parse("server", json.dumps(event))
    return parsed, (adapter.dump("server", parsed.obj) if parsed.outcome == "accepted" else None)


def test_audio_and_transcript_deltas_reach_the_application_as_sent(adapter: StrandsAdapter) -> None:
    _, dumped = _parse(adapter, {"type": "response.output_audio.delta", **WHERE, "delta": "AAAA"})
    assert dumped == {"type": "response.output_audio.delta", "delta": "AAAA"}
    _, dumped = _parse(adapter, {"type": "response.output_audio_transcript.delta", **WHERE, "delta": "Hi"})
    assert dumped == {"type": "response.output_audio_transcript.delta", "delta": "Hi", "response_id": "resp_1"}


def test_an_empty_delta_loses_nothing(adapter: StrandsAdapter) -> None:
    parsed, dumped = _parse(adapter, {"type": "response.output_text.delta", **WHERE, "delta": ""})
    assert parsed.obj["produced"] == [] and dumped == {"type": "response.output_text.delta", "delta": "", "response_id": "resp_1"}


def test_a_segment_reaches_the_application_without_its_text(adapter: StrandsAdapter) -> None:
    segment = {"type": "conversation.item.input_audio_transcription.segment", "event_id": "e", "item_id": "item_1", "content_index": 0,
               "text": "Hello.", "id": "seg_1", "speaker": "A", "start": 0.0, "end": 1.0}
    parsed, dumped = _parse(adapter, segment)
    assert parsed.outcome == "accepted" and "text" not in dumped  # it reads event["segment"]["text"] (:660-663)


def test_a_failed_transcription_ends_the_receive_loop(adapter: StrandsAdapter) -> None:
    failed = {"type": "conversation.item.input_audio_transcription.failed", "event_id": "e", "item_id": "item_1", "content_index": 0,
              "error": {"type": "transcription_error", "code": "audio_unintelligible", "message": "The audio could not be transcribed.", "param": None}}
    parsed, _ = _parse(adapter, failed)
    assert parsed.outcome == "rejected" and "RuntimeError" in parsed.detail


def test_response_done_is_read_after_its_response_created(adapter: StrandsAdapter) -> None:
    usage = {"total_tokens": 3, "input_tokens": 1, "output_tokens": 2, "input_token_details": {"text_tokens": 1, "audio_tokens": 0}}
    done = {"type": "response.done", "event_id": "e", "response": {"id": "resp_1", "object": "realtime.response", "status": "completed", "output": [], "usage": usage}}
    parsed, dumped = _parse(adapter, done)
    assert [event["type"] for event in parsed.obj["produced"]] == ["bidi_usage", "bidi_response_stop"]  # not the primer's start
    assert dumped["response"] == {"id": "resp_1", "usage": usage}


def test_unhandled_types_are_ignored_and_non_json_rejected(adapter: StrandsAdapter) -> None:
    assert _parse(adapter, {"type": "response.output_audio_timing.delta", "event_id": "e"})[0].outcome == "ignored"
    assert adapter.parse("server", "not json").outcome == "rejected"


def test_its_application_builds_no_protocol_events(adapter: StrandsAdapter) -> None:
    assert adapter.conformance_class == "client" and not adapter.builds_events
    assert "session.turn-detection-off" not in adapter.scope.sends and "session.turn-detection-off" in adapter.scope.why
    with pytest.raises(NotApplicable):
        Driver(adapter).build_client({"type": "response.cancel"})


def test_on_the_wire_it_answers_a_function_call_and_restores_the_url() -> None:
    from strands.bidi.models.openai import realtime

    scenario = SCENARIOS_BY_ID["function-call"]
    before = realtime.OPENAI_REALTIME_URL
    played = run_scenario(StrandsWireAdapter(), scenario.build(), scenario.settings, scenario.app, bound=scenario.bound)
    assert played.failure is None and not played.leftovers
    assert realtime.OPENAI_REALTIME_URL == before
    assert [s.detail["name"] for s in played.seen if s.kind == "function-call"] == ["lookup_order"]
    sent = [frame.event for frame in played.session.client_frames]
    assert sent[0]["type"] == "session.update" and sent[0]["session"]["tools"][0]["name"] == "lookup_order"
    output = next(e["item"] for e in sent if e["type"] == "conversation.item.create" and e["item"]["type"] == "function_call_output")
    assert output["call_id"] == "call_w1" and json.loads(output["output"]) == [{"text": '{"status":"shipped"}'}]  # the content blocks (:872-875)
    judged = function_round_trip(scenario, played)  # the function's output, whole inside strands' blocks
    assert judged.passed, judged.message


def test_voice_activity_detection_cannot_be_turned_off() -> None:
    from conformance.adapters.wire import Settings

    played = run_scenario(StrandsWireAdapter(), SCENARIOS_BY_ID["connect"].build(), Settings(turn_detection="off"), (), bound=5)
    assert played.failure is not None and "ValueError" in played.failure


def test_on_the_wire_its_audio_goes_out_as_input_audio_buffer_append() -> None:
    import base64

    from conformance.adapters.wire import AppStep, Settings

    app = (AppStep("pause", seconds=0.2), AppStep("append_audio", seconds=0.1), AppStep("pause", seconds=0.3))
    played = run_scenario(StrandsWireAdapter(), SCENARIOS_BY_ID["connect"].build(), Settings(), app, bound=5)
    assert played.failure is None and not played.leftovers
    appended = [frame.event for frame in played.session.client_frames if frame.event_type == "input_audio_buffer.append"]
    assert sum(len(base64.b64decode(event["audio"])) for event in appended) == 4800
