"""``first-update-every-connection``: the connect scenario on 20 connections, each with a fresh
client whose application configured its instructions. ``always-configures`` (MUST): every connection
carries a ``session.update`` — a client that configured something and sends it on some connections
only (a race with the socket's readiness, seen in one of two recorded connections of a real library)
leaves the others on the server's defaults. The message gives the ratio.

The connections run a few at a time (:mod:`conformance.live.wire_repeat`), so the scenario costs
about as much as four single connections.
"""

from __future__ import annotations

from ..adapters.wire import Settings, WireAdapter
from ..checks import Result, fail
from ..findings import Cause
from ..live.scripted_server import Script, Step
from ..live.wire_repeat import run_connections
from ..live.wire_runner import ScenarioRun
from .wire_base import TEXT, CheckSpec, Play, WireScenario
from .wire_events import Events, replies

CONNECTIONS = 20
CONCURRENCY = 5
SETTINGS = Settings(instructions="You are the conformance suite's test assistant.")


def _script(play: Play = TEXT) -> Script:
    e = Events()
    return Script(
        steps=(Step(send=e.session_created(), label="session.created"), Step(when={"type": "session.update"}, label="the configuration")),
        replies=replies(e),
        wait_timeout=2.5,
        linger=0.1,
        close_timeout=2,
    )


def _run(scenario: WireScenario, wire: WireAdapter, play: Play) -> ScenarioRun:
    repeated = run_connections(wire, scenario.script(play), scenario.settings, CONNECTIONS, concurrency=CONCURRENCY, dialect=play.dialect)
    first = repeated.sessions[0] if repeated.sessions else None
    failure = None if repeated.sessions else ("; ".join(repeated.failures[:2]) or "no connection reached the server")
    return ScenarioRun(session=first, seen=[], failure=failure, leftovers=list(repeated.leftovers), elapsed=repeated.elapsed, script=scenario.script(play), trigger=play.trigger, repeated=repeated)


def always_configures(scenario: WireScenario, run: ScenarioRun) -> Result:
    repeated = run.repeated
    configured = [session for session in repeated.sessions if any(frame.event_type == "session.update" for frame in map(session.as_ga, session.client_frames))]
    total = repeated.attempted
    ratio = f"{len(configured)} of {total} connections"
    if len(configured) == total:
        return Result(True, f"the first session.update was sent on {ratio}")
    missed = [index + 1 for index, session in enumerate(repeated.sessions) if session not in configured]
    unreached = total - len(repeated.sessions)
    detail = f"; without one: connection(s) {', '.join(map(str, missed[:8]))}" if missed else ""
    if unreached:
        detail += f"; {unreached} connection(s) never reached the server ({'; '.join(repeated.failures[:2])})"
    if not configured:
        return fail(f"the application configured its instructions, but no session.update was sent on any of {total} connections{detail}",
                    Cause("configuration-not-sent/session", "what the application configures never reaches the server"))
    return fail(f"the application configured its instructions, but the first session.update was sent on only {ratio}{detail}: on the others the session keeps the server's defaults",
                Cause("first-session-update-lost", "on some connections the application's configuration never reaches the server"))


SCENARIO = WireScenario(
    "first-update-every-connection",
    f"the client connects {CONNECTIONS} times, each time configured with instructions",
    _script,
    settings=SETTINGS,
    needs=frozenset({"configure"}),
    checks=(CheckSpec("always-configures", "MUST", always_configures),),
    runner=_run,
)

