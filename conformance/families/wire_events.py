"""The server side of the wire scenarios: valid GA server events, and the steps of a response, a
function call and a user's spoken turn, as the scripted server plays them
(:mod:`conformance.live.scripted_server`). Scripts are written in GA; a server of another dialect
translates them as it sends them.
"""

from __future__ import annotations

import base64
import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..adapters.wire import Tool
from ..live.scripted_server import Reply, Step
from ..sessions.transcript import Frame
from ..verdict import judge_value

#: Bytes of one 100 ms audio delta: audio/pcm, 24 kHz, 16-bit mono.
CHUNK = 4800
BYTES_PER_MS = 48
#: Seconds of the user's speech an audio turn appends (``AppStep("append_audio")``).
SPEECH_SECONDS = 0.4

LOOKUP_ORDER = Tool(
    name="lookup_order",
    description="Look up an order by its number.",
    parameters={"type": "object", "properties": {"order_number": {"type": "string"}}, "required": ["order_number"]},
    output='{"status":"shipped"}',
)

#: What the client sends that makes a server VAD hear the user: the first audio it appends.
APPEND = {"type": "input_audio_buffer.append"}
RESPONSE_CREATE = {"type": "response.create"}


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


def response_object(rid: str, status: str, output: list[Any], status_details: Any = None) -> dict[str, Any]:
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


#: A response that failed, as ``response.done`` reports it (``status_details`` of type ``failed``).
FAILED = {"type": "failed", "error": {"type": "server_error", "code": "internal_error"}}


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
    asked: Sequence[Step] | None = None,
) -> list[Step]:
    """A response that speaks: created, item and part added, ``odd`` (if any), ``chunks`` audio deltas
    of 100 ms each with the transcript deltas between them, then every ``done`` and
    ``response.done``. ``cut`` (a step that waits or sends) goes between the last delta and the
    ``done`` events, so that a response can be interrupted there. The response starts when the
    client sends ``when`` (``response.create`` by default), or, given ``asked`` (the server's side of
    a spoken user turn, :func:`user_turn`), right after those steps, as server VAD starts it.
    A ``failed`` response ends with its item ``incomplete`` and ``status_details`` of type ``failed``."""
    where = {"response_id": rid, "item_id": item, "output_index": 0, "content_index": 0}
    said = "".join(transcript)
    created = e("response.created", response=response_object(rid, "in_progress", []))
    opening = [*asked, Step(send=created, label=f"{rid} created")] if asked is not None else [Step(send=created, when=when or RESPONSE_CREATE, label=f"{rid} created")]
    steps = [
        *opening,
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
    details = FAILED if status == "failed" else {"type": status, "reason": reason} if reason else None
    steps += [
        Step(send=e("response.output_audio.done", **where)),
        Step(send=e("response.output_audio_transcript.done", **where, transcript=said)),
        Step(send=e("response.content_part.done", **where, part={"type": "audio", "transcript": said})),
        Step(send=e("response.output_item.done", response_id=rid, output_index=0, item=done_item)),
        Step(send=e("conversation.item.done", previous_item_id=None, item=done_item)),
        Step(send=e("response.done", response=response_object(rid, status, [done_item], details)), label=f"{rid} done"),
    ]
    return steps


def declared_name(received: Sequence[Frame], name: str) -> str:
    """The name under which the client declared the tool ``name`` in its last ``session.update``:
    ``name`` itself, or the one declared name that contains it (Semantic Kernel declares
    ``plugin-function``). The model calls a function by the name the client gave it."""
    for frame in reversed(received):
        session = frame.event.get("session") if frame.has_event and frame.event_type == "session.update" else None
        tools = session.get("tools") if isinstance(session, dict) else None
        if not isinstance(tools, list):
            continue
        found = declared_tool(tools, name)
        if found is not None:
            return str(found["name"])
    return name


def declared_tool(tools: Any, name: str) -> dict[str, Any] | None:
    """The tool of ``tools`` (a session's) declared for the application's function ``name``: named
    so, or the one whose name contains it (Semantic Kernel's ``plugin-function``)."""
    named = [tool for tool in tools or () if isinstance(tool, dict) and isinstance(tool.get("name"), str)] if isinstance(tools, list) else []
    exact = [tool for tool in named if tool["name"] == name]
    containing = [tool for tool in named if name in tool["name"]]
    return exact[0] if exact else containing[0] if len(containing) == 1 else None


def _calling(event: dict[str, Any], name: str) -> Any:
    """``event``, sent with the function's name as the client declared it."""

    def build(received: Sequence[Frame]) -> dict[str, Any]:
        declared = declared_name(received, name)
        return event if declared == name else _renamed(event, name, declared)

    return build


def _renamed(value: Any, name: str, declared: str) -> Any:
    if isinstance(value, dict):
        return {key: declared if key == "name" and item == name else _renamed(item, name, declared) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, name, declared) for item in value]
    return value


def function_call_response(
    e: Events, rid: str, item: str, call_id: str, name: str, arguments: str, *, asked: Sequence[Step] | None = None, announced: bool = True
) -> list[Step]:
    """A response that calls a function, by the name the client declared it under
    (:func:`declared_name`). ``announced=False`` leaves out every event that announces
    the item (``output_item.added``, ``conversation.item.added``, the argument deltas,
    ``output_item.done``, ``conversation.item.done``): only ``response.function_call_arguments.done``
    and ``response.done`` carry the call."""
    added = {"id": item, "object": "realtime.item", "type": "function_call", "status": "in_progress", "call_id": call_id, "name": name, "arguments": ""}
    done = {**added, "status": "completed", "arguments": arguments}
    where = {"response_id": rid, "item_id": item, "output_index": 0, "call_id": call_id}
    created = e("response.created", response=response_object(rid, "in_progress", []))
    opening = [*asked, Step(send=created, label=f"{rid} created")] if asked is not None else [Step(send=created, when=RESPONSE_CREATE, label=f"{rid} created")]
    announcing = [
        Step(send=_calling(e("response.output_item.added", response_id=rid, output_index=0, item=added), name)),
        Step(send=_calling(e("conversation.item.added", previous_item_id=None, item=added), name)),
        Step(send=e("response.function_call_arguments.delta", **where, delta=arguments)),
    ]
    closing = [
        Step(send=_calling(e("response.output_item.done", response_id=rid, output_index=0, item=done), name)),
        Step(send=_calling(e("conversation.item.done", previous_item_id=None, item=done), name)),
    ]
    return [
        *opening,
        *(announcing if announced else ()),
        Step(send=_calling(e("response.function_call_arguments.done", **where, name=name, arguments=arguments), name), label=f"{rid} arguments done"),
        *(closing if announced else ()),
        Step(send=_calling(e("response.done", response=response_object(rid, "completed", [done])), name), label=f"{rid} done"),
    ]


def user_turn(e: Events, turn: int, *, fresh: bool = False) -> list[Step]:
    """The server's side of a spoken user turn under server VAD (session-rules.md §1, "Input"): once
    the client appends audio, ``speech_started``; once its appends stop, ``speech_stopped``,
    ``committed`` and the user's item; the response that follows is the server's own
    (``create_response``). ``fresh``: only audio appended once the step starts waiting counts (a
    second turn)."""
    user = f"item_user_w{turn}"
    item = {"id": user, "object": "realtime.item", "type": "message", "status": "completed", "role": "user", "content": [{"type": "input_audio", "transcript": None}]}
    return [
        Step(send=e("input_audio_buffer.speech_started", audio_start_ms=100, item_id=user), when=APPEND, fresh=fresh, label=f"turn {turn} heard"),
        Step(send=e("input_audio_buffer.speech_stopped", audio_end_ms=500, item_id=user), quiet=APPEND),
        Step(send=e("input_audio_buffer.committed", previous_item_id=None, item_id=user)),
        Step(send=e("conversation.item.added", previous_item_id=None, item=item)),
        Step(send=e("conversation.item.done", previous_item_id=None, item=item)),
    ]


def replies(e: Events) -> tuple[Reply, ...]:
    """What any GA server answers at once: ``session.updated`` (the merged configuration), an item
    ``added`` and ``done`` for every ``conversation.item.create``, ``truncated`` for a truncate."""
    state = {"session": copy.deepcopy(SESSION), "items": itertools.count(1)}

    def session_updated(frame: Frame) -> list[Any]:
        merged = merge(copy.deepcopy(state["session"]), frame.event.get("session") or {})
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


def merge(base: Any, update: Any) -> Any:
    """``update`` applied over ``base`` member by member, as a session.update is."""
    if isinstance(base, dict) and isinstance(update, dict):
        for key, value in update.items():
            base[key] = merge(base.get(key), value) if isinstance(value, dict) and isinstance(base.get(key), dict) else copy.deepcopy(value)
        return base
    return copy.deepcopy(update)
