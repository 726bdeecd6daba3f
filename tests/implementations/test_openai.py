"""The openai SDK as two implementations: its types as a model (the unions' own validation) and its
connection as a client (parse_event, which never rejects). tox -e openai-types and -e openai run this."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("openai.types.realtime")

from conformance.implementations.openai.adapter import OpenAISDKAdapter  # noqa: E402
from conformance.implementations.openai_types.adapter import OpenAITypesAdapter  # noqa: E402

PING = json.dumps({"type": "ping", "event_id": "e"})
STARTED = {"type": "input_audio_buffer.speech_started", "event_id": "e", "audio_start_ms": 10, "item_id": "i"}
REFERENCE = {"type": "response.create", "response": {"input": [{"type": "item_reference", "id": "item_1"}]}}


def test_the_types_reject_what_they_do_not_model_and_the_connection_keeps_it_in_a_known_class() -> None:
    assert OpenAITypesAdapter().parse("server", PING).outcome == "rejected"
    parsed = OpenAISDKAdapter().parse("server", PING)
    assert (parsed.outcome, parsed.event_type, parsed.model_type) == ("accepted", "ping", "conversation.created")


def test_the_types_reject_an_invalid_event_the_connection_accepts() -> None:
    missing = json.dumps({key: value for key, value in STARTED.items() if key != "item_id"})
    assert OpenAITypesAdapter().parse("server", missing).outcome == "rejected"
    assert OpenAISDKAdapter().parse("server", missing).outcome == "accepted"


def test_both_give_back_a_valid_event_as_it_came() -> None:
    for adapter in (OpenAITypesAdapter(), OpenAISDKAdapter()):
        parsed = adapter.parse("server", json.dumps(STARTED))
        assert parsed.outcome == "accepted" and adapter.dump("server", parsed.obj) == STARTED


def test_the_models_cannot_build_an_item_reference_the_connection_sends() -> None:
    with pytest.raises(Exception, match="validation error"):
        OpenAITypesAdapter().build_client(REFERENCE)
    assert json.loads(OpenAISDKAdapter().build_client(REFERENCE)) == REFERENCE


def test_the_types_are_a_model_and_the_connection_a_client_of_everything() -> None:
    assert OpenAITypesAdapter.conformance_class == "model" and OpenAISDKAdapter.conformance_class == "client"
    assert OpenAISDKAdapter.scope.consumes is None and OpenAISDKAdapter.builds_events
