"""The wire family: a real client library on a real socket, judged by what it does and sends.

Each scenario (permanent id, registered under ``wire_scenarios`` in ``conformance/data/ids.json``)
is data: the session the scripted server plays, what the application does, and what it configures.
It runs once per implementation, in isolation (:func:`conformance.live.wire_runner.run_scenario`),
and its checks, ``wire/<scenario>/<check>``, judge that one run (docs/wire.md lists them all):

* every scenario: ``sends-valid-events`` (MUST: every frame the client sends is a valid client
  event of the server's dialect, and of no other dialect), ``follows-session-rules`` (SHOULD: the
  session rules' MUST and SHOULD findings about the frames the client sent,
  :mod:`conformance.sessions.rules`; invalid frames are the previous check's) and
  ``closes-cleanly`` (SHOULD: a close frame when the application closes, no task left running);
* ``connect/sends-on-connect`` (INFO): what the client sends on connect;
  ``first-update-every-connection/always-configures`` (MUST): the first ``session.update`` on each of
  20 connections;
* ``session-config`` and the ``config-*`` scenarios (:mod:`.wire_config`), ``carries-configuration``
  (MUST): what the application configured is what goes on the wire;
* the tolerance scenarios, each one odd frame in the middle of a response, then a second turn:
  ``next-events-reach-app`` and ``stays-alive`` (MUST for what valid servers send, SHOULD for what
  is outside the protocol), for some also ``error-surfaced`` (SHOULD);
* ``function-call/round-trip`` (MUST) and the function and response scenarios of
  :mod:`.wire_turns`; barge-in, interruption and sequencing (SHOULD); the replayed corpus session
  (MUST).

The user's turns of the tolerance, function-call and replay scenarios start with whatever the
client has (:class:`~.wire_base.Play`): typed text (``send_text`` then ``response.create``) or
speech (``append_audio``; the scripted server's VAD answers the first append with
``speech_started``, ``speech_stopped``, ``committed`` and the response). A client with neither is
``not-implemented`` (INFO for a client), never left out.

The server speaks the implementation's dialect (``Adapter.dialect``); the checks read the session as
GA reads it. A client whose frames belong to another dialect gets one finding naming both
(:mod:`.wire_dialect`), whatever else fails in the same scenario.

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
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..adapters.adapter import Capability, NotImplementedCapability
from ..adapters.registry import WireAdapterMissing, WireAdapterUnavailable, wire_adapter_for
from ..adapters.wire import AppStep, Settings, WireAdapter, seen_audio_bytes, seen_transcript
from ..checks import PASS, Check, Driver, ImplementationFailed, NotApplicable, Result, fail
from ..findings import Cause
from ..jsonpath import MISSING
from ..live.scripted_server import TRIGGERS, Script, Step
from ..live.wire_runner import ScenarioRun, run_scenario
from ..sessions.transcript import open_transcript
from ..verdict import judge_value
from . import wire_config, wire_connections, wire_dialect, wire_refused, wire_turns
from .roundtrip import invalid_sent_cause
from .wire_turns import function_round_trip, two_turns
from .wire_base import (
    TEXT,
    CheckSpec,
    Play,
    Trigger,
    WireScenario,
    absolute,
    asked,
    client,
    odd_frame,
    sent_labelled,
    server,
    shown,
    turn_frames,
    where,
)
from .wire_events import (
    APPEND,
    BYTES_PER_MS,
    CHUNK,
    LOOKUP_ORDER,
    SESSION,
    Events,
    Odd,
    audio,
    function_call_response,
    replies,
    spoken_response,
)
from .wire_texts import FIRST_ASK, FIRST_SAID, MARK_FIRST, MARK_SECOND, SECOND_SAID, TWO_TURNS

__all__ = ["BYTES_PER_MS", "CHUNK", "LOOKUP_ORDER", "SCENARIOS", "SCENARIOS_BY_ID", "SESSION", "CheckSpec", "Play", "WireScenario", "checks"]

FAMILY = "wire"

CONFIGURED = wire_config.CONFIGURED


# --- the tolerance scenarios (two_turns: conformance.families.wire_turns) ---------------------------


def _delta(e: Events, **members: Any) -> dict[str, Any]:
    """An audio delta of the first response (its ``type`` and ``event_id`` given or left out by the caller)."""
    return {**members, "response_id": "resp_w1", "item_id": "item_w1", "output_index": 0, "content_index": 0, "delta": audio(CHUNK)}


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
    # A server event without event_id, which the schema requires ("The unique ID of the server event").
    "missing-event-id": lambda e: Odd({"type": "response.output_audio.delta", **_delta(e)}),
    # A server event whose event_id is the empty string: a string, so valid.
    "empty-event-id": lambda e: Odd({"type": "response.output_audio.delta", "event_id": "", **_delta(e)}, counts_as_audio=CHUNK),
    # A JSON object with no type at all: no event of the protocol.
    "frame-without-type": lambda e: Odd({"event_id": "event_w_untyped", **_delta(e)}),
    # A transcript delta without its delta member: a reader that appends event.delta meets nothing.
    "delta-missing-member": lambda e: Odd({"type": "response.output_audio_transcript.delta", "event_id": "event_w_nodelta", "response_id": "resp_w1", "item_id": "item_w1", "output_index": 0, "content_index": 0}),
}
#: Odd frames outside the protocol: no valid server sends them, so surviving them is SHOULD; the
#: others (a new type, a new member, a beta name, an error, an empty event_id) are what servers do
#: send: MUST.
OUTSIDE_PROTOCOL = ("missing-required-field", "not-json-frame", "missing-event-id", "frame-without-type", "delta-missing-member")
#: Tolerance scenarios whose odd frame is also an error the application should hear of.
SURFACING = ("missing-required-field", "not-json-frame", "recoverable-error")


# --- what the checks look at ----------------------------------------------------------------------


def _server_audio_before(run: ScenarioRun, item: str, line: int) -> int:
    """Bytes of GA audio deltas for ``item`` the server sent before transcript line ``line``."""
    total = 0
    for frame in server(run, "response.output_audio.delta"):
        if frame.line >= line:
            break
        if frame.event.get("item_id") == item:
            total += len(base64.b64decode(frame.event.get("delta", "")))
    return total


# --- the checks ----------------------------------------------------------------------------------


def sends_valid_events(scenario: WireScenario, run: ScenarioRun) -> Result:
    assert run.session is not None
    mismatch = wire_dialect.mismatch(run)
    if mismatch is not None:
        return mismatch
    bad = run.session.judgement().invalid
    if not bad:
        return PASS
    frame, verdict = bad[0]
    if verdict is None:
        return fail(f"{where(frame)}: the client sent a binary frame; the protocol's frames are JSON text ({len(bad)} invalid frame(s) in all)",
                    Cause("sends-binary-frames", "the library sends binary frames, which no Realtime server reads"))
    errors = "; ".join(f"{error.path}: expected {error.expected}, got {error.got}" for error in verdict.errors[:3])
    cause, level = invalid_sent_cause(frame.event, verdict)
    return fail(f"{where(frame)}: the client sent {verdict.type or 'a frame'} that is {verdict.verdict}: {errors or verdict.note or ''} ({len(bad)} invalid frame(s) in all)", cause, level)


#: Close codes of a clean closing handshake (RFC 6455 §7.4.1): normal, going away, and 1005, which a
#: close frame without a status code (legal, §5.5.1) is reported as.
NORMAL_CLOSURES = (1000, 1001, 1005)


def closes_cleanly(scenario: WireScenario, run: ScenarioRun) -> Result:
    assert run.session is not None
    if run.alive_before_close is False:
        # How a library winds down a session it already said was dead (a receive loop that ended)
        # follows from that death, which the scenario's other checks report; it also depends on how
        # much the server sent after it (a full receive queue stalls the closing handshake), so it
        # is not judged.
        raise NotApplicable("the library said the session was dead before the application closed it; that death is the scenario's finding")
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
    created = sent_labelled(run, "session.created")
    frames = client(run)
    if not frames:
        return Result(True, "sends nothing on connect (it waits for the application)")
    parts = []
    for frame in frames:
        when = "before" if created is None or frame.line < created.line else "after"
        delay = f"{(frame.t or 0) - (created.t or 0) if created else 0:+.3f} s"
        parts.append(f"{frame.event_type or 'a non-JSON frame'} {when} session.created ({delay})")
    return Result(True, "sends on connect: " + "; ".join(parts))


def next_events_reach_app(scenario: WireScenario, run: ScenarioRun) -> Result:
    odd = odd_frame(run)
    if odd is None:
        return fail("the scripted server could not send the odd frame (the client had gone)")
    since = absolute(run, odd)
    second = sent_labelled(run, "resp_w2 created")
    expected = _audio_after(run, odd)
    got = seen_audio_bytes(run.seen, since, absolute(run, second) if second else None)
    problems = _crashes_since(run, since)
    if got < expected:
        problems.append(f"the application got {got} of the {expected} bytes of audio sent after it")
    if MARK_FIRST not in seen_transcript(run.seen):
        problems.append(f"the transcript {MARK_FIRST!r} sent after it never reached the application")
    if problems:
        return fail(f"after {describe_odd(scenario, odd)} ({where(odd)}): " + "; ".join(problems) + alive_note(run), tolerance_cause(scenario, odd))
    return PASS


def _crashes_since(run: ScenarioRun, since: float) -> list[str]:
    """An exception nothing in the library caught, reported by a harness that kept its process up
    to report it: a real application dies of it, whatever came after."""
    crashes = [s for s in run.seen if s.kind == "crash" and s.t >= since]
    return [f"the library threw where nothing caught it ({str(crashes[0].detail.get('message', ''))[:160]}): a real application dies here"] if crashes else []


def tolerance_cause(scenario: WireScenario, odd: Any) -> Cause:
    """One cause per odd frame: whatever it drags along (the next events, the next turn, a clean
    close) is the same finding."""
    return Cause(f"receive-loop-ends/{scenario.id}", f"after {describe_odd(scenario, odd)}, nothing more reaches the application")


def _audio_after(run: ScenarioRun, odd: Any) -> int:
    """GA audio bytes of the first response from the odd frame on (the odd frame itself counts when
    it is a valid delta)."""
    total = 0
    for frame in server(run):
        if frame.line < odd.line or not frame.has_event:
            continue
        if frame.event_type == "response.output_audio.delta" and frame.event.get("item_id") == "item_w1" and judge_value(frame.event, "server").ok:
            total += len(base64.b64decode(frame.event["delta"]))
        if frame.event_type == "response.done":
            break
    return total


def stays_alive(scenario: WireScenario, run: ScenarioRun) -> Result:
    odd = odd_frame(run)
    if odd is None:
        return fail("the scripted server could not send the odd frame (the client had gone)")
    turns = [frame for frame in turn_frames(run) if frame.line > odd.line]
    problems = _crashes_since(run, absolute(run, odd))
    if not turns:
        problems.append("the application's next turn never reached the server" + (" (no input_audio_buffer.append)" if run.trigger == "audio" else " (no response.create)"))
    if MARK_SECOND not in seen_transcript(run.seen):
        problems.append(f"the next response's transcript {MARK_SECOND!r} never reached the application")
    if problems:
        return fail(f"after {describe_odd(scenario, odd)} ({where(odd)}) the session did not go on: " + "; ".join(problems) + alive_note(run), tolerance_cause(scenario, odd))
    return PASS


def error_surfaced(scenario: WireScenario, run: ScenarioRun) -> Result:
    odd = odd_frame(run)
    if odd is None:
        return fail("the scripted server could not send the odd frame (the client had gone)")
    since = absolute(run, odd)
    until = run.closing if run.closing is not None else float("inf")  # a log of the close is about the close
    told = [s for s in run.seen if s.kind == "error" and since <= s.t < until and not s.detail.get("raised")]
    if told:
        return PASS
    logged = [s for s in run.seen if s.kind == "log" and since <= s.t < until]
    if logged:
        return Result(True, f"logged only ({logged[0].detail.get('level')}: {str(logged[0].detail.get('message'))[:120]})")
    return fail(f"{describe_odd(scenario, odd)} ({where(odd)}) left no trace: no error reached the application and nothing was logged at warning level or above",
                Cause(f"silent-on/{scenario.id}", f"{describe_odd(scenario, odd)} leaves no trace: the application is never told"))


def describe_odd(scenario: WireScenario, frame: Any) -> str:
    if frame.raw is not None and scenario.id == "not-json-frame":
        return "a frame that is not JSON"
    event = frame.event if frame.raw is None else _loads(frame.raw)
    if not isinstance(event, dict):
        return "a frame that is not JSON"
    kind = event.get("type")
    if scenario.chooses_odd:
        return f"the valid {kind} that its parser refuses"
    if "type" not in event:
        return "a frame with no type"
    if "event_id" not in event:
        return f"a {kind} without event_id"
    if event.get("event_id") == "":
        return f"a {kind} with an empty event_id"
    verdict = judge_value(event, "server")
    if verdict.verdict == "valid" and kind == "error":
        return "a recoverable error"
    if verdict.verdict == "valid":
        return f"a {kind} with a new member"
    missing = [e.path for e in verdict.errors if e.got == "absent"]
    if missing:
        return f"a {kind} without {missing[0].removeprefix('$.')}"
    return f"{verdict.verdict} event {kind}"


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def alive_note(run: ScenarioRun) -> str:
    notes = []
    if run.alive_before_close is False:
        notes.append("the library reported the session dead")
    errors = [s for s in run.seen if s.kind in ("error", "log", "closed", "crash")]
    if errors:
        first = errors[0]
        notes.append(f"it reported {first.kind}: {str(first.detail.get('message') or first.detail.get('reason') or '')[:160]}")
    return f" ({'; '.join(notes)})" if notes else ""


def truncates(scenario: WireScenario, run: ScenarioRun) -> Result:
    interrupted = _interruption(run)
    if interrupted is None:
        return fail("the interruption never happened (the assistant's audio did not start)")
    found = [frame for frame in client(run, "conversation.item.truncate") if frame.line > interrupted.line]
    if not found:
        return fail(
            f"after the interruption ({where(interrupted)}) no conversation.item.truncate for item_w1 was sent: over a WebSocket the client "
            "plays the audio, so only it can tell the server how much was heard (realtime-conversations guide)"
        )
    return PASS


def truncate_within_received(scenario: WireScenario, run: ScenarioRun) -> Result:
    found = client(run, "conversation.item.truncate")
    if not found:
        return Result(True, "sent no truncate (see the truncates check)")
    for frame in found:
        event = frame.event
        if event.get("item_id") != "item_w1":
            return fail(f"{where(frame)}: truncates item {shown(event.get('item_id', MISSING))}, not the interrupted assistant item \"item_w1\"")
        if event.get("content_index") != 0:
            return fail(f"{where(frame)}: content_index {shown(event.get('content_index', MISSING))}; an assistant audio message has its audio at 0")
        received = _server_audio_before(run, "item_w1", frame.line)
        limit = received // BYTES_PER_MS
        end = event.get("audio_end_ms")
        if not isinstance(end, int) or isinstance(end, bool) or end < 0 or end > limit + 1:
            return fail(f"{where(frame)}: audio_end_ms {shown(end)} is past the {limit} ms of audio the client had received for item_w1 (session-rules rule 38)")
    return PASS


def _interruption(run: ScenarioRun) -> Any:
    """The server's speech_started (barge-in), or the first audio delta the application interrupted after."""
    return sent_labelled(run, "user speaks") or sent_labelled(run, "audio playing")


def cancels(scenario: WireScenario, run: ScenarioRun) -> Result:
    playing = sent_labelled(run, "audio playing")
    done = sent_labelled(run, "resp_w1 done")
    if playing is None:
        return fail("the assistant's audio never started")
    cancels_sent = [frame for frame in client(run, "response.cancel") if frame.line > playing.line and (done is None or frame.line < done.line)]
    if not cancels_sent:
        return fail("the application interrupted the assistant, but no response.cancel was sent while the response was in progress: the model goes on generating")
    rid = cancels_sent[0].event.get("response_id")
    if rid not in (None, "resp_w1"):
        return fail(f"{where(cancels_sent[0])}: response.cancel names {rid!r}, not the response in progress \"resp_w1\"")
    return PASS


def no_create_while_active(scenario: WireScenario, run: ScenarioRun) -> Result:
    creates = client(run, "response.create")
    done = sent_labelled(run, "resp_w1 done")
    if not creates:
        return fail("the client never asked for a response")
    first = creates[0]
    overlapping = [frame for frame in creates[1:] if done is None or frame.line < done.line]
    if overlapping:
        return fail(
            f"{where(overlapping[0])}: response.create sent while its own response (asked for at {where(first)}) was still in progress; "
            "the server answers it with conversation_already_has_active_response (session-rules rule 12)"
        )
    return PASS


def follows_session_rules(scenario: WireScenario, run: ScenarioRun) -> Result:
    assert run.session is not None
    findings = [f for f in run.session.judgement().findings if f.level != "INFO" and f.rule != "event.verdict"]
    if not findings:
        return PASS
    shown_ = "; ".join(f"[{f.rule}, {f.level}] {f.message}" for f in findings[:3])
    return fail(f"{len(findings)} session-rule finding(s) about what the client sent: {shown_}",
                Cause(f"breaks-session-rule/{findings[0].rule}", f"the library breaks the session rule {findings[0].rule} (session-rules.md)"))


EVERY_SCENARIO = (
    CheckSpec("sends-valid-events", "MUST", sends_valid_events),
    CheckSpec("follows-session-rules", "SHOULD", follows_session_rules),
    CheckSpec("closes-cleanly", "SHOULD", closes_cleanly),
)
SURFACED = (CheckSpec("error-surfaced", "SHOULD", error_surfaced),)


def tolerance(name: str) -> tuple[CheckSpec, ...]:
    level = "SHOULD" if name in OUTSIDE_PROTOCOL else "MUST"
    return (CheckSpec("next-events-reach-app", level, next_events_reach_app), CheckSpec("stays-alive", level, stays_alive))  # type: ignore[arg-type]


#: The features (conformance.adapters.scope.FEATURES) a scenario's needs stand for: a client that
#: cannot send them is not judged on the scenario (not-implemented, INFO).
NEED_FEATURES: dict[str, frozenset[str]] = {
    "send-text": frozenset({"text-input"}),
    "append-audio": frozenset({"audio-input"}),
    "interrupt": frozenset({"cancel"}),
    "function-calls": frozenset({"function-calls"}),
    "playback": frozenset({"truncation"}),
}
#: The action and the feature behind each way of starting a user turn.
TRIGGER_ACTIONS: dict[str, tuple[str, str]] = {"text": ("send-text", "text-input"), "audio": ("append-audio", "audio-input")}
settings_features = wire_config.settings_features


def _connect_script(play: Play = TEXT) -> Script:
    e = Events()
    return Script(steps=(Step(send=e.session_created(), label="session.created"),), replies=replies(e), linger=0.8)


def _function_call_script(play: Play = TEXT) -> Script:
    e = Events()
    return Script(
        steps=(
            Step(send=e.session_created(), label="session.created"),
            *function_call_response(e, "resp_w1", "item_w1", "call_w1", LOOKUP_ORDER.name, '{"order_number":"A-1042"}', asked=asked(e, play, 1)),
            Step(when={"type": "conversation.item.create", "item": {"type": "function_call_output"}}, label="the function's output"),
            *spoken_response(e, "resp_w2", "item_w2", ("Order A-1042 ", "has shipped."), chunks=2),
        ),
        replies=replies(e),
        wait_timeout=5,
    )


def _barge_in_script(play: Play = TEXT) -> Script:
    e = Events()
    speech = Step(send=e("input_audio_buffer.speech_started", audio_start_ms=1200, item_id="item_user_w"), after=0.3, label="user speaks")
    steps = spoken_response(e, "resp_w1", "item_w1", ("Once upon ", "a time ", "there was "), chunks=10, gap=0.02, cut=speech, status="cancelled", reason="turn_detected")
    return Script(steps=(Step(send=e.session_created(), label="session.created"), *steps), replies=replies(e), linger=0.8, wait_timeout=5)


def _app_interrupt_script(play: Play = TEXT) -> Script:
    e = Events()
    cancel = Step(when={"type": "response.cancel"}, label="the client's cancel")
    steps = spoken_response(e, "resp_w1", "item_w1", ("Once upon ", "a time ", "there was "), chunks=10, gap=0.02, cut=cancel, status="cancelled", reason="client_cancelled")
    steps[4] = Step(send=steps[4].send, after=steps[4].after, label="audio playing")
    return Script(steps=(Step(send=e.session_created(), label="session.created"), *steps), replies=replies(e), linger=0.8, wait_timeout=3)


def _while_active_script(play: Play = TEXT) -> Script:
    e = Events()
    first = spoken_response(e, "resp_w1", "item_w1", FIRST_SAID, chunks=8, gap=0.1)
    return Script(
        steps=(Step(send=e.session_created(), label="session.created"), *first, *spoken_response(e, "resp_w2", "item_w2", SECOND_SAID, chunks=2)),
        replies=replies(e),
        wait_timeout=5,
    )


#: The recorded session the ``replay-spoken-response`` scenario plays back (the session corpus).
REPLAYED = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "sessions" / "spoken-audio-response.jsonl"


def _replay_script(play: Play = TEXT) -> Script:
    """The recording as a script. When the application speaks, the server waits for its audio where
    the recorded client appended audio (once, however many appends the recording has in a row)."""
    transcript = open_transcript(REPLAYED)
    if transcript.header_problem is not None:
        raise ValueError(f"{REPLAYED.name}: {transcript.header_problem}")
    spoken = play.trigger == "audio"
    script = Script.from_transcript(transcript, wait_for=TRIGGERS | ({APPEND["type"]} if spoken else set()), wait_timeout=2, linger=0.5)
    steps = [
        step for index, step in enumerate(script.steps)
        if not (step.when == APPEND and not step.sends and index + 1 < len(script.steps) and script.steps[index + 1].when == APPEND)
    ]  # appends in a row: the server waits for the first one only
    return Script(tuple(steps), replies=script.replies, wait_timeout=script.wait_timeout, linger=script.linger, close_timeout=script.close_timeout)


def recorded_reply_reaches_app(scenario: WireScenario, run: ScenarioRun) -> Result:
    said = [f.event.get("transcript", "") for f in server(run, "response.output_audio_transcript.done")]
    sent = sum(len(base64.b64decode(f.event.get("delta", ""))) for f in server(run, "response.output_audio.delta"))
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


#: The user's turn, however the client starts it (see WireScenario.app_for).
TURN_TRIGGERS: tuple[Trigger, ...] = ("text", "audio")

SCENARIOS: tuple[WireScenario, ...] = (
    WireScenario(
        "connect",
        "the client connects and the server says session.created; the application does nothing yet",
        _connect_script,
        app=(AppStep("wait", until={"script": "done"}, seconds=5),),
        checks=(CheckSpec("sends-on-connect", "INFO", sends_on_connect),),
    ),
    wire_connections.SCENARIO,
    WireScenario(
        "session-config",
        "the application configures instructions, a function tool and voice activity detection off",
        _connect_script,
        app=(AppStep("wait", until={"script": "done"}, seconds=5),),
        settings=CONFIGURED,
        needs=frozenset({"configure"}),
        checks=(CheckSpec("carries-configuration", "MUST", wire_config.carries_configuration),),
    ),
    *wire_config.SCENARIOS,
    *(
        WireScenario(
            name,
            f"a {name.replace('-', ' ')} in the middle of a response, then a second turn",
            two_turns(lambda e, play, odd=odd: odd(e)),
            app=TWO_TURNS,
            triggers=TURN_TRIGGERS,
            checks=tolerance(name) + (SURFACED if name in SURFACING else ()),
        )
        for name, odd in ODD_FRAMES.items()
    ),
    WireScenario(
        "strictly-refused-event",
        "a valid event that the library's own parser refuses, in the middle of a response, then a second turn",
        two_turns(lambda e, play: Odd(text=play.odd or wire_refused.fallback(play.dialect))),
        app=TWO_TURNS,
        triggers=TURN_TRIGGERS,
        checks=tolerance("strictly-refused-event"),
        chooses_odd=True,
    ),
    WireScenario(
        "function-call",
        "the model calls the application's function; its output goes back and a response follows",
        _function_call_script,
        app=(AppStep("pause", seconds=0.2), AppStep("send_text", text=FIRST_ASK), AppStep("wait", until={"transcript": MARK_FIRST}, seconds=6), AppStep("wait", until={"script": "done"}, seconds=6)),
        settings=Settings(tools=(LOOKUP_ORDER,)),
        needs=frozenset({"function-calls"}),
        triggers=TURN_TRIGGERS,
        checks=(CheckSpec("round-trip", "MUST", function_round_trip),),
    ),
    *wire_turns.SCENARIOS,
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
            AppStep("send_text", text="Thanks. Is there anything else?"),
            AppStep("wait", until={"transcript": MARK_SECOND}, seconds=5),
            AppStep("wait", until={"script": "done"}, seconds=6),
        ),
        needs=frozenset({"send-text", "sequencing"}),
        checks=(CheckSpec("no-create-while-active", "SHOULD", no_create_while_active),),
    ),
    WireScenario(
        "replay-spoken-response",
        "a recorded session (the corpus' spoken-audio-response: a server VAD turn answered in speech) played back as recorded; the application speaks when it can",
        _replay_script,
        app=(AppStep("pause", seconds=0.2), AppStep("send_text", text="(the user's recorded question)"), AppStep("wait", until={"script": "done"}, seconds=12)),
        triggers=("audio", "none"),
        checks=(CheckSpec("recorded-reply-reaches-app", "MUST", recorded_reply_reaches_app),),
    ),
)
SCENARIOS_BY_ID = {scenario.id: scenario for scenario in SCENARIOS}


# --- from scenarios to checks ----------------------------------------------------------------------


class MissingAction(NotImplementedCapability):
    """The library's public API cannot do what the scenario's application does. For a client this is
    INFO, as a feature outside its scope is (conformance.classes)."""

    level = "INFO"

    def __init__(self, action: str, detail: str) -> None:
        Exception.__init__(self, f"the library's public API cannot {action}: {detail}")
        self.capability = Capability.BUILD_CLIENT


def scenario_run(scenario: WireScenario, wire: WireAdapter, play: Play = TEXT) -> ScenarioRun:
    """The scenario's one run against ``wire`` for ``play``, made on first use and kept for the other checks."""
    runs: dict[tuple[str, Play], ScenarioRun] = wire.__dict__.setdefault("_wire_runs", {})
    key = (scenario.id, play)
    if key not in runs:
        if scenario.runner is not None:
            runs[key] = scenario.runner(scenario, wire, play)
        else:
            runs[key] = run_scenario(wire, scenario.script(play), scenario.settings, scenario.app_for(play), bound=scenario.bound, dialect=play.dialect)
            runs[key].trigger = play.trigger
    return runs[key]


def _wire(driver: Driver, needs: frozenset[str]) -> WireAdapter:
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


def choose_trigger(scenario: WireScenario, wire: WireAdapter, driver: Driver) -> Trigger:
    """The first way of starting the user's turns, in the scenario's order, that the library's scope
    and its wire adapter both allow."""
    if not scenario.triggers:
        return "text"
    scope = driver.adapter.scope
    reasons = []
    for trigger in scenario.triggers:
        if trigger == "none":
            return trigger
        action, feature = TRIGGER_ACTIONS[trigger]
        why = wire.missing.get(action) or wire.leaves_to_application.get(action) or ("outside its scope" if scope.unsendable([feature]) else None)
        if why is None:
            return trigger
        reasons.append(f"{action}: {why}")
    raise MissingAction("start a user turn (send text or append audio)", "; ".join(reasons))


def prepare(driver: Driver, scenario: WireScenario, spec: CheckSpec) -> tuple[WireAdapter, Play]:
    """The wire adapter and the play of ``scenario`` for ``driver``'s implementation."""
    wire = _wire(driver, scenario.needs | spec.needs)
    trigger = choose_trigger(scenario, wire, driver)
    dialect = getattr(driver.adapter, "dialect", "ga") or "ga"
    if "configure" in scenario.needs:
        why = wire_config.uncarried(dialect, scenario.settings)
        if why is not None:
            raise NotApplicable(f"what the application configures here is outside the {dialect} dialect: {why}")
    play = Play(trigger=trigger, dialect=dialect)
    if scenario.chooses_odd:
        odd, note = wire_refused.choose(driver, dialect)
        play = Play(trigger=trigger, dialect=dialect, odd=odd, odd_note=note)
    return wire, play


def check(scenario: WireScenario, spec: CheckSpec) -> Check:
    def run(driver: Driver) -> Result:
        wire, play = prepare(driver, scenario, spec)
        played = scenario_run(scenario, wire, play)
        if played.failure is not None:
            return fail(f"the scenario could not be played: {played.failure}", unplayed(scenario, played.failure))
        if played.session is None:
            return fail("no connection reached the scripted server", CANNOT_CONNECT)
        result = spec.evaluate(scenario, played)
        if play.odd_note and not result.passed:
            result = Result(False, f"{result.message} [the event: {play.odd_note}]", result.cause, result.level)
        return wire_dialect.attribute(result, played)

    needs = scenario.needs | spec.needs
    sends = frozenset().union(*(NEED_FEATURES.get(need, frozenset()) for need in needs))
    if scenario.triggers and "none" not in scenario.triggers:
        sends |= {"|".join(TRIGGER_ACTIONS[trigger][1] for trigger in scenario.triggers)}
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


