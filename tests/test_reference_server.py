"""The reference server: everything it sends is valid and free of session findings, and each
behaviour of the GA server side works as session-rules.md describes it."""

from __future__ import annotations

import asyncio
import base64
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus

from conformance.families.probe import SCENARIOS
from conformance.live import audio
from conformance.live.probe import Limits, Target
from conformance.live.reference_server import ReferenceServer, ServerOptions
from conformance.live.vad import Settings, VoiceDetector
from conformance.sessions.rules import check_frames
from conformance.verdict import judge_value

from .live_client import AUTH, Client, nothing_left_behind, session

NO_VAD = {"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}}}


@pytest.fixture(scope="module")
def server() -> Any:
    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.02, idle_scale=0.01, clock=lambda: 1_700_000_000)) as running:
        yield running


def say(text: str, **item: Any) -> dict[str, Any]:
    return {"type": "conversation.item.create", "item": {**item, "type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}}


def append(data: bytes, chunk: int = 4800) -> list[dict[str, Any]]:
    return [{"type": "input_audio_buffer.append", "audio": base64.b64encode(data[i : i + chunk]).decode()} for i in range(0, len(data), chunk)]


# --- validity of everything it sends -------------------------------------------------------------


def test_everything_it_sends_in_every_probe_scenario_is_valid_and_free_of_session_findings() -> None:
    from conformance.families.probe import probe

    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.05)) as server:
        asyncio.run(probe(Target(server.url, tuple(AUTH.items())), SCENARIOS, Limits(timeout=5, settle=0.1)))
        server.stop()
        connections = server.connections
    assert len(connections) == len(SCENARIOS)
    problems = []
    for connection in connections:
        server_lines = {frame.line for frame in connection.frames if frame.dir == "server"}
        for frame in connection.frames:
            if frame.dir == "server":
                verdict = judge_value(frame.event, "server")
                if not verdict.ok or verdict.unknown_fields:
                    problems.append((connection.number, frame.line, frame.event_type, verdict.verdict, verdict.errors, verdict.unknown_fields))
        result = check_frames(connection.frames, transport="websocket")
        problems += [(connection.number, f.rule, f.level, f.message) for f in result.findings if f.line in server_lines and f.level != "INFO"]
    assert problems == []


# --- the handshake ------------------------------------------------------------------------------


def test_the_handshake_needs_the_realtime_path_and_a_credential_whose_value_is_never_kept(tmp_path: Path) -> None:
    with nothing_left_behind(), ReferenceServer(record_dir=tmp_path) as server:
        for path, headers, status in (("/v1/other", AUTH, 404), ("/v1/realtime", {}, 401)):
            with pytest.raises(InvalidStatus) as refused:
                session(server.live.url + path, lambda client: asyncio.sleep(0), headers=headers)
            assert refused.value.response.status_code == status
        created = session(server.url, lambda client: asyncio.sleep(0, client.seen), headers={"api-key": "sk-proj-secretvalue1234567890"})
        assert created[0]["session"]["model"] == "gpt-realtime"
        server.stop()
    recorded = (tmp_path / "connection-1.jsonl").read_text()
    assert "session.created" in recorded and "secretvalue" not in recorded


def test_ids_and_events_are_deterministic(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send(NO_VAD)
        await client.send(say("one two three"))
        await client.send({"type": "response.create"})
        await client.until("response.done")
        return client.seen

    first, second = session(server.url, script), session(server.url, script)
    assert [e["type"] for e in first] == [e["type"] for e in second]
    # The session and conversation ids name the connection; nothing else may differ.
    def normal(events: list[dict[str, Any]]) -> str:
        number = events[0]["session"]["id"].removeprefix("sess_")
        return json.dumps(events).replace(f"sess_{number}", "sess_N").replace(f"conv_{number}", "conv_N")

    assert first[0]["session"]["id"] != second[0]["session"]["id"]
    assert normal(first) == normal(second)
    assert [e["event_id"] for e in first][:3] == ["event_0001", "event_0002", "event_0003"]


# --- session configuration ----------------------------------------------------------------------


def test_session_updated_echoes_the_effective_configuration_explicit_null_included(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send(NO_VAD)
        null = (await client.until("session.updated"))[-1]["session"]
        await client.send({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": {"type": "server_vad", "silence_duration_ms": 700}, "transcription": {"model": "whisper-1", "keywords": ["x"]}}, "output": {"voice": {"id": "voice_123"}}}, "parallel_tool_calls": True}})
        vad = (await client.until("session.updated"))[-1]["session"]
        return [null, vad]

    null, vad = session(server.url, script)
    assert "turn_detection" in null["audio"]["input"] and null["audio"]["input"]["turn_detection"] is None
    assert vad["audio"]["input"]["turn_detection"] == {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 700, "idle_timeout_ms": None, "create_response": True, "interrupt_response": True}
    assert vad["audio"]["input"]["transcription"] == {"model": "whisper-1"}  # keywords are request-only
    assert vad["audio"]["output"]["voice"] == "voice_123" and "parallel_tool_calls" not in vad


def test_a_tool_choice_naming_an_unknown_function_or_a_type_change_is_refused(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send({"type": "session.update", "event_id": "e1", "session": {"type": "realtime", "tool_choice": {"type": "function", "name": "nope"}}})
        await client.send({"type": "session.update", "event_id": "e2", "session": {"type": "transcription"}})
        return [(await client.until("error"))[-1], (await client.until("error"))[-1]]

    first, second = session(server.url, script)
    assert (first["error"]["event_id"], first["error"]["param"]) == ("e1", "session.tool_choice")
    assert (second["error"]["event_id"], second["error"]["param"]) == ("e2", "session.type")


# --- responses ----------------------------------------------------------------------------------


def test_a_text_response_has_the_full_lifecycle_and_its_deltas_join_into_the_text(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send({"type": "session.update", "session": {"type": "realtime", "output_modalities": ["text"], "audio": {"input": {"turn_detection": None}}}})
        await client.send(say("hello there"))
        await client.send({"type": "response.create"})
        return await client.until("response.done")

    events = session(server.url, script)
    kinds = [e["type"] for e in events if e["type"].startswith(("response.", "conversation.item"))]
    assert kinds.index("response.created") < kinds.index("response.output_item.added") < kinds.index("response.content_part.added") < kinds.index("response.output_text.delta")
    text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    done = next(e for e in events if e["type"] == "response.output_text.done")
    assert text == done["text"] == "You said: hello there"
    final = events[-1]["response"]
    assert final["status"] == "completed" and final["output"][0]["content"] == [{"type": "output_text", "text": "You said: hello there"}]


@pytest.mark.parametrize(("fmt", "per_delta"), [("audio/pcm", 4800), ("audio/pcmu", 800), ("audio/pcma", 800)])
def test_audio_deltas_are_whole_frames_of_the_session_format(server: ReferenceServer, fmt: str, per_delta: int) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}, "output": {"format": {"type": fmt}}}}})
        await client.send(say("a b c"))
        await client.send({"type": "response.create"})
        return await client.until("response.done")

    events = session(server.url, script)
    deltas = [base64.b64decode(e["delta"]) for e in events if e["type"] == "response.output_audio.delta"]
    assert len(deltas) == 5 and {len(d) for d in deltas} == {per_delta}  # "You said: a b c": five words
    assert audio.rms(audio.decode(deltas[0], audio.FORMATS[fmt])) > 0.1
    assert events[-1]["response"]["audio"]["output"]["format"]["type"] == fmt


def test_a_forced_function_call_its_output_and_the_follow_up(server: ReferenceServer) -> None:
    tool = {"type": "function", "name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city", "days"]}}

    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send({"type": "session.update", "session": {"type": "realtime", "tools": [tool], "audio": {"input": {"turn_detection": None}}}})
        await client.send({"type": "conversation.item.create", "event_id": "bad", "item": {"type": "function_call_output", "call_id": "call_nope", "output": "{}"}})
        error = (await client.until("error"))[-1]
        await client.send({"type": "response.create", "response": {"tool_choice": {"type": "function", "name": "get_weather"}}})
        call = (await client.until("response.function_call_arguments.done"))[-1]
        await client.until("response.done")
        await client.send({"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": call["call_id"], "output": '{"c": 21}'}})
        await client.send({"type": "response.create"})
        follow = await client.until("response.done")
        return [error, call, follow[-1]]

    error, call, follow = session(server.url, script)
    assert error["error"]["event_id"] == "bad"
    assert call["name"] == "get_weather" and json.loads(call["arguments"]) == {"city": "example", "days": 1}
    assert follow["response"]["output"][0]["content"][0]["transcript"] == 'The function returned {"c": 21}'


def test_a_function_named_in_the_users_words_is_called_under_tool_choice_auto(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send({"type": "session.update", "session": {"type": "realtime", "tools": [{"type": "function", "name": "lookup_order"}], "audio": {"input": {"turn_detection": None}}}})
        await client.send(say("please lookup_order now"))
        await client.send({"type": "response.create"})
        return await client.until("response.done")

    done = session(server.url, script)[-1]
    assert done["response"]["output"][0]["type"] == "function_call" and done["response"]["output"][0]["name"] == "lookup_order"


def test_mcp_tools_are_imported_from_a_stub_and_called_with_and_without_approval(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[Any]:
        tools = [{"type": "mcp", "server_label": "free", "server_url": "https://x.invalid", "require_approval": "never", "authorization": "sk-proj-mcpsecret0123456789abcdef"}, {"type": "mcp", "server_label": "asks", "server_url": "https://y.invalid", "allowed_tools": ["add"]}]
        await client.send({"type": "session.update", "session": {"type": "realtime", "tools": tools, "audio": {"input": {"turn_detection": None}}}})
        updated = (await client.until("session.updated"))[-1]
        imports = await client.until("mcp_list_tools.completed", lambda e: True, limit=50)
        imports += await client.until("mcp_list_tools.completed")
        await client.send({"type": "response.create", "response": {"tool_choice": {"type": "mcp", "server_label": "free", "name": "add"}}})
        free = await client.until("response.done")
        await client.send({"type": "response.create", "response": {"tool_choice": {"type": "mcp", "server_label": "asks"}}})
        asked = (await client.until("response.done"))[-1]
        request = asked["response"]["output"][0]
        await client.send({"type": "conversation.item.create", "item": {"type": "mcp_approval_response", "id": "appr_1", "approval_request_id": request["id"], "approve": True}})
        await client.send({"type": "response.create"})
        approved = (await client.until("response.done"))[-1]
        return [updated, imports, free, request, approved]

    updated, imports, free, request, approved = session(server.url, script)
    assert "authorization" not in json.dumps(updated) and "mcpsecret" not in json.dumps(updated)
    listed = [e["item"]["tools"] for e in imports if e["type"] == "conversation.item.done"]
    assert [[t["name"] for t in tools] for tools in listed] == [["echo", "add"], ["add"]]
    kinds = [e["type"] for e in free]
    assert kinds.index("response.mcp_call_arguments.done") < kinds.index("response.mcp_call.in_progress") < kinds.index("response.mcp_call.completed")
    assert free[-1]["response"]["output"][0]["output"] == "2"
    assert request["type"] == "mcp_approval_request" and request["name"] == "add"
    assert approved["response"]["output"][0]["approval_request_id"] == request["id"]


def test_an_out_of_band_response_stays_out_of_the_conversation_and_echoes_metadata(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send(NO_VAD)
        await client.send(say(" ".join(["word"] * 30)))
        await client.send({"type": "response.create"})
        await client.until("response.created")
        await client.send({"type": "response.create", "response": {"conversation": "none", "metadata": {"k": "v"}, "output_modalities": ["text"], "input": [say("classify this")["item"]]}})
        events = await client.until("response.done")
        return events + await client.until("response.done")

    events = session(server.url, script)
    oob = next(e["response"] for e in events if e["type"] == "response.done" and e["response"]["conversation_id"] is None)
    assert oob["metadata"] == {"k": "v"} and oob["output"][0]["content"][0]["text"] == "You said: classify this"
    oob_items = {item["id"] for item in oob["output"]}
    assert not [e for e in events if e["type"].startswith("conversation.item") and e["item"]["id"] in oob_items]
    assert [e["response"]["status"] for e in events if e["type"] == "response.done"] == ["completed", "completed"]  # they overlapped


def test_cancel_closes_what_is_open_and_a_second_cancel_is_an_error(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send(NO_VAD)
        await client.send(say(" ".join(["word"] * 60)))
        await client.send({"type": "response.create"})
        await client.until("response.output_audio.delta")
        await client.send({"type": "response.cancel"})
        events = await client.until("response.done")
        await client.send({"type": "response.cancel", "event_id": "again"})
        events += await client.until("error")
        return events

    events = session(server.url, script)
    done = next(e for e in events if e["type"] == "response.done")["response"]
    assert done["status"] == "cancelled" and done["status_details"] == {"type": "cancelled", "reason": "client_cancelled"}
    assert done["output"][0]["status"] == "incomplete"
    kinds = [e["type"] for e in events]
    assert kinds.index("response.output_audio.done") < kinds.index("response.content_part.done") < kinds.index("response.output_item.done") < kinds.index("response.done")
    transcript = next(e for e in events if e["type"] == "response.output_audio_transcript.done")["transcript"]
    assert transcript == "".join(e["delta"] for e in events if e["type"] == "response.output_audio_transcript.delta")
    assert events[-1]["error"]["code"] == "response_cancel_not_active" and events[-1]["error"]["event_id"] == "again"


def test_a_second_in_band_response_while_one_runs_is_refused(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send(NO_VAD)
        await client.send(say(" ".join(["word"] * 30)))
        await client.send({"type": "response.create"})
        await client.until("response.created")
        await client.send({"type": "response.create", "event_id": "second"})
        events = await client.until("response.done")
        return events + await client.quiet()

    events = session(server.url, script)
    error = next(e for e in events if e["type"] == "error")["error"]
    assert error["code"] == "conversation_already_has_active_response" and error["event_id"] == "second" and "resp_" in error["message"]
    assert [e["type"] for e in events].count("response.created") == 0  # the first was read before


def test_truncate_is_bounded_by_the_audio_generated(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send(NO_VAD)
        await client.send(say("one two", id="user_1"))
        await client.send({"type": "response.create"})
        done = (await client.until("response.done"))[-1]
        item = done["response"]["output"][0]["id"]
        answers = []
        for event_id, item_id, index, end in (("t1", item, 0, 401), ("t2", "user_1", 0, 0), ("t3", "nope", 0, 0), ("t4", item, 1, 0), ("t5", item, 0, 250)):
            await client.send({"type": "conversation.item.truncate", "event_id": event_id, "item_id": item_id, "content_index": index, "audio_end_ms": end})
            answers.append((await _next(client))[-1])
        return answers

    beyond, user, unknown, index, within = session(server.url, script)
    assert beyond["error"]["code"] == "invalid_value" and "400ms is already shorter than 401ms" in beyond["error"]["message"] and beyond["error"]["event_id"] == "t1"
    assert user["error"]["code"] == "unsupported_content_type"
    assert unknown["error"]["code"] == "item_truncate_invalid_item_id"
    assert index["error"]["param"] == "content_index"
    assert within["type"] == "conversation.item.truncated" and (within["content_index"], within["audio_end_ms"]) == (0, 250)


async def _next(client: Client) -> list[dict[str, Any]]:
    """The next event, rate limits aside (they may come anywhere: session-rules.md §3 item 2)."""
    while True:
        event = json.loads(await asyncio.wait_for(client.socket.recv(), 5))
        if event["type"] != "rate_limits.updated":
            return [event]


# --- conversation items -------------------------------------------------------------------------


def test_items_are_inserted_where_asked_retrieved_and_deleted(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        answers = []
        for event in (
            say("a", id="a"),
            say("b", id="b"),
            {**say("r", id="r"), "previous_item_id": "root"},
            {**say("after a", id="c"), "previous_item_id": "a"},
            {**say("dup", id="a"), "event_id": "dup"},
            {**say("x", id="x"), "previous_item_id": "missing", "event_id": "missing"},
            {"type": "conversation.item.retrieve", "item_id": "c"},
            {"type": "conversation.item.delete", "item_id": "c"},
            {"type": "conversation.item.delete", "item_id": "c", "event_id": "gone"},
            {"type": "conversation.item.retrieve", "item_id": "c", "event_id": "gone2"},
        ):
            await client.send(event)
            first = await _next(client)
            answers.append(first[-1])
            if first[-1]["type"] == "conversation.item.added":
                await client.until("conversation.item.done")
        return answers

    a, b, root, c, dup, missing, retrieved, deleted, gone, gone2 = session(server.url, script)
    assert [x["previous_item_id"] for x in (a, b, root, c)] == [None, "a", None, "a"]
    assert a["item"] == {"id": "a", "object": "realtime.item", "type": "message", "role": "user", "content": [{"type": "input_text", "text": "a"}], "status": "completed"}
    assert (dup["error"]["event_id"], dup["error"]["param"]) == ("dup", "item.id")
    assert (missing["error"]["event_id"], missing["error"]["param"]) == ("missing", "previous_item_id")
    assert retrieved["item"]["id"] == "c" and deleted == {**deleted, "type": "conversation.item.deleted", "item_id": "c"}
    assert gone["error"]["code"] == "item_delete_invalid_item_id" and gone2["error"]["code"] == "item_retrieve_invalid_item_id"


# --- the input audio buffer ---------------------------------------------------------------------


def test_manual_commit_clear_and_the_empty_commit_error(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        await client.send(NO_VAD)
        await client.until("session.updated")
        for event in append(audio.silence(audio.PCM, 50)):
            await client.send(event)
        await client.send({"type": "input_audio_buffer.commit", "event_id": "short"})
        short = (await client.until("error"))[-1]
        for event in append(audio.tone(audio.PCM, 300)):
            await client.send(event)
        await client.send({"type": "input_audio_buffer.commit"})
        committed = await client.until("conversation.item.done")
        await client.send({"type": "conversation.item.retrieve", "item_id": committed[0]["item_id"]})
        retrieved = (await client.until("conversation.item.retrieved"))[-1]
        for event in append(audio.tone(audio.PCM, 300)):
            await client.send(event)
        await client.send({"type": "input_audio_buffer.clear"})
        await client.until("input_audio_buffer.cleared")
        await client.send({"type": "input_audio_buffer.commit", "event_id": "empty"})
        empty = (await client.until("error"))[-1]
        return [short, committed, retrieved, empty]

    short, committed, retrieved, empty = session(server.url, script)
    assert short["error"]["code"] == "input_audio_buffer_commit_empty" and "50.00ms" in short["error"]["message"] and short["error"]["event_id"] == "short"
    assert [e["type"] for e in committed] == ["input_audio_buffer.committed", "conversation.item.added", "conversation.item.done"]
    assert len(base64.b64decode(retrieved["item"]["content"][0]["audio"])) == audio.PCM.bytes_for(350)  # the short audio was kept
    assert empty["error"]["code"] == "input_audio_buffer_commit_empty" and empty["error"]["event_id"] == "empty"


@pytest.mark.parametrize("fmt", ["audio/pcm", "audio/pcmu", "audio/pcma"])
def test_server_vad_hears_speech_in_each_format_commits_it_and_answers(server: ReferenceServer, fmt: str) -> None:
    format_ = audio.FORMATS[fmt]

    async def script(client: Client) -> list[dict[str, Any]]:
        vad = {"type": "server_vad", "silence_duration_ms": 400, "prefix_padding_ms": 100}
        await client.send({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"format": {"type": fmt}, "turn_detection": vad, "transcription": {"model": "whisper-1"}}}}})
        await client.until("session.updated")
        for event in append(audio.silence(format_, 500) + audio.speech_like(format_, 1000) + audio.silence(format_, 600), format_.bytes_for(100)):
            await client.send(event)
        return await client.until("response.done")

    events = session(server.url, script)
    started = next(e for e in events if e["type"] == "input_audio_buffer.speech_started")
    stopped = next(e for e in events if e["type"] == "input_audio_buffer.speech_stopped")
    committed = next(e for e in events if e["type"] == "input_audio_buffer.committed")
    assert (started["audio_start_ms"], stopped["audio_end_ms"]) == (400, 1900)
    assert started["item_id"] == stopped["item_id"] == committed["item_id"]
    transcription = next(e for e in events if e["type"] == "conversation.item.input_audio_transcription.completed")
    assert transcription["item_id"] == committed["item_id"] and transcription["usage"] == {"type": "duration", "seconds": 1.9}
    assert events[-1]["response"]["output"][0]["content"][0]["transcript"] == "You said: (1.9 seconds of audio)"


def test_speech_interrupts_a_running_response_and_an_idle_session_times_out(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        vad = {"type": "server_vad", "idle_timeout_ms": 5000}  # x idle_scale 0.01: 50 ms
        await client.send({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": vad}}}})
        await client.until("session.updated")
        await client.send(say(" ".join(["word"] * 40)))
        await client.send({"type": "response.create"})
        await client.until("response.output_audio.delta")
        for event in append(audio.speech_like(audio.PCM, 300)):
            await client.send(event)
        cancelled = await client.until("response.done")
        for event in append(audio.silence(audio.PCM, 400)):
            await client.send(event)
        answered = await client.until("response.done")
        idle = await client.until("response.done")
        return [cancelled, answered, idle]

    cancelled, answered, idle = session(server.url, script)
    kinds = [e["type"] for e in cancelled]
    assert kinds.index("input_audio_buffer.speech_started") < len(kinds) - 1
    assert cancelled[-1]["response"]["status_details"] == {"type": "cancelled", "reason": "turn_detected"}
    assert answered[-1]["response"]["status"] == "completed"
    timeout = next(e for e in idle if e["type"] == "input_audio_buffer.timeout_triggered")
    assert [e["type"] for e in idle].index("input_audio_buffer.committed") > [e["type"] for e in idle].index("input_audio_buffer.timeout_triggered")
    assert timeout["audio_end_ms"] >= timeout["audio_start_ms"]


# --- what it does with what it cannot use -------------------------------------------------------


def test_unknown_invalid_binary_and_non_json_frames_get_errors_and_the_session_goes_on(server: ReferenceServer) -> None:
    async def script(client: Client) -> list[dict[str, Any]]:
        answers = []
        for frame in ({"type": "nope", "event_id": "u"}, {"type": "response.audio.delta", "event_id": "b"}, {"type": "conversation.item.delete", "event_id": "i"}, {"type": "output_audio_buffer.clear", "event_id": "o"}, b"\x00", "not json", {"type": "input_audio_buffer.clear"}):
            await client.send(frame)
            answers.append((await _next(client))[-1])
        return answers

    *errors, cleared = session(server.url, script)
    assert [e["type"] for e in errors] == ["error"] * 6 and cleared["type"] == "input_audio_buffer.cleared"
    assert [e["error"]["event_id"] for e in errors] == ["u", "b", "i", "o", None, None]
    assert errors[2]["error"] == {**errors[2]["error"], "code": "missing_required_parameter", "param": "item_id"}


# --- the audio and voice detection underneath ---------------------------------------------------


def test_g711_matches_the_standard_codec_tables() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        audioop = pytest.importorskip("audioop")  # gone in Python 3.13; the tables are fixed
    samples = list(range(-32768, 32768, 97))
    pcm = b"".join(sample.to_bytes(2, "little", signed=True) for sample in samples)
    assert audio.encode(samples, audio.PCMU) == audioop.lin2ulaw(pcm, 2)
    assert audio.encode(samples, audio.PCMA) == audioop.lin2alaw(pcm, 2)
    every = bytes(range(256))
    assert audio.decode(every, audio.PCMU).tobytes() == audioop.ulaw2lin(every, 2)
    assert audio.decode(every, audio.PCMA).tobytes() == audioop.alaw2lin(every, 2)


def test_the_detector_hears_speech_like_audio_not_silence_and_respects_its_settings() -> None:
    detector = VoiceDetector(Settings(threshold=0.5, prefix_padding_ms=300, silence_duration_ms=200), audio.PCM)
    changes = detector.feed(audio.silence(audio.PCM, 1000) + audio.speech_like(audio.PCM, 500) + audio.silence(audio.PCM, 300))
    assert [(c.kind, c.ms) for c in changes] == [("started", 700), ("stopped", 1700)]
    deaf = VoiceDetector(Settings(threshold=1e6), audio.PCM)
    assert deaf.feed(audio.speech_like(audio.PCM, 500)) == []
    assert Settings.of({"type": "semantic_vad", "eagerness": "high"}).silence_duration_ms == 250
