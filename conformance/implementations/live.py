"""The wire-level adapter protocol: a real client library on a real socket, driven as an application.

The parse-level :class:`~conformance.implementations.adapter.Adapter` calls a library's parser and
serializer. A :class:`WireAdapter` instead connects the library to a URL (the scripted server's)
and drives it through its *public* API the way an application does — open a session with some
:class:`Settings`, send the user's text, let the application answer a function call, interrupt,
close — and reports what the application sees as :class:`Seen` records: events, errors, audio,
transcripts, function calls, log lines, and whether the session is still alive.

Everything crosses the boundary as JSON-friendly values, so a library in another language plugs in
through a driver process (:mod:`.wire_agents_js`).

:func:`run_scenario` runs one scenario in isolation: a fresh scripted server, a fresh client on a
fresh event loop in a thread of its own, an overall time bound, and a cleanup that cancels whatever
the client left running. A client that never connects or overruns the bound fails the scenario; the
next scenario starts from scratch.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.metadata
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar, Literal

from ..live.scripted_server import PlayedSession, Script, ScriptedServer

#: What an application can see. ``audio``: {"bytes": n}; ``transcript``: {"text"} (the assistant's
#: audio transcript); ``text``: {"text"}; ``function-call``: {"call_id", "name", "arguments"};
#: ``error``: {"message"} delivered through the library's API; ``log``: {"level", "message"}, a
#: warning or error the library logged; ``event``: {"type"}, any other event handed to the
#: application; ``closed``: {"reason"}, the library said the session ended.
SeenKind = Literal["event", "audio", "transcript", "text", "function-call", "error", "log", "closed"]

#: What a scenario may need of a library, beyond connecting and closing: actions of its public
#: API (``send-text``, ``interrupt``, ``configure``) and behaviours of its own (``function-calls``:
#: it hands calls to the application and sends the answer; ``playback``: it tracks the audio it
#: plays and truncates it when the user interrupts; ``sequencing``: it keeps one response in flight).
NEEDS = ("send-text", "interrupt", "configure", "function-calls", "playback", "sequencing")


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
    """What the application configures for its session. ``turn_detection``: ``"default"`` leaves
    the library's (and the server's) choice; ``"off"`` turns voice activity detection off, which on
    the wire is an explicit ``null``."""

    instructions: str | None = None
    turn_detection: Literal["default", "off"] = "default"
    tools: tuple[Tool, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"instructions": self.instructions, "turn_detection": self.turn_detection, "tools": [tool.to_json() for tool in self.tools]}

    def tool(self, name: str) -> Tool | None:
        return next((tool for tool in self.tools if tool.name == name), None)


@dataclass(frozen=True)
class Seen:
    kind: SeenKind
    #: ``time.monotonic()`` when the application saw it (the scripted server's clock too).
    t: float
    detail: Mapping[str, Any] = field(default_factory=dict)


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


# --- finding a wire adapter ---------------------------------------------------------------------

WIRE_ENTRY_POINT_GROUP = "realtime_conformance.wire_adapters"

#: Wire adapters by implementation name: the same names as the parse-level registry.
WIRE_BUILT_IN: dict[str, str] = {
    "reference": "conformance.live.reference_client:ReferenceWireAdapter",
    "pipecat": "conformance.implementations.wire_pipecat:PipecatWireAdapter",
    "openai": "conformance.implementations.wire_openai:OpenAIWireAdapter",
    "openai-agents": "conformance.implementations.wire_openai_agents:OpenAIAgentsWireAdapter",
    "livekit": "conformance.implementations.wire_livekit:LivekitWireAdapter",
    "agents-realtime-js": "conformance.implementations.wire_agents_js:AgentsRealtimeJSWireAdapter",
}


class WireAdapterMissing(Exception):
    """There is no wire adapter for an implementation: the wire checks do not apply to it."""


class WireAdapterUnavailable(Exception):
    """An implementation's wire adapter exists but cannot be loaded (its library is not installed,
    its driver cannot be found): the wire checks fail."""


_LOADED: dict[str, WireAdapter] = {}


def wire_adapter_for(adapter: Any) -> WireAdapter:
    """The wire adapter of a parse-level adapter: its own ``wire_adapter()`` when it has one (the
    broken clients do), else the one registered under its name. One instance per name per process,
    so that each scenario runs once per run however many checks read it."""
    own = getattr(adapter, "wire_adapter", None)
    if callable(own):
        return own()
    name = adapter.name
    if name in _LOADED:
        return _LOADED[name]
    target = WIRE_BUILT_IN.get(name) or next((entry.value for entry in entry_points(group=WIRE_ENTRY_POINT_GROUP) if entry.name == name), None)
    if target is None:
        raise WireAdapterMissing(f"{name} has no wire adapter (built in: {', '.join(sorted(WIRE_BUILT_IN))}; others register under {WIRE_ENTRY_POINT_GROUP})")
    module_name, _, attribute = target.partition(":")
    try:
        _LOADED[name] = getattr(importlib.import_module(module_name), attribute)()
    except Exception as error:  # noqa: BLE001 - reported on every wire check, which then fails
        raise WireAdapterUnavailable(f"the wire adapter of {name} cannot be loaded: {type(error).__name__}: {_line(error)} (is its library installed? `tox -e {name}` sets it up)") from error
    return _LOADED[name]


# --- what an application does in a scenario -----------------------------------------------------


@dataclass(frozen=True)
class AppStep:
    """One thing the application does: ``send_text``, ``interrupt``, ``pause`` (``seconds``), or
    ``wait`` until it has seen ``until`` (at most ``seconds``): ``{"transcript": "text"}`` (the
    transcript seen so far contains it), ``{"audio": n}`` (n bytes of audio), ``{"function-call":
    name}``, or ``{"script": "done"}`` (the server finished its script)."""

    action: Literal["send_text", "interrupt", "pause", "wait"]
    text: str = ""
    seconds: float = 0.0
    until: Mapping[str, Any] | None = None


def seen_transcript(seen: Sequence[Seen]) -> str:
    return "".join(str(s.detail.get("text", "")) for s in seen if s.kind == "transcript")


def seen_audio_bytes(seen: Sequence[Seen], since: float | None = None, until: float | None = None) -> int:
    """Bytes of audio the application got, in the window ``[since, until)`` of ``time.monotonic()``."""
    return sum(int(s.detail.get("bytes", 0)) for s in seen if s.kind == "audio" and (since is None or s.t >= since) and (until is None or s.t < until))


def _reached(until: Mapping[str, Any], seen: Sequence[Seen], session: PlayedSession | None) -> bool:
    if "transcript" in until:
        return str(until["transcript"]) in seen_transcript(seen)
    if "audio" in until:
        return seen_audio_bytes(seen) >= int(until["audio"])
    if "function-call" in until:
        return any(s.kind == "function-call" and s.detail.get("name") == until["function-call"] for s in seen)
    if "script" in until:
        return session is not None and session.done.is_set()
    raise ValueError(f"unknown wait condition {dict(until)!r}")


# --- running one scenario -----------------------------------------------------------------------


@dataclass
class ScenarioRun:
    """Everything a scenario's checks look at."""

    session: PlayedSession | None
    seen: list[Seen]
    #: Why the scenario could not be judged (never connected, hung, crashed), or ``None``.
    failure: str | None = None
    #: What the library said about the session just before the application closed it.
    alive_before_close: bool | None = None
    #: Tasks (or a driver process) the client left running after it closed.
    leftovers: list[str] = field(default_factory=list)
    #: Things the application tried that did not go as planned (an action that raised, a wait that timed out).
    app_notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    #: The script the server played.
    script: Script | None = None


#: How long a client gets to connect, and to close; and how long its connection may take to reach
#: the server once it said it connected.
CONNECT_TIMEOUT = 6.0
ARRIVAL_TIMEOUT = 3.0
CLOSE_TIMEOUT = 3.0
#: How long tasks may take to finish after the client closed before they count as left behind.
SETTLE_TIME = 0.5


def run_scenario(adapter: WireAdapter, script: Script, settings: Settings, app: Sequence[AppStep], *, bound: float = 20.0) -> ScenarioRun:
    """Play ``script`` to a fresh client of ``adapter`` configured with ``settings``, doing ``app``.
    Never raises for what the client does; the whole scenario takes at most about ``bound`` seconds."""
    started = time.monotonic()
    run = ScenarioRun(session=None, seen=[], script=script)
    with ScriptedServer(script) as server:
        thread = threading.Thread(target=_client_thread, args=(adapter, server, settings, app, bound, run), name=f"conformance-wire-{adapter.name}", daemon=True)
        thread.start()
        thread.join(bound + CLOSE_TIMEOUT + 5)
        if thread.is_alive():
            run.failure = run.failure or f"the client blocked its event loop and could not be stopped within {bound:g} s"
        run.session = server.sessions[0] if server.sessions else None
    run.elapsed = round(time.monotonic() - started, 3)
    return run


def _client_thread(adapter: WireAdapter, server: ScriptedServer, settings: Settings, app: Sequence[AppStep], bound: float, run: ScenarioRun) -> None:
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_drive(adapter, server, settings, app, bound, run))
    except BaseException as error:  # noqa: BLE001 - reported as the scenario's failure
        run.failure = run.failure or f"the client's event loop failed: {type(error).__name__}: {error}"
    finally:
        with contextlib.suppress(Exception):
            loop.run_until_complete(asyncio.wait_for(loop.shutdown_asyncgens(), 2))
        with contextlib.suppress(Exception):
            loop.run_until_complete(asyncio.wait_for(loop.shutdown_default_executor(), 2))
        loop.close()


async def _drive(adapter: WireAdapter, server: ScriptedServer, settings: Settings, app: Sequence[AppStep], bound: float, run: ScenarioRun) -> None:
    me = asyncio.current_task()
    try:
        client = adapter.client()
    except Exception as error:  # noqa: BLE001
        run.failure = f"the client could not be created: {type(error).__name__}: {_line(error)}"
        return
    run.seen = client.seen
    deadline = time.monotonic() + bound
    try:
        await asyncio.wait_for(_play(client, server, settings, app, deadline, run), max(0.1, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        run.failure = run.failure or f"the client did not get through the scenario within {bound:g} s (hanging)"
    except _NeverConnected as never:
        run.failure = str(never)
    except ClientCrashed as crash:
        run.failure = f"the client crashed: {crash}"
    except Exception as error:  # noqa: BLE001 - a crash of the client fails its scenario
        run.failure = run.failure or f"the client crashed: {type(error).__name__}: {_line(error)}"
    if run.alive_before_close is None:
        with contextlib.suppress(Exception):
            run.alive_before_close = client.alive()
    try:
        await asyncio.wait_for(client.close(), CLOSE_TIMEOUT)
    except Exception as error:  # noqa: BLE001
        run.app_notes.append(f"closing the session failed: {type(error).__name__}: {_line(error)}")
    await asyncio.sleep(SETTLE_TIME)
    left = [task for task in asyncio.all_tasks() if task is not me and not task.done()]
    run.leftovers.extend(_describe(task) for task in left)
    for task in left:
        task.cancel()
    if left:
        await asyncio.wait(left, timeout=2)
    run.leftovers.extend(client.leftovers())


class _NeverConnected(Exception):
    pass


async def _play(client: WireClient, server: ScriptedServer, settings: Settings, app: Sequence[AppStep], deadline: float, run: ScenarioRun) -> None:
    try:
        await asyncio.wait_for(client.connect(server.url, settings), CONNECT_TIMEOUT)
    except asyncio.TimeoutError:
        raise _NeverConnected(f"the client did not connect within {CONNECT_TIMEOUT:g} s") from None
    except ClientCrashed as crash:
        raise _NeverConnected(f"the client crashed while connecting: {crash}") from crash
    except Exception as error:  # noqa: BLE001
        raise _NeverConnected(f"the client could not connect: {type(error).__name__}: {_line(error)}") from error
    session = await _first_session(server, deadline)
    if session is None:
        raise _NeverConnected("the client said it connected, but no connection reached the server")
    for step in app:
        if step.action == "pause":
            await asyncio.sleep(step.seconds)
        elif step.action == "wait":
            assert step.until is not None
            limit = min(deadline, time.monotonic() + (step.seconds or 5.0))
            while not _reached(step.until, client.seen, session) and time.monotonic() < limit:
                await asyncio.sleep(0.02)
            if not _reached(step.until, client.seen, session):
                run.app_notes.append(f"waited {step.seconds or 5.0:g} s for {dict(step.until)} in vain")
        else:
            action = client.send_text(step.text) if step.action == "send_text" else client.interrupt()
            try:
                await action
            except ClientCrashed:
                raise
            except Exception as error:  # noqa: BLE001 - the application sees the library raise, and goes on
                client.saw("error", message=f"{step.action} raised {type(error).__name__}: {_line(error)}", raised=True)
                run.app_notes.append(f"{step.action} raised {type(error).__name__}: {_line(error)}")
    while not session.done.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    run.alive_before_close = client.alive()
    crashed = client.crashed()
    if crashed:
        raise ClientCrashed(crashed)


async def _first_session(server: ScriptedServer, deadline: float) -> PlayedSession | None:
    limit = min(deadline, time.monotonic() + ARRIVAL_TIMEOUT)
    while not server.sessions and time.monotonic() < limit:
        await asyncio.sleep(0.01)
    return server.sessions[0] if server.sessions else None


def _describe(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    name = getattr(coro, "__qualname__", None) or repr(coro)
    return f"task {task.get_name()} ({name})"


def _line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else "(no message)"
