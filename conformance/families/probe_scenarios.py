"""The probe scenarios, as data: what each sends, what it waits for, and what it checks.

A scenario is a permanent id (registered under ``probe_scenarios`` in ``conformance/data/ids.json``),
a description, its steps (:mod:`conformance.live.probe`: send an event, send audio, expect an event)
and its own checks, each with a level and the evidence for that level: the spec text or the
session-rules.md rule it rests on. :mod:`conformance.families.probe` adds the checks every scenario
gets, plays the scenarios and judges them.

What a model may legitimately not do is never a MUST here: hearing speech in synthetic audio, a
cancel that lands after the response finished, a second ``response.create`` read after the first
response ended.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..checks import PASS, Level, Result, fail
from ..compare import Difference, first_difference
from ..jsonpath import ROOT, child, describe
from ..live import audio
from ..live.probe import Expect, ProbeRun, Send, SendAudio, Step
from ..verdict import Verdict

# --- scenarios as data --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioCheck:
    name: str
    level: Level
    #: Why this level: the spec text or session-rules.md rule it rests on.
    evidence: str
    judge: Callable[[Observed], Result] = field(repr=False, compare=False)


@dataclass(frozen=True)
class ProbeScenario:
    id: str
    description: str
    steps: tuple[Step, ...]
    checks: tuple[ScenarioCheck, ...]


@dataclass
class Observed:
    """One played scenario and what the reference makes of it."""

    run: ProbeRun
    #: Verdict of each server frame that carried an event, by line.
    verdicts: dict[int, Verdict]
    #: Session-rule findings on server frames.
    findings: list[Any]
    #: Why the session rules could not judge the run, if they could not.
    rules_error: str | None = None


def _session(**session: Any) -> dict[str, Any]:
    return {"type": "realtime", **session}


def _update(event_id: str, **session: Any) -> dict[str, Any]:
    return {"type": "session.update", "event_id": event_id, "session": _session(**session)}


NO_TURN_DETECTION = {"input": {"turn_detection": None}}
GET_WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "The current weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
LONG_REQUEST = "Please count slowly from one to forty, one number at a time: " + " ".join(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    + ["twenty-" + n for n in "one two three four five six seven eight nine".split()]
    + ["thirty"]
)


def _user_text(text: str, item_id: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
    if item_id:
        item = {"id": item_id, **item}
    return item


def _say(text: str, event_id: str, item_id: str | None = None) -> Send:
    return Send({"type": "conversation.item.create", "event_id": event_id, "item": _user_text(text, item_id)}, event_id)


def _acked(label: str, what: str = "session.updated (or error)") -> Expect:
    return Expect(label, ("session.updated", "error"), what)


def _response_of(label: str) -> Callable[[dict[str, Any], ProbeRun], bool]:
    return lambda event, run: event["response"]["id"] == run.event(label)["response"]["id"]


def _done_of(created: str, label: str) -> Expect:
    return Expect(label, ("response.done",), f"response.done for the response created at {created}", where=_response_of(created), after=created)


def _manual(prefix: str) -> tuple[Step, ...]:
    """Turn detection off, acknowledged: every manual scenario starts so."""
    return (Send(_update(f"{prefix}-vad-off", audio=NO_TURN_DETECTION), "vad-off"), _acked("vad-off-ack"))


# --- check helpers ------------------------------------------------------------------------------


def _label_check(label: str, what: str, test: Callable[[dict[str, Any], Observed], Result] | None = None) -> Callable[[Observed], Result]:
    """A check that needs the frame labelled ``label``; ``test`` judges it when present."""

    def judge(observed: Observed) -> Result:
        run = observed.run
        if label not in run.labels:
            return fail(run.why_missing(label, what))
        return test(run.event(label), observed) if test else PASS

    return judge


def _is_type(kind: str, what: str) -> Callable[[dict[str, Any], Observed], Result]:
    def test(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") == kind:
            return PASS
        return fail(f"{what} was answered by {_brief(event)} instead of {kind}")

    return test


def _brief(event: dict[str, Any]) -> str:
    if event.get("type") == "error" and isinstance(event.get("error"), dict):
        error = event["error"]
        return f"error {error.get('code') or error.get('type')!s}: {str(error.get('message'))[:160]}"
    return str(event.get("type"))


def _line(observed: Observed, label: str) -> str:
    frame = observed.run.labels.get(label)
    return observed.run.where(frame.line) if frame else "?"


_REQUEST_ONLY = {"parallel_tool_calls", "authorization", "headers", "keywords", "delay"}


def contained(requested: Any, echoed: Any, path: str = ROOT) -> Difference | None:
    """Where ``echoed`` fails to show ``requested``: every member the client set must come back
    with the same JSON value (explicit nulls included); members it did not set may hold defaults.
    Request-only members (``parallel_tool_calls``, an MCP server's credentials, transcription
    ``keywords``/``delay``) have no place in the echo (conformance/protocol/session.py), and a
    custom voice object comes back as its id."""
    if isinstance(requested, dict) and isinstance(echoed, dict):
        for key, value in requested.items():
            if key in _REQUEST_ONLY:
                continue
            if key not in echoed:
                return Difference(child(path, key), describe(value), "absent (the member was dropped)")
            if key == "voice" and isinstance(value, dict):
                value = value.get("id")
            found = contained(value, echoed[key], child(path, key))
            if found:
                return found
        return None
    if isinstance(requested, list) and isinstance(echoed, list) and len(requested) == len(echoed):
        for index, (left, right) in enumerate(zip(requested, echoed, strict=True)):
            found = contained(left, right, child(path, index))
            if found:
                return found
        return None
    return first_difference(requested, echoed, path, exact_numbers=False)


def _echo(update: str, ack: str) -> Callable[[Observed], Result]:
    """``session.updated`` shows the configuration the ``session.update`` labelled ``update`` set."""

    def test(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") != "session.updated":
            return fail(f"the session.update at {_line(observed, update)} was refused: {_brief(event)}")
        requested = {key: value for key, value in observed.run.event(update)["session"].items() if key != "type"}
        difference = contained(requested, event.get("session"), "$.session")
        if difference:
            return fail(f"session.updated at {_line(observed, ack)} does not show the requested configuration: {difference}")
        return PASS

    return _label_check(ack, "session.updated", test)


def _error_echo(label: str, request: str) -> Callable[[Observed], Result]:
    """The ``error`` labelled ``label`` names the client event labelled ``request`` (rule 4 SHOULD)."""

    def test(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") != "error":
            return fail(f"expected an error, got {_brief(event)} at {_line(observed, label)}")
        wanted = observed.run.event(request).get("event_id")
        got = (event.get("error") or {}).get("event_id")
        if got != wanted:
            return fail(f"the error at {_line(observed, label)} has error.event_id {describe(got)}; the client event it answers (at {_line(observed, request)}) had event_id {wanted!r}")
        return PASS

    return _label_check(label, "the error", test)


def _all(*judges: Callable[[Observed], Result]) -> Callable[[Observed], Result]:
    def judge(observed: Observed) -> Result:
        for one in judges:
            result = one(observed)
            if not result.passed:
                return result
        return PASS

    return judge


def scenario_check(name: str, level: Level, evidence: str, judge: Callable[[Observed], Result]) -> ScenarioCheck:
    return ScenarioCheck(name, level, evidence, judge)


# --- the scenarios ------------------------------------------------------------------------------

_ACK = "rule 2 session.update-acked: every session.update yields session.updated or error"
_ECHO = "[SPEC] session.update: the server 'will respond with a session.updated event showing the full, effective configuration'"
_ERROR_ID = "rule 4 error.names-client-event (SHOULD): when the offending client event carried an event_id, the error echoes it"


def _update_scenario(scenario_id: str, description: str, **session: Any) -> ProbeScenario:
    return ProbeScenario(
        scenario_id,
        description,
        (Send(_update(f"{scenario_id}-1", **session), "update"), _acked("ack")),
        (
            scenario_check("acked", "MUST", _ACK, _label_check("ack", "the answer to session.update")),
            scenario_check("echo", "MUST", _ECHO, _echo("update", "ack")),
        ),
    )


def _scenario_handshake() -> ProbeScenario:
    def first(observed: Observed) -> Result:
        events = observed.run.server_events()
        if not events:
            return fail(observed.run.why_missing("session.created", "session.created"))
        if events[0].event_type != "session.created":
            return fail(f"the first server event is {events[0].event_type} at {observed.run.where(events[0].line)}, not session.created")
        return PASS

    return ProbeScenario(
        "handshake",
        "connect; the first server event is session.created, describing a realtime session",
        (),
        (
            scenario_check("session-created", "MUST", "rule 1 session.created-first: [SPEC] 'emitted automatically when a new connection is established as the first server event'", first),
            scenario_check(
                "realtime-session",
                "MUST",
                "[SPEC] session.created carries the session; a GA realtime connection describes a realtime session",
                _label_check(
                    "session.created",
                    "session.created",
                    lambda event, observed: PASS
                    if (event.get("session") or {}).get("type") == "realtime"
                    else fail(f"session.created describes a session of type {describe((event.get('session') or {}).get('type'))}, not 'realtime'"),
                ),
            ),
        ),
    )


def _scenario_tool_choice() -> ProbeScenario:
    choices = [("required", "required"), ("function", {"type": "function", "name": "get_weather"}), ("none", "none")]
    steps: list[Step] = []
    for name, choice in choices:
        steps += [Send(_update(f"tool-choice-{name}", tools=[GET_WEATHER], tool_choice=choice), f"update-{name}"), _acked(f"ack-{name}")]
    acks = [_label_check(f"ack-{name}", f"the answer to the session.update setting tool_choice {name}") for name, _ in choices]
    echoes = [_echo(f"update-{name}", f"ack-{name}") for name, _ in choices]
    checks = [scenario_check("acked", "MUST", _ACK, _all(*acks)), scenario_check("echo", "MUST", _ECHO, _all(*echoes))]
    return ProbeScenario("session-update-tool-choice", "tool_choice 'required', a forced function and 'none' each come back in session.updated", tuple(steps), tuple(checks))


def _completed(label: str) -> Callable[[dict[str, Any], Observed], Result]:
    """The response was answered: completed, or cut short by a limit (``incomplete``); a ``failed``
    or ``cancelled`` response (nobody cancelled it) is no answer."""

    def test(event: dict[str, Any], observed: Observed) -> Result:
        response = event.get("response") or {}
        status = response.get("status")
        if status not in ("completed", "incomplete"):
            details = response.get("status_details")
            why = f" ({describe(details, limit=160)})" if details else ""
            return fail(f"the response ended with status {describe(status)}{why} at {_line(observed, label)}, not completed")
        return PASS

    return test


def _scenario_text_response() -> ProbeScenario:
    def text_output(event: dict[str, Any], observed: Observed) -> Result:
        response_id = event["response"]["id"]
        deltas = [f.event.get("delta", "") for f in observed.run.server_events("response.output_text.delta") if f.event.get("response_id") == response_id]
        done = [f for f in observed.run.server_events("response.output_text.done") if f.event.get("response_id") == response_id]
        if not done:
            return fail(f"the text response {response_id} sent no response.output_text.done")
        if observed.run.server_events("response.output_audio.delta"):
            return fail("a response with output_modalities ['text'] streamed audio (response.output_audio.delta)")
        return PASS if deltas else fail(f"the text response {response_id} sent no response.output_text.delta")

    return ProbeScenario(
        "text-response",
        "a user text item and response.create in a text-only session: the full lifecycle to response.done",
        (
            Send(_update("text-1", output_modalities=["text"], audio=NO_TURN_DETECTION), "update"),
            _acked("ack"),
            _say("Say hello in three words.", "text-2"),
            Expect("added", ("conversation.item.added", "error"), "conversation.item.added for the user item"),
            Send({"type": "response.create", "event_id": "text-3"}, "create"),
            Expect("created", ("response.created",), "response.created"),
            _done_of("created", "done"),
        ),
        (
            scenario_check("answered", "MUST", "rule 8 response.done-exactly-once: [SPEC] response.done is 'always emitted, no matter the final state'", _label_check("done", "response.done", _completed("done"))),
            scenario_check("text-output", "MUST", "[SPEC] output_modalities ['text']: the response streams response.output_text.delta/done; rule 23 part.modality", _label_check("done", "response.done", text_output)),
        ),
    )


def _audio_in_response(event: dict[str, Any], observed: Observed) -> Result:
    response_id = event["response"]["id"]
    deltas = [f for f in observed.run.server_events("response.output_audio.delta") if f.event.get("response_id") == response_id]
    if not deltas:
        return fail(f"the audio response {response_id} streamed no response.output_audio.delta")
    sizes = [len(base64.b64decode(f.event["delta"])) for f in deltas if isinstance(f.event.get("delta"), str) and observed.verdicts.get(f.line, None) and observed.verdicts[f.line].ok]
    odd = [size for size in sizes if size % 2]
    if odd:
        return fail(f"an audio delta of {odd[0]} bytes is not whole PCM16 samples (audio/pcm is 16-bit)")
    if not observed.run.server_events("response.output_audio_transcript.done"):
        return fail("audio output came without response.output_audio_transcript.done ([SPEC] 'Audio output always include a text transcript')")
    return PASS


def _scenario_manual_commit() -> ProbeScenario:
    def committed_item(event: dict[str, Any], run: ProbeRun) -> bool:
        return event["item"]["id"] == run.event("committed")["item_id"]

    return ProbeScenario(
        "manual-commit-response",
        "push-to-talk: append a second of audio, commit it, then ask for a spoken response",
        (
            *_manual("commit"),
            SendAudio(lambda: audio.speech_like(audio.PCM, 1000), audio.PCM),
            Send({"type": "input_audio_buffer.commit", "event_id": "commit-1"}, "commit"),
            Expect("committed", ("input_audio_buffer.committed", "error"), "input_audio_buffer.committed"),
            Expect("item", ("conversation.item.added",), "conversation.item.added for the committed audio", where=committed_item, after="committed", required=False),
            Send({"type": "response.create", "event_id": "commit-2"}, "create"),
            Expect("created", ("response.created",), "response.created"),
            _done_of("created", "done"),
        ),
        (
            scenario_check("committed", "MUST", "[SPEC] input_audio_buffer.commit: the server answers with input_audio_buffer.committed; rule 31 (a second of audio is not empty)", _label_check("committed", "input_audio_buffer.committed", _is_type("input_audio_buffer.committed", "the commit"))),
            scenario_check("item-added", "MUST", "rule 30 input.commit-creates-item: committed U is followed by conversation.item.added for U", _label_check("item", "conversation.item.added for the committed item")),
            scenario_check("answered", "MUST", "rule 8 response.done-exactly-once", _label_check("done", "response.done", _completed("done"))),
            scenario_check("audio-output", "MUST", "[SPEC] output_modalities ['audio'] (the default): audio deltas in the session's format with a transcript", _label_check("done", "response.done", _audio_in_response)),
        ),
    )


def _scenario_server_vad() -> ProbeScenario:
    def heard(observed: Observed) -> Result | None:
        """PASS when the server heard no speech (``speech-detected`` says so; nothing followed from
        it to judge), a failure when the run broke before, ``None`` when speech was heard."""
        run = observed.run
        if "started" in run.labels:
            return None
        return PASS if run.stopped and not run.failure else fail(run.why_missing("started", "input_audio_buffer.speech_started"))

    def stopped_then_committed(observed: Observed) -> Result:
        run = observed.run
        if (unheard := heard(observed)) is not None:
            return unheard
        item_id = run.event("started").get("item_id")
        stops = [f for f in run.after("started", "input_audio_buffer.speech_stopped") if f.event.get("item_id") == item_id]
        commits = [f for f in run.after("started", "input_audio_buffer.committed") if f.event.get("item_id") == item_id]
        if not stops:
            return fail(f"speech_started for {item_id} was never followed by speech_stopped for it (rule 32)")
        if not commits or commits[0].line < stops[0].line:
            return fail(f"speech_stopped for {item_id} at {run.where(stops[0].line)} was not followed by input_audio_buffer.committed for it (rule 30)")
        return PASS

    vad = {"input": {"format": {"type": "audio/pcm", "rate": 24000}, "turn_detection": {"type": "server_vad", "create_response": True, "silence_duration_ms": 500}}}
    return ProbeScenario(
        "server-vad",
        "server VAD on speech-like audio between silences: speech_started, speech_stopped, committed, item, response",
        (
            Send(_update("vad-1", audio=vad), "update"),
            _acked("ack"),
            SendAudio(lambda: audio.silence(audio.PCM, 500) + audio.speech_like(audio.PCM, 1500) + audio.silence(audio.PCM, 1500), audio.PCM),
            Expect("started", ("input_audio_buffer.speech_started",), "input_audio_buffer.speech_started", after="ack", required=False),
            Expect("stopped", ("input_audio_buffer.speech_stopped",), "input_audio_buffer.speech_stopped", after="started"),
            Expect("committed", ("input_audio_buffer.committed",), "input_audio_buffer.committed", after="stopped"),
            Expect("created", ("response.created",), "response.created (create_response is true)", after="committed"),
            _done_of("created", "done"),
        ),
        (
            scenario_check("acked", "MUST", _ACK, _label_check("ack", "the answer to session.update", _is_type("session.updated", "the server_vad session.update"))),
            scenario_check("speech-detected", "SHOULD", "server VAD is a model: hearing synthetic speech is expected, not promised ([SPEC] turn_detection server_vad)", _label_check("started", "input_audio_buffer.speech_started")),
            scenario_check("speech-committed", "MUST", "rules 30 and 32: speech_started U -> speech_stopped U -> committed U (judged when speech was heard)", stopped_then_committed),
            scenario_check("response", "SHOULD", "[SPEC] create_response: 'Whether or not to automatically generate a response when a VAD stop event occurs'", lambda observed: heard(observed) or _label_check("done", "response.done after the detected turn")(observed)),
        ),
    )


def _scenario_function_call() -> ProbeScenario:
    def call(event: dict[str, Any], run: ProbeRun) -> bool:
        return event["response_id"] == run.event("created")["response"]["id"]

    def output_event(run: ProbeRun) -> dict[str, Any]:
        call_id = run.event("arguments").get("call_id")
        return {"type": "conversation.item.create", "event_id": "call-4", "item": {"type": "function_call_output", "call_id": call_id, "output": '{"temperature_c": 21}'}}

    def named(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("name") != "get_weather":
            return fail(f"tool_choice forced get_weather, but the call at {_line(observed, 'arguments')} is to {describe(event.get('name'))}")
        return PASS

    def arguments_object(event: dict[str, Any], observed: Observed) -> Result:
        try:
            value = json.loads(event.get("arguments", ""))
        except (TypeError, ValueError):
            return fail(f"the arguments at {_line(observed, 'arguments')} are not JSON: {describe(event.get('arguments'))}")
        return PASS if isinstance(value, dict) else fail(f"the arguments are JSON but not an object: {describe(value)}")

    def output_accepted(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") != "conversation.item.added" or (event.get("item") or {}).get("type") != "function_call_output":
            return fail(f"the function_call_output item was answered by {_brief(event)}")
        return PASS

    return ProbeScenario(
        "function-call",
        "a forced function call, its output sent back, and the response that follows",
        (
            Send(_update("call-1", tools=[GET_WEATHER], audio=NO_TURN_DETECTION), "update"),
            _acked("ack"),
            _say("What is the weather in Paris?", "call-2"),
            Send({"type": "response.create", "event_id": "call-3", "response": {"tool_choice": {"type": "function", "name": "get_weather"}}}, "create"),
            Expect("created", ("response.created",), "response.created"),
            Expect("arguments", ("response.function_call_arguments.done",), "response.function_call_arguments.done", where=call, after="created"),
            _done_of("created", "done"),
            Send(output_event, "output"),
            Expect("output-added", ("conversation.item.added", "error"), "conversation.item.added for the function_call_output"),
            Send({"type": "response.create", "event_id": "call-5"}, "follow-up"),
            Expect("follow-up-created", ("response.created",), "response.created after the function output"),
            _done_of("follow-up-created", "follow-up-done"),
        ),
        (
            scenario_check("call-made", "MUST", "[SPEC] tool_choice {type: function, name}: 'force the model to call a specific function'", _label_check("arguments", "the forced function call", named)),
            scenario_check("arguments-json", "SHOULD", "[SPEC] function_call arguments: 'The arguments of the function call', a JSON object per the tool's parameters", _label_check("arguments", "the function call's arguments", arguments_object)),
            scenario_check("output-accepted", "MUST", "rule 40 item.create-acked; rule 26: the output names the call's call_id", _label_check("output-added", "the answer to the function_call_output item", output_accepted)),
            scenario_check("follow-up-answered", "MUST", "rule 26 and [G-CONV]: after the output, response.create gets a new response", _label_check("follow-up-done", "the follow-up response.done", _completed("follow-up-done"))),
        ),
    )


def _scenario_cancel() -> ProbeScenario:
    def outcome(observed: Observed) -> Result:
        run = observed.run
        if "created" not in run.labels:
            return fail(run.why_missing("created", "response.created"))
        response_id = run.event("created")["response"]["id"]
        dones = [f for f in run.server_events("response.done") if (f.event.get("response") or {}).get("id") == response_id]
        if len(dones) > 1:
            return fail(f"response {response_id} got {len(dones)} response.done events (lines {', '.join(str(f.line) for f in dones)})")
        if not dones:
            return fail(f"after response.cancel at {_line(observed, 'cancel')}, response {response_id} never got its response.done ({run.failure_message or 'none came'})")
        response = dones[0].event["response"]
        status, details = response.get("status"), response.get("status_details") or {}
        if status == "cancelled":
            if details.get("reason") not in (None, "client_cancelled"):
                return fail(f"the cancelled response.done gives reason {describe(details.get('reason'))}, not client_cancelled")
            return PASS
        if status == "completed":
            return PASS  # the response was already finishing when the cancel arrived (rule 14)
        return fail(f"after response.cancel, response.done has status {describe(status)}: neither cancelled nor completed")

    def took_effect(observed: Observed) -> Result:
        done = observed.run.event("done")
        status = (done.get("response") or {}).get("status")
        return PASS if status == "cancelled" else fail(f"the response finished with status {describe(status)} before the cancel took effect")

    return ProbeScenario(
        "cancel-mid-response",
        "response.cancel as soon as a long response starts: exactly one response.done, cancelled (or already completed)",
        (
            *_manual("cancel"),
            _say(LONG_REQUEST, "cancel-1"),
            Send({"type": "response.create", "event_id": "cancel-2"}, "create"),
            Expect("created", ("response.created",), "response.created"),
            Send(lambda run: {"type": "response.cancel", "event_id": "cancel-3", "response_id": run.event("created")["response"]["id"]}, "cancel"),
            Expect("done", ("response.done",), "response.done for the cancelled response", where=_response_of("created"), after="created"),
        ),
        (
            scenario_check("cancel-outcome", "MUST", "rule 14 response.cancel-outcome: [SPEC] 'respond with a response.done event with a status of response.status=cancelled'; a response already finishing may complete", outcome),
            scenario_check("cancelled", "INFO", "whether the cancel arrived while the response was still running (timing, not conformance)", took_effect),
        ),
    )


def _assistant_audio_ms(run: ProbeRun) -> tuple[str | None, int]:
    """The assistant item of the labelled response and the milliseconds of audio received for it."""
    done = run.event("done").get("response") or {}
    item_id = next((item.get("id") for item in done.get("output") or [] if isinstance(item, dict) and item.get("type") == "message"), None)
    size = 0
    for frame in run.server_events("response.output_audio.delta"):
        if frame.event.get("item_id") == item_id and isinstance(frame.event.get("delta"), str):
            try:
                size += len(base64.b64decode(frame.event["delta"], validate=True))
            except ValueError:
                pass
    return item_id, int(audio.PCM.ms_of(size))


def _scenario_truncate() -> ProbeScenario:
    def beyond(run: ProbeRun) -> dict[str, Any]:
        item_id, ms = _assistant_audio_ms(run)
        return {"type": "conversation.item.truncate", "event_id": "truncate-3", "item_id": item_id, "content_index": 0, "audio_end_ms": ms + 5000}

    def within(run: ProbeRun) -> dict[str, Any]:
        item_id, ms = _assistant_audio_ms(run)
        return {"type": "conversation.item.truncate", "event_id": "truncate-4", "item_id": item_id, "content_index": 0, "audio_end_ms": ms // 2}

    def truncated(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") != "conversation.item.truncated":
            return fail(f"a truncation within the audio received was refused: {_brief(event)}")
        request = observed.run.event("within")
        if event.get("item_id") != request["item_id"]:
            return fail(f"conversation.item.truncated names item {describe(event.get('item_id'))}, not {request['item_id']!r}")
        return PASS

    def echoes_position(event: dict[str, Any], observed: Observed) -> Result:
        request = observed.run.event("within")
        for key in ("content_index", "audio_end_ms"):
            if event.get(key) != request[key]:
                return fail(f"conversation.item.truncated has {key} {describe(event.get(key))}; the request asked for {request[key]}")
        return PASS

    def refused(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") != "error":
            return fail(f"truncating at {observed.run.event('beyond')['audio_end_ms']} ms, beyond the audio generated, was answered by {_brief(event)} instead of an error")
        return PASS

    return ProbeScenario(
        "truncate",
        "truncate an assistant audio item beyond its audio (an error) and within it (conversation.item.truncated)",
        (
            *_manual("truncate"),
            _say("Say something short.", "truncate-1"),
            Send({"type": "response.create", "event_id": "truncate-2"}, "create"),
            Expect("created", ("response.created",), "response.created"),
            _done_of("created", "done"),
            Send(beyond, "beyond"),
            Expect("beyond-answer", ("conversation.item.truncated", "error"), "the answer to the out-of-bounds truncate"),
            Send(within, "within"),
            Expect("within-answer", ("conversation.item.truncated", "error"), "the answer to the truncate within bounds"),
        ),
        (
            scenario_check("beyond-bounds-error", "MUST", "rule 38 truncate.bounds: [SPEC] 'If the audio_end_ms is greater than the actual audio duration, the server will respond with an error'", _label_check("beyond-answer", "the answer to the out-of-bounds truncate", refused)),
            scenario_check("beyond-bounds-echoes-event-id", "SHOULD", _ERROR_ID, _error_echo("beyond-answer", "beyond")),
            scenario_check("within-bounds-acked", "MUST", "rule 37 truncate.acked: answered by conversation.item.truncated for the same item", _label_check("within-answer", "the answer to the truncate", truncated)),
            scenario_check("within-bounds-echo", "SHOULD", "rule 37 (SHOULD): truncated echoes content_index and audio_end_ms", _label_check("within-answer", "conversation.item.truncated", echoes_position)),
        ),
    )


def _scenario_while_active() -> ProbeScenario:
    def refused(observed: Observed) -> Result:
        run = observed.run
        if "created" not in run.labels:
            return fail(run.why_missing("created", "response.created"))
        first = run.event("created")["response"]["id"]
        first_done = next((f.line for f in run.server_events("response.done") if (f.event.get("response") or {}).get("id") == first), None)
        errors = [f for f in run.after("second", "error") if (f.event.get("error") or {}).get("code") == "conversation_already_has_active_response"]
        others = [f for f in run.after("second", "response.created") if (f.event.get("response") or {}).get("id") != first]
        early = [f for f in others if first_done is None or f.line < first_done]
        if early:
            return fail(f"a second response {early[0].event['response'].get('id')} was created at {run.where(early[0].line)} while {first} was still in progress")
        if errors:
            return PASS
        if others and first_done is not None:
            return PASS  # the first response had finished before the second request was read
        return fail(f"the second response.create at {_line(observed, 'second')} got neither the error conversation_already_has_active_response nor, after {first} ended, a response of its own")

    def echo(observed: Observed) -> Result:
        errors = [f for f in observed.run.after("second", "error") if (f.event.get("error") or {}).get("code") == "conversation_already_has_active_response"]
        if not errors:
            return PASS if "created" in observed.run.labels else fail(observed.run.why_missing("created", "response.created"))
        got = errors[0].event["error"].get("event_id")
        return PASS if got == "active-3" else fail(f"the error at {observed.run.where(errors[0].line)} has error.event_id {describe(got)}, not 'active-3' (the second response.create)")

    return ProbeScenario(
        "response-create-while-active",
        "a second response.create while the first response is in progress is refused with conversation_already_has_active_response",
        (
            *_manual("active"),
            _say(LONG_REQUEST, "active-1"),
            Send({"type": "response.create", "event_id": "active-2"}, "create"),
            Send({"type": "response.create", "event_id": "active-3"}, "second"),
            Expect("created", ("response.created",), "response.created", after="create"),
            _done_of("created", "done"),
        ),
        (
            scenario_check("refused", "MUST", "rule 12 response.create-while-active and rule 11 response.single-active-default", refused),
            scenario_check("error-echoes-event-id", "SHOULD", "rule 12 (SHOULD): the error echoes the request's event_id", echo),
        ),
    )


def _scenario_empty_commit() -> ProbeScenario:
    def empty_error(event: dict[str, Any], observed: Observed) -> Result:
        code = (event.get("error") or {}).get("code") if event.get("type") == "error" else None
        if code != "input_audio_buffer_commit_empty":
            return fail(f"committing an empty buffer was answered by {_brief(event)}, not the error input_audio_buffer_commit_empty")
        return PASS

    return ProbeScenario(
        "empty-commit",
        "committing an empty input buffer is refused with input_audio_buffer_commit_empty",
        (
            *_manual("empty"),
            Send({"type": "input_audio_buffer.clear", "event_id": "empty-1"}, "clear"),
            Expect("cleared", ("input_audio_buffer.cleared", "error"), "input_audio_buffer.cleared"),
            Send({"type": "input_audio_buffer.commit", "event_id": "empty-2"}, "commit"),
            Expect("answer", ("input_audio_buffer.committed", "error"), "the answer to the empty commit"),
        ),
        (
            scenario_check("refused", "MUST", "rule 31 input.commit-empty-error: [SPEC] commit 'will produce an error if the input audio buffer is empty'", _label_check("answer", "the answer to the empty commit", empty_error)),
            scenario_check("error-echoes-event-id", "SHOULD", _ERROR_ID, _error_echo("answer", "commit")),
        ),
    )


def _stays_open(label: str) -> Callable[[Observed], Result]:
    return _label_check(label, "input_audio_buffer.cleared after the error", _is_type("input_audio_buffer.cleared", "the input_audio_buffer.clear sent after the error"))


def _scenario_unknown_event() -> ProbeScenario:
    return ProbeScenario(
        "unknown-client-event",
        "an unknown client event type gets an error echoing its event_id, and the session goes on",
        (
            Send({"type": "conformance.probe.unknown", "event_id": "unknown-1", "detail": "an event type no server knows"}, "unknown"),
            Expect("answer", ("error",), "an error for the unknown event type"),
            Send({"type": "input_audio_buffer.clear", "event_id": "unknown-2"}, "clear"),
            Expect("cleared", ("input_audio_buffer.cleared", "error"), "input_audio_buffer.cleared"),
        ),
        (
            scenario_check("answered-by-error", "MUST", "[SPEC] error: 'Returned when an error occurs, which could be a client problem'; an unknown type is one (a disconnect is not an answer)", _label_check("answer", "the error")),
            scenario_check("error-echoes-event-id", "SHOULD", _ERROR_ID, _error_echo("answer", "unknown")),
            scenario_check("stays-open", "MUST", "rule 6 error.not-terminal: [SPEC] 'Most errors are recoverable and the session will stay open'", _stays_open("cleared")),
        ),
    )


def _scenario_invalid_event() -> ProbeScenario:
    return ProbeScenario(
        "invalid-client-event",
        "a client event missing a required member gets an error echoing its event_id, and the session goes on",
        (
            Send({"type": "conversation.item.retrieve", "event_id": "invalid-1"}, "invalid"),
            Expect("answer", ("error", "conversation.item.retrieved"), "an error for the invalid event"),
            Send({"type": "input_audio_buffer.clear", "event_id": "invalid-2"}, "clear"),
            Expect("cleared", ("input_audio_buffer.cleared", "error"), "input_audio_buffer.cleared"),
        ),
        (
            scenario_check("answered-by-error", "MUST", "[SPEC] conversation.item.retrieve requires item_id; an invalid client event is answered by error (rule 5)", _label_check("answer", "the error", _is_type("error", "the invalid event"))),
            scenario_check("error-echoes-event-id", "SHOULD", _ERROR_ID, _error_echo("answer", "invalid")),
            scenario_check("stays-open", "MUST", "rule 6 error.not-terminal", _stays_open("cleared")),
        ),
    )


def _scenario_update_without_type() -> ProbeScenario:
    return ProbeScenario(
        "session-update-without-type",
        "a session.update without session.type (GA requires it; beta clients ported to GA forget it) gets an error, and the session goes on",
        (
            Send({"type": "session.update", "event_id": "untyped-1", "session": {"instructions": "Answer briefly."}}, "update"),
            Expect("answer", ("error", "session.updated"), "the answer to the session.update without type"),
            Send({"type": "input_audio_buffer.clear", "event_id": "untyped-2"}, "clear"),
            Expect("cleared", ("input_audio_buffer.cleared", "error"), "input_audio_buffer.cleared"),
        ),
        (
            scenario_check(
                "answered-by-error",
                "SHOULD",
                "[SPEC] RealtimeClientEventSessionUpdate: session.type is required; a server that fills it in hides the client's bug (SHOULD: refusing is not promised)",
                _label_check("answer", "the answer", _is_type("error", "the session.update without session.type")),
            ),
            scenario_check("error-echoes-event-id", "SHOULD", _ERROR_ID, _error_echo("answer", "update")),
            scenario_check("stays-open", "MUST", "rule 6 error.not-terminal", _stays_open("cleared")),
        ),
    )


def _scenario_items() -> ProbeScenario:
    def added(item_id: str) -> Callable[[dict[str, Any], ProbeRun], bool]:
        return lambda event, run: event.get("type") == "error" or event["item"]["id"] == item_id

    def create_acked(observed: Observed) -> Result:
        for label, item_id in (("added-a", "probe_item_a"), ("added-b", "probe_item_b")):
            if label not in observed.run.labels:
                return fail(observed.run.why_missing(label, f"conversation.item.added for {item_id}"))
            event = observed.run.event(label)
            if event.get("type") != "conversation.item.added":
                return fail(f"creating {item_id} was answered by {_brief(event)}")
            dones = [f for f in observed.run.after(label, "conversation.item.done") if (f.event.get("item") or {}).get("id") == item_id]
            if not dones:
                return fail(f"conversation.item.added for {item_id} at {_line(observed, label)} was never followed by conversation.item.done for it")
        return PASS

    def previous(event: dict[str, Any], observed: Observed) -> Result:
        got = event.get("previous_item_id")
        if got != "probe_item_a":
            return fail(f"item probe_item_b was inserted after probe_item_a, but conversation.item.added at {_line(observed, 'added-b')} gives previous_item_id {describe(got)}")
        return PASS

    def retrieved(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") != "conversation.item.retrieved" or (event.get("item") or {}).get("id") != "probe_item_a":
            return fail(f"retrieving probe_item_a was answered by {_brief(event)}")
        return PASS

    def deleted(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") != "conversation.item.deleted" or event.get("item_id") != "probe_item_a":
            return fail(f"deleting probe_item_a was answered by {_brief(event)}")
        return PASS

    def gone(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") != "error":
            return fail(f"retrieving the deleted item probe_item_a was answered by {_brief(event)}, not an error")
        return PASS

    return ProbeScenario(
        "item-create-retrieve-delete",
        "create two items (the second after the first), retrieve, delete, and retrieve the deleted one",
        (
            Send({"type": "conversation.item.create", "event_id": "items-1", "item": _user_text("first", "probe_item_a")}, "create-a"),
            Expect("added-a", ("conversation.item.added", "error"), "conversation.item.added for probe_item_a", where=added("probe_item_a")),
            Send({"type": "conversation.item.create", "event_id": "items-2", "previous_item_id": "probe_item_a", "item": _user_text("second", "probe_item_b")}, "create-b"),
            Expect("added-b", ("conversation.item.added", "error"), "conversation.item.added for probe_item_b", where=added("probe_item_b")),
            Send({"type": "conversation.item.retrieve", "event_id": "items-3", "item_id": "probe_item_a"}, "retrieve"),
            Expect("retrieved", ("conversation.item.retrieved", "error"), "conversation.item.retrieved"),
            Send({"type": "conversation.item.delete", "event_id": "items-4", "item_id": "probe_item_a"}, "delete"),
            Expect("deleted", ("conversation.item.deleted", "error"), "conversation.item.deleted"),
            Send({"type": "conversation.item.retrieve", "event_id": "items-5", "item_id": "probe_item_a"}, "retrieve-gone"),
            Expect("gone", ("conversation.item.retrieved", "error"), "the answer to retrieving the deleted item"),
        ),
        (
            scenario_check("create-acked", "MUST", "rule 40 item.create-acked: conversation.item.added then .done, carrying the client's item.id", create_acked),
            scenario_check("previous-item-id", "MUST", "rule 40: previous_item_id reflects the insertion point (rule 42)", _label_check("added-b", "conversation.item.added for probe_item_b", previous)),
            scenario_check("retrieve-acked", "MUST", "rule 41 item.delete-retrieve-acked: retrieve I -> conversation.item.retrieved{item.id: I}", _label_check("retrieved", "conversation.item.retrieved", retrieved)),
            scenario_check("delete-acked", "MUST", "rule 41: delete I -> conversation.item.deleted{item_id: I}", _label_check("deleted", "conversation.item.deleted", deleted)),
            scenario_check("deleted-item-gone", "MUST", "rule 41: [SPEC] 'unless the item does not exist in the conversation history, in which case the server will respond with an error'", _label_check("gone", "the answer to retrieving the deleted item", gone)),
            scenario_check("deleted-item-gone-echoes-event-id", "SHOULD", _ERROR_ID, _error_echo("gone", "retrieve-gone")),
        ),
    )


def _scenario_out_of_band() -> ProbeScenario:
    params = {
        "conversation": "none",
        "metadata": {"probe": "out-of-band-1"},
        "output_modalities": ["text"],
        "input": [_user_text("Classify the sentiment of: what a lovely day")],
    }

    def no_items(observed: Observed) -> Result:
        run = observed.run
        if "done" not in run.labels:
            return fail(run.why_missing("done", "response.done"))
        output_ids = {item.get("id") for item in run.event("done")["response"].get("output") or [] if isinstance(item, dict)}
        mirrored = [f for f in run.after("create", "conversation.item.added", "conversation.item.done", "conversation.item.created") if (f.event.get("item") or {}).get("id") in output_ids]
        if mirrored:
            return fail(f"{mirrored[0].event_type} at {run.where(mirrored[0].line)} adds an out-of-band output to the conversation")
        return PASS

    def null_conversation(event: dict[str, Any], observed: Observed) -> Result:
        response = event.get("response") or {}
        if "conversation_id" in response and response["conversation_id"] is not None:
            return fail(f"response.done of an out-of-band response has conversation_id {describe(response['conversation_id'])}, not null")
        return PASS

    def metadata(event: dict[str, Any], observed: Observed) -> Result:
        got = (event.get("response") or {}).get("metadata")
        difference = first_difference(params["metadata"], got, "$.response.metadata")
        return fail(f"response.done does not echo the request's metadata: {difference}") if difference else PASS

    return ProbeScenario(
        "out-of-band-response",
        "a response with conversation 'none', its own input and metadata: no conversation items, metadata echoed",
        (
            Send({"type": "response.create", "event_id": "oob-1", "response": params}, "create"),
            Expect("created", ("response.created", "error"), "response.created"),
            _done_of("created", "done"),
        ),
        (
            scenario_check("answered", "MUST", "rule 8; [SPEC] response.create conversation 'none' creates an out-of-band response", _label_check("done", "response.done", _completed("done"))),
            scenario_check("no-conversation-items", "MUST", "rule 13 response.out-of-band: its outputs produce no conversation.item.added/done", no_items),
            scenario_check("conversation-id-null", "SHOULD", "rule 13 (SHOULD): [SPEC] 'If none, ... the value of conversation_id will be null'", _label_check("done", "response.done", null_conversation)),
            scenario_check("metadata-echoed", "SHOULD", "rule 13 (SHOULD) and [G-CONV]: request metadata is echoed in response.done", _label_check("done", "response.done", metadata)),
        ),
    )


def _scenario_clear() -> ProbeScenario:
    def dropped(event: dict[str, Any], observed: Observed) -> Result:
        if event.get("type") == "input_audio_buffer.committed":
            return fail(f"the cleared audio was committed at {_line(observed, 'answer')}: the clear did not empty the buffer")
        return PASS

    return ProbeScenario(
        "input-audio-clear",
        "append audio, clear the buffer (input_audio_buffer.cleared), and find nothing left to commit",
        (
            *_manual("clear"),
            SendAudio(lambda: audio.speech_like(audio.PCM, 500), audio.PCM),
            Send({"type": "input_audio_buffer.clear", "event_id": "clear-1"}, "clear"),
            Expect("cleared", ("input_audio_buffer.cleared", "error"), "input_audio_buffer.cleared"),
            Send({"type": "input_audio_buffer.commit", "event_id": "clear-2"}, "commit"),
            Expect("answer", ("input_audio_buffer.committed", "error"), "the answer to committing the cleared buffer"),
        ),
        (
            scenario_check("cleared", "MUST", "rule 29: [SPEC] clear 'will respond with an input_audio_buffer.cleared event'", _label_check("cleared", "input_audio_buffer.cleared", _is_type("input_audio_buffer.cleared", "input_audio_buffer.clear"))),
            scenario_check("cleared-audio-dropped", "MUST", "rule 29: the cleared audio never becomes an item", _label_check("answer", "the answer to the commit", dropped)),
        ),
    )


def _scenario_mcp() -> ProbeScenario:
    tool = {"type": "mcp", "server_label": "probe", "server_url": "https://mcp.example.invalid/sse", "require_approval": "never"}

    def concluded(observed: Observed) -> Result:
        run = observed.run
        if "ack" not in run.labels:
            return fail(run.why_missing("ack", "session.updated"))
        if run.event("ack").get("type") == "error":
            return PASS  # the server refused the MCP tool outright: no import to conclude
        started = run.after("update", "mcp_list_tools.in_progress")
        for frame in started:
            item_id = frame.event.get("item_id")
            ends = [f for f in run.after("update", "mcp_list_tools.completed", "mcp_list_tools.failed") if f.event.get("item_id") == item_id]
            if len(ends) != 1:
                return fail(f"mcp_list_tools.in_progress for {item_id} at {run.where(frame.line)} got {len(ends)} completed/failed events, not exactly one (rule 27)")
        return PASS

    return ProbeScenario(
        "mcp-tools-import",
        "an MCP server in session.update: the tool import starts and concludes (completed or failed)",
        (Send(_update("mcp-1", tools=[tool]), "update"), _acked("ack"), Expect("import", ("mcp_list_tools.completed", "mcp_list_tools.failed"), "mcp_list_tools.completed or .failed", after="update", required=False)),
        (
            scenario_check("acked", "MUST", _ACK, _label_check("ack", "the answer to session.update")),
            scenario_check("import-concluded", "SHOULD", "rule 27 mcp.list-tools: each mcp_list_tools.in_progress is followed by exactly one completed or failed", concluded),
        ),
    )


def _scenarios() -> tuple[ProbeScenario, ...]:
    return (
        _scenario_handshake(),
        _update_scenario("session-update-no-turn-detection", "turn detection off by an explicit null comes back as null in session.updated", audio=NO_TURN_DETECTION),
        _update_scenario("session-update-audio-pcm", "PCM16 at 24 kHz in and out comes back in session.updated", audio={"input": {"format": {"type": "audio/pcm", "rate": 24000}}, "output": {"format": {"type": "audio/pcm", "rate": 24000}}}),
        _update_scenario("session-update-audio-pcmu", "G.711 mu-law in and out comes back in session.updated", audio={"input": {"format": {"type": "audio/pcmu"}}, "output": {"format": {"type": "audio/pcmu"}}}),
        _update_scenario("session-update-audio-pcma", "G.711 A-law in and out comes back in session.updated", audio={"input": {"format": {"type": "audio/pcma"}}, "output": {"format": {"type": "audio/pcma"}}}),
        _update_scenario("session-update-tools", "a function tool with tool_choice auto and instructions come back in session.updated", tools=[GET_WEATHER], tool_choice="auto", instructions="Answer briefly."),
        _scenario_tool_choice(),
        _scenario_text_response(),
        _scenario_manual_commit(),
        _scenario_server_vad(),
        _scenario_function_call(),
        _scenario_cancel(),
        _scenario_truncate(),
        _scenario_while_active(),
        _scenario_empty_commit(),
        _scenario_clear(),
        _scenario_unknown_event(),
        _scenario_invalid_event(),
        _scenario_update_without_type(),
        _scenario_items(),
        _scenario_out_of_band(),
        _scenario_mcp(),
    )


SCENARIOS: tuple[ProbeScenario, ...] = _scenarios()
SCENARIOS_BY_ID = {scenario.id: scenario for scenario in SCENARIOS}
