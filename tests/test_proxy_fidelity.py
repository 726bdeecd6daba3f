"""Proxy fidelity: a proxy that forwards every event unchanged passes (however it re-serializes),
and one that changes, drops or invents an event, in either direction, is caught. And the proxy
process under test is started, waited for (bounded) and always killed and reaped."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from conformance.families.probe import SCENARIOS_BY_ID
from conformance.live.probe import Limits, Target
from conformance.families.probe import Settler
from conformance.families.proxy import (
    DROPPED_SESSION_CREATED,
    FIDELITY_SCENARIO,
    UNKNOWN_CLIENT_TYPE,
    UNKNOWN_SERVER_TYPE,
    FidelityUpstream,
    forwarded,
    probe_through,
)
from conformance.implementations.litellm_proxy.launcher import LiteLLM, litellm_config
from conformance.live.reference_server import ReferenceServer, ServerOptions
from conformance.live.server import Connection, LiveServer
from conformance.outcomes import Baseline, Known
from conformance.sessions.transcript import Frame

from .live_client import AUTH, nothing_left_behind

Transform = Callable[[str], list[str]]
SCENARIOS = [SCENARIOS_BY_ID[name] for name in ("session-update-without-type", "server-vad", "out-of-band-response")]


def same(text: str) -> list[str]:
    return [text]


def proxy_handler(upstream: str, to_upstream: Transform = same, to_client: Transform = same) -> Callable[[Connection], Any]:
    """A small WebSocket proxy whose forwarding each test bends one way."""

    async def handle(connection: Connection) -> None:
        async with connect(upstream + connection.handshake.path + "?model=gpt-realtime", additional_headers=AUTH, open_timeout=5, max_size=None) as socket:

            async def down() -> None:
                with pytest.raises(ConnectionClosed):
                    while True:
                        for text in to_client(await socket.recv()):  # type: ignore[arg-type]
                            await connection.send_text(text)

            task = asyncio.create_task(down())
            while (received := await connection.receive_message(timeout=30)) is not None:
                for text in to_upstream(received[1]):  # type: ignore[arg-type]
                    await socket.send(text)
            task.cancel()

    return handle


def fidelity_results(to_upstream: Transform = same, to_client: Transform = same) -> dict[str, Any]:
    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.05), session_class=FidelityUpstream) as upstream, LiveServer(proxy_handler(upstream.live.url, to_upstream, to_client)) as proxy:
        target = Target(proxy.url + "/v1/realtime", tuple(AUTH.items()))
        results = asyncio.run(probe_through(target, upstream, Limits(timeout=3, settle=0.1), scenarios=SCENARIOS))
    return {result.id: result for result in results if result.id.startswith("proxy/")}


def failing(results: dict[str, Any]) -> dict[str, str]:
    return {check_id: result.message for check_id, result in results.items() if not result.passed}


def test_a_proxy_that_re_serializes_every_event_is_not_flagged() -> None:
    def reserialize(text: str) -> list[str]:
        return [json.dumps(json.loads(text), indent=1, sort_keys=True, ensure_ascii=True)]

    results = fidelity_results(reserialize, reserialize)
    assert len(results) == 2 * len(SCENARIOS) + 4
    assert failing(results) == {}


def test_a_proxy_that_fills_in_a_member_is_caught_on_the_client_side_only() -> None:
    def fills_type(text: str) -> list[str]:
        event = json.loads(text)
        if event.get("type") == "session.update" and "type" not in event["session"]:
            event["session"]["type"] = "realtime"
        return [json.dumps(event)]

    found = failing(fidelity_results(to_upstream=fills_type))
    assert list(found) == ["proxy/session-update-without-type/client-events-forwarded"]
    assert '$.session.type: expected absent, got string "realtime" (a member was invented)' in found["proxy/session-update-without-type/client-events-forwarded"]


def test_a_proxy_that_drops_unknown_event_types_is_caught_in_each_direction() -> None:
    def drop(kind: str) -> Transform:
        return lambda text: [] if json.loads(text).get("type") == kind else [text]

    upstream_side = failing(fidelity_results(to_upstream=drop(UNKNOWN_CLIENT_TYPE)))
    assert f"proxy/{FIDELITY_SCENARIO}/unknown-client-type-forwarded" in upstream_side
    assert "never reached the upstream" in upstream_side[f"proxy/{FIDELITY_SCENARIO}/client-events-forwarded"]
    client_side = failing(fidelity_results(to_client=drop(UNKNOWN_SERVER_TYPE)))
    assert set(client_side) == {f"proxy/{FIDELITY_SCENARIO}/unknown-server-type-forwarded", f"proxy/{FIDELITY_SCENARIO}/server-events-forwarded"}


def test_a_proxy_that_changes_or_invents_server_events_is_caught() -> None:
    def restamp(text: str) -> list[str]:
        event = json.loads(text)
        if event.get("type") == "input_audio_buffer.speech_started":
            event["audio_start_ms"] += 1
        return [json.dumps(event)]

    changed = failing(fidelity_results(to_client=restamp))
    assert list(changed) == ["proxy/server-vad/server-events-forwarded"]
    assert changed["proxy/server-vad/server-events-forwarded"].endswith("$.audio_start_ms: expected integer 200, got integer 201")

    def invents(text: str) -> list[str]:
        if json.loads(text).get("type") == "session.created":
            return [text, json.dumps({"type": "error", "event_id": "proxy_1", "error": {"type": "server_error", "message": "proxy says hello"}})]
        return [text]

    invented = failing(fidelity_results(to_client=invents))
    assert len(invented) == len(SCENARIOS) + 1 and all("the proxy invented it" in message for message in invented.values())


def test_a_proxy_that_drops_session_created_is_caught_and_what_fails_after_it_is_its_finding() -> None:
    """The client never gets session.created, so the probe stops at its first step: the session is
    matched to its upstream by order all the same, the drop is named, and every check that fails
    because of it takes its cause, none the server's. A baseline that knows the finding (whichever
    scenarios show it in a run) makes them expected failures, and a scenario that got through passes."""

    def drops_created(text: str) -> list[str]:
        return [] if json.loads(text).get("type") == "session.created" else [text]

    scenario = SCENARIOS_BY_ID["server-vad"]
    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.05), session_class=FidelityUpstream) as upstream, LiveServer(proxy_handler(upstream.live.url, to_client=drops_created)) as proxy:
        target = Target(proxy.url + "/v1/realtime", tuple(AUTH.items()))
        results = asyncio.run(probe_through(target, upstream, Limits(timeout=1, settle=0.1), scenarios=[scenario]))
    failing = {result.id: result for result in results if not result.passed}
    forwarded_check = failing.pop("proxy/server-vad/server-events-forwarded")
    assert forwarded_check.cause == DROPPED_SESSION_CREATED and "session.created (upstream line 2) never reached the client" in forwarded_check.message
    assert {"probe/server-vad/runs", f"proxy/{FIDELITY_SCENARIO}/server-events-forwarded", f"proxy/{FIDELITY_SCENARIO}/unknown-client-type-forwarded", f"proxy/{FIDELITY_SCENARIO}/unknown-server-type-forwarded"} <= set(failing)
    assert all(result.cause == DROPPED_SESSION_CREATED for result in failing.values()), {i: r.cause for i, r in failing.items()}
    assert "the proxy never delivered it" in failing["probe/server-vad/runs"].message
    assert "proxy/server-vad/client-events-forwarded" not in failing and f"proxy/{FIDELITY_SCENARIO}/client-events-forwarded" not in failing

    known = Baseline("a-proxy", findings={DROPPED_SESSION_CREATED.id: Known("drops it (gateway.js:1)", [], "MUST")})
    settler = Settler(target, known)
    outcomes = {record.id: record.outcome for record in settler.settle(results)}
    assert {outcomes[check_id] for check_id in failing} == {"expected-fail"} and settler.failing == []
    assert outcomes["proxy/server-vad/client-events-forwarded"] == "pass"


def test_forwarded_compares_values_in_order() -> None:
    def frames(*events: Any) -> list[Frame]:
        return [Frame(line, "client", event=event) for line, event in enumerate(events, start=2)]

    assert forwarded(frames({"a": 1}, {"b": [1.0, "é"]}), frames({"a": 1.0}, {"b": [1, "é"]}), "client event", "probe", "upstream").passed
    assert "never reached" in forwarded(frames({"type": "x"}, {"type": "y"}), frames({"type": "y"}), "client event", "probe", "upstream").message
    assert "reached the upstream changed" in forwarded(frames({"type": "x", "v": 1}), frames({"type": "x", "v": 2}), "client event", "probe", "upstream").message
    reordered = forwarded(frames({"type": "x"}, {"type": "y"}), frames({"type": "y"}, {"type": "x"}), "client event", "probe", "upstream")
    assert not reordered.passed


# --- the process under test ---------------------------------------------------------------------

_FAKE = '''
import http.server, os, sys
port = int(sys.argv[sys.argv.index("--port") + 1])
if os.environ.get("FAKE_FAIL"):
    print("cannot start", os.environ["LITELLM_MASTER_KEY"]); sys.exit(3)
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
'''


@pytest.fixture
def fake_litellm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "fake_litellm.py"
    script.write_text(_FAKE)
    monkeypatch.setattr(LiteLLM, "command", lambda self: [sys.executable, str(script), "--config", str(self.config), "--host", "127.0.0.1", "--port", str(self.port)])
    return tmp_path


def test_the_proxy_process_is_waited_for_then_killed_and_reaped(fake_litellm: Path) -> None:
    proxy = LiteLLM(4321, fake_litellm, ready_timeout=30)
    assert "api_base: http://127.0.0.1:4321" in proxy.config.read_text() and "mode: realtime" in litellm_config(1)
    with proxy:
        process = proxy.process
        assert process is not None and process.poll() is None
    assert process.poll() is not None and proxy.process is None
    assert proxy.master_key.startswith("sk-") and len(proxy.master_key) == 51


def test_a_proxy_that_exits_early_fails_with_its_log_and_no_master_key(fake_litellm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_FAIL", "1")
    proxy = LiteLLM(1, fake_litellm, ready_timeout=30)
    with pytest.raises(RuntimeError) as failed:
        proxy.start()
    assert "exited with status 3" in str(failed.value) and "cannot start REDACTED" in str(failed.value)
    assert proxy.master_key not in str(failed.value) and proxy.process is None
