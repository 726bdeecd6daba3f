"""The recorder: a pass-through WebSocket proxy that writes a session to a transcript as it happens.

    client  <->  Recorder (LiveServer on 127.0.0.1)  <->  upstream server

Every frame of both directions is forwarded unchanged (the exact text or bytes) and written, in
the order the recorder saw them, with ``t``, and flushed at once: a crash loses nothing already
seen. What reaches the file, and only that, is cleaned:

* headers never reach it at all (``Authorization``, ``api-key`` and a key offered as a WebSocket
  subprotocol are forwarded upstream and forgotten);
* credentials become ``"REDACTED"``: key-like strings, members named like secrets, header maps,
  secret-like URL parameters and user info, in events, raw text and binary frames alike
  (:mod:`conformance.credentials`, the scanner the corpus self-test uses too);
* with ``max_audio_bytes``, base64 audio is cut to a sample-aligned prefix that stays valid base64.

No frame is lost when either side disconnects (the other side's remaining frames are still read and
written, within a bounded drain), when the upstream is slow (frames wait in the socket buffers, not
in a place that can drop them), or when a frame is large (up to ``max_frame_bytes``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from ..corpus.fixtures import Provenance
from ..corpus.shorten import audio_paths
from ..credentials import redact_frame
from ..jsonpath import lookup, steps
from ..sessions.transcript import Frame, Header, TranscriptWriter, add_note
from .probe import public_url
from .server import DEFAULT_MAX_FRAME_BYTES, Connection, LiveServer, _text_frame, refused_as_too_big

#: Handshake headers the WebSocket layer sets itself on the upstream connection.
_HOP_BY_HOP = frozenset({"host", "upgrade", "connection", "content-length", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", "sec-websocket-accept"})
#: How long one side's remaining frames are still read after the other side closed.
DRAIN_SECONDS = 5.0
#: Audio keeps whole 16-bit samples and whole 3-byte base64 groups (see conformance/corpus/shorten.py).
_ALIGN_BYTES = 6


@dataclass
class Recording:
    """One recorded connection: where it went, and what crossed it."""

    number: int
    path: Path
    client_frames: int = 0
    server_frames: int = 0
    redacted: int = 0
    shortened: int = 0
    upstream_error: str | None = None
    client_close: int | None = None
    upstream_close: int | None = None
    #: Why the recorder itself ended the session, when it did (a frame over the size limit).
    ended: str | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event, repr=False)


def upstream_url(upstream: str, path: str, query: dict[str, str]) -> str:
    """The upstream endpoint for a client that asked for ``path?query``: the upstream's own path when
    it has one (else the client's), and the client's query with the upstream's added."""
    parts = urlsplit(upstream)
    merged = dict(parse_qsl(parts.query, keep_blank_values=True))
    merged.update(query)
    use_path = parts.path if parts.path not in ("", "/") else path
    return urlunsplit((parts.scheme, parts.netloc, use_path, urlencode(merged), ""))


def shorten_audio(event: Any, max_bytes: int) -> tuple[Any, list[str]]:
    """``event`` with every base64 audio string longer than ``max_bytes`` (decoded) cut to a prefix of
    at most that many bytes, still valid base64; and the paths it cut. Text that is not valid
    base64 is left alone (its verdict is part of the record)."""
    paths = []
    for path in audio_paths(event):
        text = lookup(event, path)
        try:
            size = len(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError, TypeError):
            continue
        if size <= max_bytes:
            continue
        keep = max_bytes // _ALIGN_BYTES * _ALIGN_BYTES
        if not paths:
            event = copy.deepcopy(event)
        *parents, last = steps(path)
        target = event
        for step in parents:
            target = target[step]
        target[last] = text[: keep // 3 * 4]
        paths.append(path)
    return event, paths


class Recorder:
    """``with Recorder(upstream, out) as recorder:`` serves on ``recorder.url`` in a thread of its own.

    ``out`` is the transcript of the first connection; later connections go to
    ``<stem>-<n>.jsonl`` beside it.
    """

    def __init__(
        self,
        upstream: str,
        out: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_audio_bytes: int | None = None,
        open_timeout: float = 10.0,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        drain_seconds: float = DRAIN_SECONDS,
    ) -> None:
        self.upstream = upstream
        self.out = out
        self.max_audio_bytes = max_audio_bytes
        self.open_timeout = open_timeout
        self.max_frame_bytes = max_frame_bytes
        self.drain_seconds = drain_seconds
        self.recordings: list[Recording] = []
        self.live = LiveServer(
            self._relay,
            host=host,
            port=port,
            max_frame_bytes=max_frame_bytes,
            keep_frames=False,
            select_subprotocol=_prefer_realtime,
            stop_timeout=drain_seconds + open_timeout + 2,
        )

    @property
    def url(self) -> str:
        return self.live.url

    def start(self, timeout: float = 10.0) -> Recorder:
        self.live.start(timeout)
        return self

    def stop(self) -> None:
        self.live.stop()

    def __enter__(self) -> Recorder:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @contextlib.asynccontextmanager
    async def running(self) -> Any:
        async with self.live.running():
            yield self

    def path_for(self, number: int) -> Path:
        return self.out if number == 1 else self.out.with_name(f"{self.out.stem}-{number}{self.out.suffix or '.jsonl'}")

    def _header(self) -> Header:
        alterations = ["credentials replaced by REDACTED, if any: key-like strings, members named like secrets, header values, secret-like URL parameters and user info, in events, raw text and binary frames"]
        if self.max_audio_bytes is not None:
            alterations.append(f"base64 audio longer than {self.max_audio_bytes} bytes cut to a sample-aligned prefix")
        return Header(
            transport="websocket",
            notes=f"recorded by realtime-conformance record from {public_url(self.upstream)}",
            provenance=Provenance(
                kind="captured",
                source=f"recorded by realtime-conformance record, a pass-through proxy in front of {public_url(self.upstream)}",
                server=public_url(self.upstream),
                capture_method="raw frame log: every frame of both directions as the proxy forwarded it, unchanged but for the alterations listed",
                alterations=alterations,
            ),
        )

    # --- one connection ---------------------------------------------------------------------------

    async def _relay(self, connection: Connection) -> None:
        recording = Recording(connection.number, self.path_for(connection.number))
        self.recordings.append(recording)
        writer = TranscriptWriter.create(recording.path, self._header())
        try:
            upstream = await self._open_upstream(connection, recording)
            if upstream is None:
                await connection.close(1011, "the upstream server is unavailable")
                return
            try:
                await self._pump(connection, upstream, writer, recording)
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(upstream.close(), 2)
        finally:
            writer.close()
            if recording.ended:
                add_note(recording.path, f"The recorder ended this session: {recording.ended}.")
            recording.done.set()

    async def _open_upstream(self, connection: Connection, recording: Recording) -> ClientConnection | None:
        request = connection.socket.request
        assert request is not None
        headers = [(name, value) for name, value in request.headers.raw_items() if name.lower() not in _HOP_BY_HOP]
        offered = request.headers.get_all("Sec-WebSocket-Protocol")
        subprotocols = [item.strip() for value in offered for item in value.split(",") if item.strip()]
        url = upstream_url(self.upstream, connection.handshake.path, connection.handshake.query)
        try:
            return await connect(
                url,
                additional_headers=headers,
                subprotocols=subprotocols or None,  # type: ignore[arg-type]
                open_timeout=self.open_timeout,
                max_size=self.max_frame_bytes,
                ping_interval=None,
                compression=None,
                close_timeout=2,
            )
        except InvalidStatus as refused:
            recording.upstream_error = f"the upstream refused the handshake with HTTP {refused.response.status_code}"
        except (OSError, InvalidHandshake, asyncio.TimeoutError) as error:
            recording.upstream_error = f"cannot reach the upstream: {type(error).__name__}"
        return None

    async def _pump(self, connection: Connection, upstream: ClientConnection, writer: TranscriptWriter, recording: Recording) -> None:
        client_task = asyncio.create_task(self._from_client(connection, upstream, writer, recording))
        upstream_task = asyncio.create_task(self._from_upstream(connection, upstream, writer, recording))
        done, _ = await asyncio.wait({client_task, upstream_task}, return_when=asyncio.FIRST_COMPLETED)
        # One side is gone: the other side's remaining frames are still read and written (bounded).
        rest = upstream_task if client_task in done else client_task
        if client_task in done:
            code = recording.client_close if recording.client_close in (1000, 1001) or (recording.client_close or 0) >= 3000 else 1000
            with contextlib.suppress(Exception):
                await asyncio.wait_for(upstream.close(code), 2)
        else:
            code = recording.upstream_close if recording.upstream_close in (1000, 1001, 1008, 1011) or (recording.upstream_close or 0) >= 3000 else 1011
            await connection.close(code, "the upstream server closed the connection")
        _, pending = await asyncio.wait({rest}, timeout=self.drain_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(client_task, upstream_task, return_exceptions=True)

    async def _from_client(self, connection: Connection, upstream: ClientConnection, writer: TranscriptWriter, recording: Recording) -> None:
        forwarding = True
        while True:
            received = await connection.receive_message(timeout=3600)
            if received is None:
                if connection.closed:
                    recording.client_close = connection.close_code
                    if connection.too_big:
                        recording.ended = self._too_big("client")
                    return
                continue
            frame, message = received
            self._write(writer, frame, recording)
            recording.client_frames += 1
            if forwarding:
                try:
                    await upstream.send(message)
                except ConnectionClosed:
                    forwarding = False  # the upstream is gone; keep recording what the client sends

    async def _from_upstream(self, connection: Connection, upstream: ClientConnection, writer: TranscriptWriter, recording: Recording) -> None:
        forwarding = True
        while True:
            try:
                message = await upstream.recv()
            except ConnectionClosed as closed:
                frame = closed.rcvd or closed.sent
                recording.upstream_close = frame.code if frame else 1006
                if refused_as_too_big(closed):
                    recording.ended = self._too_big("upstream")
                return
            self._write(writer, _server_frame(connection, message), recording)
            recording.server_frames += 1
            if forwarding:
                try:
                    if isinstance(message, bytes):
                        await connection.send_bytes(message)
                    else:
                        await connection.send_text(message)
                except ConnectionClosed:
                    forwarding = False  # the client is gone; keep recording what the upstream sends

    def _too_big(self, side: str) -> str:
        return (f"the {side} sent a frame over {self.max_frame_bytes:,} bytes ({self.max_frame_bytes / 2**20:g} MiB), the most it passes; "
                "it closed that side with code 1009, and that frame is neither forwarded nor in this transcript")

    def _write(self, writer: TranscriptWriter, frame: Frame, recording: Recording) -> None:
        frame, redacted = redact_frame(frame)
        recording.redacted += redacted
        if frame.has_event and self.max_audio_bytes is not None:
            event, cut = shorten_audio(frame.event, self.max_audio_bytes)
            recording.shortened += len(cut)
            frame = Frame(frame.line, frame.dir, event=event, t=frame.t)
        writer.write(frame)


def _server_frame(connection: Connection, message: str | bytes) -> Frame:
    """The upstream frame as a transcript frame (the Connection records it once it is forwarded)."""
    t = round(time.monotonic() - connection.opened, 6)
    if isinstance(message, bytes):
        return Frame(0, "server", binary=message, t=t)
    return _text_frame(0, "server", message, t)


def _prefer_realtime(offered: Sequence[str]) -> str | None:
    """Browsers offer ``realtime`` plus the key as a subprotocol; accept ``realtime`` (never the key)."""
    return "realtime" if "realtime" in offered else None
