"""A small bounded WebSocket client for the live tests, and a check that nothing is left behind."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

AUTH = {"Authorization": "Bearer sk-test-0123456789abcdefghijklmnop"}
TIMEOUT = 5.0


class Client:
    """Sends events and reads until an event matches; every read bounded by :data:`TIMEOUT`."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.seen: list[dict[str, Any]] = []

    async def send(self, event: dict[str, Any] | str | bytes) -> None:
        await self.socket.send(event if isinstance(event, (str, bytes)) else json.dumps(event))

    async def until(self, kind: str, where: Callable[[dict[str, Any]], bool] | None = None, limit: int = 2000) -> list[dict[str, Any]]:
        """Events up to and including the first of type ``kind`` (that ``where`` accepts)."""
        got = []
        for _ in range(limit):
            event = json.loads(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
            self.seen.append(event)
            got.append(event)
            if event.get("type") == kind and (where is None or where(event)):
                return got
        raise AssertionError(f"no {kind} in {limit} events")

    async def quiet(self, seconds: float = 0.2) -> list[dict[str, Any]]:
        """Whatever arrives until ``seconds`` pass without an event."""
        got = []
        while True:
            try:
                event = json.loads(await asyncio.wait_for(self.socket.recv(), seconds))
            except asyncio.TimeoutError:
                return got
            self.seen.append(event)
            got.append(event)


def session(url: str, script: Callable[[Client], Any], query: str = "?model=gpt-realtime", headers: dict[str, str] | None = None) -> Any:
    """Run ``script(client)`` on one connection to ``url``."""

    async def run() -> Any:
        async with connect(url + query, additional_headers=AUTH if headers is None else headers, open_timeout=TIMEOUT, max_size=None) as socket:
            client = Client(socket)
            await client.until("session.created")
            return await script(client)

    return asyncio.run(run())


def _sockets() -> set[str]:
    """The sockets this process holds open (Linux; empty elsewhere)."""
    found = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/self/fd/{fd}")
                if target.startswith("socket:"):
                    found.add(target)
    return found


@contextmanager
def nothing_left_behind() -> Iterator[None]:
    """Fails when a thread started or a socket opened inside the block outlives it."""
    before, sockets = set(threading.enumerate()), _sockets()
    yield
    for thread in set(threading.enumerate()) - before:
        thread.join(10)
    left = [thread.name for thread in set(threading.enumerate()) - before if thread.is_alive()]
    assert left == [], f"threads left behind: {left}"
    gc.collect()
    assert _sockets() - sockets == set(), "sockets left open"
