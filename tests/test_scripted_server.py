"""The scripted server plays a script as data — at once, after a delay, or when the client sent a
matching frame — answers replies, records every client frame with its time, bounds every wait,
derives scripts from transcripts, and judges the client's frames."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
from websockets.asyncio.client import connect

from conformance.live.scripted_server import Reply, Script, ScriptedServer, Step, matches
from conformance.sessions.transcript import parse_text


def test_patterns_match_member_by_member_and_keep_json_types_apart() -> None:
    assert matches({"type": "response.create", "event_id": "e1"}, {"type": "response.create"})
    assert matches({"item": {"type": "function_call_output", "call_id": "c"}}, {"item": {"type": "function_call_output"}})
    assert not matches({"type": "response.cancel"}, {"type": "response.create"})
    assert not matches({"n": True}, {"n": 1}) and not matches({"n": 1.0}, {"n": 1})
    assert not matches("response.create", {"type": "response.create"})


def converse(url: str, *outgoing: tuple[float, str], read: float = 1.5) -> list[tuple[float, str]]:
    """Connect, send each (delay, text), and collect (time, text) of what arrives within ``read`` s.
    Timing is judged from the server's own record (every frame's ``t``), not from these times."""

    async def run() -> list[tuple[float, str]]:
        got: list[tuple[float, str]] = []
        start = time.monotonic()
        async with connect(url + "/v1/realtime", open_timeout=5) as socket:

            async def reader() -> None:
                while True:
                    got.append((time.monotonic() - start, str(await socket.recv())))

            task = asyncio.create_task(reader())
            for delay, text in outgoing:
                await asyncio.sleep(delay)
                await socket.send(text)
            await asyncio.sleep(read)
            task.cancel()
        return got

    return asyncio.run(run())


def test_steps_go_out_at_once_after_a_delay_and_when_the_client_asks() -> None:
    script = Script(
        steps=(
            Step(send={"type": "session.created", "event_id": "e1"}),
            Step(send={"type": "rate_limits.updated", "event_id": "e2"}, after=0.3),
            Step(text="not json", when={"type": "response.create"}),
        ),
        linger=0.1,
        wait_timeout=3,
    )
    with ScriptedServer(script) as server:
        got = converse(server.url, (0.6, '{"type":"response.cancel"}'), (0.1, '{"type":"response.create","event_id":"c1"}'))
        session = server.first_session(5)
        assert session is not None and session.done.wait(5)
    assert [json.loads(text)["type"] if text.startswith("{") else text for _, text in got] == ["session.created", "rate_limits.updated", "not json"]
    frames = [(frame.dir, frame.event_type or frame.raw, frame.t) for frame in session.connection.frames]
    assert [(d, kind) for d, kind, _ in frames] == [
        ("server", "session.created"), ("server", "rate_limits.updated"), ("client", "response.cancel"), ("client", "response.create"), ("server", "not json")
    ], "the last step went out before the client's response.create"
    assert frames[1][2] - frames[0][2] >= 0.3, "the delay was not kept"
    clients = session.client_frames
    assert all(frame.t is not None for frame in clients) and clients[0].t < clients[1].t
    assert session.notes == []


def test_a_pattern_never_sent_costs_the_wait_timeout_and_a_note_and_the_script_goes_on() -> None:
    script = Script(steps=(Step(send={"type": "session.created"}, when={"type": "response.create"}, label="the greeting"),), wait_timeout=0.3, linger=0.1)
    with ScriptedServer(script) as server:
        got = converse(server.url, read=1.0)
        session = server.first_session(5)
    assert len(got) == 1 and session is not None
    assert session.notes == ['the greeting: no client frame matching {"type": "response.create"} within 0.3 s']


def test_replies_answer_every_matching_frame_and_each_when_consumes_one_frame() -> None:
    script = Script(
        steps=(Step(when={"type": "response.create"}), Step(send={"type": "second"}, when={"type": "response.create"})),
        replies=(Reply({"type": "session.update"}, lambda frame: [{"type": "session.updated", "echo": frame.event["session"]}]),),
        wait_timeout=2,
        linger=0.1,
    )
    with ScriptedServer(script) as server:
        got = converse(server.url, (0.05, '{"type":"session.update","session":{"x":1}}'), (0.05, '{"type":"response.create"}'), (0.3, '{"type":"response.create"}'), read=0.8)
    kinds = [json.loads(text)["type"] for _, text in got]
    assert kinds == ["session.updated", "second"]
    assert json.loads(got[0][1])["echo"] == {"x": 1}
    session = server.first_session(0)
    assert session is not None
    order = [frame.event_type for frame in session.connection.frames]
    assert order == ["session.update", "session.updated", "response.create", "response.create", "second"], "the second step did not wait for the second response.create"


def test_a_client_that_closes_first_is_recorded_as_closing_and_nothing_is_left_behind() -> None:
    before = {thread.name for thread in threading.enumerate()}
    script = Script(steps=(Step(send={"type": "session.created"}),), linger=0.1, close_timeout=3)
    with ScriptedServer(script) as server:
        converse(server.url, read=0.5)
        session = server.first_session(5)
        server.server.wait_for_connections(1, timeout=5)
    assert session is not None and session.closed_by_client and session.connection.close_code == 1000
    assert {thread.name for thread in threading.enumerate()} <= before


def test_a_client_that_never_closes_is_closed_by_the_server_within_the_bound() -> None:
    script = Script(steps=(Step(send={"type": "session.created"}),), linger=0.1, close_timeout=0.3)

    async def stays() -> float:
        async with connect(server.url, open_timeout=5) as socket:
            await socket.recv()
            started = time.monotonic()
            with pytest.raises(Exception):
                await asyncio.wait_for(socket.recv(), 5)
            return time.monotonic() - started

    with ScriptedServer(script) as server:
        waited = asyncio.run(stays())
        session = server.first_session(5)
    assert waited < 3 and session is not None and not session.closed_by_client


def test_the_judgement_judges_client_frames_with_the_models_and_the_session_rules() -> None:
    script = Script(steps=(Step(send={"type": "session.created", "event_id": "e1", "session": {"type": "realtime"}}),), linger=0.6)
    with ScriptedServer(script) as server:
        converse(
            server.url,
            (0.05, '{"type":"conversation.item.truncate","event_id":"c1","item_id":"i","content_index":0,"audio_end_ms":"5"}'),
            (0.05, '{"type":"response.cancel","event_id":"c1"}'),
            (0.05, "garbage"),
            read=0.3,
        )
        session = server.first_session(5)
    assert session is not None
    judgement = session.judgement()
    invalid = [(frame.line, verdict.verdict if verdict else None) for frame, verdict in judgement.invalid]
    assert invalid == [(3, "invalid"), (5, "not-json")]
    assert any(finding.rule == "event-id.unique" and finding.line == 4 for finding in judgement.findings), judgement.findings
    assert all(finding.line in (3, 4, 5) for finding in judgement.findings), "a finding about the server's own frames was kept"


def test_a_transcript_becomes_a_script_that_waits_for_the_client_it_replays_to() -> None:
    transcript = parse_text(
        "\n".join(
            [
                '{"transcript": {"protocol": "ga"}}',
                '{"dir": "server", "t": 0.0, "event": {"type": "session.created"}}',
                '{"dir": "client", "t": 0.1, "event": {"type": "input_audio_buffer.append", "audio": ""}}',
                '{"dir": "server", "t": 5.0, "event": {"type": "input_audio_buffer.speech_started"}}',
                '{"dir": "client", "t": 5.1, "event": {"type": "conversation.item.create"}}',
                '{"dir": "client", "t": 5.2, "event": {"type": "response.create"}}',
                '{"dir": "server", "t": 5.3, "raw": "not json"}',
                "not a transcript line",
                '{"dir": "server", "t": 5.4, "event": {"type": "response.done"}}',
            ]
        )
    )
    script = Script.from_transcript(transcript, max_gap=0.5)
    shape = [(step.send["type"] if step.send else step.text, step.when, step.after) for step in script.steps]
    assert shape == [
        ("session.created", None, 0.0),
        ("input_audio_buffer.speech_started", None, 0.5),  # an append is not waited for; the gap is capped
        (None, {"type": "conversation.item.create"}, 0.0),
        ("not json", {"type": "response.create"}, pytest.approx(0.1)),
        ("response.done", None, pytest.approx(0.1)),
    ]


def test_a_response_echoes_the_metadata_its_response_create_gave_it_and_a_step_may_be_built_from_what_came() -> None:
    created = {"type": "response.created", "event_id": "e2", "response": {"id": "r1", "metadata": None}}
    done = {"type": "response.done", "event_id": "e3", "response": {"id": "r1", "metadata": None}}
    count = lambda received: {"type": "rate_limits.updated", "event_id": "e4", "seen": len(received)}  # noqa: E731
    script = Script(steps=(Step(send=created, when={"type": "response.create"}), Step(send=done), Step(send=count)), linger=0.1, wait_timeout=3)
    with ScriptedServer(script) as server:
        got = converse(server.url, (0.1, '{"type":"response.create","response":{"metadata":{"client_event_id":"c9"}}}'))
    events = [json.loads(text) for _, text in got]
    assert [event["response"]["metadata"] for event in events[:2]] == [{"client_event_id": "c9"}] * 2
    assert events[2]["seen"] == 1
