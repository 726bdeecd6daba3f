"""Semantic Kernel's adapters: its service's receive() on the SDK's connection over a stand-in socket,
its send path, and the service on a live socket (tox -e semantic-kernel runs this; it skips without
semantic-kernel)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("semantic_kernel.connectors.ai.open_ai")

from conformance.checks import Driver  # noqa: E402
from conformance.families.wire import SCENARIOS_BY_ID, next_events_reach_app  # noqa: E402
from conformance.implementations.semantic_kernel.adapter import SemanticKernelAdapter  # noqa: E402
from conformance.implementations.semantic_kernel.wire import SemanticKernelWireAdapter  # noqa: E402
from conformance.live.wire_runner import run_scenario  # noqa: E402


@pytest.fixture(scope="module")
def adapter() -> SemanticKernelAdapter:
    return SemanticKernelAdapter()


def test_every_event_reaches_the_application_typed_by_the_sdk(adapter: SemanticKernelAdapter) -> None:
    delta = {"type": "response.output_audio.delta", "event_id": "e", "response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0, "delta": "AAAA"}
    parsed = Driver(adapter).parse("server", json.dumps(delta))
    assert (parsed.outcome, parsed.event_type, parsed.model_type) == ("accepted", "response.output_audio.delta", "response.output_audio.delta")
    assert adapter.dump("server", parsed.obj) == delta
    unknown = adapter.parse("server", json.dumps({"type": "response.output_audio_timing.delta", "event_id": "e"}))
    assert (unknown.event_type, unknown.model_type) == ("response.output_audio_timing.delta", "conversation.created")


def test_an_argument_delta_is_read_after_its_output_item_added(adapter: SemanticKernelAdapter) -> None:
    delta = {"type": "response.function_call_arguments.delta", "event_id": "e", "response_id": "r", "item_id": "i", "output_index": 0, "call_id": "call_1", "delta": "{"}
    parsed = adapter.parse("server", json.dumps(delta))
    assert parsed.outcome == "accepted" and adapter.dump("server", parsed.obj) == delta
    unnamed = adapter.parse("server", json.dumps({**delta, "call_id": ""}))  # the map learns only non-empty call ids (:331)
    assert unnamed.outcome == "rejected" and "KeyError" in unnamed.detail


def test_a_frame_that_is_not_json_ends_receive(adapter: SemanticKernelAdapter) -> None:
    assert adapter.parse("server", "not json").outcome == "rejected"


def test_its_send_path(adapter: SemanticKernelAdapter) -> None:
    assert json.loads(adapter.build_client({"type": "response.create"})) == {"type": "response.create", "event_id": None, "response": None}
    assert json.loads(adapter.build_client({"type": "response.cancel"})) == {"type": "response.cancel", "response_id": None}
    sent = json.loads(adapter.build_client({"type": "session.update", "session": {"type": "realtime", "instructions": "Be brief."}}))
    assert sent["session"] == {"type": "realtime", "instructions": "Be brief.", "model": "gpt-realtime"}
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi"}]}
    assert json.loads(adapter.build_client({"type": "conversation.item.create", "item": item}))["item"] == item


def test_on_the_wire_it_reads_on_after_a_frame_that_is_not_json() -> None:
    scenario = SCENARIOS_BY_ID["not-json-frame"]
    played = run_scenario(SemanticKernelWireAdapter(), scenario.build(), scenario.settings, scenario.app, bound=scenario.bound)
    assert played.failure is None and not played.leftovers
    assert any(s.kind == "error" and "JSONDecodeError" in s.detail["message"] for s in played.seen)
    assert next_events_reach_app(scenario, played).passed


def test_on_the_wire_its_functions_are_named_plugin_function() -> None:
    scenario = SCENARIOS_BY_ID["function-call"]
    played = run_scenario(SemanticKernelWireAdapter(), scenario.build(), scenario.settings, scenario.app, bound=scenario.bound)
    update = next(frame.event for frame in played.session.client_frames if frame.event_type == "session.update")
    assert [tool["name"] for tool in update["session"]["tools"]] == ["conformance-lookup_order"]
    assert update["session"]["tools"][0]["parameters"]["properties"] == {"order_number": {"type": "string"}}


def test_on_the_wire_its_audio_goes_out_as_input_audio_buffer_append() -> None:
    import base64

    from conformance.adapters.wire import AppStep, Settings

    app = (AppStep("pause", seconds=0.2), AppStep("append_audio", seconds=0.1), AppStep("pause", seconds=0.3))
    played = run_scenario(SemanticKernelWireAdapter(), SCENARIOS_BY_ID["connect"].build(), Settings(), app, bound=5)
    assert played.failure is None and not played.leftovers
    appended = [frame.event for frame in played.session.client_frames if frame.event_type == "input_audio_buffer.append"]
    assert sum(len(base64.b64decode(event["audio"])) for event in appended) == 4800
