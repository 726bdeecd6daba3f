"""The wire family for every client: a client that only speaks gets the turn scenarios through its
audio, one that can do neither is not-implemented at INFO (never left out), the scripted server
speaks the implementation's dialect, and a client of another dialect is one finding that names both
and the first frame that shows it."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from conformance.adapters.scope import Scope
from conformance.adapters.wire import Settings, WireAdapter, WireClient
from conformance.broken.clients import BROKEN_CLIENTS_BY_NAME, DiesOnUnknownType
from conformance.checks import Driver, evaluate
from conformance.families import wire
from conformance.families.wire_dialect import SPEAKS_ANOTHER
from conformance.implementations.reference.adapter import ReferenceAdapter
from conformance.implementations.reference.dialects import DialectReferenceAdapter
from conformance.implementations.reference.wire import ReferenceClient

CHECKS = {check.id: check for check in wire.checks()}
SPOKEN = ("unknown-event-type", "recoverable-error", "function-call", "replay-spoken-response", "failed-response")


class _SpeaksOnly(WireAdapter):
    name = "speaks-only"
    missing = {"send-text": "its application has no text input (a phone line)"}

    def __init__(self, make: type[ReferenceClient] = ReferenceClient) -> None:
        self.make = make

    def client(self) -> WireClient:
        return self.make()


class _Client(ReferenceAdapter):
    """A client (not a model) with a scope and a wire adapter of its own."""

    conformance_class = "client"

    def __init__(self, wire_adapter: WireAdapter, scope: Scope = Scope()) -> None:
        self.name = wire_adapter.name  # type: ignore[misc]
        self._wire = wire_adapter
        self.scope = scope  # type: ignore[misc]

    def wire_adapter(self) -> WireAdapter:
        return self._wire


def _ids(scenario: str) -> list[str]:
    return [check_id for check_id in CHECKS if check_id.startswith(f"wire/{scenario}/")]


def test_a_client_that_only_speaks_gets_the_turn_scenarios_through_its_audio() -> None:
    adapter = _Client(_SpeaksOnly())
    results = {check_id: evaluate(CHECKS[check_id], Driver(adapter)) for scenario in SPOKEN for check_id in _ids(scenario)}
    assert {check_id: result.message for check_id, result in results.items() if not result.passed} == {}
    runs = adapter.wire_adapter().__dict__["_wire_runs"]
    assert {key[1].trigger for key in runs} == {"audio"}
    tolerance = next(run for key, run in runs.items() if key[0] == "unknown-event-type")
    assert [frame.event_type for frame in tolerance.session.client_frames].count("response.create") == 0
    assert any(frame.event_type == "input_audio_buffer.append" for frame in tolerance.session.client_frames)


def test_a_broken_client_that_only_speaks_is_caught_through_its_audio() -> None:
    adapter = _Client(_SpeaksOnly(DiesOnUnknownType))
    result = evaluate(CHECKS["wire/unknown-event-type/next-events-reach-app"], Driver(adapter))
    assert result.passed is False and result.cause is not None and result.cause.id == "receive-loop-ends/unknown-event-type"


class _Mute(WireAdapter):
    name = "mute"
    missing = {"send-text": "no text input", "append-audio": "no audio input"}

    def client(self) -> WireClient:
        raise AssertionError("no scenario may run")


def test_a_client_that_can_neither_type_nor_speak_is_not_implemented_at_info_never_left_out() -> None:
    by_scope = evaluate(CHECKS["wire/recoverable-error/stays-alive"], Driver(_Client(_Mute(), Scope(sends=frozenset({"session.instructions"})))))
    assert (by_scope.passed, by_scope.applicable, by_scope.level) == (None, True, "INFO")
    assert "cannot send text-input or audio-input" in by_scope.message
    by_api = evaluate(CHECKS["wire/recoverable-error/stays-alive"], Driver(_Client(_Mute())))
    assert (by_api.passed, by_api.applicable, by_api.level) == (None, True, "INFO")
    assert "send-text: no text input; append-audio: no audio input" in by_api.message


def test_a_configuration_outside_the_clients_scope_is_not_implemented_at_info() -> None:
    adapter = _Client(_Mute(), Scope(sends=frozenset({"text-input", "audio-input", "session.turn-detection"})))
    voice = evaluate(CHECKS["wire/config-voice/carries-configuration"], Driver(adapter))
    assert (voice.passed, voice.level) == (None, "INFO") and "cannot send session.voice" in voice.message


def test_refusing_to_leave_responses_to_the_client_is_outside_a_scope_that_says_so() -> None:
    """strands raises on turn detection with create_response or interrupt_response false: a setting
    it says it cannot send is not-implemented at INFO, not a client that cannot connect."""
    refuses = Scope(sends=frozenset({"text-input", "audio-input", "session.turn-detection"}), why={"session.turn-detection-responses": "raises ValueError (model.py:9)"})
    ran = evaluate(CHECKS["wire/config-server-vad/carries-configuration"], Driver(_Client(_SpeaksOnly(), refuses)))
    assert (ran.passed, ran.level) == (None, "INFO") and "cannot send session.turn-detection-responses" in ran.message
    assert refuses.unsendable(["session.turn-detection-responses"]) == ["session.turn-detection-responses"]
    assert Scope(sends=frozenset({"session.turn-detection"})).unsendable(["session.turn-detection-responses"]) == []


def test_the_server_speaks_the_implementations_dialect_and_the_dialect_reference_passes() -> None:
    adapter = DialectReferenceAdapter("xai")
    for check_id in (*_ids("session-config"), *_ids("unknown-event-type"), *_ids("function-call")):
        result = evaluate(CHECKS[check_id], Driver(adapter))
        assert result.passed, (check_id, result.message)
    run = next(run for key, run in adapter.wire_adapter().__dict__["_wire_runs"].items() if key[0] == "session-config")
    update = next(frame.event for frame in run.session.client_frames if frame.event_type == "session.update")
    assert "turn_detection" in update["session"] and "audio" not in update["session"]  # xAI's flat session on the wire
    assert run.session.dialect == "xai"


def test_a_setting_the_dialect_has_no_place_for_does_not_apply() -> None:
    result = evaluate(CHECKS["wire/config-semantic-vad/carries-configuration"], Driver(DialectReferenceAdapter("xai")))
    assert (result.passed, result.applicable) == (None, False) and "outside the xai dialect" in result.message


def test_a_client_of_another_dialect_is_one_finding_naming_both_and_the_first_frame() -> None:
    adapter = BROKEN_CLIENTS_BY_NAME["speaks-beta"].adapter()
    results = {check_id: evaluate(CHECKS[check_id], Driver(adapter)) for check_id in (*_ids("session-config"), *_ids("unknown-event-type"))}
    failing = {check_id: result for check_id, result in results.items() if result.passed is False}
    assert "wire/session-config/sends-valid-events" in failing and "wire/unknown-event-type/next-events-reach-app" in failing
    assert {result.cause for result in failing.values()} == {SPEAKS_ANOTHER}
    message = failing["wire/session-config/sends-valid-events"].message
    assert "beta" in message and "the server it is pointed at speaks ga" in message and "line 3, its session.update" in message


def test_a_ga_client_with_a_value_its_dialect_lacks_is_invalid_not_another_dialect() -> None:
    from conformance.families.wire_dialect import mismatch
    from conformance.live.wire_runner import run_scenario

    scenario = wire.SCENARIOS_BY_ID["config-semantic-vad"]
    run = run_scenario(_SpeaksOnly(), scenario.script(), scenario.settings, scenario.app, dialect="xai")
    assert mismatch(run) is None


# --- the function-call round trip as frameworks really make it ----------------------------------------


class _DeclaresUnderAPlugin(ReferenceClient):
    """Declares every tool as ``orders-<name>`` (Semantic Kernel's ``plugin-function``) and answers
    only a call by the name it declared."""

    async def connect(self, url: str, settings: Settings) -> None:
        tools = tuple(dataclasses.replace(tool, name=f"orders-{tool.name}") for tool in settings.tools)
        await super().connect(url, dataclasses.replace(settings, tools=tools))


class _WrapsItsToolResult(ReferenceClient):
    """Sends a tool's result inside its own list of content blocks (strands)."""

    async def send(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if item.get("type") == "function_call_output":
            event = {**event, "item": {**item, "output": json.dumps([{"text": item["output"]}])}}
        await super().send(event)


class _ChangesTheOutput(ReferenceClient):
    async def send(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if item.get("type") == "function_call_output":
            event = {**event, "item": {**item, "output": json.dumps([{"text": '{"status":"lost"}'}])}}
        await super().send(event)


def _round_trip(make: type[ReferenceClient]) -> str | None:
    adapter = _Client(_SpeaksOnly(make))
    adapter._wire.missing = {}  # it types too
    result = evaluate(CHECKS["wire/function-call/round-trip"], Driver(adapter))
    return None if result.passed else result.message


def test_the_model_calls_a_function_by_the_name_the_client_declared_it_under() -> None:
    assert _round_trip(_DeclaresUnderAPlugin) is None
    adapter = _Client(_SpeaksOnly(_DeclaresUnderAPlugin))
    adapter._wire.missing = {}
    configured = evaluate(CHECKS["wire/config-tools/carries-configuration"], Driver(adapter))
    assert configured.passed is True, configured.message


def test_a_tool_result_wrapped_by_the_framework_is_the_output_and_a_changed_one_is_not() -> None:
    assert _round_trip(_WrapsItsToolResult) is None
    changed = _round_trip(_ChangesTheOutput)
    assert changed is not None and "not what the application's function returned" in changed
