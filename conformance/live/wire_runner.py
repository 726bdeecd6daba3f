"""Running one wire scenario: a fresh scripted server, a fresh client of a
:class:`~conformance.adapters.wire.WireAdapter` on a fresh event loop in a thread of its own, the
application's steps, an overall time bound, and a cleanup that cancels whatever the client left
running. A client that never connects or overruns the bound fails the scenario; the next scenario
starts from scratch.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..adapters.wire import AppStep, ClientCrashed, Seen, Settings, WireAdapter, WireClient, seen_audio_bytes, seen_transcript
from .scripted_server import PlayedSession, Script, ScriptedServer


def _reached(until: Mapping[str, Any], seen: Sequence[Seen], session: PlayedSession | None, script: Script | None = None) -> bool:
    if "sent" in until:  # the server has sent the step labelled so
        if session is None or script is None:
            return False
        return any(step.label == until["sent"] and frame is not None for step, frame in zip(script.steps, list(session.sent)))
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
    #: When the application began closing the session (``time.monotonic()``): what the library
    #: says from then on is about the close, not about what the server sent.
    closing: float | None = None
    #: Tasks (or a driver process) the client left running after it closed.
    leftovers: list[str] = field(default_factory=list)
    #: Things the application tried that did not go as planned (an action that raised, a wait that timed out).
    app_notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    #: The script the server played.
    script: Script | None = None
    #: How the application started its user turns (``text``, ``audio`` or ``none``).
    trigger: str = "text"
    #: The connections of a scenario played on many (:mod:`.wire_repeat`), the first one's in ``session``.
    repeated: Any = None


#: How long a client gets to connect, and to close; and how long its connection may take to reach
#: the server once it said it connected.
CONNECT_TIMEOUT = 6.0
ARRIVAL_TIMEOUT = 3.0
CLOSE_TIMEOUT = 3.0
#: How long tasks may take to finish after the client closed before they count as left behind.
SETTLE_TIME = 0.5


def run_scenario(adapter: WireAdapter, script: Script, settings: Settings, app: Sequence[AppStep], *, bound: float = 20.0, dialect: str = "ga") -> ScenarioRun:
    """Play ``script`` to a fresh client of ``adapter`` configured with ``settings``, doing ``app``,
    the server speaking ``dialect``. Never raises for what the client does; the whole scenario takes
    at most about ``bound`` seconds."""
    started = time.monotonic()
    run = ScenarioRun(session=None, seen=[], script=script)
    with ScriptedServer(script, dialect=dialect) as server:
        thread = threading.Thread(target=_client_thread, args=(adapter, server, settings, app, bound, run), name=f"conformance-wire-{adapter.name}", daemon=True)
        thread.start()
        thread.join(bound + CLOSE_TIMEOUT + 5)
        if thread.is_alive():
            run.failure = run.failure or f"the client blocked its event loop and could not be stopped within {bound:g} s"
        run.session = server.sessions[0] if server.sessions else None
    run.elapsed = round(time.monotonic() - started, 3)
    return run


def _client_thread(adapter: WireAdapter, server: ScriptedServer, settings: Settings, app: Sequence[AppStep], bound: float, run: ScenarioRun) -> None:
    def failed(why: str) -> None:
        run.failure = run.failure or f"the client's {why}"

    in_fresh_loop(_drive(adapter, server, settings, app, bound, run), failed)


def in_fresh_loop(main: Coroutine[Any, Any, None], failed: Callable[[str], None]) -> None:
    """Run ``main`` on an event loop of this thread's own, and close that loop whatever happens:
    a failure of the loop itself goes to ``failed`` ("event loop failed: ..."), never up."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(main)
    except BaseException as error:  # noqa: BLE001 - reported as the run's failure
        failed(f"event loop failed: {type(error).__name__}: {error}")
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
        run.failure = f"the client could not be created: {type(error).__name__}: {first_line(error)}"
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
        run.failure = run.failure or f"the client crashed: {type(error).__name__}: {first_line(error)}"
    if run.alive_before_close is None:
        with contextlib.suppress(Exception):
            run.alive_before_close = client.alive()
    run.closing = time.monotonic()
    try:
        await asyncio.wait_for(client.close(), CLOSE_TIMEOUT)
    except Exception as error:  # noqa: BLE001
        run.app_notes.append(f"closing the session failed: {type(error).__name__}: {first_line(error)}")
    left = await settle(me)
    run.leftovers.extend(_describe(task) for task in left)
    for task in left:
        task.cancel()
    if left:
        await asyncio.wait(left, timeout=2)
    run.leftovers.extend(client.leftovers())


async def settle(me: asyncio.Task[Any] | None) -> list[asyncio.Task[Any]]:
    """The tasks still running ``SETTLE_TIME`` after the client closed (none: sooner)."""
    limit = time.monotonic() + SETTLE_TIME
    while True:
        left = [task for task in asyncio.all_tasks() if task is not me and not task.done()]
        if not left or time.monotonic() >= limit:
            return left
        await asyncio.sleep(0.02)


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
        raise _NeverConnected(f"the client could not connect: {type(error).__name__}: {first_line(error)}") from error
    session = await _first_session(server, deadline)
    if session is None:
        raise _NeverConnected("the client said it connected, but no connection reached the server")
    watch = _Watch(client, session)
    for step in app:
        if step.action == "pause":
            await asyncio.sleep(step.seconds)
        elif step.action == "wait":
            assert step.until is not None
            limit = min(deadline, time.monotonic() + (step.seconds or 5.0))
            while not _reached(step.until, client.seen, session, run.script) and time.monotonic() < limit and not watch.gone():
                await asyncio.sleep(0.02)
            if not _reached(step.until, client.seen, session, run.script):
                gone = watch.gone()
                run.app_notes.append(f"stopped waiting for {dict(step.until)}: {gone}" if gone else f"waited {step.seconds or 5.0:g} s for {dict(step.until)} in vain")
        else:
            gone = watch.gone()
            if gone:  # an application does not talk to a session its library says is dead
                run.app_notes.append(f"did not {step.action}: {gone}")
                continue
            if step.action == "send_text":
                action = client.send_text(step.text)
            elif step.action == "append_audio":
                action = client.append_audio(speech(step.seconds))
            else:
                action = client.interrupt()
            try:
                await action
            except ClientCrashed:
                raise
            except Exception as error:  # noqa: BLE001 - the application sees the library raise, and goes on
                client.saw("error", message=f"{step.action} raised {type(error).__name__}: {first_line(error)}", raised=True)
                run.app_notes.append(f"{step.action} raised {type(error).__name__}: {first_line(error)}")
    while not session.done.is_set() and time.monotonic() < deadline and not watch.gone():
        await asyncio.sleep(0.02)
    run.alive_before_close = client.alive()
    crashed = client.crashed()
    if crashed:
        raise ClientCrashed(crashed)


class _Watch:
    """Whether nothing more can come of a session: the connection closed, the client crashed, or
    the library, having said the session was alive, now says it is dead (its receive loop ended).
    Waiting on a dead client only wastes the scenario's time; what it missed is the checks' to judge."""

    def __init__(self, client: WireClient, session: PlayedSession) -> None:
        self.client, self.session = client, session
        self.was_alive = False

    def gone(self) -> str | None:
        if self.session.connection.closed:
            return "the connection closed"
        if self.client.crashed():
            return "the client crashed"
        try:
            alive = self.client.alive()
        except Exception:  # noqa: BLE001 - a client that cannot say is taken for alive
            return None
        if alive:
            self.was_alive = True
        return "the library says the session is dead" if alive is False and self.was_alive else None


def speech(seconds: float) -> bytes:
    """``seconds`` of a 440 Hz tone as 16-bit mono PCM at 24 kHz: loud enough for any voice detector."""
    count = int(24000 * seconds)
    return b"".join(int(8000 * math.sin(2 * math.pi * 440 * i / 24000)).to_bytes(2, "little", signed=True) for i in range(count))


async def _first_session(server: ScriptedServer, deadline: float) -> PlayedSession | None:
    limit = min(deadline, time.monotonic() + ARRIVAL_TIMEOUT)
    while not server.sessions and time.monotonic() < limit:
        await asyncio.sleep(0.01)
    return server.sessions[0] if server.sessions else None


def _describe(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    name = getattr(coro, "__qualname__", None) or repr(coro)
    return f"task {task.get_name()} ({name})"


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else "(no message)"
