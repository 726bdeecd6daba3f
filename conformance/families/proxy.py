"""A real proxy under test, between the probe and the reference server.

    probe  ->  the proxy (a process on 127.0.0.1)  ->  reference server (records what reached it)

The probe's own checks (``probe/...``) judge the server as the client sees it through the proxy.
The proxy fidelity checks (``proxy/<scenario>/...``) compare both ends of each session:

* ``client-events-forwarded`` (MUST for a pass-through proxy): every client event reaches the
  upstream with the same JSON value, in order, and nothing else does;
* ``server-events-forwarded`` (MUST): every server event reaches the client with the same JSON
  value, in order, and nothing else does;
* in the ``proxy-unknown-event-types`` scenario, an unknown event type in each direction is
  forwarded (MUST): a proxy that drops what it does not know breaks every protocol extension.

Values are compared decoded (:func:`conformance.compare.first_difference`): whitespace, member
order, string escaping and ``1`` against ``1.0`` are not changes. The upstream sends its events with
spaces and ``\\u`` escapes on purpose, so that a proxy that re-serializes is seen not to be flagged.

A session is matched to its upstream connection by the session id the client saw; when a proxy
lost the upstream's ``session.created``, by order (the scenarios run one at a time), and the probe's
checks that fail in that session take the drop's cause, not the server's (:func:`through_a_proxy`).

``realtime-conformance proxy litellm-proxy --report reports/litellm-proxy.json`` runs it all (the
``litellm-proxy`` tox env, :mod:`conformance.commands.proxy`; likewise ``portkey-gateway``): the
proxy's folder says how to start it (:mod:`conformance.implementations.litellm_proxy.launcher`,
:mod:`conformance.implementations.portkey_gateway.launcher`).
"""

from __future__ import annotations

import asyncio
import difflib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..checks import PASS, Level, Result, fail
from ..findings import Cause
from ..compare import first_difference
from ..live.probe import Expect, Limits, ProbeRun, Send, Target, play
from ..live.reference_server import Event, RealtimeSession, ReferenceServer
from ..live.server import Connection
from ..sessions.transcript import Frame
from ..verdict import judge_value
from .probe import COMMON, SCENARIOS, judge_run

MODEL = "gpt-realtime"
UNKNOWN_CLIENT_TYPE = "conformance.fidelity.unknown_client_event"
UNKNOWN_SERVER_TYPE = "conformance.fidelity.unknown_server_event"
FIDELITY_SCENARIO = "proxy-unknown-event-types"
#: Strings and numbers a careless re-serialization changes: escapes, non-ASCII, a line separator
#: (JSON allows it raw, JavaScript did not), a big integer, a float.
AWKWARD = {"text": 'é – ✓ \u2028 "quoted" \\ / \t end', "number": 1.5, "big": 12345678901234567890, "nested": {"null": None, "list": [1, "two", False]}}
#: The cause ``server-events-forwarded`` names when the client never gets the upstream's session.created
#: (:func:`forwarded`); the probe's checks that fail because of it take it too (:func:`through_a_proxy`).
DROPPED_SESSION_CREATED = Cause("proxy-drops/session.created", "the proxy drops session.created on the way to the client")


class FidelityUpstream(RealtimeSession):
    """The reference server as a proxy's upstream: its events go out with spaces and ASCII escapes,
    and an unknown client event of :data:`UNKNOWN_CLIENT_TYPE` is also answered by an unknown
    server event carrying its payload back (the error comes first, as from any server)."""

    async def deliver(self, event: Event) -> None:
        await self.connection.send_text(json.dumps(event, ensure_ascii=True, separators=(", ", ": ")))

    async def on_unknown_type(self, event: Event, event_id: str | None) -> None:
        await super().on_unknown_type(event, event_id)
        if event.get("type") == UNKNOWN_CLIENT_TYPE:
            await self.send({"type": UNKNOWN_SERVER_TYPE, "payload": event.get("payload")})


def fidelity_steps() -> tuple[Any, ...]:
    return (
        Send({"type": "session.update", "event_id": "fidelity-0", "session": {"type": "realtime", "instructions": AWKWARD["text"], "x_conformance_future_member": AWKWARD}}, "update"),
        Expect("updated", ("session.updated", "error"), "the answer to the session.update with an undocumented member"),
        Send({"type": UNKNOWN_CLIENT_TYPE, "event_id": "fidelity-1", "payload": AWKWARD}, "unknown"),
        Expect("error", ("error",), "the error for the unknown client event", after="unknown"),
        Expect("unknown-server", (UNKNOWN_SERVER_TYPE,), "the upstream's unknown server event", after="unknown"),
    )


# --- comparing both ends ------------------------------------------------------------------------


def _value(frame: Frame) -> Any:
    if frame.binary is not None:
        return {"binary": frame.binary.hex()}
    if frame.raw is not None:
        return {"raw": frame.raw}
    return frame.event


def _canonical(value: Any) -> str:
    """One text per JSON value: member order, escaping and integral floats do not count."""

    def normal(item: Any) -> Any:
        if isinstance(item, float) and item.is_integer() and abs(item) < 2**53:
            return int(item)
        if isinstance(item, dict):
            return {key: normal(value) for key, value in item.items()}
        if isinstance(item, list):
            return [normal(value) for value in item]
        return item

    return json.dumps(normal(value), sort_keys=True, ensure_ascii=False)


def forwarded(sent: list[Frame], received: list[Frame], what: str, sender: str, receiver: str) -> Result:
    """Whether ``received`` is ``sent``, value for value and in order. A proxy is held to passing
    GA-valid traffic unchanged (MUST); a frame the GA models refuse (a beta-style ``session.update``
    without ``session.type``, say) it may adapt on the way, which is reported at INFO: a compatibility
    step, not a departure."""
    left, right = [_canonical(_value(f)) for f in sent], [_canonical(_value(f)) for f in received]
    if left == right:
        return PASS
    adapted: Result | None = None
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(a=left, b=right, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace":
            first, second = sent[i1], received[j1]
            difference = first_difference(_value(first), _value(second), exact_numbers=False)
            message = f"{what} {_name(first)} ({sender} line {first.line}) reached the {receiver} changed (its line {second.line}): {difference}"
            path = difference.path if difference else "$"
            if first.has_event and not judge_value(first.event, first.dir).ok:
                adapted = adapted or fail(
                    message + " (the original is not a valid GA event, so a change is a compatibility step)",
                    Cause(f"proxy-adapts/{first.event_type}:{path}", f"the proxy rewrites {first.event_type} that is not valid GA at {path} before forwarding it"),
                    "INFO",
                )
                continue
            return fail(message, Cause(f"proxy-changes/{first.event_type}:{path}", f"the proxy changes {first.event_type} at {path} on the way to the {receiver}"))
        if tag == "delete":
            first = sent[i1]
            return fail(f"{what} {_name(first)} ({sender} line {first.line}) never reached the {receiver}" + (f" ({i2 - i1} frames missing from there)" if i2 - i1 > 1 else ""),
                        Cause(f"proxy-drops/{first.event_type}", f"the proxy drops {_name(first)} on the way to the {receiver}"))
        second = received[j1]
        return fail(f"the {receiver} got {_name(second)} at its line {second.line}, which the {sender} never sent (the proxy invented it)",
                    Cause(f"proxy-invents/{second.event_type}", f"the proxy sends the {receiver} {_name(second)} it never got"))
    return adapted or PASS


def _name(frame: Frame) -> str:
    return frame.event_type or ("a binary frame" if frame.binary is not None else "a non-JSON frame")


@dataclass(frozen=True)
class FidelityResult:
    id: str
    level: Level
    passed: bool
    message: str
    source: str
    cause: Cause | None = None


def last_connection(server: ReferenceServer) -> int:
    """The number of the upstream's latest connection so far (0 before the first)."""
    return max((connection.number for connection in list(server.connections)), default=0)


def upstream_of(run: ProbeRun, server: ReferenceServer, timeout: float = 5.0, after: int | None = None) -> Connection | None:
    """The upstream connection that served ``run``: named by the session id the client saw; else,
    when the client saw no ``session.created`` (a proxy may lose it), the one connection the
    upstream accepted since connection number ``after`` (the scenarios run one at a time)."""
    created = run.labels.get("session.created")
    session_id = (created.event.get("session") or {}).get("id") if created is not None and isinstance(created.event, dict) else None
    if isinstance(session_id, str) and session_id.startswith("sess_") and session_id[5:].isdigit():
        number = int(session_id[5:])

        def matches(connections: list[Connection]) -> Connection | None:
            return next((c for c in connections if c.number == number), None)

    elif after is not None and created is None and run.connected:
        since = after

        def matches(connections: list[Connection]) -> Connection | None:
            newer = [c for c in connections if c.number > since]
            return newer[0] if len(newer) == 1 else None

    else:
        return None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = matches(list(server.connections))
        if connection is not None:
            connection.finished.wait(max(deadline - time.monotonic(), 0))  # its last frames are in
            return connection
        time.sleep(0.02)
    return None


def fidelity(scenario_id: str, run: ProbeRun, upstream: Connection | None) -> list[FidelityResult]:
    source = str(run.transcript) if run.transcript else f"proxy scenario {scenario_id}"
    checks: list[tuple[str, Callable[[], Result]]] = []

    def missing() -> Result:
        return fail(f"no upstream session could be matched to this scenario ({run.failure_message or 'the client saw no session.created from the upstream'})")

    client_sent = [f for f in run.frames if f.dir == "client"]
    client_got = [f for f in run.frames if f.dir == "server"]
    if upstream is None:
        checks += [("client-events-forwarded", missing), ("server-events-forwarded", missing)]
    else:
        upstream_got = [f for f in upstream.frames if f.dir == "client"]
        upstream_sent = [f for f in upstream.frames if f.dir == "server"]
        checks.append(("client-events-forwarded", lambda: forwarded(client_sent, upstream_got, "client event", "probe", "upstream")))
        checks.append(("server-events-forwarded", lambda: forwarded(upstream_sent, client_got, "server event", "upstream", "client")))
    if scenario_id == FIDELITY_SCENARIO:
        lost = _lost_session_created(run, upstream)
        for name, judge in (("unknown-client-type-forwarded", lambda: _reached(upstream, "client", UNKNOWN_CLIENT_TYPE, client_sent)), ("unknown-server-type-forwarded", lambda: _reached_client(upstream, run))):
            checks.append((name, _after_the_drop(judge, lost)))
    return [FidelityResult(f"proxy/{scenario_id}/{name}", (result := check()).level or "MUST", result.passed, result.message, source, result.cause) for name, check in checks]


def _after_the_drop(judge: Callable[[], Result], lost: Frame | None) -> Callable[[], Result]:
    """``judge``; when the proxy lost the upstream's ``session.created`` (the probe then sends
    nothing), a failure is that drop's."""
    if lost is None:
        return judge

    def judged() -> Result:
        result = judge()
        if result.passed:
            return result
        return fail(f"{result.message} (the upstream sent session.created at its line {lost.line}, and the proxy never delivered it, so the probe went no further)", DROPPED_SESSION_CREATED)

    return judged


def _reached(upstream: Connection | None, direction: str, kind: str, sent: list[Frame]) -> Result:
    original = next((f for f in sent if f.event_type == kind), None)
    if original is None:
        return fail(f"the probe could not send {kind}")
    if upstream is None:
        return fail(f"{kind} cannot be traced: no upstream session matched")
    arrived = next((f for f in upstream.frames if f.dir == direction and f.event_type == kind), None)
    if arrived is None:
        return fail(f"the unknown client event {kind} (probe line {original.line}) never reached the upstream")
    difference = first_difference(original.event, arrived.event, exact_numbers=False)
    return fail(f"the unknown client event reached the upstream changed: {difference}") if difference else PASS


def _reached_client(upstream: Connection | None, run: ProbeRun) -> Result:
    if upstream is None:
        return fail(f"{UNKNOWN_SERVER_TYPE} cannot be traced: no upstream session matched")
    original = next((f for f in upstream.frames if f.dir == "server" and f.event_type == UNKNOWN_SERVER_TYPE), None)
    if original is None:
        return fail(f"the upstream never sent {UNKNOWN_SERVER_TYPE}: the unknown client event did not reach it")
    arrived = next((f for f in run.server_frames() if f.event_type == UNKNOWN_SERVER_TYPE), None)
    if arrived is None:
        return fail(f"the unknown server event {UNKNOWN_SERVER_TYPE} (upstream line {original.line}) never reached the client")
    difference = first_difference(original.event, arrived.event, exact_numbers=False)
    return fail(f"the unknown server event reached the client changed: {difference}") if difference else PASS


def through_a_proxy(scenario: Any, run: ProbeRun, results: list[Any], upstream: Connection | None = None) -> list[Any]:
    """A probe scenario's own expectations, as they apply through a proxy.

    * A proxy is held to GA-valid traffic, so where the scenario sends a client event that is not
      valid GA on purpose (to see the server refuse it), what comes back is the proxy's business at
      INFO.
    * Where the upstream sent its ``session.created`` and the client got no server event at all, the
      proxy lost them: the probe stops at its first step, and each of its checks that fails does so
      because of that drop, not because of the server. They take the drop's cause (the one
      ``server-events-forwarded`` reports), so that the finding is the proxy's."""
    own = {f"probe/{scenario.id}/{check.name}" for check in (*COMMON, *scenario.checks)}
    lost = _lost_session_created(run, upstream)
    if lost is not None:
        note = f" (through a proxy: the upstream sent session.created at its line {lost.line}, and the proxy never delivered it)"
        results = [replace(result, message=result.message + note, cause=DROPPED_SESSION_CREATED) if result.id in own and not result.passed else result for result in results]
    invalid = [frame for frame in run.frames if frame.dir == "client" and frame.has_event and not judge_value(frame.event, "client").ok]
    if not invalid:
        return results
    scenario_own = {f"probe/{scenario.id}/{check.name}" for check in scenario.checks}
    note = f" (through a proxy at INFO: the scenario sends {invalid[0].event_type or 'a frame'} that is not valid GA on purpose)"
    return [replace(result, level="INFO", message=result.message + note) if result.id in scenario_own and not result.passed else result for result in results]


def _lost_session_created(run: ProbeRun, upstream: Connection | None) -> Frame | None:
    """The upstream's ``session.created``, when the client connected and got no server frame at all."""
    if upstream is None or not run.connected or any(True for _ in run.server_frames()):
        return None
    return next((frame for frame in upstream.frames if frame.dir == "server" and frame.event_type == "session.created"), None)


async def probe_through(target: Target, upstream: ReferenceServer, limits: Limits, record_dir: Path | None = None, scenarios: list[Any] | None = None) -> list[Any]:
    """The probe scenarios and the fidelity scenario through the proxy at ``target``: the probe's
    checks and the fidelity checks of each."""
    results: list[Any] = []
    for scenario in scenarios if scenarios is not None else SCENARIOS:
        before = last_connection(upstream)
        run = await play(scenario.id, scenario.steps, target, limits, record_dir)
        connection = await asyncio.to_thread(upstream_of, run, upstream, after=before)
        results += through_a_proxy(scenario, run, judge_run(scenario, run), connection)
        results += fidelity(scenario.id, run, connection)
    before = last_connection(upstream)
    run = await play(FIDELITY_SCENARIO, fidelity_steps(), target, limits, record_dir)
    results += fidelity(FIDELITY_SCENARIO, run, await asyncio.to_thread(upstream_of, run, upstream, after=before))
    return results
