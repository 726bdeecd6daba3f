"""openai-agents' adapter gives what its application receives: the raw event, untouched, and a
rejection only where the model's own handling refuses an event (tox -e openai-agents runs this)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("agents.realtime")

from conformance.adapters.adapter import NotApplicable  # noqa: E402
from conformance.checks import Driver, evaluate  # noqa: E402
from conformance.families import corpus  # noqa: E402
from conformance.implementations.openai_agents.adapter import OpenAIAgentsAdapter  # noqa: E402

CORPUS = {check.id: check for check in corpus.checks()}
ADDED = {"type": "conversation.item.added", "event_id": "event_1", "previous_item_id": None,
         "item": {"id": "item_1", "object": "realtime.item", "type": "message", "status": "completed", "role": "user",
                  "content": [{"type": "input_text", "text": "hi"}]}}


@pytest.fixture(scope="module")
def adapter() -> OpenAIAgentsAdapter:
    return OpenAIAgentsAdapter()


def test_previous_item_id_null_reaches_the_application_untouched(adapter: OpenAIAgentsAdapter) -> None:
    parsed = adapter.parse("server", json.dumps(ADDED))
    assert (parsed.outcome, parsed.event_type, parsed.untyped) == ("accepted", "conversation.item.added", True)
    assert adapter.dump("server", parsed.obj) == ADDED  # the model validated a copy with "" (openai_realtime.py:1414-1415)


@pytest.mark.parametrize("check_id", [
    "corpus/captured-peeb-cleanstop-conversation-item-added-1/lossless-dump",
    "corpus/input-audio-committed-first-item/lossless-dump",
    "corpus/conversation-item-created-user-audio/lossless-dump",
])
def test_a_valid_event_with_previous_item_id_null_passes_lossless_dump(adapter: OpenAIAgentsAdapter, check_id: str) -> None:
    ran = evaluate(CORPUS[check_id], Driver(adapter))
    assert ran.passed is True, ran.message


def test_a_handler_that_raises_is_a_rejection_that_ends_the_session(adapter: OpenAIAgentsAdapter) -> None:
    system = {"type": "conversation.item.added", "event_id": "e", "item": {"type": "message", "role": "system", "content": [{}]}}
    parsed = adapter.parse("server", json.dumps(system))
    assert parsed.outcome == "rejected" and "event iterator" in parsed.detail


def test_an_event_its_validation_refuses_is_rejected(adapter: OpenAIAgentsAdapter) -> None:
    parsed = adapter.parse("server", json.dumps({"type": "input_audio_buffer.speech_started", "event_id": "e", "audio_start_ms": [], "item_id": "i"}))
    assert parsed.outcome == "rejected" and "RealtimeError" in parsed.detail


def test_an_unknown_type_is_never_reported_as_another(adapter: OpenAIAgentsAdapter) -> None:
    parsed = adapter.parse("server", json.dumps({"type": "ping", "event_id": "e"}))
    assert parsed.outcome != "accepted" or parsed.event_type == "ping"


def test_it_sends_what_the_raw_message_path_sends(adapter: OpenAIAgentsAdapter) -> None:
    update = {"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}}}
    assert json.loads(adapter.build_client(update)) == update
    created = json.loads(adapter.build_client({"type": "response.create", "response": {"instructions": "x"}}))
    assert created["response"] == {"instructions": "x"} and created["event_id"]  # stamped by its sequencer (:878-882)
    with pytest.raises(ValueError, match="sent nothing"):  # the SDK's union has no item_reference input
        adapter.build_client({"type": "response.create", "response": {"input": [{"type": "item_reference", "id": "item_1"}]}})


def test_it_is_a_client_of_every_type_whose_application_builds_events(adapter: OpenAIAgentsAdapter) -> None:
    assert adapter.conformance_class == "client" and adapter.scope.consumes is None and adapter.builds_events
    try:
        Driver(adapter).build_client({"type": "response.cancel"})
    except NotApplicable:  # pragma: no cover - the failure this test exists for
        pytest.fail("openai-agents' application builds events through RealtimeModelSendRawMessage")
