"""The scripted server: plays one scripted session to every client that connects, and judges the client.

A :class:`Script` is data: an ordered list of :class:`Step` s, each a server frame sent immediately,
after a delay, or once the client has sent a frame matching a pattern (``{"type":
"response.create"}``); plus :class:`Reply` rules that answer every matching client frame (a
``session.update`` gets its ``session.updated``). :meth:`Script.from_transcript` derives a script
from a recorded session, so that a real session can be replayed to any client library.

It is built on :class:`~conformance.live.server.LiveServer`, which records every frame of both
directions with its time. Every wait is bounded: a pattern the client never sends costs at most
``Script.wait_timeout`` and leaves a note, and the session goes on. When the steps are done the
server lingers (``Script.linger``), marks the session :attr:`PlayedSession.done`, and waits a bounded
time for the client to close, so that a well-behaved client gets to close first.

:meth:`PlayedSession.judgement` judges what the client sent: every client frame with the reference
models, and the whole session with the session rules (:mod:`conformance.sessions.rules`), keeping
the findings about frames the client sent. A script of another dialect (its header's ``protocol``,
or ``dialect=``) judges the client under that dialect: a client built for xAI or Azure's preview
surface is held to the protocol it targets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..protocol import dialects
from ..sessions.findings import Finding
from ..sessions.rules import check_frames
from ..sessions.transcript import Frame, Header, Transcript
from ..verdict import Verdict, judge
from .server import Connection, LiveServer

#: A reply builder: the client frame it answers -> the server events to send back.
Builder = Callable[[Frame], Sequence[Any]]

#: How long a client must stop sending a ``Step.quiet`` pattern before the step goes on.
QUIET = 0.2

#: Client event types that make a server act; a script derived from a transcript waits for these.
TRIGGERS: frozenset[str] = frozenset(
    {
        "session.update",
        "conversation.item.create",
        "conversation.item.delete",
        "conversation.item.retrieve",
        "conversation.item.truncate",
        "input_audio_buffer.commit",
        "input_audio_buffer.clear",
        "response.create",
        "response.cancel",
    }
)


def matches(value: Any, pattern: Any) -> bool:
    """Whether ``value`` has everything ``pattern`` has: objects match member by member (extra
    members allowed), everything else by equality, with JSON types kept apart (``1`` is not ``true``)."""
    if isinstance(pattern, Mapping):
        return isinstance(value, Mapping) and all(key in value and matches(value[key], item) for key, item in pattern.items())
    if isinstance(pattern, list):
        return isinstance(value, list) and len(value) == len(pattern) and all(matches(v, p) for v, p in zip(value, pattern))
    return type(value) is type(pattern) and value == pattern


@dataclass(frozen=True)
class Step:
    """One server frame of a script: ``send`` (an event, sent as compact JSON, or a function of the
    client frames received so far that returns one) or ``text`` (a text frame sent as it is, JSON or
    not), sent ``after`` seconds once ``when`` (a pattern) has been matched by a client frame not
    matched before. A step with nothing to send only waits."""

    send: Any = None
    text: str | None = None
    after: float = 0.0
    when: Mapping[str, Any] | None = None
    #: Says what the step is for, in notes and reports.
    label: str = ""
    #: Match only a client frame that arrives once the step starts waiting (a second turn's audio,
    #: not what is left of the first turn's).
    fresh: bool = False
    #: Before sending, wait until no client frame matching this pattern has come for
    #: :data:`QUIET` seconds (at most the script's ``wait_timeout``), as a voice detector waits for
    #: the speech to stop: the frames that came are consumed, so a later ``fresh`` step waits for new ones.
    quiet: Mapping[str, Any] | None = None

    @property
    def sends(self) -> bool:
        return self.send is not None or self.text is not None


@dataclass(frozen=True)
class Reply:
    """Answers every client frame that matches ``when`` with what ``build`` returns, at once."""

    when: Mapping[str, Any]
    build: Builder = field(compare=False)


@dataclass(frozen=True)
class Script:
    steps: tuple[Step, ...]
    replies: tuple[Reply, ...] = ()
    #: The longest a step waits for its pattern before the script goes on without it.
    wait_timeout: float = 5.0
    #: How long to keep listening after the last step.
    linger: float = 0.3
    #: How long to wait for the client to close once the session is done.
    close_timeout: float = 3.0

    @classmethod
    def from_transcript(
        cls,
        transcript: Transcript | Iterable[Frame],
        *,
        wait_for: Collection[str] = TRIGGERS,
        max_gap: float = 0.5,
        **options: Any,
    ) -> Script:
        """The server side of a recorded session as a script. Each server frame is sent after the
        gap the transcript records between it and the frame before (capped at ``max_gap``); a
        client frame whose type is in ``wait_for`` becomes a wait for a frame of that type, so
        the replay follows the client it plays to. Malformed lines are skipped."""
        steps: list[Step] = []
        previous_t: float | None = None
        waiting: Mapping[str, Any] | None = None
        for frame in transcript:
            if frame.problem is not None:
                continue
            gap = 0.0 if frame.t is None or previous_t is None else max(0.0, min(max_gap, frame.t - previous_t))
            previous_t = frame.t if frame.t is not None else previous_t
            if frame.dir == "client":
                kind = frame.event_type
                if kind in wait_for:
                    if waiting is not None:
                        steps.append(Step(when=waiting, label=f"line {frame.line}: the client's {waiting['type']}"))
                    waiting = {"type": kind}
                continue
            if frame.binary is not None:
                continue  # a binary frame is not part of the GA protocol; nothing to replay
            text = frame.raw if frame.raw is not None else None
            steps.append(Step(send=None if text is not None else frame.event, text=text, after=gap, when=waiting, label=f"line {frame.line}"))
            waiting = None
        if waiting is not None:
            steps.append(Step(when=waiting, label="the client's last event"))
        return cls(tuple(steps), **options)


@dataclass(frozen=True)
class Judgement:
    """What the scripted server makes of the client: a verdict for every client frame, and the
    session rules' findings about frames the client sent."""

    verdicts: tuple[tuple[Frame, Verdict | None], ...]
    findings: tuple[Finding, ...] = ()

    @property
    def invalid(self) -> list[tuple[Frame, Verdict | None]]:
        """Client frames that are not valid GA client events (``None``: not a text frame at all)."""
        return [(frame, verdict) for frame, verdict in self.verdicts if verdict is None or not verdict.ok]


@dataclass
class PlayedSession:
    """One connection's session: the connection (handshake, frames, how it closed), a note for each
    wait that timed out, and whether the script has finished."""

    connection: Connection
    notes: list[str] = field(default_factory=list)
    #: The frame each step sent, in step order (``None`` for a step that only waited or could not send).
    sent: list[Frame | None] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    #: Whether the client closed the connection (a close frame or a dropped socket) before the
    #: server gave up waiting for it.
    closed_by_client: bool = False
    #: The dialect the client is judged under.
    dialect: str = "ga"

    @property
    def client_frames(self) -> list[Frame]:
        return [frame for frame in self.connection.frames if frame.dir == "client"]

    def as_ga(self, frame: Frame | None) -> Frame | None:
        """A frame of this session as GA reads it: itself under GA; under another dialect, its event
        translated (``Dialect.to_ga``), its line and time kept."""
        if frame is None or self.dialect == "ga" or not frame.has_event or not isinstance(frame.event, dict):
            return frame
        translated = dialects.get(self.dialect).to_ga(frame.event, frame.dir)  # type: ignore[arg-type]
        return frame if translated is None else replace(frame, event=translated)

    @property
    def ga_frames(self) -> list[Frame]:
        """Every frame, both directions, as GA reads it (the checks' view; :meth:`judgement` judges
        the client's frames as sent, under the session's dialect)."""
        return [self.as_ga(frame) for frame in self.connection.frames]  # type: ignore[misc]

    def judgement(self) -> Judgement:
        verdicts = tuple((frame, _judge_client(frame, self.dialect)) for frame in self.client_frames)
        frames = self.connection.frames
        client_lines = {frame.line for frame in frames if frame.dir == "client"}
        result = check_frames(list(frames), transport="websocket", excerpt=False, dialect=self.dialect)
        return Judgement(verdicts, tuple(finding for finding in result.findings if finding.line in client_lines))


def _judge_client(frame: Frame, dialect: str = "ga") -> Verdict | None:
    if frame.binary is not None:
        return None
    under = None if dialect == "ga" else dialect
    if frame.raw is not None:
        return judge(frame.raw, "client", under)
    return judge(json.dumps(frame.event, ensure_ascii=False), "client", under)


class ScriptedServer:
    """A :class:`LiveServer` that plays ``script`` to each connection (a fresh play per connection).

    A script is written in GA. Under another ``dialect`` the server speaks that dialect: each event
    goes out as the dialect sends it (``Dialect.from_ga``; an event the dialect does not have is not
    sent), and each client frame is read as GA (``Dialect.to_ga``) for the script's patterns and
    replies, as :mod:`conformance.live.dialect_server` does for the reference server."""

    def __init__(self, script: Script, *, header: Header | None = None, dialect: str | None = None, **server_options: Any) -> None:
        self.script = script
        self.dialect = dialect or (header.protocol if header is not None else "ga")
        self.sessions: list[PlayedSession] = []
        self._new_session = threading.Condition()
        self.server = LiveServer(self._play, header=header, **server_options)

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> ScriptedServer:
        self.server.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.stop()

    def stop(self) -> None:
        self.server.stop()

    def first_session(self, timeout: float) -> PlayedSession | None:
        """The first connection's session, once a client has connected (or ``None`` after ``timeout``)."""
        with self._new_session:
            self._new_session.wait_for(lambda: bool(self.sessions), timeout)
        return self.sessions[0] if self.sessions else None

    async def _play(self, connection: Connection) -> None:
        session = PlayedSession(connection, dialect=self.dialect)
        with self._new_session:
            self.sessions.append(session)
            self._new_session.notify_all()
        await _Player(self.script, session).run()


def dialect_opening(dialect: str) -> list[dict[str, Any]]:
    """What a dialect's server sends right after ``session.created``, as the dialect reference server
    does (:mod:`conformance.live.dialect_server`): xAI's ``conversation.created`` ("the first message
    at connection", docs.x.ai), which its clients wait for before configuring the session, and the
    keep-alive ``ping`` of xAI and Inworld."""
    opening: list[dict[str, Any]] = []
    if dialect == "xai":
        opening.append({"type": "conversation.created", "event_id": "event_opening_1", "conversation": {"id": "conv_wire", "object": "realtime.conversation"}})
    if dialect in ("xai", "inworld"):
        opening.append({"type": "ping", "event_id": "event_opening_2", "timestamp": int(time.time() * 1000)})
    return opening


class _Player:
    """Plays one script over one connection: a receiver task reads (and so records) every client
    frame and answers replies, while the steps run in order."""

    def __init__(self, script: Script, session: PlayedSession) -> None:
        self.script = script
        self.session = session
        self.connection = session.connection
        self.received: list[Frame] = []
        self.consumed: set[int] = set()
        self.arrived = asyncio.Event()
        self.send_lock = asyncio.Lock()
        self.profile = None if session.dialect == "ga" else dialects.get(session.dialect)
        #: Each response's metadata, from the response.create that asked for it.
        self.metadata: dict[str, Any] = {}

    async def run(self) -> None:
        receiver = asyncio.create_task(self._receive())
        try:
            for step in self.script.steps:
                if not await self._wait_for(step):
                    if self.connection.closed:
                        self.session.notes.append(f"the client closed the connection before {step.label or 'a step'}")
                        break
                    self.session.notes.append(f"{step.label or 'a step'}: no client frame matching {json.dumps(step.when)} within {self.script.wait_timeout:g} s")
                if step.quiet is not None:
                    await self._until_quiet(step.quiet)
                if step.after:
                    await asyncio.sleep(step.after)
                self.session.sent.append(await self._send(step) if step.sends else None)
            if not self.connection.closed:
                await asyncio.sleep(self.script.linger)
            self.session.done.set()
            await self._until_closed(self.script.close_timeout)
            self.session.closed_by_client = self.connection.closed
        finally:
            self.session.done.set()
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await receiver

    async def _receive(self) -> None:
        while not self.connection.closed:
            frame = await self.connection.receive(timeout=1.0)
            if frame is None:
                continue
            frame = self.session.as_ga(frame)
            self.received.append(frame)
            self.arrived.set()
            for reply in self.script.replies:
                if frame.has_event and matches(frame.event, reply.when):
                    for event in reply.build(frame):
                        await self._send(Step(send=event))
        self.arrived.set()

    async def _wait_for(self, step: Step) -> bool:
        """Wait until an unconsumed client frame matches ``step.when``; False after the timeout."""
        if step.when is None:
            return True
        deadline = time.monotonic() + self.script.wait_timeout
        first = len(self.received) if step.fresh else 0
        while True:
            for index, frame in enumerate(self.received):
                if index >= first and index not in self.consumed and frame.has_event and matches(frame.event, step.when):
                    self.consumed.add(index)
                    return True
            left = deadline - time.monotonic()
            if left <= 0 or self.connection.closed:
                return False
            self.arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), left)

    async def _until_quiet(self, pattern: Mapping[str, Any]) -> None:
        """Wait until no frame matching ``pattern`` has come for ``QUIET`` seconds; consume them all."""
        deadline = time.monotonic() + self.script.wait_timeout
        while not self.connection.closed:
            last = max((frame.t or 0.0 for frame in self.received if frame.has_event and matches(frame.event, pattern)), default=None)
            now = time.monotonic() - self.connection.opened
            if last is None or now - last >= QUIET or time.monotonic() >= deadline:
                break
            await asyncio.sleep(0.02)
        self.consumed.update(index for index, frame in enumerate(self.received) if frame.has_event and matches(frame.event, pattern))

    async def _send(self, step: Step) -> Frame | None:
        if self.connection.closed:
            return None
        event = step.send(self.received) if callable(step.send) else step.send
        event = self._echo_metadata(event)
        if step.text is None and self.profile is not None and isinstance(event, dict):
            event = self.profile.from_ga(event, "server")
            if event is None:
                return None  # the dialect has no such event
        async with self.send_lock:
            try:
                if step.text is not None:
                    return await self.connection.send_text(step.text)
                sent = await self.connection.send_event(event)
                if isinstance(event, dict) and event.get("type") == "session.created":
                    for extra in dialect_opening(self.session.dialect):
                        await self.connection.send_event(extra)
                return sent
            except Exception:  # noqa: BLE001 - a client that went away ends the play, not the server
                return None

    def _echo_metadata(self, event: Any) -> Any:
        """A response carries the ``metadata`` its ``response.create`` gave it, as a GA server's does
        (clients such as LiveKit's match their request to the response by it): the n-th response
        the script starts takes the n-th ``response.create`` received."""
        response = event.get("response") if isinstance(event, dict) and event.get("type") in ("response.created", "response.done") else None
        if not isinstance(response, dict) or response.get("metadata") is not None or not isinstance(response.get("id"), str):
            return event
        rid = response["id"]
        if rid not in self.metadata:
            asked = [frame.event for frame in self.received if frame.has_event and frame.event_type == "response.create"]
            request = asked[len(self.metadata)] if len(asked) > len(self.metadata) else {}
            wanted = request.get("response") if isinstance(request, dict) else None
            self.metadata[rid] = wanted.get("metadata") if isinstance(wanted, dict) else None
        if self.metadata[rid] is None:
            return event
        return {**event, "response": {**response, "metadata": self.metadata[rid]}}

    async def _until_closed(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.connection.closed and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
