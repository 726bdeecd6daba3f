"""The reference server serving a dialect, probed under that dialect; and the scripted server
judging a client under the dialect of its script."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from conformance.families.probe import SCENARIOS
from conformance.families import dialect_probe
from conformance.live.probe import Limits, Target
from conformance.live.reference_server import ReferenceServer, ServerOptions
from conformance.live.scripted_server import Script, ScriptedServer, Step
from conformance.protocol.dialects import NAMES
from conformance.sessions.transcript import Header
from conformance.verdict import judge_value

from .live_client import AUTH, Client, nothing_left_behind, session

OTHERS = [name for name in NAMES if name != "ga"]


@pytest.mark.parametrize("dialect", OTHERS)
def test_a_dialect_server_passes_the_probe_under_its_dialect_and_sends_only_its_events(dialect: str) -> None:
    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.0, idle_scale=0.01, dialect=dialect)) as server:
        results = asyncio.run(dialect_probe.probe(Target(server.url, tuple(AUTH.items())), SCENARIOS, dialect, Limits(timeout=5, settle=0.1)))
        server.stop()
        connections = server.connections
    assert {r.id: r.message for r in results if not r.passed} == {}
    assert len(results) == len(SCENARIOS) * len(dialect_probe.CHECKS)
    frames = [frame for connection in connections for frame in connection.frames if frame.dir == "server" and frame.has_event]
    assert [(frame.event_type, judge_value(frame.event, "server", dialect).verdict) for frame in frames
            if not judge_value(frame.event, "server", dialect).ok] == []


def test_the_beta_server_speaks_the_beta_and_refuses_ga_session_members() -> None:
    async def script(client: Client) -> Any:
        created = client.seen[0]
        await client.send({"type": "session.update", "event_id": "evt_ga", "session": {"type": "realtime", "output_modalities": ["text"]}})
        refused = (await client.until("error"))[-1]
        await client.send({"type": "session.update", "session": {"modalities": ["text"], "turn_detection": None}})
        updated = (await client.until("session.updated"))[-1]
        await client.send({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi"}]}})
        await client.send({"type": "response.create"})
        events = await client.until("response.done")
        return created, refused, updated, events

    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.0, dialect="beta")) as server:
        created, refused, updated, events = session(server.url, script)
    assert "type" not in created["session"] and created["session"]["input_audio_format"] == "pcm16"
    assert refused["error"]["event_id"] == "evt_ga" and refused["error"]["param"] == "session.type"
    assert updated["session"]["modalities"] == ["text"] and updated["session"]["turn_detection"] is None
    kinds = [event["type"] for event in events]
    assert "conversation.item.created" in kinds and "conversation.item.added" not in kinds and "conversation.item.done" not in kinds
    assert "response.text.delta" in kinds and "response.output_text.delta" not in kinds


def test_an_inworld_server_continues_after_a_tool_output_by_itself() -> None:
    tool = {"type": "function", "name": "get_weather", "description": "Weather.", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}

    async def script(client: Client) -> Any:
        await client.send({"type": "session.update", "session": {"type": "realtime", "output_modalities": ["text"], "tools": [tool],
                                                                "audio": {"input": {"turn_detection": None}}}})
        await client.until("session.updated")
        await client.send({"type": "response.create", "response": {"tool_choice": {"type": "function", "name": "get_weather"}}})
        done = (await client.until("response.done"))[-1]
        call = done["response"]["output"][0]
        await client.send({"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": call["call_id"], "output": "{}"}})
        return await client.until("response.done")

    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.0, dialect="inworld")) as server:
        follow_up = session(server.url, script)
    assert [e["type"] for e in follow_up].count("response.created") == 1  # no response.create was sent


def test_the_scripted_server_judges_a_client_under_its_scripts_dialect() -> None:
    script = Script((Step(send={"type": "session.created", "event_id": "e1", "session": {"id": "s", "object": "realtime.session", "voice": "alloy"}}),
                     Step(when={"type": "session.update"}),), linger=0.1, close_timeout=0.5)

    async def client(c: Client) -> None:
        await c.send({"type": "session.update", "session": {"type": "realtime", "modalities": ["text"]}})
        await c.quiet(0.3)

    judged = {}
    for dialect in ("ga", "beta"):
        with nothing_left_behind(), ScriptedServer(script, header=Header(protocol=dialect)) as server:
            session(server.url, client, query="")
            played = server.first_session(5)
            judged[dialect] = played.judgement()
    (_, under_beta), = judged["beta"].verdicts
    assert under_beta.dialect == "beta" and under_beta.verdict == "invalid" and under_beta.errors[0].path == "$.session.type"
    (_, under_ga), = judged["ga"].verdicts
    assert under_ga.dialect is None and under_ga.ok
