"""The probe: it passes the reference server in full, and a server that closes, hangs, floods,
refuses or sends garbage fails the scenario it did that in, while the probe goes on."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conformance.corpus import hygiene
from conformance.families.probe import COMMON, SCENARIOS, SCENARIOS_BY_ID, check_ids, contained, judge_run, probe
from conformance.live.probe import Limits, Target, parse_header, play, public_url
from conformance.families.proxy import FIDELITY_SCENARIO
from conformance.live.reference_server import RealtimeSession, ReferenceServer, ServerOptions
from conformance.live.server import Connection, LiveServer

from .live_client import nothing_left_behind

SECRET = "sk-proj-probeSecretValue0123456789abcdef"
FAST = Limits(timeout=2, settle=0.1)


def target(url: str, **extra: Any) -> Target:
    return Target(url, (("Authorization", f"Bearer {SECRET}"),), **extra)


def results_of(url: str, scenarios: list[str], limits: Limits = FAST, record_dir: Path | None = None) -> dict[str, Any]:
    found = asyncio.run(probe(target(url), [SCENARIOS_BY_ID[name] for name in scenarios], limits, record_dir))
    return {result.id: result for result in found}


# --- the catalogue ------------------------------------------------------------------------------


def test_there_are_at_least_fifteen_scenarios_with_registered_permanent_ids() -> None:
    assert len(SCENARIOS) >= 15 and len(SCENARIOS_BY_ID) == len(SCENARIOS)
    in_use = [scenario.id for scenario in SCENARIOS] + [FIDELITY_SCENARIO]
    assert hygiene.id_problems("probe_scenarios", in_use, hygiene.load_registry()) == []


def test_a_renamed_scenario_is_reported_by_the_id_registry() -> None:
    registry = hygiene.load_registry()
    problems = hygiene.id_problems("probe_scenarios", ["handshake-renamed"], registry)
    assert any("'handshake-renamed' is not in the registry" in p for p in problems)
    assert any("'handshake' is registered but gone" in p for p in problems)


def test_check_ids_are_unique_well_formed_and_carry_a_level_and_evidence() -> None:
    ids = check_ids()
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"probe/[a-z0-9-]+/[a-z0-9-]+", check_id) for check_id in ids)
    for scenario in SCENARIOS:
        assert scenario.description and "\n" not in scenario.description
        for check in (*COMMON, *scenario.checks):
            assert check.level in ("MUST", "SHOULD", "INFO") and check.evidence


# --- against the reference server ---------------------------------------------------------------


def test_the_probe_passes_every_scenario_of_the_reference_server(tmp_path: Path) -> None:
    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.05)) as server:
        results = results_of(server.url, list(SCENARIOS_BY_ID), Limits(timeout=5, settle=0.1), tmp_path)
    failing = {check_id: result.message for check_id, result in results.items() if not result.passed}
    assert failing == {}
    assert set(results) == set(check_ids())
    assert sorted(path.stem for path in tmp_path.iterdir()) == sorted(SCENARIOS_BY_ID)
    assert all(SECRET not in path.read_text() for path in tmp_path.iterdir())


# --- servers that misbehave ---------------------------------------------------------------------


class _ClosesFirstConnection(RealtimeSession):
    async def on_response_create(self, event: dict[str, Any], event_id: str | None) -> None:
        if self.number == 1:
            await self.connection.close(1011, "internal error")
            return
        await super().on_response_create(event, event_id)


def test_a_server_that_closes_fails_that_scenario_and_the_next_runs_on_a_fresh_connection() -> None:
    with nothing_left_behind(), ReferenceServer(session_class=_ClosesFirstConnection) as server:
        results = results_of(server.url, ["text-response", "text-response"][:1] + ["handshake"])
        assert len(server.connections) == 2
    assert not results["probe/text-response/runs"].passed
    assert "closed the connection (code 1011 (internal error))" in results["probe/text-response/runs"].message
    assert "never came" in results["probe/text-response/answered"].message
    assert all(results[f"probe/handshake/{check.name}"].passed for check in COMMON if check.name != "session-rules")


def test_a_hanging_server_fails_within_the_transport_timeout() -> None:
    async def hangs(connection: Connection) -> None:
        await connection.send_event({"type": "session.created", "event_id": "e1", "session": {"type": "realtime", "object": "realtime.session", "id": "s"}})
        await asyncio.sleep(30)

    with nothing_left_behind(), LiveServer(hangs, stop_timeout=0.5) as server:
        run = asyncio.run(play("empty-commit", SCENARIOS_BY_ID["empty-commit"].steps, target(server.url), Limits(timeout=0.3, settle=0.05)))
    assert run.failure == "hang" and "within 0.3 s (the server hangs)" in run.failure_message
    assert run.seconds < 5


def test_a_flooding_server_is_cut_off() -> None:
    async def floods(connection: Connection) -> None:
        await connection.send_event({"type": "session.created", "event_id": "e0", "session": {"type": "realtime", "object": "realtime.session", "id": "s"}})
        for number in range(1, 100_000):
            await connection.send_event({"type": "rate_limits.updated", "event_id": f"e{number}", "rate_limits": []})

    with nothing_left_behind(), LiveServer(floods, stop_timeout=0.5) as server:
        run = asyncio.run(play("handshake", (), target(server.url), Limits(timeout=2, settle=0.5, max_frames=300)))
    assert run.failure == "flood" and len(run.frames) == 301


def test_a_refused_handshake_fails_every_check_with_the_status() -> None:
    with nothing_left_behind(), ReferenceServer() as server:
        refused = Target(server.url, ())  # no credentials: the reference server answers 401
        run = asyncio.run(play("handshake", (), refused, FAST))
    results = {result.id: result for result in judge_run(SCENARIOS_BY_ID["handshake"], run)}
    assert run.failure == "connect" and "HTTP 401" in results["probe/handshake/runs"].message
    assert not results["probe/handshake/session-created"].passed


def test_frames_that_are_not_json_events_fail_events_valid() -> None:
    async def garbage(connection: Connection) -> None:
        await connection.send_event({"type": "session.created", "event_id": "e1", "session": {"type": "realtime", "object": "realtime.session", "id": "s"}})
        await connection.send_text("{not json")
        await connection.send_event({"type": "response.audio.delta", "event_id": "e2"})
        await connection.receive(timeout=2)

    with nothing_left_behind(), LiveServer(garbage) as server:
        run = asyncio.run(play("handshake", (), target(server.url), FAST))
    results = {result.id: result for result in judge_run(SCENARIOS_BY_ID["handshake"], run)}
    assert "beta-name" in results["probe/handshake/events-valid"].message or "not JSON" in results["probe/handshake/events-valid"].message
    assert not results["probe/handshake/events-valid"].passed


class _EchoesTheCredential(RealtimeSession):
    async def on_open(self) -> None:
        request = self.connection.socket.request
        assert request is not None
        self.config["instructions"] = f"you sent {request.headers['Authorization']}"
        await super().on_open()


def test_header_values_never_reach_a_transcript_or_a_message(tmp_path: Path) -> None:
    with nothing_left_behind(), ReferenceServer(session_class=_EchoesTheCredential) as server:
        results = results_of(server.url, ["handshake"], record_dir=tmp_path)
    text = (tmp_path / "handshake.jsonl").read_text()
    assert SECRET not in text and "you sent REDACTED" in text
    assert all(SECRET not in result.message for result in results.values())


def test_an_expectation_a_server_may_legitimately_miss_stops_the_script_without_failing_runs() -> None:
    from conformance.broken.servers import BROKEN_SERVERS_BY_NAME

    with nothing_left_behind(), BROKEN_SERVERS_BY_NAME["deaf-vad"].server(ServerOptions(pace=0.05)) as server:
        results = results_of(server.url, ["server-vad"], Limits(timeout=1, settle=0.1))
    assert results["probe/server-vad/runs"].passed
    assert "was not exercised: input_audio_buffer.speech_started did not come within 1 s" in results["probe/server-vad/speech-detected"].message


# --- pieces -------------------------------------------------------------------------------------


def test_the_echo_comparison_keeps_nulls_allows_defaults_and_ignores_request_only_members() -> None:
    assert contained({"audio": {"input": {"turn_detection": None}}}, {"audio": {"input": {"turn_detection": None, "format": {}}}}) is None
    dropped = contained({"audio": {"input": {"turn_detection": None}}}, {"audio": {"input": {}}}, "$.session")
    assert dropped is not None and dropped.path == "$.session.audio.input.turn_detection" and "dropped" in dropped.got
    assert contained({"speed": 1}, {"speed": 1.0}) is None
    assert contained({"tools": [{"type": "mcp", "server_label": "x", "authorization": "k"}], "parallel_tool_calls": True}, {"tools": [{"type": "mcp", "server_label": "x", "require_approval": "always"}]}) is None
    assert contained({"tool_choice": "required"}, {"tool_choice": "auto"}) is not None
    assert contained({"audio": {"output": {"voice": {"id": "v1"}}}}, {"audio": {"output": {"voice": "v1"}}}) is None


def test_targets_add_the_model_and_show_no_credentials() -> None:
    assert Target("ws://h:1/v1/realtime").endpoint == "ws://h:1/v1/realtime?model=gpt-realtime"
    assert Target("ws://h:1/v1/realtime?model=x&key=k").endpoint == "ws://h:1/v1/realtime?model=x&key=k"
    assert Target("ws://h/v1/realtime", model=None).endpoint == "ws://h/v1/realtime"
    assert public_url("wss://user:pw@h:443/v1/realtime?key=sk-secret") == "wss://h:443/v1/realtime"
    assert parse_header("Authorization:  Bearer x ") == ("Authorization", "Bearer x")
    with pytest.raises(ValueError) as bad:
        parse_header("Bearer sk-abc-no-name")
    assert "sk-abc" not in str(bad.value)


def test_the_report_of_a_probe_run_has_the_plugins_format(tmp_path: Path) -> None:
    from conformance.families.probe import Settler
    from conformance.outcomes import Baseline

    with nothing_left_behind(), ReferenceServer() as server:
        found = asyncio.run(probe(target(server.url, name="reference-server"), [SCENARIOS_BY_ID["handshake"]], FAST))
    settler = Settler(target("ws://x", name="reference-server"), Baseline("reference-server", {"probe/handshake/runs": "stale"}))
    records = settler.settle(found)
    settler.write(tmp_path / "report.json")
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["implementation"]["name"] == "reference-server" and report["implementation"]["sides"] == ["server"]
    outcomes = {record.id: record.outcome for record in records}
    assert outcomes["probe/handshake/runs"] == "unexpected-pass" and settler.failing
    assert [check["id"] for check in report["checks"]] == sorted(outcomes)
