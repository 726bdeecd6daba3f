"""Wire scenarios of function calls and responses that go differently than planned:

* ``function-call-without-item``: the model's call reaches the client only in
  ``response.function_call_arguments.done`` and ``response.done`` — no ``output_item.added``, no
  ``conversation.item.added``. Session rule 25 asks a server for the item first, so surviving
  this is a client's robustness (SHOULD); session-rules.md keeps "items only in ``response.done``"
  as an exception clients reconcile (rule 16), so ``round-trip`` asks for the call to be answered all
  the same;
* ``unknown-function``: the model calls a function the application does not have (models do). The
  events are valid GA, so the session must go on (``stays-alive``, MUST); what the client answers
  is open, but it should not answer as if the call had succeeded (``answers-or-ignores``, SHOULD:
  an error output, or no output at all);
* ``failed-response``: a response that streamed some audio ends with ``response.done`` of status
  ``failed``. Its items were delivered as they streamed ("Also emitted when a Response is
  interrupted, incomplete, or cancelled"), so what was streamed must reach the application
  (``partial-output-reaches-app``, MUST), and the next turn must work (``stays-alive``, MUST: a
  failed response does not end a session, rule 6).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

from ..adapters.wire import AppStep, Settings, seen_audio_bytes, seen_transcript
from ..checks import PASS, Result, fail
from ..compare import first_difference
from ..findings import Cause
from ..jsonpath import MISSING
from ..live.scripted_server import Script, Step
from ..live.wire_runner import ScenarioRun
from .wire_base import TEXT, CheckSpec, Play, WireScenario, absolute, asked, client, sent_labelled, server, shown, turn_frames, where
from .wire_events import LOOKUP_ORDER, Events, Odd, function_call_response, replies, spoken_response
from .wire_texts import FIRST_ASK, FIRST_SAID, MARK_FIRST, MARK_SECOND, SECOND_ASK, SECOND_SAID, TWO_TURNS

#: The function the model calls in ``unknown-function``: the application offers only ``lookup_order``.
UNKNOWN = "cancel_order"
OUTPUT = {"type": "conversation.item.create", "item": {"type": "function_call_output"}}


# --- a function call's round trip ---------------------------------------------------------------------


def function_round_trip(scenario: WireScenario, run: ScenarioRun) -> Result:
    """The model's call ``call_w1`` is answered with the function's output, then a response is asked
    for. The causes of ``function-call`` keep their ids; another scenario's are its own."""
    prefix = "" if scenario.id == "function-call" else f"{scenario.id}/"
    outputs = _outputs(run)
    if not outputs:
        seen = [s for s in run.seen if s.kind == "function-call"]
        told = "the application saw the call" if seen else "the call never reached the application"
        return fail(f"no function_call_output was sent for call_w1 ({told})", Cause(f"{prefix}function-call-unanswered", "a function call the model makes never gets its output sent back, so the model never answers"))
    output = outputs[0]
    item = output.event["item"]
    if item.get("call_id") != "call_w1":
        return fail(f"{where(output)}: the function_call_output names call_id {shown(item.get('call_id', MISSING))}, not the call's \"call_w1\"", Cause(f"{prefix}function-output-wrong-call", "a function's output is sent for another call than the one the model made"))
    if not same_output(item.get("output"), LOOKUP_ORDER.output):
        return fail(f"{where(output)}: the function_call_output carries {shown(item.get('output', MISSING))}, not what the application's function returned ({LOOKUP_ORDER.output!r})", Cause(f"{prefix}function-output-changed", "a function's output is sent changed from what the application returned"))
    if not any(frame.line > output.line for frame in client(run, "response.create")):
        return fail(f"{where(output)}: no response.create followed the function_call_output, so the model never answers with its result", Cause(f"{prefix}no-response-after-function-output", "after a function's output the library asks for no response, so the model never answers with it"))
    return PASS


def _outputs(run: ScenarioRun) -> list[Any]:
    return [frame for frame in client(run, "conversation.item.create") if isinstance(frame.event.get("item"), dict) and frame.event["item"].get("type") == "function_call_output"]


def same_output(sent: Any, returned: str) -> bool:
    """The function's output as sent carries what it returned: equal, equal as JSON (libraries take
    the result as an object and serialize it themselves), or found whole inside the JSON sent (a
    framework that wraps its tool result, strands' list of content blocks). The protocol leaves the
    output's text to the application and its framework."""
    if sent == returned:
        return True
    if not isinstance(sent, str):
        return False
    try:
        sent_value = json.loads(sent)
    except (ValueError, RecursionError):
        return False
    try:
        returned_value: Any = json.loads(returned)
    except ValueError:
        returned_value = _NOT_JSON
    try:
        return any(value == returned or (returned_value is not _NOT_JSON and first_difference(returned_value, value) is None) for value in _values(sent_value))
    except RecursionError:
        return False


_NOT_JSON = object()


def _values(value: Any) -> Iterator[Any]:
    """``value`` and every value inside it; a string that holds JSON, with what it holds."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    elif isinstance(value, str) and value[:1] in ("{", "["):
        try:
            inner = json.loads(value)
        except ValueError:
            return
        yield from _values(inner)


def _call_without_item(play: Play = TEXT) -> Script:
    e = Events()
    return Script(
        steps=(
            Step(send=e.session_created(), label="session.created"),
            *function_call_response(e, "resp_w1", "item_w1", "call_w1", LOOKUP_ORDER.name, '{"order_number":"A-1042"}', asked=asked(e, play, 1), announced=False),
            Step(when=OUTPUT, label="the function's output"),
            *spoken_response(e, "resp_w2", "item_w2", ("Order A-1042 ", "has shipped."), chunks=2),
        ),
        replies=replies(e),
        wait_timeout=2.5,
    )


# --- a function the application does not have -----------------------------------------------------------


def _unknown_function(play: Play = TEXT) -> Script:
    e = Events()
    second = asked(e, play, 2)
    return Script(
        steps=(
            Step(send=e.session_created(), label="session.created"),
            *function_call_response(e, "resp_w1", "item_w1", "call_w1", UNKNOWN, '{"order_number":"A-1042"}', asked=asked(e, play, 1)),
            *spoken_response(e, "resp_w2", "item_w2", SECOND_SAID, chunks=2, asked=second),
        ),
        replies=replies(e),
        wait_timeout=4,
    )


UNKNOWN_TURNS = (
    AppStep("pause", seconds=0.2),
    AppStep("send_text", text="Please cancel order A-1042."),
    AppStep("wait", until={"sent": "resp_w1 done"}, seconds=4),
    AppStep("pause", seconds=0.3),
    AppStep("send_text", text=SECOND_ASK),
    AppStep("wait", until={"transcript": MARK_SECOND}, seconds=4),
    AppStep("wait", until={"script": "done"}, seconds=6),
)


def survives_unknown_function(scenario: WireScenario, run: ScenarioRun) -> Result:
    done = sent_labelled(run, "resp_w1 done")
    if done is None:
        return fail("the response calling the unknown function never finished (the client had gone)", _UNKNOWN_ENDS)
    if MARK_SECOND in seen_transcript(run.seen):
        return PASS
    crashed = [s for s in run.seen if s.kind in ("crash", "closed")]
    told = f"; the library reported {crashed[0].kind}: {str(crashed[0].detail.get('message') or crashed[0].detail.get('reason') or '')[:160]}" if crashed else ""
    return fail(f"after the model called {UNKNOWN!r}, which the application does not have ({where(done)}), the next turn's answer {MARK_SECOND!r} never reached the application{told}", _UNKNOWN_ENDS)


_UNKNOWN_ENDS = Cause("unknown-function-ends-session", "a call to a function the application does not have ends the session")


def answers_or_ignores(scenario: WireScenario, run: ScenarioRun) -> Result:
    """No output for the unknown call, or one that reads as an error: not a success made of nothing,
    and not another function's result."""
    for frame in _outputs(run):
        item = frame.event["item"]
        if item.get("call_id") != "call_w1":
            continue
        output = item.get("output")
        text = output.strip() if isinstance(output, str) else None
        if text in ("", "null", "{}", "[]", '""') or same_output(output, LOOKUP_ORDER.output):
            what = "another function's result" if same_output(output, LOOKUP_ORDER.output) else f"the empty output {shown(output)}"
            return fail(
                f"{where(frame)}: the call of {UNKNOWN!r}, which the application does not have, was answered with {what}, as if it had succeeded; "
                "an error output (or no output) tells the model the function does not exist",
                Cause("unknown-function-answered-as-success", "a call to a function the application does not have is answered as if it had succeeded"),
            )
    return PASS


# --- a response that fails ------------------------------------------------------------------------------------


def two_turns(odd: Callable[[Events, Play], Odd | None], status: str = "completed") -> Callable[..., Script]:
    """Two spoken responses; the first carries the odd frame (if any) and ends with ``status``."""

    def build(play: Play = TEXT) -> Script:
        e = Events()
        return Script(
            steps=(
                Step(send=e.session_created(), label="session.created"),
                *spoken_response(e, "resp_w1", "item_w1", FIRST_SAID, chunks=3, odd=odd(e, play), status=status, asked=asked(e, play, 1)),
                *spoken_response(e, "resp_w2", "item_w2", SECOND_SAID, chunks=2, asked=asked(e, play, 2)),
            ),
            replies=replies(e),
            wait_timeout=3,
        )

    return build


_failed_response = two_turns(lambda e, play: None, status="failed")


def partial_output_reaches_app(scenario: WireScenario, run: ScenarioRun) -> Result:
    done = sent_labelled(run, "resp_w1 done")
    if done is None:
        return fail("the failed response never finished (the client had gone)")
    sent = sum(len(base64.b64decode(f.event.get("delta", ""))) for f in server(run, "response.output_audio.delta") if f.event.get("response_id") == "resp_w1")
    second = sent_labelled(run, "resp_w2 created")
    got = seen_audio_bytes(run.seen, until=absolute(run, second) if second is not None else None)
    problems = []
    if got < sent:
        problems.append(f"the application got {got} of the {sent} bytes of audio it streamed")
    if MARK_FIRST not in seen_transcript(run.seen):
        problems.append(f"its transcript {MARK_FIRST!r} never reached the application")
    if problems:
        return fail(f"a response that ended failed ({where(done)}): " + "; ".join(problems),
                    Cause("failed-response-loses-output", "what a response streamed before it failed never reaches the application"))
    return PASS


def survives_failed_response(scenario: WireScenario, run: ScenarioRun) -> Result:
    done = sent_labelled(run, "resp_w1 done")
    if done is None:
        return fail("the failed response never finished (the client had gone)", _FAILED_ENDS)
    turns = [frame for frame in turn_frames(run) if frame.line > done.line]
    problems = []
    if not turns:
        problems.append("the application's next turn never reached the server")
    if MARK_SECOND not in seen_transcript(run.seen):
        problems.append(f"the next response's transcript {MARK_SECOND!r} never reached the application")
    if problems:
        return fail(f"after a response that ended failed ({where(done)}) the session did not go on: " + "; ".join(problems), _FAILED_ENDS)
    return PASS


_FAILED_ENDS = Cause("failed-response-ends-session", "a response that fails ends the session, though a failed response is not a fatal error")

TURNS = ("text", "audio")

SCENARIOS: tuple[WireScenario, ...] = (
    WireScenario(
        "function-call-without-item",
        "the model calls the application's function, but only response.function_call_arguments.done and response.done carry the call",
        _call_without_item,
        app=(AppStep("pause", seconds=0.2), AppStep("send_text", text=FIRST_ASK), AppStep("wait", until={"transcript": MARK_FIRST}, seconds=4), AppStep("wait", until={"script": "done"}, seconds=4)),
        settings=Settings(tools=(LOOKUP_ORDER,)),
        needs=frozenset({"function-calls"}),
        triggers=TURNS,  # type: ignore[arg-type]
        checks=(CheckSpec("round-trip", "SHOULD", function_round_trip),),
    ),
    WireScenario(
        "unknown-function",
        f"the model calls {UNKNOWN!r}, a function the application does not have, then the user speaks again",
        _unknown_function,
        app=UNKNOWN_TURNS,
        settings=Settings(tools=(LOOKUP_ORDER,)),
        needs=frozenset({"function-calls"}),
        triggers=TURNS,  # type: ignore[arg-type]
        checks=(CheckSpec("stays-alive", "MUST", survives_unknown_function), CheckSpec("answers-or-ignores", "SHOULD", answers_or_ignores)),
    ),
    WireScenario(
        "failed-response",
        "a response streams some audio and ends with status failed, then a second turn",
        _failed_response,
        app=TWO_TURNS,
        triggers=TURNS,  # type: ignore[arg-type]
        checks=(CheckSpec("partial-output-reaches-app", "MUST", partial_output_reaches_app), CheckSpec("stays-alive", "MUST", survives_failed_response)),
    ),
)

