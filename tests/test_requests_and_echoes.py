"""What a client may send is held to the spec's own nullability and request-only rules; what a
server sends is read tolerantly. Each case here was a false alarm or a gap of the suite before the
request forms existed (issue 15): the reference was too lax where the spec is strict."""

from __future__ import annotations

import pytest

from conformance import judge_value
from conformance.protocol import CLIENT_EVENT_MODELS
from conformance.protocol.nullability import NULLABLE_IN_REQUESTS, request_form
from conformance.protocol.session import AudioInput
from conformance.schema import json_schema


def verdict(event: dict) -> tuple[str, list[str]]:
    judged = judge_value(event)
    return judged.verdict, [error.path for error in judged.errors]


def session_update(**session) -> dict:
    return {"type": "session.update", "session": {"type": "realtime", **session}}


@pytest.mark.parametrize(
    ("event", "path"),
    [
        ({"type": "input_audio_buffer.commit", "event_id": None}, "$.event_id"),
        ({"type": "conversation.item.create", "previous_item_id": None, "item": {"type": "function_call_output", "call_id": "c", "output": "{}"}}, "$.previous_item_id"),
        ({"type": "response.cancel", "response_id": None}, "$.response_id"),
        (session_update(instructions=None), "$.session.instructions"),
        (session_update(audio={"input": {"format": {"type": "audio/pcm", "rate": None}}}), "$.session.audio.input.format.rate"),
        (session_update(audio={"output": {"voice": None}}), "$.session.audio.output.voice"),
        ({"type": "response.create", "response": {"instructions": None}}, "$.response.instructions"),
        ({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "status": None, "content": []}}, "$.item.status"),
    ],
)
def test_a_client_may_not_send_null_where_the_spec_types_a_value(event: dict, path: str) -> None:
    assert verdict(event) == ("invalid", [path])


@pytest.mark.parametrize(
    "event",
    [
        session_update(audio={"input": {"turn_detection": None, "transcription": None, "noise_reduction": None}}),
        session_update(audio={"input": {"turn_detection": {"type": "server_vad", "idle_timeout_ms": None}}}),
        session_update(tracing=None, prompt=None),
        session_update(prompt={"id": "pmpt_1", "version": None, "variables": None}),
        session_update(tools=[{"type": "mcp", "server_label": "x", "headers": None, "allowed_tools": None, "require_approval": None}], tool_choice={"type": "mcp", "server_label": "x", "name": None}),
        {"type": "response.create", "response": {"metadata": None, "prompt": None}},
        {"type": "conversation.item.create", "item": {"type": "mcp_approval_response", "id": "a", "approval_request_id": "r", "approve": True, "reason": None}},
    ],
)
def test_a_client_may_send_null_where_the_spec_allows_it_or_says_null_turns_a_feature_off(event: dict) -> None:
    assert verdict(event) == ("valid", [])


def test_every_nullable_request_field_names_a_real_field() -> None:
    from conformance.protocol import base

    classes = {cls.__name__: cls for cls in _subclasses(base.Model)}
    for owner, name in NULLABLE_IN_REQUESTS:
        assert name in classes[owner].model_fields, (owner, name)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_servers_are_still_read_tolerantly() -> None:
    echo = {"type": "session.updated", "event_id": "e", "session": {"type": "realtime", "id": "s", "object": "realtime.session", "instructions": None, "audio": {"output": {"voice": None}}}}
    assert verdict(echo) == ("valid", [])


def test_request_forms_are_derived_not_duplicated() -> None:
    requested = request_form(AudioInput)
    assert issubclass(requested, AudioInput) and requested is request_form(AudioInput)
    schema = json_schema(event_type="input_audio_buffer.commit")["properties"]["event_id"]
    assert schema["type"] == "string" and schema["maxLength"] == 512
    assert "anyOf" not in schema, "a client's event_id is not nullable in the schema the property family generates from"
    assert CLIENT_EVENT_MODELS["input_audio_buffer.commit"].__module__ == "conformance.protocol.nullability"


def test_a_client_may_not_ask_for_both_output_modalities() -> None:
    assert verdict(session_update(output_modalities=["text", "audio"])) == ("invalid", ["$.session.output_modalities"])
    assert verdict({"type": "response.create", "response": {"output_modalities": ["audio", "text"]}}) == ("invalid", ["$.response.output_modalities"])
    assert verdict(session_update(output_modalities=["text"])) == ("valid", [])


def test_conversation_object_must_be_realtime_conversation() -> None:
    event = {"type": "conversation.created", "event_id": "e", "conversation": {"id": "c", "object": "realtime.conversation"}}
    assert verdict(event) == ("valid", [])
    event["conversation"]["object"] = "conversation"
    assert verdict(event) == ("invalid", ["$.conversation.object"])


def test_a_transcription_session_echo_supports_only_server_vad() -> None:
    session = {"type": "transcription", "id": "s", "object": "realtime.transcription_session", "audio": {"input": {"turn_detection": {"type": "server_vad"}}}}
    event = {"type": "session.created", "event_id": "e", "session": session}
    assert verdict(event) == ("valid", [])
    session["audio"]["input"]["turn_detection"]["type"] = "semantic_vad"
    assert verdict(event) == ("invalid", ["$.session.audio.input.turn_detection.type"])


def test_response_create_input_may_reference_existing_items_and_only_there() -> None:
    create = {"type": "response.create", "response": {"conversation": "none", "input": [{"type": "item_reference", "id": "item_1"}]}}
    assert verdict(create) == ("valid", [])
    added = {"type": "conversation.item.added", "event_id": "e", "item": {"type": "item_reference", "id": "item_1"}}
    assert verdict(added)[0] == "invalid"
    item_create = {"type": "conversation.item.create", "item": {"type": "item_reference", "id": "item_1"}}
    assert verdict(item_create)[0] == "invalid"


def test_beta_assistant_content_is_read_from_servers_but_not_sent_by_clients() -> None:
    retrieved = {"type": "conversation.item.retrieved", "event_id": "e", "item": {"id": "i", "type": "message", "role": "assistant", "content": [{"type": "audio", "transcript": "Hi."}]}}
    assert verdict(retrieved) == ("valid", [])
    created = {"type": "conversation.item.create", "item": {"type": "message", "role": "assistant", "content": [{"type": "text", "text": "Hi."}]}}
    assert verdict(created) == ("invalid", ["$.item.content[0].type"])
    created["item"]["content"][0]["type"] = "output_text"
    assert verdict(created) == ("valid", [])


def test_every_null_a_library_is_asked_to_read_is_one_servers_are_shown_to_send() -> None:
    """The valid server fixtures hold null only where the spec allows it or servers were seen to
    send it, and so does every generated server event (the property family's schema)."""
    from pydantic import ValidationError

    from conformance.protocol import SERVER_EVENT_MODELS
    from conformance.protocol.nullability import server_form

    from .helpers import VALID

    unevidenced = []
    for fixture in VALID:
        if fixture.direction == "server":
            try:
                server_form(SERVER_EVENT_MODELS[fixture.payload["type"]]).model_validate(fixture.payload)
            except ValidationError as error:
                unevidenced.append(f"{fixture.id}: {error.errors()[0]['loc']}")
    assert unevidenced == []


def test_generated_server_events_hold_null_only_where_servers_send_it() -> None:
    from conformance.schema import generation_schema

    response = generation_schema("response.created")["$defs"]["Response"]["properties"]
    assert "anyOf" not in response["id"] and response["id"]["type"] == "string"
    assert {"type": "null"} in response["status_details"]["anyOf"]
    echo = json_schema(event_type="response.created")["$defs"]["Response"]["properties"]["id"]
    assert {"type": "null"} in echo["anyOf"], "the reference still reads a null id from a server"


def test_every_nullable_server_member_names_a_real_field() -> None:
    from conformance.protocol import base
    from conformance.protocol.nullability import NULLABLE_FROM_SERVERS

    classes = {cls.__name__: cls for cls in _subclasses(base.Model)}
    for owner, name in NULLABLE_FROM_SERVERS:
        assert name in classes[owner].model_fields, (owner, name)


def test_item_references_are_read_but_not_generated() -> None:
    from conformance.schema import generation_schema

    assert "ItemReference" in json_schema(event_type="response.create")["$defs"]
    assert "item_reference" not in str(generation_schema("response.create"))
