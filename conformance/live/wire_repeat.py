"""The same short scenario on many connections: one scripted server, a fresh client of a
:class:`~conformance.adapters.wire.WireAdapter` per connection, a few connections at a time, all on
one event loop in a thread of its own. What a single run cannot show — something a client does on
some connections and not on others (a first ``session.update`` that races the socket's
readiness) — shows in the sessions of many.

Every wait is bounded: each batch of connections gets at most ``batch_bound`` seconds, and whatever
the clients leave running after closing is reported and cancelled, as in
:func:`conformance.live.wire_runner.run_scenario`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

from ..adapters.wire import Settings, WireAdapter, WireClient
from .scripted_server import PlayedSession, Script, ScriptedServer
from .wire_runner import CLOSE_TIMEOUT, CONNECT_TIMEOUT, first_line, in_fresh_loop, settle


@dataclass
class RepeatedRun:
    #: The sessions that reached the server, in the order they connected.
    sessions: list[PlayedSession] = field(default_factory=list)
    #: How many connections the clients were asked to open.
    attempted: int = 0
    #: What went wrong on connections that could not be made (one line each).
    failures: list[str] = field(default_factory=list)
    #: Tasks the clients left running after closing.
    leftovers: list[str] = field(default_factory=list)
    elapsed: float = 0.0


def run_connections(
    adapter: WireAdapter, script: Script, settings: Settings, count: int, *, concurrency: int = 5, dialect: str = "ga", batch_bound: float = 8.0
) -> RepeatedRun:
    """Open ``count`` connections with fresh clients of ``adapter``, ``concurrency`` at a time, each
    configured with ``settings`` and closed once the server has played ``script`` to it."""
    started = time.monotonic()
    run = RepeatedRun(attempted=count)
    with ScriptedServer(script, dialect=dialect) as server:
        thread = threading.Thread(target=_thread, args=(adapter, server, settings, count, concurrency, batch_bound, run), name=f"conformance-wire-repeat-{adapter.name}", daemon=True)
        thread.start()
        thread.join((count // max(1, concurrency) + 1) * (batch_bound + CLOSE_TIMEOUT) + 5)
        if thread.is_alive():
            run.failures.append("the clients blocked their event loop and could not be stopped")
        run.sessions = list(server.sessions)
    run.elapsed = round(time.monotonic() - started, 3)
    return run


def _thread(adapter: WireAdapter, server: ScriptedServer, settings: Settings, count: int, concurrency: int, batch_bound: float, run: RepeatedRun) -> None:
    in_fresh_loop(_drive(adapter, server, settings, count, concurrency, batch_bound, run), lambda why: run.failures.append(f"the clients' {why}"))


async def _drive(adapter: WireAdapter, server: ScriptedServer, settings: Settings, count: int, concurrency: int, batch_bound: float, run: RepeatedRun) -> None:
    me = asyncio.current_task()
    done = 0
    while done < count:
        size = min(concurrency, count - done)
        clients: list[WireClient] = []
        for _ in range(size):
            try:
                clients.append(adapter.client())
            except Exception as error:  # noqa: BLE001
                run.failures.append(f"a client could not be created: {type(error).__name__}: {first_line(error)}")
        results = await asyncio.gather(*(asyncio.wait_for(client.connect(server.url, settings), CONNECT_TIMEOUT) for client in clients), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                run.failures.append(f"a client could not connect: {type(result).__name__}: {first_line(result)}")
        done += size
        limit = time.monotonic() + batch_bound
        while time.monotonic() < limit and not (len(server.sessions) >= done and all(session.done.is_set() for session in server.sessions)):
            await asyncio.sleep(0.02)
        await asyncio.gather(*(asyncio.wait_for(client.close(), CLOSE_TIMEOUT) for client in clients), return_exceptions=True)
    left = await settle(me)
    run.leftovers.extend(f"task {task.get_name()}" for task in left)
    for task in left:
        task.cancel()
    if left:
        await asyncio.wait(left, timeout=2)
