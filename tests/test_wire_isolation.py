"""Isolation on the wire: a client that hangs, crashes, leaks a task or never connects fails its own
scenario within the scenario's bound, the next scenario starts with a fresh server and a fresh
client, a harness process is killed when it hangs and replaced after it crashes, and nothing — thread,
process, socket, task — outlives a scenario."""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from pathlib import Path

from conformance.families import wire
from conformance.broken.clients import BROKEN_CLIENTS_BY_NAME
from conformance.adapters.wire import AppStep, Settings, WireAdapter, WireClient
from conformance.live.wire_runner import run_scenario
from conformance.adapters.stdio_wire import HarnessWireClient
from conformance.implementations.reference.wire import ReferenceClient, ReferenceWireAdapter

FAKE_DRIVER = Path(__file__).parent / "data" / "wire_fake_driver.py"
CONNECT = wire.SCENARIOS_BY_ID["connect"]
TURN = (AppStep("pause", seconds=0.1), AppStep("send_text", text="hello"), AppStep("wait", until={"script": "done"}, seconds=3))


class _HangsOnSend(ReferenceClient):
    async def send_text(self, text: str) -> None:
        await asyncio.Event().wait()


class _Adapter(WireAdapter):
    name = "isolation"

    def __init__(self, make) -> None:  # type: ignore[no-untyped-def]
        self.make = make
        self.made: list[WireClient] = []

    def client(self) -> WireClient:
        self.made.append(self.make())
        return self.made[-1]


def _threads() -> set[str]:
    return {thread.name for thread in threading.enumerate()}


def test_a_hanging_client_fails_its_scenario_within_the_bound_and_the_next_one_runs_fresh() -> None:
    before = _threads()
    started = time.monotonic()
    hung = run_scenario(_Adapter(_HangsOnSend), CONNECT.build(), Settings(), TURN, bound=2.0)
    assert time.monotonic() - started < 10
    assert hung.failure is not None and "hanging" in hung.failure
    assert hung.session is not None and hung.session.closed_by_client, "the hanging client's socket was not closed"
    fine = run_scenario(ReferenceWireAdapter(), CONNECT.build(), Settings(), CONNECT.app)
    assert fine.failure is None and fine.session is not None and fine.session is not hung.session
    assert _threads() <= before


def test_leaked_tasks_are_reported_and_cancelled() -> None:
    run = run_scenario(BROKEN_CLIENTS_BY_NAME["leaks-a-task"].adapter().wire_adapter(), CONNECT.build(), Settings(), CONNECT.app)
    assert run.failure is None and run.leftovers == ["task forgotten-heartbeat (sleep)"]


def test_a_client_that_never_connects_fails_its_scenario() -> None:
    run = run_scenario(BROKEN_CLIENTS_BY_NAME["never-connects"].adapter().wire_adapter(), CONNECT.build(), Settings(), CONNECT.app, bound=6)
    assert run.failure == "the client said it connected, but no connection reached the server" and run.session is None


def _driver(mode: str, timeout: float = 1.0) -> _Adapter:
    return _Adapter(lambda: HarnessWireClient([sys.executable, str(FAKE_DRIVER), mode], cwd=FAKE_DRIVER.parent, timeout=timeout))


def test_a_crashing_driver_process_fails_its_scenario_and_the_next_scenario_gets_a_new_process() -> None:
    adapter = _driver("crash")
    crashed = run_scenario(adapter, CONNECT.build(), Settings(), TURN, bound=8)
    assert crashed.failure is not None and "exited with code 3" in crashed.failure
    again = run_scenario(adapter, CONNECT.build(), Settings(), CONNECT.app, bound=8)
    assert again.failure is None and again.session is not None
    first, second = adapter.made
    assert first.session.process.pid != second.session.process.pid  # type: ignore[attr-defined]
    assert all(client.session.process.poll() is not None for client in adapter.made)  # type: ignore[attr-defined]


def test_a_hanging_driver_process_is_killed_and_fails_its_scenario() -> None:
    adapter = _driver("hang", timeout=0.5)
    hung = run_scenario(adapter, CONNECT.build(), Settings(), TURN, bound=8)
    assert hung.failure is not None and "did not answer 'send_text'" in hung.failure
    (client,) = adapter.made
    assert client.session.killed and client.session.process.poll() is not None  # type: ignore[attr-defined]


def test_the_scenario_server_is_gone_afterwards() -> None:
    run = run_scenario(ReferenceWireAdapter(), CONNECT.build(), Settings(), CONNECT.app)
    assert run.session is not None
    port = run.session.connection.socket.local_address[1]
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
