"""The one WebSocket server of the suite: accept, record, bounded waits, clean close.

The reference server, the scripted server and the recorder all put their protocol behaviour on top
of :class:`LiveServer`; it owns everything a live test must get right once:

* it binds ``127.0.0.1`` on a port the OS picks, unless told otherwise;
* every frame in either direction is recorded, in order, with ``t`` (seconds since the connection
  opened) and the line it has in the connection's transcript (the header is line 1), and written
  through :class:`~conformance.sessions.transcript.TranscriptWriter` when a directory is given,
  credentials redacted (:mod:`conformance.credentials`);
* every wait is bounded (:meth:`Connection.receive` takes a timeout; stopping the server waits at
  most ``stop_timeout`` seconds, then cancels what is left);
* a handler that raises or hangs costs only its own connection: the error is kept on the
  connection, and the server keeps serving;
* the handshake is recorded as path, query and header *names*; header values (credentials) are
  never kept, and a refused handshake is one scrubbed line on the log, never a traceback
  (:mod:`.refusals`).

It runs either inside the caller's asyncio loop (``async with server.running():``) or in a thread of
its own (``with server:``), which is what tests and synchronous callers use, and what lets a client
library run its own event loop beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from ..credentials import redact_frame
from ..decoding import NotJSON, decode
from ..exact_numbers import exact
from ..sessions.transcript import Frame, Header, TranscriptWriter
from .refusals import RefusalLog, refused

#: Frames larger than this are refused by the WebSocket layer (close code 1009), never buffered whole.
DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
#: How long :meth:`LiveServer.stop` waits for connections to finish before cancelling them.
DEFAULT_STOP_TIMEOUT = 5.0

Handler = Callable[["Connection"], Awaitable[None]]
#: Looks at the handshake; returns ``None`` to accept, or ``(status, reason)`` to refuse it.
Gate = Callable[["Handshake"], "tuple[int, str] | None"]
#: Picks the subprotocol to accept from those the client offers (``None``: accept none).
SubprotocolChooser = Callable[[Sequence[str]], "str | None"]


@dataclass(frozen=True)
class Handshake:
    """What the client asked for when it connected. Header values are never kept: only names, and
    whether the credential headers were present."""

    path: str
    query: dict[str, str]
    header_names: tuple[str, ...]

    @property
    def has_credentials(self) -> bool:
        names = {name.lower() for name in self.header_names}
        return "authorization" in names or "api-key" in names

    @classmethod
    def of(cls, request: Request) -> Handshake:
        parts = urlsplit(request.path)
        return cls(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)), tuple(sorted({name for name in request.headers})))


@dataclass
class Connection:
    """One accepted connection: its handshake, its frames so far, and how it ended."""

    number: int
    handshake: Handshake
    socket: ServerConnection = field(repr=False)
    writer: TranscriptWriter | None = field(default=None, repr=False)
    frames: list[Frame] = field(default_factory=list, repr=False)
    opened: float = field(default_factory=time.monotonic)
    #: Set when the handler returned (or failed, or was cancelled): the connection is finished.
    finished: threading.Event = field(default_factory=threading.Event, repr=False)
    #: What the handler raised, if it did.
    error: BaseException | None = None
    close_code: int | None = None
    close_reason: str = ""
    #: Keep every frame in :attr:`frames` (a recorder of long sessions writes them out instead).
    keep_frames: bool = True
    #: Frames recorded so far, kept or not.
    count: int = 0
    #: The connection ended because the client sent a frame over the size limit (close code 1009).
    too_big: bool = False

    @property
    def closed(self) -> bool:
        return self.close_code is not None

    def _record(self, direction: str, message: str | bytes, started: float | None = None) -> Frame:
        # A sent frame is timed before the send: a client on another thread may act on it before
        # ``send`` returns, and what the client saw must not seem to come before it was sent.
        t = round((time.monotonic() if started is None else started) - self.opened, 6)
        line = self.count + 2  # line 1 is the transcript's header
        self.count += 1
        if isinstance(message, bytes):
            frame = Frame(line, direction, binary=message, t=t)  # type: ignore[arg-type]
        else:
            frame = _text_frame(line, direction, message, t)
        if self.keep_frames:
            self.frames.append(frame)
        if self.writer is not None:
            self.writer.write(redact_frame(frame)[0])  # the file never holds a credential; the caller sees the frame as it was
        return frame

    async def send_event(self, event: Any) -> Frame:
        """Send one event as compact JSON and record it."""
        return await self.send_text(json.dumps(event, ensure_ascii=False, separators=(",", ":")))

    async def send_text(self, text: str) -> Frame:
        """Send a text frame as it is (it need not be JSON: a scripted server sends garbage on purpose)."""
        started = time.monotonic()
        await self.socket.send(text)
        return self._record("server", text, started)

    async def receive(self, timeout: float) -> Frame | None:
        """The client's next frame, recorded; ``None`` when nothing came within ``timeout`` seconds
        or the connection closed (then :attr:`closed` is true)."""
        received = await self.receive_message(timeout)
        return received[0] if received is not None else None

    async def receive_message(self, timeout: float) -> tuple[Frame, str | bytes] | None:
        """Like :meth:`receive`, with the frame's text or bytes exactly as they came (what a
        pass-through proxy forwards)."""
        if self.closed:
            return None
        try:
            message = await asyncio.wait_for(self.socket.recv(), timeout)
        except asyncio.TimeoutError:
            return None
        except ConnectionClosed as closed:
            self._closed(closed)
            return None
        return self._record("client", message), message

    async def send_bytes(self, data: bytes) -> Frame:
        """Send a binary frame as it is and record it."""
        started = time.monotonic()
        await self.socket.send(data)
        return self._record("server", data, started)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        with contextlib.suppress(Exception):
            await self.socket.close(code, reason)
        self.close_code = self.close_code or code
        self.close_reason = self.close_reason or reason

    def _closed(self, closed: ConnectionClosed) -> None:
        frame = closed.rcvd or closed.sent
        self.close_code = frame.code if frame else 1006
        self.close_reason = frame.reason if frame else "closed without a close frame"
        self.too_big = refused_as_too_big(closed)


def refused_as_too_big(closed: ConnectionClosed) -> bool:
    """Whether this side ended the connection because the peer sent a frame over the size limit
    (it sent close code 1009 first; a peer's own 1009 is about what this side sent)."""
    return closed.sent is not None and closed.sent.code == 1009 and not closed.rcvd_then_sent


def _text_frame(line: int, direction: str, text: str, t: float) -> Frame:
    """A text frame: its event when it is JSON (a number beyond a float's range keeps its digits), else
    kept raw, never lost."""
    try:
        return Frame(line, direction, event=exact(text, decode(text)), t=t)  # type: ignore[arg-type]
    except NotJSON:
        return Frame(line, direction, raw=text, t=t)  # type: ignore[arg-type]


class LiveServer:
    """A WebSocket server that runs ``handler`` once per connection.

    ``record_dir``: write each connection's transcript to ``<record_dir>/connection-<n>.jsonl``.
    ``gate``: refuse a handshake (wrong path, missing credentials) before any frame is exchanged.
    ``keep_frames``: keep every frame on its connection (tests inspect them); a long session that
    only needs them written out does not.
    ``keep_finished``: keep a connection in :attr:`connections` once it has finished (tests inspect
    it afterwards); a server that runs for long (``serve``) lets it go, so that its memory stays
    bounded however many connections come and go.
    """

    def __init__(
        self,
        handler: Handler,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        gate: Gate | None = None,
        record_dir: Path | None = None,
        header: Header | None = None,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        stop_timeout: float = DEFAULT_STOP_TIMEOUT,
        keep_frames: bool = True,
        keep_finished: bool = True,
        select_subprotocol: SubprotocolChooser | None = None,
    ) -> None:
        self.handler = handler
        self.host, self.port = host, port
        self.gate = gate
        self.record_dir = record_dir
        self.header = header or Header()
        self.max_frame_bytes = max_frame_bytes
        self.stop_timeout = stop_timeout
        self.keep_frames = keep_frames
        self.keep_finished = keep_finished
        self.select_subprotocol = select_subprotocol
        self.connections: list[Connection] = []
        self._numbers = itertools.count(1)
        self._server: Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._startup_error: BaseException | None = None

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:PORT`` (no path: clients add their own, such as ``/v1/realtime``)."""
        return f"ws://{self.host}:{self.port}"

    # --- running inside the caller's loop --------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LiveServer]:
        async with serve(
            self._serve_connection,
            self.host,
            self.port,
            process_request=self._process_request,
            max_size=self.max_frame_bytes,
            compression=None,
            ping_interval=None,
            close_timeout=2,
            select_subprotocol=self._choose_subprotocol if self.select_subprotocol else None,
            logger=RefusalLog(),
        ) as server:
            self._server = server
            self.port = next(iter(server.sockets)).getsockname()[1]
            try:
                yield self
            finally:
                await self._shutdown(server)

    async def _shutdown(self, server: Server) -> None:
        server.close(close_connections=False)
        pending = [task for task in self._tasks if not task.done()]
        if pending:
            _, still = await asyncio.wait(pending, timeout=self.stop_timeout)
            for task in still:
                task.cancel()
            if still:
                await asyncio.wait(still, timeout=1)
        server.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 2)

    def _choose_subprotocol(self, connection: ServerConnection, offered: Sequence[str]) -> str | None:
        assert self.select_subprotocol is not None
        return self.select_subprotocol(offered)  # type: ignore[return-value]

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if self.gate is None:
            return None
        refusal = self.gate(Handshake.of(request))
        if refusal is None:
            return None
        status, reason = refusal
        refused(connection, f"HTTP {status}, {reason}")
        return connection.respond(status, reason + "\n")

    async def _serve_connection(self, socket: ServerConnection) -> None:
        number = next(self._numbers)
        writer = None
        if self.record_dir is not None:
            writer = TranscriptWriter.create(self.record_dir / f"connection-{number}.jsonl", self.header)
        assert socket.request is not None
        connection = Connection(number, Handshake.of(socket.request), socket, writer, keep_frames=self.keep_frames)
        self.connections.append(connection)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self.handler(connection)
        except ConnectionClosed as closed:
            connection._closed(closed)
        except asyncio.CancelledError:
            connection.error = TimeoutError("the handler was still running when the server stopped")
            raise
        except Exception as error:  # noqa: BLE001 - kept on the connection; the server goes on
            connection.error = error
        finally:
            self._tasks.discard(task)
            await connection.close(1000, "session over")
            if writer is not None:
                writer.close()
            connection.finished.set()
            if not self.keep_finished:
                self.connections.remove(connection)

    # --- running in a thread of its own ----------------------------------------------------------

    def start(self, timeout: float = 10.0) -> LiveServer:
        self._thread = threading.Thread(target=self._run_thread, name="conformance-live-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"the server did not start within {timeout:g} s")
        if self._startup_error is not None:
            raise self._startup_error
        return self

    def _run_thread(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._thread_main())
        except BaseException as error:  # noqa: BLE001 - surfaced by start()
            self._startup_error = error
            self._ready.set()
        finally:
            loop.close()

    async def _thread_main(self) -> None:
        self._stop = asyncio.Event()
        async with self.running():
            self._ready.set()
            await self._stop.wait()

    def stop(self) -> None:
        """Stop serving, finish or cancel every connection, and join the thread (all bounded)."""
        if self._thread is None or self._loop is None or self._stop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop may already be gone
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(self.stop_timeout + 5)
        self._thread = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def wait_for_connections(self, count: int, timeout: float) -> list[Connection]:
        """Block until ``count`` connections have finished (or ``timeout``); returns those finished
        (with ``keep_finished`` off, none is kept to return)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [connection for connection in self.connections if connection.finished.is_set()]
            if len(done) >= count:
                return done
            time.sleep(0.01)
        return [connection for connection in self.connections if connection.finished.is_set()]
