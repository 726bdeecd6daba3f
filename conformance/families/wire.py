"""The wire family: a real client library on a real socket, judged by what it does and sends.

Each scenario (permanent id, registered under ``wire_scenarios`` in ``conformance/data/ids.json``)
is data: the session the scripted server plays, what the application does, and what it configures.
It runs once per implementation, in isolation (:func:`conformance.adapters.wire.run_scenario`),
and its checks, ``wire/<scenario>/<check>``, judge that one run:

* every scenario: ``sends-valid-events`` (MUST: every frame the client sends is a valid GA client
  event), ``follows-session-rules`` (SHOULD: the session rules' MUST and SHOULD findings about the
  frames the client sent, :mod:`conformance.sessions.rules`; invalid frames are the previous
  check's) and ``closes-cleanly`` (SHOULD: a close frame when the application closes, no task left
  running);
* ``connect/sends-on-connect`` (INFO): what the client sends on connect, before or after
  ``session.created``;
* ``session-config/carries-configuration`` (MUST): ``session.update`` carries what the application
  configured, the explicit ``null`` that turns voice activity detection off included;
* the tolerance scenarios (``unknown-event-type``, ``new-field``, ``beta-event-name``,
  ``missing-required-field``, ``not-json-frame``, ``recoverable-error``), each one odd frame in the
  middle of a response: ``next-events-reach-app`` (MUST: the audio and transcript after it reach the
  application) and ``stays-alive`` (MUST: the next turn works); for the last three also
  ``error-surfaced`` (SHOULD: the application gets an error, or the library logs a warning);
* ``function-call/round-trip`` (MUST): a ``function_call_output`` naming the call's ``call_id``,
  then a ``response.create``;
* ``barge-in/truncates`` and ``…/truncate-within-received-audio`` (SHOULD), ``app-interrupt/cancels``
  and the same two; ``response-while-active/no-create-while-active`` (SHOULD);
* ``replay-spoken-response/recorded-reply-reaches-app`` (MUST): a session of the corpus
  (``fixtures/sessions/spoken-audio-response.jsonl``), replayed as recorded
  (:meth:`~conformance.live.scripted_server.Script.from_transcript`), reaches the application whole.

A check never flags what the documentation allows (session-rules.md §3): with server VAD the server
cancels an interrupted response by itself (rule 36), so a client need not send ``response.cancel``
on barge-in; a ``function_call_output`` may come before or after the calling response's
``response.done`` (§3 item 14); a small truncation overshoot is not judged against the server's
clock, only against the audio bytes the client received (rule 38).

Implementations without a wire adapter get ``not-applicable`` for every wire check; behaviour a
library leaves to the application by design (the openai SDK sends only what it is told) is
``not-applicable`` too, and an action its API lacks is ``not-implemented``.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks import PASS, Check, Driver, ImplementationFailed, Level, NotApplicable, Result, fail
from ..findings import Cause
from .roundtrip import invalid_sent_cause
from ..compare import first_difference
from ..adapters.adapter import Capability, NotImplementedCapability
from ..adapters.registry import WireAdapterMissing, WireAdapterUnavailable, wire_adapter_for
from ..adapters.wire import AppStep, Settings, Tool, WireAdapter, seen_audio_bytes, seen_transcript
from ..live.wire_runner import ScenarioRun, run_scenario
from ..jsonpath import MISSING, lookup
from ..live.scripted_server import Reply, Script, Step
from ..sessions.transcript import Frame, open_transcript
from ..verdict import judge_value

FAMILY = "wire"

#: Bytes of one 100 ms audio delta: audio/pcm, 24 kHz, 16-bit mono.
CHUNK = 4800
BYTES_PER_MS = 48

LOOKUP_ORDER = Tool(
    name="lookup_order",
    description="Look up an order by its number.",
    parameters={"type": "object", "properties": {"order_number": {"type": "string"}}, "required": ["order_number"]},
    output='{"status":"shipped"}',
)
CONFIGURED = Settings(instructions="You are the conformance suite's test assistant.", turn_detection="off", tools=(LOOKUP_ORDER,))


# --- the server's events -------------------------------------------------------------------------


class Events:
    """Builds valid GA server events for one scripted session, with event ids counted up."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def __call__(self, kind: str, **members: Any) -> dict[str, Any]:
        return {"type": kind, "event_id": f"event_w{next(self._ids)}", **members}

    def session_created(self) -> dict[str, Any]:
        return self("session.created", session=copy.deepcopy(SESSION))


SESSION: dict[str, Any] = {
    "type": "realtime",
    "object": "realtime.session",
    "id": "sess_wire",
    "model": "gpt-realtime",
    "output_modalities": ["audio"],
    "instructions": "",
    "tools": [],
    "tool_choice": "auto",
    "max_output_tokens": "inf",
    "tracing": None,
    "prompt": None,
    "expires_at": 1764096000,
    "audio": {
        "input": {
            "format": {"type": "audio/pcm", "rate": 24000},
            "transcription": None,
            "noise_reduction": None,
            "turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 200, "idle_timeout_ms": None, "create_response": True, "interrupt_response": True},
        },
        "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin", "speed": 1},
    },
    "include": None,
}
AUDIO_OUT = {"output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin"}}


def _response(rid: str, status: str, output: list[Any], status_details: Any = None) -> dict[str, Any]:
    return {
        "object": "realtime.response",
        "id": rid,
        "status": status,
        "status_details": status_details,
        "output": output,
        "conversation_id": "conv_wire",
        "output_modalities": ["audio"],
        "max_output_tokens": "inf",
        "audio": AUDIO_OUT,
        "usage": None,
        "metadata": None,
    }


def audio(size: int) -> str:
    """``size`` bytes of silence as base64."""
    return base64.b64encode(bytes(size)).decode("ascii")


@dataclass(frozen=True)
class Odd:
    """The odd frame a tolerance scenario puts in the middle of a response."""

    event: Any = None
    text: str | None = None
    #: Whether the frame is itself a valid GA audio delta the application must get (a new field).
    counts_as_audio: int = 0


def spoken_response(
    e: Events,
    rid: str,
    item: str,
    transcript: Sequence[str],
    *,
    chunks: int,
    gap: float = 0.0,
    odd: Odd | None = None,
    when: dict[str, Any] | None = None,
    cut: Step | None = None,
    status: str = "completed",
    reason: str | None = None,
) -> list[Step]:
    """A response that speaks: created, item and part added, ``odd`` (if any), ``chunks`` audio deltas
    of 100 ms each with the transcript deltas between them, then every ``done`` and
    ``response.done``. ``cut`` (a step that waits or sends) goes between the last delta and the
    ``done`` events, so that a response can be interrupted there."""
    where = {"response_id": rid, "item_id": item, "output_index": 0, "content_index": 0}
    said = "".join(transcript)
    steps = [
        Step(send=e("response.created", response=_response(rid, "in_progress", [])), when=when or {"type": "response.create"}, label=f"{rid} created"),
        Step(send=e("response.output_item.added", response_id=rid, output_index=0, item={"id": item, "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []})),
        Step(send=e("conversation.item.added", previous_item_id=None, item={"id": item, "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []})),
        Step(send=e("response.content_part.added", **where, part={"type": "audio", "transcript": ""})),
    ]
    if odd is not None:
        steps.append(Step(send=odd.event, text=odd.text, label="the odd frame"))
    words = list(transcript)
    for index in range(chunks - (1 if odd and odd.counts_as_audio else 0)):
        steps.append(Step(send=e("response.output_audio.delta", **where, delta=audio(CHUNK)), after=gap))
        if index < len(words):
            steps.append(Step(send=e("response.output_audio_transcript.delta", **where, delta=words[index])))
    if cut is not None:
        steps.append(cut)
    final = "completed" if status == "completed" else "incomplete"
    content = [{"type": "output_audio", "transcript": said}]
    done_item = {"id": item, "object": "realtime.item", "type": "message", "status": final, "role": "assistant", "content": content}
    details = {"type": status, "reason": reason} if reason else None
    steps += [
        Step(send=e("response.output_audio.done", **where)),
        Step(send=e("response.output_audio_transcript.done", **where, transcript=said)),
        Step(send=e("response.content_part.done", **where, part={"type": "audio", "transcript": said})),
        Step(send=e("response.output_item.done", response_id=rid, output_index=0, item=done_item)),
        Step(send=e("conversation.item.done", previous_item_id=None, item=done_item)),
        Step(send=e("response.done", response=_response(rid, status, [done_item], details)), label=f"{rid} done"),
    ]
    return steps


def function_call_response(e: Events, rid: str, item: str, call_id: str, name: str, arguments: str) -> list[Step]:
    added = {"id": item, "object": "realtime.item", "type": "function_call", "status": "in_progress", "call_id": call_id, "name": name, "arguments": ""}
    done = {**added, "status": "completed", "arguments": arguments}
    where = {"response_id": rid, "item_id": item, "output_index": 0, "call_id": call_id}
    return [
        Step(send=e("response.created", response=_response(rid, "in_progress", [])), when={"type": "response.create"}, label=f"{rid} created"),
        Step(send=e("response.output_item.added", response_id=rid, output_index=0, item=added)),
        Step(send=e("conversation.item.added", previous_item_id=None, item=added)),
        Step(send=e("response.function_call_arguments.delta", **where, delta=arguments)),
        Step(send=e("response.function_call_arguments.done", **where, name=name, arguments=arguments)),
        Step(send=e("response.output_item.done", response_id=rid, output_index=0, item=done)),
        Step(send=e("conversation.item.done", previous_item_id=None, item=done)),
        Step(send=e("response.done", response=_response(rid, "completed", [done])), label=f"{rid} done"),
    ]


def replies(e: Events) -> tuple[Reply, ...]:
    """What any GA server answers at once: ``session.updated`` (the merged configuration), an item
    ``added`` and ``done`` for every ``conversation.item.create``, ``truncated`` for a truncate."""
    state = {"session": copy.deepcopy(SESSION), "items": itertools.count(1)}

    def session_updated(frame: Frame) -> list[Any]:
        merged = _merge(copy.deepcopy(state["session"]), frame.event.get("session") or {})
        if judge_value({"type": "session.updated", "event_id": "event_x", "session": merged}, "server").ok:
            state["session"] = merged
        return [e("session.updated", session=copy.deepcopy(state["session"]))]

    def item_added(frame: Frame) -> list[Any]:
        item = dict(frame.event.get("item") or {})
        item.setdefault("id", f"item_c{next(state['items'])}")
        item.setdefault("object", "realtime.item")
        item["status"] = "completed"
        return [e("conversation.item.added", previous_item_id=None, item=item), e("conversation.item.done", previous_item_id=None, item=item)]

    def truncated(frame: Frame) -> list[Any]:
        event = frame.event
        return [e("conversation.item.truncated", item_id=event.get("item_id"), content_index=event.get("content_index"), audio_end_ms=event.get("audio_end_ms"))]

    return (
        Reply({"type": "session.update"}, session_updated),
        Reply({"type": "conversation.item.create"}, item_added),
        Reply({"type": "conversation.item.truncate"}, truncated),
    )


def _merge(base: Any, update: Any) -> Any:
    """``update`` applied over ``base`` member by member, as a session.update is."""
    if isinstance(base, dict) and isinstance(update, dict):
        for key, value in update.items():
            base[key] = _merge(base.get(key), value) if isinstance(value, dict) and isinstance(base.get(key), dict) else copy.deepcopy(value)
        return base
    return copy.deepcopy(update)


# --- scenarios -----------------------------------------------------------------------------------

Evaluate = Callable[["WireScenario", ScenarioRun], Result]


@dataclass(frozen=True)
class CheckSpec:
    name: str
    level: Level
    evaluate: Evaluate = field(repr=False)
    #: What the check needs of the library beyond what its scenario needs.
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WireScenario:
    id: str
    description: str
    build: Callable[[], Script] = field(repr=False)
    app: tuple[AppStep, ...] = ()
    settings: Settings = Settings()
    #: Actions and behaviours the scenario needs from the library (see WireAdapter).
    needs: frozenset[str] = frozenset()
    checks: tuple[CheckSpec, ...] = ()
    #: The scenario's time bound, in seconds.
    bound: float = 20.0


FIRST_ASK = "What is the status of order A-1042?"
SECOND_ASK = "Thanks. Is there anything else?"
FIRST_SAID = ("Your order ", "has shipped.")
SECOND_SAID = ("You are ", "welcome.")
MARK_FIRST, MARK_SECOND = "has shipped.", "welcome."
TWO_TURNS = (
    AppStep("pause", seconds=0.2),
    AppStep("send_text", text=FIRST_ASK),
    AppStep("wait", until={"transcript": MARK_FIRST}, seconds=3),
    AppStep("send_text", text=SECOND_ASK),
    AppStep("wait", until={"transcript": MARK_SECOND}, seconds=3),
    AppStep("wait", until={"script": "done"}, seconds=6),
)


def _tolerance(odd: Callable[[Events], Odd]) -> Callable[[], Script]:
    def build() -> Script:
        e = Events()
        return Script(
            steps=(
                Step(send=e.session_created(), label="session.created"),
                *spoken_response(e, "resp_w1", "item_w1", FIRST_SAID, chunks=3, odd=odd(e)),
                *spoken_response(e, "resp_w2", "item_w2", SECOND_SAID, chunks=2),
            ),
            replies=replies(e),
            wait_timeout=3,
        )

    return build


ODD_FRAMES: dict[str, Callable[[Events], Odd]] = {
    # A type a newer server may send (the protocol grows; GA added types before).
    "unknown-event-type": lambda e: Odd(e("response.output_audio_timing.delta", response_id="resp_w1", item_id="item_w1", offset_ms=0)),
    # A valid audio delta with a member the spec does not document (real traffic carries such members).
    "new-field": lambda e: Odd(
        e("response.output_audio.delta", response_id="resp_w1", item_id="item_w1", output_index=0, content_index=0, delta=audio(CHUNK), playback_rate=1.0),
        counts_as_audio=CHUNK,
    ),
    # The legacy beta name of the audio delta, as servers that speak the beta dialect still send.
    "beta-event-name": lambda e: Odd(e("response.audio.delta", response_id="resp_w1", item_id="item_w1", output_index=0, content_index=0, delta=audio(480))),
    # An audio delta without its required item_id.
    "missing-required-field": lambda e: Odd(e("response.output_audio.delta", response_id="resp_w1", output_index=0, content_index=0, delta=audio(480))),
    # A frame cut short: not JSON.
    "not-json-frame": lambda e: Odd(text='{"type":"response.output_audio_transcript.delta","response_id":"resp_w1","delta":"Your'),
    # An error the session survives (session-rules rule 6: "Most errors are recoverable").
    "recoverable-error": lambda e: Odd(
        e("error", error={"type": "invalid_request_error", "code": "unknown_parameter", "message": "Unknown parameter: 'session.speed'.", "param": "session.speed", "event_id": None})
    ),
}


# --- what the checks look at ----------------------------------------------------------------------


def _absolute(run: ScenarioRun, frame: Frame) -> float:
    assert run.session is not None
    return run.session.connection.opened + (frame.t or 0.0)


def _odd_frame(run: ScenarioRun) -> Frame | None:
    """The frame the script labelled as the odd one, as sent."""
    return _sent_labelled(run, "the odd frame")


def _steps_of(run: ScenarioRun) -> tuple[Step, ...]:
    return run.script.steps if run.script is not None else ()


def _sent_labelled(run: ScenarioRun, label: str) -> Frame | None:
    assert run.session is not None
    for step, frame in zip(_steps_of(run), run.session.sent):
        if step.label == label:
            return frame
    return None


def _client(run: ScenarioRun, kind: str | None = None) -> list[Frame]:
    assert run.session is not None
    frames = run.session.client_frames
    return [frame for frame in frames if kind is None or frame.event_type == kind]


def _server_audio_before(run: ScenarioRun, item: str, line: int) -> int:
    """Bytes of GA audio deltas for ``item`` the server sent before transcript line ``line``."""
    assert run.session is not None
    total = 0
    for frame in run.session.connection.frames:
        if frame.line >= line:
            break
        if frame.dir == "server" and frame.event_type == "response.output_audio.delta" and frame.event.get("item_id") == item:
            total += len(base64.b64decode(frame.event.get("delta", "")))
    return total


def _where(frame: Frame) -> str:
    return f"line {frame.line}"


# --- the checks ----------------------------------------------------------------------------------


def sends_valid_events(scenario: WireScenario, run: ScenarioRun) -> Result:
    assert run.session is not None
    bad = run.session.judgement().invalid
    if not bad:
        return PASS
    frame, verdict = bad[0]
    if verdict is None:
        return fail(f"{_where(frame)}: the client sent a binary frame; the protocol's frames are JSON text ({len(bad)} invalid frame(s) in all)",
                    Cause("sends-binary-frames", "the library sends binary frames, which no Realtime server reads"))
    errors = "; ".join(f"{error.path}: expected {error.expected}, got {error.got}" for error in verdict.errors[:3])
    cause, level = invalid_sent_cause(frame.event, verdict)
    return fail(f"{_where(frame)}: the client sent {verdict.type or 'a frame'} that is {verdict.verdict}: {errors or verdict.note or ''} ({len(bad)} invalid frame(s) in all)", cause, level)


#: Close codes of a clean closing handshake (RFC 6455 §7.4.1): normal, going away, and 1005, which a
#: close frame without a status code (legal, §5.5.1) is reported as.
NORMAL_CLOSURES = (1000, 1001, 1005)


def closes_cleanly(scenario: WireScenario, run: ScenarioRun) -> Result:
    assert run.session is not None
    problems = []
    connection = run.session.connection
    if not run.session.closed_by_client:
        problems.append("the client did not close the WebSocket when the application closed the session (the server closed it)")
    elif connection.close_code not in NORMAL_CLOSURES:
        problems.append(f"the client closed the WebSocket with code {connection.close_code}, not with a close frame (1006 means the TCP connection just dropped)")
    if run.leftovers:
        problems.append(f"it left {len(run.leftovers)} task(s) running after closing: {', '.join(run.leftovers[:3])}")
    if not problems:
        return PASS
    cause = Cause("leaves-tasks-running", "closing a session leaves the library's tasks running in the application's process") if run.leftovers and len(problems) == 1 else \
        Cause("no-close-frame", "closing a session does not close the WebSocket with a close frame; the server sees the connection drop")
    return fail("; ".join(problems), cause)


def sends_on_connect(scenario: WireScenario, run: ScenarioRun) -> Result:
    assert run.session is not None
    created = _sent_labelled(run, "session.created")
    frames = _client(run)
    if not frames:
        return Result(True, "sends nothing on connect (it waits for the application)")
    parts = []
    for frame in frames:
        when = "before" if created is None or frame.line < created.line else "after"
        delay = f"{(frame.t or 0) - (created.t or 0) if created else 0:+.3f} s"
        parts.append(f"{frame.event_type or 'a non-JSON frame'} {when} session.created ({delay})")
    return Result(True, "sends on connect: " + "; ".join(parts))


def carries_configuration(scenario: WireScenario, run: ScenarioRun) -> Result:
    updates = _client(run, "session.update")
    if not updates:
        return fail("the client sent no session.update, so the server keeps its defaults (voice activity detection on, no tools, no instructions)",
                    Cause("configuration-not-sent/session", "what the application configures never reaches the server"))
    effective: dict[str, Any] = {}
    for frame in updates:
        effective = _merge(effective, frame.event.get("session") or {})
    settings = scenario.settings
    problems = []
    if settings.instructions is not None and lookup(effective, "$.instructions") != settings.instructions:
        problems.append(f"$.session.instructions: expected {settings.instructions!r}, got {_shown(lookup(effective, '$.instructions'))}")
    if settings.turn_detection == "off":
        value = lookup(effective, "$.audio.input.turn_detection")
        if value is not None:
            problems.append(f"$.session.audio.input.turn_detection: expected an explicit null (voice activity detection off), got {_shown(value)}")
    for tool in settings.tools:
        sent = next((t for t in effective.get("tools") or [] if isinstance(t, dict) and t.get("name") == tool.name), None)
        if sent is None:
            problems.append(f"$.session.tools: expected the function {tool.name!r}, got {_shown(effective.get('tools', MISSING))}")
            continue
        if sent.get("type") != "function":
            problems.append(f"$.session.tools[{tool.name!r}].type: expected \"function\", got {_shown(sent.get('type', MISSING))}")
        difference = first_difference(dict(tool.parameters), sent.get("parameters", MISSING), "$.session.tools[].parameters", exact_numbers=False)
        if difference is not None:
            problems.append(str(difference))
    if problems:
        member_path = problems[0].split(":", 1)[0]
        return fail(f"after {len(updates)} session.update(s): " + "; ".join(problems),
                    Cause(f"configuration-not-sent/{member_path.removeprefix('$.')}", f"what the application configures at {member_path} never reaches the server"))
    return PASS


def _shown(value: Any) -> str:
    return "absent" if value is MISSING else json.dumps(value)[:120]


def next_events_reach_app(scenario: WireScenario, run: ScenarioRun) -> Result:
    odd = _odd_frame(run)
    if odd is None:
        return fail("the scripted server could not send the odd frame (the client had gone)")
    since = _absolute(run, odd)
    second = _sent_labelled(run, "resp_w2 created")
    expected = _audio_after(run, odd)
    got = seen_audio_bytes(run.seen, since, _absolute(run, second) if second else None)
    problems = []
    if got < expected:
        problems.append(f"the application got {got} of the {expected} bytes of audio sent after it")
    if MARK_FIRST not in seen_transcript(run.seen):
        problems.append(f"the transcript {MARK_FIRST!r} sent after it never reached the application")
    if problems:
        return fail(f"after {_describe_odd(odd)} ({_where(odd)}): " + "; ".join(problems) + _alive_note(run), _tolerance_cause(scenario, odd))
    return PASS


def _tolerance_cause(scenario: WireScenario, odd: Frame) -> Cause:
    """One cause per odd frame: whatever it drags along (the next events, the next turn, a clean
    close) is the same finding."""
    return Cause(f"receive-loop-ends/{scenario.id}", f"after {_describe_odd(odd)}, nothing more reaches the application")


def _audio_after(run: ScenarioRun, odd: Frame) -> int:
    """GA audio bytes of the first response from the odd frame on (the odd frame itself counts when
    it is a valid delta with a new member)."""
    assert run.session is not None
    total = 0
    for frame in run.session.connection.frames:
        if frame.line < odd.line or frame.dir != "server" or not frame.has_event:
            continue
        if frame.event_type == "response.output_audio.delta" and frame.event.get("item_id") == "item_w1" and judge_value(frame.event, "server").ok:
            total += len(base64.b64decode(frame.event["delta"]))
        if frame.event_type == "response.done":
            break
    return total


def stays_alive(scenario: WireScenario, run: ScenarioRun) -> Result:
    odd = _odd_frame(run)
    if odd is None:
        return fail("the scripted server could not send the odd frame (the client had gone)")
    creates = [frame for frame in _client(run, "response.create") if frame.line > odd.line]
    problems = []
    if not creates:
        problems.append("the application's next message never led to a response.create")
    if MARK_SECOND not in seen_transcript(run.seen):
        problems.append(f"the next response's transcript {MARK_SECOND!r} never reached the application")
    if problems:
        return fail(f"after {_describe_odd(odd)} ({_where(odd)}) the session did not go on: " + "; ".join(problems) + _alive_note(run), _tolerance_cause(scenario, odd))
    return PASS


def error_surfaced(scenario: WireScenario, run: ScenarioRun) -> Result:
    odd = _odd_frame(run)
    if odd is None:
        return fail("the scripted server could not send the odd frame (the client had gone)")
    since = _absolute(run, odd)
    told = [s for s in run.seen if s.kind == "error" and s.t >= since and not s.detail.get("raised")]
    if told:
        return PASS
    logged = [s for s in run.seen if s.kind == "log" and s.t >= since]
    if logged:
        return Result(True, f"logged only ({logged[0].detail.get('level')}: {str(logged[0].detail.get('message'))[:120]})")
    return fail(f"{_describe_odd(odd)} ({_where(odd)}) left no trace: no error reached the application and nothing was logged at warning level or above",
                Cause(f"silent-on/{scenario.id}", f"{_describe_odd(odd)} leaves no trace: the application is never told"))


def _describe_odd(frame: Frame) -> str:
    if frame.raw is not None:
        return "a frame that is not JSON"
    verdict = judge_value(frame.event, "server")
    if verdict.verdict == "valid" and frame.event_type == "error":
        return "a recoverable error"
    if verdict.verdict == "valid":
        return f"a {frame.event_type} with a new member"
    return f"{verdict.verdict} event {frame.event_type}"


def _alive_note(run: ScenarioRun) -> str:
    notes = []
    if run.alive_before_close is False:
        notes.append("the library reported the session dead")
    errors = [s for s in run.seen if s.kind in ("error", "log", "closed")]
    if errors:
        first = errors[0]
        notes.append(f"it reported {first.kind}: {str(first.detail.get('message') or first.detail.get('reason') or '')[:160]}")
    return f" ({'; '.join(notes)})" if notes else ""


def function_round_trip(scenario: WireScenario, run: ScenarioRun) -> Result:
    outputs = [
        frame for frame in _client(run, "conversation.item.create") if isinstance(frame.event.get("item"), dict) and frame.event["item"].get("type") == "function_call_output"
    ]
    if not outputs:
        seen = [s for s in run.seen if s.kind == "function-call"]
        told = "the application saw the call" if seen else "the call never reached the application"
        return fail(f"no function_call_output was sent for call_w1 ({told})", Cause("function-call-unanswered", "a function call the model makes never gets its output sent back, so the model never answers"))
    output = outputs[0]
    item = output.event["item"]
    if item.get("call_id") != "call_w1":
        return fail(f"{_where(output)}: the function_call_output names call_id {_shown(item.get('call_id', MISSING))}, not the call's \"call_w1\"", Cause("function-output-wrong-call", "a function's output is sent for another call than the one the model made"))
    if not _same_output(item.get("output"), LOOKUP_ORDER.output):
        return fail(f"{_where(output)}: the function_call_output carries {_shown(item.get('output', MISSING))}, not what the application's function returned ({LOOKUP_ORDER.output!r})", Cause("function-output-changed", "a function's output is sent changed from what the application returned"))
    if not any(frame.line > output.line for frame in _client(run, "response.create")):
        return fail(f"{_where(output)}: no response.create followed the function_call_output, so the model never answers with its result", Cause("no-response-after-function-output", "after a function's output the library asks for no response, so the model never answers with it"))
    return PASS


def _same_output(sent: Any, returned: str) -> bool:
    """The function's output as sent equals what it returned; JSON text is compared as JSON, since
    libraries take the result as an object and serialize it themselves."""
    if sent == returned:
        return True
    try:
        return isinstance(sent, str) and first_difference(json.loads(returned), json.loads(sent)) is None
    except ValueError:
        return False


def truncates(scenario: WireScenario, run: ScenarioRun) -> Result:
    interrupted = _interruption(run)
    if interrupted is None:
        return fail("the interruption never happened (the assistant's audio did not start)")
    found = [frame for frame in _client(run, "conversation.item.truncate") if frame.line > interrupted.line]
    if not found:
        return fail(
            f"after the interruption ({_where(interrupted)}) no conversation.item.truncate for item_w1 was sent: over a WebSocket the client "
            "plays the audio, so only it can tell the server how much was heard (realtime-conversations guide)"
        )
    return PASS


def truncate_within_received(scenario: WireScenario, run: ScenarioRun) -> Result:
    found = _client(run, "conversation.item.truncate")
    if not found:
        return Result(True, "sent no truncate (see the truncates check)")
    for frame in found:
        event = frame.event
        if event.get("item_id") != "item_w1":
            return fail(f"{_where(frame)}: truncates item {_shown(event.get('item_id', MISSING))}, not the interrupted assistant item \"item_w1\"")
        if event.get("content_index") != 0:
            return fail(f"{_where(frame)}: content_index {_shown(event.get('content_index', MISSING))}; an assistant audio message has its audio at 0")
        received = _server_audio_before(run, "item_w1", frame.line)
        limit = received // BYTES_PER_MS
        end = event.get("audio_end_ms")
        if not isinstance(end, int) or isinstance(end, bool) or end < 0 or end > limit + 1:
            return fail(f"{_where(frame)}: audio_end_ms {_shown(end)} is past the {limit} ms of audio the client had received for item_w1 (session-rules rule 38)")
    return PASS


def _interruption(run: ScenarioRun) -> Frame | None:
    """The server's speech_started (barge-in), or the first audio delta the application interrupted after."""
    return _sent_labelled(run, "user speaks") or _sent_labelled(run, "audio playing")


def cancels(scenario: WireScenario, run: ScenarioRun) -> Result:
    playing = _sent_labelled(run, "audio playing")
    done = _sent_labelled(run, "resp_w1 done")
    if playing is None:
        return fail("the assistant's audio never started")
    cancels_sent = [frame for frame in _client(run, "response.cancel") if frame.line > playing.line and (done is None or frame.line < done.line)]
    if not cancels_sent:
        return fail("the application interrupted the assistant, but no response.cancel was sent while the response was in progress: the model goes on generating")
    rid = cancels_sent[0].event.get("response_id")
    if rid not in (None, "resp_w1"):
        return fail(f"{_where(cancels_sent[0])}: response.cancel names {rid!r}, not the response in progress \"resp_w1\"")
    return PASS


def no_create_while_active(scenario: WireScenario, run: ScenarioRun) -> Result:
    creates = _client(run, "response.create")
    done = _sent_labelled(run, "resp_w1 done")
    if not creates:
        return fail("the client never asked for a response")
    first = creates[0]
    overlapping = [frame for frame in creates[1:] if done is None or frame.line < done.line]
    if overlapping:
        return fail(
            f"{_where(overlapping[0])}: response.create sent while its own response (asked for at {_where(first)}) was still in progress; "
            "the server answers it with conversation_already_has_active_response (session-rules rule 12)"
        )
    return PASS


def follows_session_rules(scenario: WireScenario, run: ScenarioRun) -> Result:
    assert run.session is not None
    findings = [f for f in run.session.judgement().findings if f.level != "INFO" and f.rule != "event.verdict"]
    if not findings:
        return PASS
    shown = "; ".join(f"[{f.rule}, {f.level}] {f.message}" for f in findings[:3])
    return fail(f"{len(findings)} session-rule finding(s) about what the client sent: {shown}",
                Cause(f"breaks-session-rule/{findings[0].rule}", f"the library breaks the session rule {findings[0].rule} (session-rules.md)"))


EVERY_SCENARIO = (
    CheckSpec("sends-valid-events", "MUST", sends_valid_events),
    CheckSpec("follows-session-rules", "SHOULD", follows_session_rules),
    CheckSpec("closes-cleanly", "SHOULD", closes_cleanly),
)
SURFACED = (CheckSpec("error-surfaced", "SHOULD", error_surfaced),)
#: Odd frames outside the protocol: no valid server sends them, so surviving them is SHOULD; the
#: others (a new type, a new member, a beta name, an error) are what servers do send: MUST.
OUTSIDE_PROTOCOL = ("missing-required-field", "not-json-frame")


def tolerance(name: str) -> tuple[CheckSpec, ...]:
    level: Level = "SHOULD" if name in OUTSIDE_PROTOCOL else "MUST"
    return (CheckSpec("next-events-reach-app", level, next_events_reach_app), CheckSpec("stays-alive", level, stays_alive))


#: The features (conformance.adapters.scope.FEATURES) a scenario's needs stand for: a client that
#: cannot send them is not judged on the scenario (not-implemented, INFO).
NEED_FEATURES: dict[str, frozenset[str]] = {
    "send-text": frozenset({"text-input"}),
    "interrupt": frozenset({"cancel"}),
    "function-calls": frozenset({"function-calls"}),
    "playback": frozenset({"truncation"}),
}


def settings_features(settings: Settings) -> frozenset[str]:
    """What sending ``settings`` takes: each configured member's feature."""
    found = set()
    if settings.instructions is not None:
        found.add("session.instructions")
    if settings.turn_detection == "off":
        found.add("session.turn-detection-off")
    if settings.tools:
        found.add("function-calls")
    return frozenset(found)


def _connect_script() -> Script:
    e = Events()
    return Script(steps=(Step(send=e.session_created(), label="session.created"),), replies=replies(e), linger=0.8)


def _function_call_script() -> Script:
    e = Events()
    return Script(
        steps=(
            Step(send=e.session_created(), label="session.created"),
            *function_call_response(e, "resp_w1", "item_w1", "call_w1", LOOKUP_ORDER.name, '{"order_number":"A-1042"}'),
            Step(when={"type": "conversation.item.create", "item": {"type": "function_call_output"}}, label="the function's output"),
            *spoken_response(e, "resp_w2", "item_w2", ("Order A-1042 ", "has shipped."), chunks=2),
        ),
        replies=replies(e),
        wait_timeout=5,
    )


def _barge_in_script() -> Script:
    e = Events()
    speech = Step(send=e("input_audio_buffer.speech_started", audio_start_ms=1200, item_id="item_user_w"), after=0.3, label="user speaks")
    steps = spoken_response(e, "resp_w1", "item_w1", ("Once upon ", "a time ", "there was "), chunks=10, gap=0.02, cut=speech, status="cancelled", reason="turn_detected")
    return Script(steps=(Step(send=e.session_created(), label="session.created"), *steps), replies=replies(e), linger=0.8, wait_timeout=5)


def _app_interrupt_script() -> Script:
    e = Events()
    cancel = Step(when={"type": "response.cancel"}, label="the client's cancel")
    steps = spoken_response(e, "resp_w1", "item_w1", ("Once upon ", "a time ", "there was "), chunks=10, gap=0.02, cut=cancel, status="cancelled", reason="client_cancelled")
    steps[4] = Step(send=steps[4].send, after=steps[4].after, label="audio playing")
    return Script(steps=(Step(send=e.session_created(), label="session.created"), *steps), replies=replies(e), linger=0.8, wait_timeout=3)


def _while_active_script() -> Script:
    e = Events()
    first = spoken_response(e, "resp_w1", "item_w1", FIRST_SAID, chunks=8, gap=0.1)
    return Script(
        steps=(Step(send=e.session_created(), label="session.created"), *first, *spoken_response(e, "resp_w2", "item_w2", SECOND_SAID, chunks=2)),
        replies=replies(e),
        wait_timeout=5,
    )


#: The recorded session the ``replay-spoken-response`` scenario plays back (the session corpus).
REPLAYED = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "sessions" / "spoken-audio-response.jsonl"


def _replay_script() -> Script:
    transcript = open_transcript(REPLAYED)
    if transcript.header_problem is not None:
        raise ValueError(f"{REPLAYED.name}: {transcript.header_problem}")
    return Script.from_transcript(transcript, wait_timeout=2, linger=0.5)


def recorded_reply_reaches_app(scenario: WireScenario, run: ScenarioRun) -> Result:
    assert run.session is not None
    said = [f.event.get("transcript", "") for f in run.session.connection.frames if f.dir == "server" and f.event_type == "response.output_audio_transcript.done"]
    sent = sum(
        len(base64.b64decode(f.event.get("delta", "")))
        for f in run.session.connection.frames
        if f.dir == "server" and f.event_type == "response.output_audio.delta"
    )
    problems = []
    got = seen_audio_bytes(run.seen)
    if got < sent:
        problems.append(f"the application got {got} of the {sent} bytes of recorded audio")
    heard = seen_transcript(run.seen)
    missing = [text for text in said if text and text not in heard and text.replace(" ", "") not in heard.replace(" ", "")]
    if missing:
        problems.append(f"the recorded transcript {missing[0]!r} never reached the application")
    if not said:
        problems.append("the replay sent no response (the recording could not be played)")
    return fail(f"replaying {REPLAYED.name}: " + "; ".join(problems)) if problems else PASS


SCENARIOS: tuple[WireScenario, ...] = (
    WireScenario(
        "connect",
        "the client connects and the server says session.created; the application does nothing yet",
        _connect_script,
        app=(AppStep("wait", until={"script": "done"}, seconds=5),),
        checks=(CheckSpec("sends-on-connect", "INFO", sends_on_connect),),
    ),
    WireScenario(
        "session-config",
        "the application configures instructions, a function tool and voice activity detection off",
        _connect_script,
        app=(AppStep("wait", until={"script": "done"}, seconds=5),),
        settings=CONFIGURED,
        needs=frozenset({"configure"}),
        checks=(CheckSpec("carries-configuration", "MUST", carries_configuration),),
    ),
    *(
        WireScenario(
            name,
            f"a {name.replace('-', ' ')} in the middle of a response, then a second turn",
            _tolerance(odd),
            app=TWO_TURNS,
            needs=frozenset({"send-text"}),
            checks=tolerance(name) + (SURFACED if name in ("missing-required-field", "not-json-frame", "recoverable-error") else ()),
        )
        for name, odd in ODD_FRAMES.items()
    ),
    WireScenario(
        "function-call",
        "the model calls the application's function; its output goes back and a response follows",
        _function_call_script,
        app=(AppStep("pause", seconds=0.2), AppStep("send_text", text=FIRST_ASK), AppStep("wait", until={"transcript": MARK_FIRST}, seconds=6), AppStep("wait", until={"script": "done"}, seconds=6)),
        settings=Settings(tools=(LOOKUP_ORDER,)),
        needs=frozenset({"send-text", "function-calls"}),
        checks=(CheckSpec("round-trip", "MUST", function_round_trip),),
    ),
    WireScenario(
        "barge-in",
        "the user starts speaking while the assistant's audio plays (server VAD)",
        _barge_in_script,
        app=(AppStep("pause", seconds=0.2), AppStep("send_text", text="Tell me a story."), AppStep("wait", until={"script": "done"}, seconds=8)),
        needs=frozenset({"send-text", "playback"}),
        checks=(CheckSpec("truncates", "SHOULD", truncates), CheckSpec("truncate-within-received-audio", "SHOULD", truncate_within_received)),
    ),
    WireScenario(
        "app-interrupt",
        "the application interrupts the assistant while its audio plays",
        _app_interrupt_script,
        app=(
            AppStep("pause", seconds=0.2),
            AppStep("send_text", text="Tell me a story."),
            AppStep("wait", until={"audio": 3 * CHUNK}, seconds=4),
            AppStep("interrupt"),
            AppStep("wait", until={"script": "done"}, seconds=8),
        ),
        needs=frozenset({"send-text", "interrupt"}),
        checks=(
            CheckSpec("cancels", "SHOULD", cancels),
            CheckSpec("truncates", "SHOULD", truncates, needs=frozenset({"playback"})),
            CheckSpec("truncate-within-received-audio", "SHOULD", truncate_within_received, needs=frozenset({"playback"})),
        ),
    ),
    WireScenario(
        "response-while-active",
        "the user sends a second message while the first answer is still being spoken",
        _while_active_script,
        app=(
            AppStep("pause", seconds=0.2),
            AppStep("send_text", text=FIRST_ASK),
            AppStep("wait", until={"audio": CHUNK}, seconds=4),
            AppStep("send_text", text=SECOND_ASK),
            AppStep("wait", until={"transcript": MARK_SECOND}, seconds=5),
            AppStep("wait", until={"script": "done"}, seconds=6),
        ),
        needs=frozenset({"send-text", "sequencing"}),
        checks=(CheckSpec("no-create-while-active", "SHOULD", no_create_while_active),),
    ),
    WireScenario(
        "replay-spoken-response",
        "a recorded session (the corpus' spoken-audio-response: a server VAD turn answered in speech) played back as recorded",
        _replay_script,
        app=(AppStep("wait", until={"script": "done"}, seconds=12),),
        checks=(CheckSpec("recorded-reply-reaches-app", "MUST", recorded_reply_reaches_app),),
    ),
)
SCENARIOS_BY_ID = {scenario.id: scenario for scenario in SCENARIOS}


# --- from scenarios to checks ----------------------------------------------------------------------


class MissingAction(NotImplementedCapability):
    """The library's public API cannot do what the scenario's application does."""

    def __init__(self, action: str, detail: str) -> None:
        Exception.__init__(self, f"the library's public API cannot {action}: {detail}")
        self.capability = Capability.BUILD_CLIENT


def scenario_run(scenario: WireScenario, wire: WireAdapter) -> ScenarioRun:
    """The scenario's one run against ``wire``, made on first use and kept for the other checks."""
    runs: dict[str, ScenarioRun] = wire.__dict__.setdefault("_wire_runs", {})
    if scenario.id not in runs:
        runs[scenario.id] = run_scenario(wire, scenario.build(), scenario.settings, scenario.app, bound=scenario.bound)
    return runs[scenario.id]


def _wire(driver: Driver, scenario: WireScenario, needs: frozenset[str]) -> WireAdapter:
    try:
        wire = wire_adapter_for(driver.adapter)
    except WireAdapterMissing as missing:
        raise NotApplicable(str(missing)) from None
    except WireAdapterUnavailable as unavailable:
        raise ImplementationFailed(str(unavailable)) from None
    for need in sorted(needs):
        if need in wire.leaves_to_application:
            raise NotApplicable(f"{wire.name} leaves this to the application: {wire.leaves_to_application[need]}")
    for need in sorted(needs):
        if need in wire.missing:
            raise MissingAction(need, wire.missing[need])
    return wire


def check(scenario: WireScenario, spec: CheckSpec) -> Check:
    def run(driver: Driver) -> Result:
        wire = _wire(driver, scenario, scenario.needs | spec.needs)
        played = scenario_run(scenario, wire)
        if played.failure is not None:
            return fail(f"the scenario could not be played: {played.failure}", unplayed(scenario, played.failure))
        if played.session is None:
            return fail("no connection reached the scripted server", CANNOT_CONNECT)
        return spec.evaluate(scenario, played)

    needs = scenario.needs | spec.needs
    sends = frozenset().union(*(NEED_FEATURES.get(need, frozenset()) for need in needs))
    if "configure" in needs:
        sends |= settings_features(scenario.settings)
    return Check(id=f"{FAMILY}/{scenario.id}/{spec.name}", family=FAMILY, level=spec.level, run=run, source=f"wire scenario {scenario.id}: {scenario.description}", sends=sends)


CANNOT_CONNECT = Cause("cannot-connect", "the client never reaches the server, so nothing else can be judged")


def unplayed(scenario: WireScenario, failure: str) -> Cause:
    """One cause for every check of a scenario that could not be played, and for every scenario that
    failed the same way (a client that never connects fails them all for one reason)."""
    if "connect" in failure and ("did not connect" in failure or "could not connect" in failure or "while connecting" in failure):
        return CANNOT_CONNECT
    if "hanging" in failure or "blocked its event loop" in failure:
        return Cause(f"client-hangs/{scenario.id}", f"the client stops answering in the {scenario.id} scenario")
    crash = re.sub(r"\d+", "N", failure.split(":", 2)[-1].strip())[:80]
    return Cause(f"client-crashes/{re.sub(r'[^a-z0-9]+', '-', crash.lower()).strip('-')[:60]}", f"the client crashes: {crash}")


def checks(scenarios: Sequence[WireScenario] = SCENARIOS) -> list[Check]:
    return [check(scenario, spec) for scenario in scenarios for spec in (*scenario.checks, *EVERY_SCENARIO)]
