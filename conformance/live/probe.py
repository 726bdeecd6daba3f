"""The probe's machinery: play one scenario against a live server, as a client, and keep the record.

A scenario (:mod:`conformance.families.probe` holds them, as data) is a list of steps: send an
event, send audio, expect an event. :func:`play` opens a fresh connection with the
``websockets`` asyncio client, runs the steps, and returns a :class:`ProbeRun`: every frame of
both directions in order, numbered like transcript lines (the header is line 1), the frames the
steps labelled, and why the script stopped if it stopped early. Checks read the run afterwards.

Every wait is bounded by the transport timeout. A server that closes the connection, hangs (an
expected event does not come in time) or floods (more frames or bytes than a scenario could need)
stops the script; the run says which, and the next scenario starts on a fresh connection.
Header values (credentials) are never printed, and never reach a transcript or a report; neither does
anything else the credential scanner (:mod:`conformance.credentials`) finds in what the server sent.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

from ..corpus.fixtures import Provenance
from ..credentials import redact_frame, scrub
from ..sessions.transcript import Frame, Header, TranscriptWriter
from .audio import Format
from .server import _text_frame

DEFAULT_TIMEOUT = 10.0
DEFAULT_MODEL = "gpt-realtime"

# --- the target ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A server to probe: its endpoint, the headers to send (credentials), and a display name that
    never carries them."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()
    model: str | None = DEFAULT_MODEL
    name: str | None = None

    @property
    def endpoint(self) -> str:
        """The URL with ``model=`` added to its query when the URL has none."""
        parts = urlsplit(self.url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if self.model and not any(key == "model" for key, _ in query):
            query.append(("model", self.model))
        return urlunsplit(parts._replace(query=urlencode(query)))

    @property
    def display_name(self) -> str:
        return self.name or public_url(self.url)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Header values and their token parts (``Bearer <token>``), longest first."""
        found = set()
        for _, value in self.headers:
            value = value.strip()
            if value:
                found.add(value)
                token = value.split(None, 1)[-1]
                if len(token) >= 4:
                    found.add(token)
        return tuple(sorted(found, key=len, reverse=True))


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a WebSocket endpoint the suite can connect to, in words that never quote
    it (it may carry a key); ``None`` when it is one."""
    if not url.startswith(("ws://", "wss://")):
        return "the URL must start with ws:// or wss://"
    if any(character.isspace() or ord(character) < 32 for character in url):
        return "the URL holds a space or a control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number from 0 to 65535
    except ValueError as error:
        return f"the URL is malformed ({error})"
    if not parts.hostname:
        return "the URL has no host"
    return None


def public_url(url: str) -> str:
    """``url`` without user info and without its query (a query can carry a key, as Inworld's does)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` -> ``(name, value)``; raises ValueError (without echoing the value)."""
    name, colon, value = text.partition(":")
    if not colon:
        raise ValueError("a header is 'Name: value', and one --header has no colon (its text is not shown: it may be a credential)")
    if not name.strip() or any(c.isspace() for c in name.strip()):
        raise ValueError("a header is 'Name: value', and one --header has no name or a name with spaces (its text is not shown: it may be a credential)")
    return name.strip(), value.strip()


# --- steps --------------------------------------------------------------------------------------

EventOrBuilder = dict[str, Any] | Callable[["ProbeRun"], dict[str, Any]]


@dataclass(frozen=True)
class Send:
    """Send one client event (or what ``event(run)`` builds from what the run has seen)."""

    event: EventOrBuilder
    label: str | None = None


@dataclass(frozen=True)
class SendAudio:
    """Append ``audio`` in chunks of ``chunk_ms`` as ``input_audio_buffer.append`` events."""

    audio: Callable[[], bytes]
    format: Format
    chunk_ms: int = 100


@dataclass(frozen=True)
class Expect:
    """Wait for a server event of one of ``types`` (that ``where`` accepts), received after the
    frame labelled ``after`` (default: the last frame this script sent). On timeout a ``required``
    expectation means the server hangs; otherwise the script just ends (what the server may
    legitimately not do, such as hearing speech in synthetic audio)."""

    label: str
    types: tuple[str, ...]
    what: str
    where: Callable[[dict[str, Any], ProbeRun], bool] | None = None
    after: str | None = None
    required: bool = True


Step = Send | SendAudio | Expect

# --- the record ---------------------------------------------------------------------------------

Failure = Literal["connect", "closed", "hang", "flood", "error"]


@dataclass
class ProbeRun:
    scenario: str
    frames: list[Frame] = field(default_factory=list)
    labels: dict[str, Frame] = field(default_factory=dict)
    #: Why the script could not go on: the server refused the handshake, closed, hung or flooded.
    failure: Failure | None = None
    failure_message: str = ""
    #: An expectation that was not required went unmet, and the script ended there.
    stopped: str | None = None
    close_code: int | None = None
    close_reason: str = ""
    transcript: Path | None = None
    #: Seconds the scenario took.
    seconds: float = 0.0
    _last_sent: int = 0

    @property
    def connected(self) -> bool:
        return self.failure != "connect"

    def server_frames(self) -> Iterator[Frame]:
        return (frame for frame in self.frames if frame.dir == "server")

    def server_events(self, *types: str) -> list[Frame]:
        return [frame for frame in self.server_frames() if frame.has_event and (not types or frame.event_type in types)]

    def after(self, label: str, *types: str) -> list[Frame]:
        """Server events of ``types`` after the frame labelled ``label`` (none when it is absent)."""
        if label not in self.labels:
            return []
        line = self.labels[label].line
        return [frame for frame in self.server_events(*types) if frame.line > line]

    def event(self, label: str) -> dict[str, Any]:
        """The event of a labelled frame (``{}`` when the label is absent)."""
        frame = self.labels.get(label)
        return frame.event if frame is not None and isinstance(frame.event, dict) else {}

    def where(self, line: int) -> str:
        return f"{self.transcript}:{line}" if self.transcript else f"line {line}"

    def why_missing(self, label: str, what: str) -> str:
        """Why a label the checks need is absent, in words a maintainer can act on."""
        if self.failure:
            return f"{what} never came: {self.failure_message}"
        if self.stopped:
            return f"{what} was not exercised: {self.stopped}"
        return f"{what} was not observed"


# --- playing a scenario -------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    #: More than this in one scenario is a flood: a long spoken answer is a few hundred frames.
    max_frames: int = 20_000
    max_bytes: int = 64 * 1024 * 1024
    #: Quiet needed at the end before the connection is closed (catches trailing events).
    settle: float = 0.3
    max_frame_bytes: int = 16 * 1024 * 1024


class _Stop(Exception):
    """The script cannot go on; the run already says why."""


class _Player:
    def __init__(self, run: ProbeRun, socket: ClientConnection, limits: Limits, writer: TranscriptWriter | None, secrets: tuple[str, ...]) -> None:
        self.run, self.socket, self.limits, self.writer, self.secrets = run, socket, limits, writer, secrets
        self.opened = time.monotonic()
        self.bytes = 0

    def _record(self, direction: str, message: str | bytes) -> Frame:
        t = round(time.monotonic() - self.opened, 6)
        line = len(self.run.frames) + 2
        if isinstance(message, bytes):
            frame = Frame(line, direction, binary=message, t=t)  # type: ignore[arg-type]
        else:
            frame = _text_frame(line, direction, message, t)
        self.run.frames.append(frame)
        if self.writer is not None:
            self.writer.write(scrubbed(frame, self.secrets))
        return frame

    async def send(self, event: dict[str, Any], label: str | None) -> None:
        text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        try:
            await asyncio.wait_for(self.socket.send(text), self.limits.timeout)
        except ConnectionClosed as closed:
            self._closed(closed, f"sending {event.get('type')}")
        except asyncio.TimeoutError:
            self._fail("hang", f"sending {event.get('type')} did not finish within {self.limits.timeout:g} s (the server does not read)")
        frame = self._record("client", text)
        self.run._last_sent = frame.line
        if label:
            self.run.labels[label] = frame

    async def receive(self, deadline: float) -> Frame | None:
        """The next server frame, or ``None`` at the deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            message = await asyncio.wait_for(self.socket.recv(), remaining)
        except asyncio.TimeoutError:
            return None
        except ConnectionClosed as closed:
            self._closed(closed, "waiting for the server")
        frame = self._record("server", message)
        self.bytes += len(message)
        if len(self.run.frames) > self.limits.max_frames or self.bytes > self.limits.max_bytes:
            self._fail("flood", f"the server sent more than {self.limits.max_frames:,} frames or {self.limits.max_bytes:,} bytes in one scenario (flooding)")
        return frame

    async def expect(self, step: Expect) -> None:
        after = self.run.labels[step.after].line if step.after in self.run.labels else self.run._last_sent
        for frame in self.run.server_events(*step.types):
            if frame.line > after and self._matches(step, frame):
                self.run.labels[step.label] = frame
                return
        deadline = time.monotonic() + self.limits.timeout
        while True:
            frame = await self.receive(deadline)
            if frame is None:
                message = f"{step.what} did not come within {self.limits.timeout:g} s"
                if step.required:
                    self._fail("hang", message + " (the server hangs)")
                self.run.stopped = message
                raise _Stop
            if frame.has_event and frame.event_type in step.types and self._matches(step, frame):
                self.run.labels[step.label] = frame
                return

    def _matches(self, step: Expect, frame: Frame) -> bool:
        try:
            return step.where is None or bool(step.where(frame.event, self.run))
        except (KeyError, TypeError, AttributeError, IndexError):
            return False

    async def settle(self) -> None:
        """Wait (bounded) until every response the server started is done, then for quiet."""
        deadline = time.monotonic() + self.limits.timeout
        while _open_responses(self.run) and await self.receive(deadline) is not None:
            pass
        quiet_deadline = min(deadline + self.limits.settle, time.monotonic() + self.limits.timeout)
        while True:
            quiet = min(time.monotonic() + self.limits.settle, quiet_deadline)
            if await self.receive(quiet) is None:
                return

    def _closed(self, closed: ConnectionClosed, doing: str) -> None:
        frame = closed.rcvd or closed.sent
        self.run.close_code = frame.code if frame else 1006
        self.run.close_reason = frame.reason if frame else ""
        reason = f" ({self.run.close_reason})" if self.run.close_reason else ""
        self._fail("closed", f"the server closed the connection (code {self.run.close_code}{reason}) while the probe was {doing}")

    def _fail(self, kind: Failure, message: str) -> None:
        if self.run.failure is None:
            self.run.failure, self.run.failure_message = kind, message
        raise _Stop


def _open_responses(run: ProbeRun) -> bool:
    created = {frame.event["response"].get("id") for frame in run.server_events("response.created") if isinstance(frame.event.get("response"), dict)}
    done = {frame.event["response"].get("id") for frame in run.server_events("response.done") if isinstance(frame.event.get("response"), dict)}
    return bool(created - done)


async def play(scenario_id: str, steps: tuple[Step, ...], target: Target, limits: Limits = Limits(), record_dir: Path | None = None) -> ProbeRun:
    """Run ``steps`` on a fresh connection to ``target``; never raises for what the server does."""
    run = ProbeRun(scenario_id)
    started = time.monotonic()
    writer = None
    if record_dir is not None:
        run.transcript = record_dir / f"{scenario_id}.jsonl"
        writer = TranscriptWriter.create(run.transcript, _header(scenario_id, target))
    try:
        try:
            socket = await connect(
                target.endpoint,
                additional_headers=list(target.headers),
                open_timeout=limits.timeout,
                close_timeout=2,
                ping_interval=None,
                max_size=limits.max_frame_bytes,
                compression=None,
            )
        except Exception as error:  # noqa: BLE001 - whatever the handshake meets fails this scenario, and the probe goes on
            run.failure, run.failure_message = "connect", _refusal(error, target)
            return run
        player = _Player(run, socket, limits, writer, target.secrets)
        try:
            await _steps(player, steps)
        except _Stop:
            pass
        except Exception as error:  # noqa: BLE001 - a bug in a step costs this scenario only
            run.failure = run.failure or "error"
            run.failure_message = run.failure_message or f"the probe failed in this scenario: {type(error).__name__}: {error}"
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(socket.close(), 3)
    finally:
        if writer is not None:
            writer.close()
        run.seconds = round(time.monotonic() - started, 3)
    return run


async def _steps(player: _Player, steps: tuple[Step, ...]) -> None:
    await player.expect(Expect("session.created", ("session.created", "error"), "first server event (session.created)", after="__start__"))
    for step in steps:
        if isinstance(step, Send):
            event = step.event(player.run) if callable(step.event) else step.event
            await player.send(event, step.label)
        elif isinstance(step, SendAudio):
            data = step.audio()
            size = step.format.bytes_for(step.chunk_ms)
            for start in range(0, len(data), size):
                await player.send({"type": "input_audio_buffer.append", "audio": base64.b64encode(data[start : start + size]).decode("ascii")}, None)
        else:
            await player.expect(step)
    await player.settle()


def _refusal(error: BaseException, target: Target) -> str:
    """Why the handshake failed, never quoting a URL the server redirected to (it may carry a key)."""
    if isinstance(error, InvalidStatus):
        return f"the server refused the handshake with HTTP {error.response.status_code}"
    if isinstance(error, asyncio.TimeoutError):
        return "the handshake did not complete in time"
    if isinstance(error, InvalidURI):
        if error.uri != target.endpoint:
            return "the server redirected the handshake to a URL that is not ws:// or wss://, which the probe does not follow"
        return "the URL is not a WebSocket URL (ws:// or wss://)"
    return scrub_text(f"cannot connect to {target.display_name}: {type(error).__name__}: {error}", target.secrets)


def _header(scenario_id: str, target: Target) -> Header:
    return Header(
        transport="websocket",
        notes=f"probe scenario {scenario_id} against {target.display_name}",
        provenance=Provenance(
            kind="captured",
            source=f"recorded by realtime-conformance probe, scenario {scenario_id}",
            server=target.display_name,
            capture_method="raw frame log: every frame as it crossed the probe's socket",
        ),
    )


# --- keeping credentials out --------------------------------------------------------------------


def scrub_text(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` without the header values sent and without anything else the credential scanner finds."""
    return scrub(text, secrets)


def scrubbed(frame: Frame, secrets: tuple[str, ...]) -> Frame:
    """``frame`` as it may reach a file: header values and every credential replaced by ``REDACTED``,
    in an event, raw text or a binary frame alike."""
    return redact_frame(frame, secrets)[0]
