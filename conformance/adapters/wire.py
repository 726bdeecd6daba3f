"""The wire-level adapter protocol: a real client library on a real socket, driven as an application.

The parse-level :class:`~conformance.adapters.adapter.Adapter` calls a library's parser and
serializer. A :class:`WireAdapter` instead connects the library to a URL (the scripted server's)
and drives it through its *public* API the way an application does — open a session with some
:class:`Settings`, send the user's text, let the application answer a function call, interrupt,
close — and reports what the application sees as :class:`Seen` records: events, errors, audio,
transcripts, function calls, log lines, and whether the session is still alive.

Everything crosses the boundary as JSON-friendly values, so a library in another language plugs in
through a harness process (:mod:`.stdio`). :func:`conformance.live.wire_runner.run_scenario` plays
one scenario to a fresh client.
"""

from __future__ import annotations

import importlib.metadata
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

#: What an application can see. ``audio``: {"bytes": n}; ``transcript``: {"text"} (the assistant's
#: audio transcript); ``text``: {"text"}; ``function-call``: {"call_id", "name", "arguments"};
#: ``error``: {"message"} delivered through the library's API; ``log``: {"level", "message"}, a
#: warning or error the library logged; ``event``: {"type"}, any other event handed to the
#: application as the library's own typed object; ``raw``: {"type"}, an event handed over raw and
#: untyped (a ``'*'`` listener, a raw-event stream); ``closed``: {"reason"}, the library said the
#: session ended; ``crash``: {"message"}, the library brought the application down (an uncaught
#: exception in a harness process, say).
SeenKind = Literal["event", "raw", "audio", "transcript", "text", "function-call", "error", "log", "closed", "crash"]

#: What a scenario may need of a library, beyond connecting and closing: actions of its public
#: API (``send-text``, ``append-audio``, ``interrupt``, ``configure``) and behaviours of its own
#: (``function-calls``: it hands calls to the application and sends the answer; ``playback``: it
#: tracks the audio it plays and truncates it when the user interrupts; ``sequencing``: it keeps one
#: response in flight).
NEEDS = ("send-text", "append-audio", "interrupt", "configure", "function-calls", "playback", "sequencing")

#: A setting the application leaves to the library (and the server): not configured at all.
UNSET: Any = None


@dataclass(frozen=True)
class Tool:
    """A function the application offers the model, and what it returns when called."""

    name: str
    description: str
    parameters: Mapping[str, Any]
    output: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "parameters": dict(self.parameters), "output": self.output}


@dataclass(frozen=True)
class Settings:
    """What the application configures for its session, in the protocol's own terms so that a
    configuration fidelity check can compare it with what goes on the wire.

    ``turn_detection``: ``"default"`` leaves the library's (and the server's) choice; ``"off"`` turns
    voice activity detection off, which on the wire is an explicit ``null``; an object is a GA
    ``turn_detection`` (``{"type": "semantic_vad", "eagerness": "low"}``) the application asks for.
    ``transcription`` and ``noise_reduction``: ``None`` leaves them alone, ``"off"`` turns them off
    (an explicit ``null`` on the wire), an object is the GA setting. ``voice`` and
    ``output_modalities``: ``None`` leaves them alone."""

    instructions: str | None = None
    turn_detection: Literal["default", "off"] | Mapping[str, Any] = "default"
    tools: tuple[Tool, ...] = ()
    transcription: Literal["off"] | Mapping[str, Any] | None = None
    noise_reduction: Literal["off"] | Mapping[str, Any] | None = None
    voice: str | None = None
    output_modalities: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """Every member the application set (``instructions``, ``turn_detection`` and ``tools`` always)."""
        found: dict[str, Any] = {
            "instructions": self.instructions,
            "turn_detection": self.turn_detection if isinstance(self.turn_detection, str) else dict(self.turn_detection),
            "tools": [tool.to_json() for tool in self.tools],
        }
        for name in ("transcription", "noise_reduction"):
            value = getattr(self, name)
            if value is not None:
                found[name] = value if isinstance(value, str) else dict(value)
        if self.voice is not None:
            found["voice"] = self.voice
        if self.output_modalities is not None:
            found["output_modalities"] = list(self.output_modalities)
        return found

    def tool(self, name: str) -> Tool | None:
        return next((tool for tool in self.tools if tool.name == name), None)

    def ga_session(self) -> dict[str, Any]:
        """The GA ``session`` of a ``session.update`` that carries every setting made, nothing else
        (``"off"``: an explicit null)."""
        session: dict[str, Any] = {"type": "realtime"}
        if self.instructions is not None:
            session["instructions"] = self.instructions
        audio_input: dict[str, Any] = {}
        for member, value in (("turn_detection", None if self.turn_detection == "default" else self.turn_detection), ("transcription", self.transcription), ("noise_reduction", self.noise_reduction)):
            if value is not None:
                audio_input[member] = None if value == "off" else dict(value)
        if audio_input:
            session["audio"] = {"input": audio_input}
        if self.voice is not None:
            session.setdefault("audio", {})["output"] = {"voice": self.voice}
        if self.output_modalities is not None:
            session["output_modalities"] = list(self.output_modalities)
        if self.tools:
            session["tools"] = [{"type": "function", "name": t.name, "description": t.description, "parameters": dict(t.parameters)} for t in self.tools]
        return session


@dataclass(frozen=True)
class Seen:
    kind: SeenKind
    #: ``time.monotonic()`` when the application saw it (the scripted server's clock too).
    t: float
    detail: Mapping[str, Any] = field(default_factory=dict)


class WireAdapterMissing(Exception):
    """There is no wire adapter for an implementation: the wire checks do not apply to it."""


class WireAdapterUnavailable(Exception):
    """An implementation's wire adapter exists but cannot be loaded (its library is not installed,
    its driver cannot be found): the wire checks fail."""


class ClientCrashed(Exception):
    """The client is gone (its driver process exited, or was killed after hanging): the scenario
    cannot go on. Raised by a client's actions; the runner fails the scenario with it."""


class WireClient:
    """One application session over one connection. Subclasses implement the actions; every
    observation goes through :meth:`saw`. All methods run on the scenario's event loop."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []

    def saw(self, kind: SeenKind, **detail: Any) -> None:
        self.seen.append(Seen(kind, time.monotonic(), detail))

    async def connect(self, url: str, settings: Settings) -> None:
        """Open the session at ``url`` (``ws://127.0.0.1:PORT``, no path) configured with ``settings``."""
        raise NotImplementedError

    async def send_text(self, text: str) -> None:
        """The user says ``text``: add it to the conversation and ask for a response."""
        raise NotImplementedError

    async def append_audio(self, pcm: bytes) -> None:
        """The user speaks: ``pcm`` (16-bit mono PCM at 24 kHz) goes to the library's input audio API,
        as a microphone's frames do; with server VAD the server decides when the turn ends."""
        raise NotImplementedError

    async def interrupt(self) -> None:
        """The application interrupts the assistant (a stop button, or its own barge-in detection)."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    def alive(self) -> bool | None:
        """Whether the session is still alive as far as the library tells the application
        (``None``: it does not say)."""
        return None

    def crashed(self) -> str | None:
        """Why the client is gone, when it is (a driver process that exited); ``None`` otherwise."""
        return None

    def leftovers(self) -> list[str]:
        """What the client left running after :meth:`close`, beyond tasks of the scenario's event
        loop (which the runner finds itself): a driver process that had to be killed, say."""
        return []


class WireAdapter:
    """A client library on the wire. ``leaves_to_application`` names the behaviours (actions, or
    scenario behaviours such as ``sequencing``) that the library by design leaves to the
    application: checks of them do not apply. ``missing`` names actions its public API lacks:
    checks that need them are not implemented."""

    name: ClassVar[str] = "unnamed"
    language: ClassVar[str] = "python"
    dialect: ClassVar[str] = "ga"
    #: The distribution whose version is reported.
    distribution: ClassVar[str | None] = None
    leaves_to_application: ClassVar[Mapping[str, str]] = {}
    missing: ClassVar[Mapping[str, str]] = {}

    @property
    def version(self) -> str:
        if self.distribution is None:
            return "unknown"
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    def client(self) -> WireClient:
        """A fresh client for one scenario (nothing is shared between scenarios)."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "language": self.language, "dialect": self.dialect, "transports": ["websocket"]}


# --- what an application does in a scenario -----------------------------------------------------


@dataclass(frozen=True)
class AppStep:
    """One thing the application does: ``send_text``, ``append_audio`` (``seconds`` of audio),
    ``interrupt``, ``pause`` (``seconds``), or
    ``wait`` until it has seen ``until`` (at most ``seconds``): ``{"transcript": "text"}`` (the
    transcript seen so far contains it), ``{"audio": n}`` (n bytes of audio), ``{"function-call":
    name}``, or ``{"script": "done"}`` (the server finished its script)."""

    action: Literal["send_text", "append_audio", "interrupt", "pause", "wait"]
    text: str = ""
    seconds: float = 0.0
    until: Mapping[str, Any] | None = None


def seen_transcript(seen: Sequence[Seen]) -> str:
    return "".join(str(s.detail.get("text", "")) for s in seen if s.kind == "transcript")


def seen_audio_bytes(seen: Sequence[Seen], since: float | None = None, until: float | None = None) -> int:
    """Bytes of audio the application got, in the window ``[since, until)`` of ``time.monotonic()``."""
    return sum(int(s.detail.get("bytes", 0)) for s in seen if s.kind == "audio" and (since is None or s.t >= since) and (until is None or s.t < until))


