"""The reference server on a socket: :class:`ReferenceServer` serves a session class
(:class:`~.reference_session.RealtimeSession` by default, or a broken server's) in the dialect its
options name (:mod:`.dialect_server` for any but GA).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from ..sessions.transcript import Header
from .dialect_server import session_class as for_dialect
from .reference_session import DEFAULT_MODEL, REALTIME_PATH, Event, RealtimeSession, ServerOptions
from .server import Connection, Handshake, LiveServer

__all__ = ["DEFAULT_MODEL", "REALTIME_PATH", "Event", "RealtimeSession", "ReferenceServer", "ServerOptions"]


# --- the server ---------------------------------------------------------------------------------


class ReferenceServer:
    """The reference server on a :class:`LiveServer`. ``with ReferenceServer() as server:`` runs it
    in a thread of its own on ``127.0.0.1`` and a port the OS picks; ``server.url`` is the endpoint."""

    def __init__(
        self,
        options: ServerOptions | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        record_dir: Any = None,
        session_class: type[RealtimeSession] = RealtimeSession,
        header: Header | None = None,
        keep_connections: bool = True,
    ) -> None:
        """``keep_connections``: keep every connection and its frames in :attr:`connections` (what
        tests inspect); ``serve`` does not, so that its memory stays bounded however long it runs."""
        self.options = options or ServerOptions()
        self.session_class = session_class
        self.live = LiveServer(
            self._serve,
            host=host,
            port=port,
            gate=self._gate,
            record_dir=record_dir,
            header=header or Header(notes="served by the realtime-conformance reference server"),
            keep_frames=keep_connections,
            keep_finished=keep_connections,
        )

    @property
    def url(self) -> str:
        """The realtime endpoint, ``ws://127.0.0.1:PORT/v1/realtime``; clients add ``?model=``."""
        return self.live.url + self.options.path

    @property
    def connections(self) -> list[Connection]:
        return self.live.connections

    def _gate(self, handshake: Handshake) -> tuple[int, str] | None:
        if handshake.path != self.options.path:
            return 404, f"no realtime endpoint at {handshake.path}; connect to {self.options.path}?model=..."
        if self.options.require_credentials and not handshake.has_credentials:
            return 401, "missing credentials: send an Authorization or api-key header"
        return None

    async def _serve(self, connection: Connection) -> None:
        session_class = self.session_class
        if self.options.dialect != "ga":
            session_class = for_dialect(self.options.dialect, session_class)
        await session_class(connection, self.options).run()

    def start(self, timeout: float = 10.0) -> ReferenceServer:
        self.live.start(timeout)
        return self

    def stop(self) -> None:
        self.live.stop()

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ReferenceServer]:
        """Serve inside the caller's event loop."""
        async with self.live.running():
            yield self
