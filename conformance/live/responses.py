"""One response of the reference server: what it says (a deterministic script), and the events that
say it, step by step, so that the server can interleave client events, pace audio and cancel.

The lifecycle is the one session-rules.md §1 draws: ``response.created``, then per output item
``response.output_item.added`` (+ ``conversation.item.added`` in-band), the content part and its
deltas, the ``*.done`` events closing each level, and ``response.done`` with every item (no audio
bytes). A cancelled response closes what it opened (rule 16) and ends with ``status: cancelled``.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .audio import Format, tone
from .conversation import Conversation, UnknownItem

Event = dict[str, Any]

# --- what a response says -----------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    text: str


@dataclass(frozen=True)
class FunctionCall:
    name: str
    arguments: str


@dataclass(frozen=True)
class McpCall:
    server_label: str
    name: str
    arguments: str
    output: str
    approval_request_id: str | None = None


@dataclass(frozen=True)
class McpApprovalRequest:
    server_label: str
    name: str
    arguments: str


Output = Message | FunctionCall | McpCall | McpApprovalRequest


def arguments_for(parameters: Any) -> str:
    """Deterministic JSON arguments that satisfy a function's parameter schema's required members."""
    values: dict[str, Any] = {}
    if isinstance(parameters, dict) and isinstance(parameters.get("properties"), dict):
        required = parameters.get("required") if isinstance(parameters.get("required"), list) else list(parameters["properties"])
        for name in required:
            values[name] = _example(parameters["properties"].get(name))
    return json.dumps(values, separators=(", ", ": "))


def _example(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return "example"
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    return {"integer": 1, "number": 1.5, "boolean": True, "array": [], "object": {}, "null": None}.get(kind, "example") if isinstance(kind, str) else "example"


# --- how it is said -----------------------------------------------------------------------------


@dataclass
class Step:
    events: list[Event]
    #: Milliseconds of audio the step carries (what pacing waits for).
    audio_ms: int = 0


@dataclass
class _Open:
    """What the response has opened and not yet closed: needed to close it when cancelled."""

    index: int
    item: dict[str, Any]
    part: Literal["audio", "text"] | None = None
    said: str = ""
    arguments: str = ""


@dataclass
class ResponseRun:
    id: str
    new_id: Callable[[str], str] = field(repr=False)
    #: The default conversation for an in-band response; ``None`` out of band.
    conversation: Conversation | None = field(repr=False)
    conversation_id: str | None
    outputs: list[Output]
    output_modalities: list[str]
    audio_format: dict[str, Any]
    voice: str
    max_output_tokens: int | str = "inf"
    metadata: dict[str, str] | None = None
    delta_ms: int = 100
    format: Format = field(default=None, repr=False)  # type: ignore[assignment]
    finished: bool = False
    _done: list[dict[str, Any]] = field(default_factory=list, repr=False)
    _open: _Open | None = field(default=None, repr=False)
    _steps: Iterator[Step] | None = field(default=None, repr=False)
    _said_words: int = 0
    _audio_ms: int = 0

    @property
    def in_band(self) -> bool:
        return self.conversation is not None

    def response(self, status: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
        final = status != "in_progress"
        return {
            "object": "realtime.response",
            "id": self.id,
            "status": status,
            "status_details": details,
            "output": copy.deepcopy(self._done) if final else [],
            "conversation_id": self.conversation_id,
            "output_modalities": list(self.output_modalities),
            "max_output_tokens": self.max_output_tokens,
            "audio": {"output": {"format": dict(self.audio_format), "voice": self.voice}},
            "usage": self._usage() if final else None,
            "metadata": self.metadata,
        }

    def created(self) -> Event:
        return {"type": "response.created", "response": self.response("in_progress")}

    def next_step(self) -> Step | None:
        """The next step, or ``None`` once ``response.done`` has been produced."""
        if self.finished:
            return None
        if self._steps is None:
            self._steps = self._generate()
        step = next(self._steps, None)
        if step is None:
            self.finished = True
        return step

    def cancel(self, reason: str) -> list[Event]:
        """Close whatever is open and finish as cancelled (session rules 14 and 16)."""
        if self.finished:
            return []
        self.finished = True
        self._steps = None
        events = self._close_open("incomplete") if self._open else []
        events.append({"type": "response.done", "response": self.response("cancelled", {"type": "cancelled", "reason": reason})})
        return events

    # --- the steps --------------------------------------------------------------------------------

    def _generate(self) -> Iterator[Step]:
        for index, output in enumerate(self.outputs):
            if isinstance(output, Message):
                yield from self._message(index, output)
            elif isinstance(output, FunctionCall):
                yield from self._function_call(index, output)
            elif isinstance(output, McpCall):
                yield from self._mcp_call(index, output)
            else:
                yield from self._approval_request(index, output)
        yield Step([{"type": "response.done", "response": self.response("completed")}])

    def _added(self, index: int, item: dict[str, Any]) -> list[Event]:
        self._open = _Open(index, item)
        events: list[Event] = [{"type": "response.output_item.added", "response_id": self.id, "output_index": index, "item": copy.deepcopy(item)}]
        if self.conversation is not None:
            previous = self.conversation.insert(copy.deepcopy(item))
            events.append({"type": "conversation.item.added", "previous_item_id": previous, "item": copy.deepcopy(item)})
        return events

    def _item_done(self, index: int, item: dict[str, Any]) -> list[Event]:
        self._open = None
        self._done.append(copy.deepcopy(item))
        events: list[Event] = [{"type": "response.output_item.done", "response_id": self.id, "output_index": index, "item": copy.deepcopy(item)}]
        if self.conversation is not None:
            try:
                self.conversation.replace(copy.deepcopy(item))
                previous = self.conversation.previous_of(item["id"])
            except UnknownItem:  # the client deleted it meanwhile: say nothing more of it
                return events
            events.append({"type": "conversation.item.done", "previous_item_id": previous, "item": copy.deepcopy(item)})
        return events

    def _content(self, index: int, item_id: str) -> dict[str, Any]:
        return {"response_id": self.id, "item_id": item_id, "output_index": index, "content_index": 0}

    def _message(self, index: int, output: Message) -> Iterator[Step]:
        item_id = self.new_id("item")
        part: Literal["audio", "text"] = "audio" if "audio" in self.output_modalities else "text"
        item = {"id": item_id, "object": "realtime.item", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
        yield Step(self._added(index, item))
        assert self._open is not None
        self._open.part = part
        where = self._content(index, item_id)
        empty = {"type": "audio", "transcript": ""} if part == "audio" else {"type": "text", "text": ""}
        yield Step([{"type": "response.content_part.added", **where, "part": empty}])
        chunk = base64.b64encode(tone(self.format, self.delta_ms)).decode("ascii") if part == "audio" else ""
        for number, word in enumerate(output.text.split(" ")):
            delta = word if number == 0 else " " + word
            self._open.said += delta
            self._said_words += 1
            if part == "audio":
                self._audio_ms += self.delta_ms
                if self.conversation is not None:
                    self.conversation.audio_ms[item_id] = self.conversation.audio_ms.get(item_id, 0) + self.delta_ms
                yield Step(
                    [
                        {"type": "response.output_audio.delta", **where, "delta": chunk},
                        {"type": "response.output_audio_transcript.delta", **where, "delta": delta},
                    ],
                    self.delta_ms,
                )
            else:
                yield Step([{"type": "response.output_text.delta", **where, "delta": delta}])
        yield Step(self._close_open("completed"))

    def _function_call(self, index: int, output: FunctionCall) -> Iterator[Step]:
        item_id, call_id = self.new_id("item"), self.new_id("call")
        item = {"id": item_id, "object": "realtime.item", "type": "function_call", "status": "in_progress", "name": output.name, "call_id": call_id, "arguments": ""}
        yield Step(self._added(index, item))
        half = len(output.arguments) // 2
        for piece in (output.arguments[:half], output.arguments[half:]):
            if piece:
                assert self._open is not None
                self._open.arguments += piece
                yield Step([{"type": "response.function_call_arguments.delta", "response_id": self.id, "item_id": item_id, "output_index": index, "call_id": call_id, "delta": piece}])
        yield Step(self._close_open("completed"))

    def _mcp_call(self, index: int, output: McpCall) -> Iterator[Step]:
        item_id = self.new_id("mcp")
        item = {
            "id": item_id,
            "type": "mcp_call",
            "server_label": output.server_label,
            "name": output.name,
            "arguments": "",
            "approval_request_id": output.approval_request_id,
            "output": None,
            "error": None,
        }
        yield Step(self._added(index, item))
        assert self._open is not None
        where = {"response_id": self.id, "item_id": item_id, "output_index": index}
        self._open.arguments = output.arguments
        yield Step([{"type": "response.mcp_call_arguments.delta", **where, "delta": output.arguments}])
        yield Step([{"type": "response.mcp_call_arguments.done", **where, "arguments": output.arguments}])
        yield Step([{"type": "response.mcp_call.in_progress", "output_index": index, "item_id": item_id}])
        final = {**item, "arguments": output.arguments, "output": output.output}
        yield Step([{"type": "response.mcp_call.completed", "output_index": index, "item_id": item_id}, *self._item_done(index, final)])

    def _approval_request(self, index: int, output: McpApprovalRequest) -> Iterator[Step]:
        item = {"id": self.new_id("mcpr"), "type": "mcp_approval_request", "server_label": output.server_label, "name": output.name, "arguments": output.arguments}
        yield Step(self._added(index, item))
        yield Step(self._item_done(index, item))

    def _close_open(self, status: str) -> list[Event]:
        """The events that close the open item: per-modality done, part done, item done."""
        opened = self._open
        assert opened is not None
        item, index = opened.item, opened.index
        events: list[Event] = []
        if item["type"] == "message":
            final = {**item, "status": status, "content": []}
            if opened.part is not None:
                where = self._content(index, item["id"])
                if opened.part == "audio":
                    events.append({"type": "response.output_audio.done", **where})
                    events.append({"type": "response.output_audio_transcript.done", **where, "transcript": opened.said})
                    part = {"type": "audio", "transcript": opened.said}
                    final["content"] = [{"type": "output_audio", "transcript": opened.said}]
                else:
                    events.append({"type": "response.output_text.done", **where, "text": opened.said})
                    part = {"type": "text", "text": opened.said}
                    final["content"] = [{"type": "output_text", "text": opened.said}]
                events.append({"type": "response.content_part.done", **where, "part": part})
        elif item["type"] == "function_call":
            final = {**item, "status": status, "arguments": opened.arguments}
            events.append(
                {
                    "type": "response.function_call_arguments.done",
                    "response_id": self.id,
                    "item_id": item["id"],
                    "output_index": index,
                    "call_id": item["call_id"],
                    "name": item["name"],
                    "arguments": opened.arguments,
                }
            )
        elif item["type"] == "mcp_call":
            where = {"response_id": self.id, "item_id": item["id"], "output_index": index}
            events.append({"type": "response.mcp_call_arguments.done", **where, "arguments": opened.arguments})
            final = {**item, "arguments": opened.arguments, "error": {"type": "tool_execution_error", "message": "the response was cancelled"}}
        else:
            final = item
        return events + self._item_done(index, final)

    def _usage(self) -> dict[str, Any]:
        """Token counts derived from what was said: deterministic, and consistent in themselves."""
        text_out = self._said_words
        audio_out = self._audio_ms // 50
        return {
            "total_tokens": 10 + text_out + audio_out,
            "input_tokens": 10,
            "output_tokens": text_out + audio_out,
            "input_token_details": {
                "text_tokens": 10,
                "audio_tokens": 0,
                "image_tokens": 0,
                "cached_tokens": 0,
                "cached_tokens_details": {"text_tokens": 0, "audio_tokens": 0, "image_tokens": 0},
            },
            "output_token_details": {"text_tokens": text_out, "audio_tokens": audio_out},
        }
