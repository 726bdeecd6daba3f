"""The response lifecycle rules (session-rules.md 7–28, 36, 44): responses, their output items,
content parts, deltas, function and MCP calls, and the WebRTC/SIP output audio buffer.

State is kept per response id, then per item id, then per content index, so that concurrent
responses and overlapping items (rules 13, 19) never disturb one another. A finished response is
dropped at once and only its id is remembered (a bounded window), so memory follows the number of
responses in progress, not the length of the session.

In an excerpt, a response, item or part first seen mid-way is *partial*: what should have come
before it is not asked for, but everything after it is judged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .context import BYTES_PER_MS, Context, Ref, code, integer, item_kind, obj, path, text
from .state import ITEMS_PER_RESPONSE, OPEN_RESPONSES, PARTS_PER_ITEM, Digest, Window, base64_length

Handler = Callable[[dict[str, Any]], None]

#: Delta and done events of a content part: event type -> (kind, is done, the done's value field).
_PART_EVENTS = {
    "response.output_text.delta": ("text", False, None),
    "response.output_text.done": ("text", True, "text"),
    "response.output_audio_transcript.delta": ("transcript", False, None),
    "response.output_audio_transcript.done": ("transcript", True, "transcript"),
    "response.output_audio.delta": ("audio", False, None),
    "response.output_audio.done": ("audio", True, None),
}
_DONE_NAMES = {"text": "response.output_text.done", "transcript": "response.output_audio_transcript.done", "audio": "response.output_audio.done"}
#: The *.done events each part type owes before content_part.done (audio always has a transcript).
_OWED = {"audio": ("audio", "transcript"), "text": ("text",)}
#: Truncation tolerance: the server's count may differ from the client's by about 85 ms (pipecat#2106).
TRUNCATE_TOLERANCE_MS = 100.0


@dataclass(slots=True)
class Part:
    index: int
    added: int | None  # None: first seen mid-way (partial)
    type: str | None = None
    done: dict[str, int] = field(default_factory=dict)
    closed: int | None = None
    digests: dict[str, Digest] = field(default_factory=dict)


@dataclass(slots=True)
class OutputItem:
    id: str
    index: int | None
    type: str | None
    added: int | None  # None: partial
    call_id: str | None = None
    name: str | None = None
    done: int | None = None
    parts: dict[int, Part] = field(default_factory=dict)
    arguments: Digest | None = None
    arguments_done: int | None = None
    final_arguments: Digest | None = None
    obfuscated: bool = False
    mcp_started: int | None = None
    mcp_ended: int | None = None


@dataclass(slots=True)
class Response:
    id: str
    created: int | None  # None: partial
    #: True: a conversation_id; False: conversation_id null (out of band); None: not said.
    in_band: bool | None
    #: The last default response.done before it was created: cancels and speech after it count.
    since: int
    bytes_per_ms: float
    items: dict[str, OutputItem] = field(default_factory=dict)
    indexes: dict[int, str] = field(default_factory=dict)
    audio_part: bool = False
    speech: int | None = None
    #: The output_item.added line of its first function call (0: none).
    first_call: int = 0
    #: delta.concat-equals-done findings, kept until the response's final status is known.
    mismatches: list[tuple[Ref, str, tuple[int, ...]]] = field(default_factory=list)

    def streaming(self) -> bool:
        return not self.items or any(item.done is None for item in self.items.values())


@dataclass(slots=True)
class Playback:
    """output_audio_buffer.* of one response (WebRTC/SIP)."""

    started: int | None = None
    stopped: int | None = None
    cleared: int | None = None


class Lifecycle:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.open: dict[str, Response] = {}
        self.open_overflowed = False
        self.finished: Window[str, int] = Window()
        self.playback: Window[str, Playback] = Window(OPEN_RESPONSES)
        #: The response.done of a default response that called functions; the next default
        #: response should follow a client response.create (rule 26).
        self.awaiting_tool_output = 0
        self.server: dict[str, Handler] = {
            "response.created": self.created,
            "response.done": self.done,
            "response.output_item.added": self.item_added,
            "response.output_item.done": self.item_done,
            "response.content_part.added": self.part_added,
            "response.content_part.done": self.part_done,
            **{kind: self.part_event for kind in _PART_EVENTS},
            "response.function_call_arguments.delta": self.arguments,
            "response.function_call_arguments.done": self.arguments,
            "response.mcp_call_arguments.delta": self.arguments,
            "response.mcp_call_arguments.done": self.arguments,
            "response.mcp_call.in_progress": self.mcp_call,
            "response.mcp_call.completed": self.mcp_call,
            "response.mcp_call.failed": self.mcp_call,
            "output_audio_buffer.started": self.playback_started,
            "output_audio_buffer.stopped": self.playback_ended,
            "output_audio_buffer.cleared": self.playback_ended,
            "input_audio_buffer.speech_started": self.speech_started,
        }
        self.client: dict[str, Handler] = {}

    # --- responses ----------------------------------------------------------------------------

    def created(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        response = obj(event, "response")
        rid = text(response, "id")
        if rid is None:
            return
        earlier = self.open.get(rid)
        if earlier is not None and earlier.created is None:
            # Events of rid came first; outside an excerpt that was flagged when they came.
            if ctx.excerpt:
                ctx.emit("response.created-first", "MUST", f"`response.created` for {rid} arrives after other events of that response")
            del self.open[rid]
        elif earlier is not None or rid in self.finished:
            first = earlier.created if earlier is not None else None
            ctx.emit("response.created-first", "MUST", f"a second `response.created` for {rid}; it is the first event of a response"
                     + (f" (first at line {first})" if first else f" (it ended at line {self.finished.get(rid)})"),
                     related=tuple(x for x in (first, self.finished.get(rid)) if x))
            return
        status = text(response, "status")
        if status is not None and status != "in_progress":
            ctx.emit("response.status-cause", "SHOULD", f"`response.created` for {rid} has status {status!r}; a response starts in_progress")
        in_band = _in_band(response)
        if in_band and ctx.default_active:
            other, line = next(iter(ctx.default_active.items()))
            ctx.emit("response.single-active-default", "MUST",
                     f"`response.created` for {rid} writes to the default conversation while {other} (created at line {line}) is still in "
                     "progress; only one response may write to it at a time", related=(line,))
        # A client response.create sent after the call was announced counts, even before its response.done (§3 item 14).
        # Where the server continues after a tool output by itself (Inworld), the output is the client's turn.
        tool_output = ctx.last_client_tool_output if ctx.ordering.continues_after_tool_output else 0
        if (in_band is not False and self.awaiting_tool_output and ctx.client_seen
                and max(ctx.last_client_response_create, ctx.last_vad_turn, tool_output) < self.awaiting_tool_output):
            ctx.emit("function.output-then-create", "SHOULD",
                     f"`response.created` for {rid} continues after the function call at line {self.awaiting_tool_output} without a "
                     "client `response.create` (or a user turn) since; the client answers a call before the model goes on",
                     related=(self.awaiting_tool_output,))
        if in_band is not False:
            self.awaiting_tool_output = 0
        fmt = text(path(response, "audio", "output", "format"), "type")
        response = Response(rid, ctx.line, in_band, ctx.last_default_done, BYTES_PER_MS.get(fmt or "", ctx.output_bytes_per_ms))
        if earlier is not None:
            response.items, response.indexes = earlier.items, earlier.indexes
        self.open[rid] = response
        if in_band:
            ctx.default_active[rid] = ctx.line
        if len(self.open) > OPEN_RESPONSES:
            forgotten = next(iter(self.open))
            del self.open[forgotten]
            ctx.default_active.pop(forgotten, None)
            self.open_overflowed = True

    def done(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        body = obj(event, "response")
        rid = text(body, "id")
        if rid is None:
            return
        if rid in self.finished:
            ctx.emit("response.done-exactly-once", "MUST", f"a second `response.done` for {rid} (the first was at line {self.finished[rid]})",
                     related=(self.finished[rid],))
            return
        response = self.open.pop(rid, None)
        self._finish(rid)
        if response is None:
            if not (ctx.excerpt or self.open_overflowed):
                ctx.emit("response.created-first", "SHOULD", f"`response.done` for {rid}, which never had a `response.created`")
            return
        status = text(body, "status")
        reason = text(obj(body, "status_details"), "reason")
        if response.created is not None:
            self._cause(response, status, reason)
        if response.in_band is False and text(body, "conversation_id"):
            ctx.emit("response.out-of-band", "SHOULD", f"`response.done` for the out-of-band response {rid} names conversation "
                     f"{text(body, 'conversation_id')!r}; its response.created had conversation_id null", related=(response.created or 0,))
        if status != "failed":
            self._unclosed(response)
        if status == "completed" and response.created is not None:
            self._reconcile(response, body)
            for ref, message, related in response.mismatches:
                ctx.emit("delta.concat-equals-done", "SHOULD", message, ref=ref, related=related)
        if response.in_band:
            for item in response.items.values():
                info = ctx.items.get(item.id)
                if info is not None and item.added is not None:
                    info.mirror_due = (item.added, ctx.line)
        if response.in_band is not False and response.first_call and status == "completed":
            self.awaiting_tool_output = response.first_call

    def _finish(self, rid: str) -> None:
        ctx = self.ctx
        self.finished[rid] = ctx.line
        ctx.last_response_done = ctx.line
        if ctx.default_active.pop(rid, None) is not None:
            ctx.last_default_done = ctx.line

    def _cause(self, response: Response, status: str | None, reason: str | None) -> None:
        """Rules 10, 13 and 36: a cancelled response names a cause the transcript shows."""
        ctx, rid = self.ctx, response.id
        if status == "cancelled" and reason == "client_cancelled":
            asked = rid in ctx.cancel_for or (response.in_band is not False and max(ctx.last_idless_cancel, ctx.last_oab_clear) > response.since)
            if not asked and ctx.client_seen:
                ctx.emit("response.status-cause", "SHOULD",
                         f"`response.done` for {rid} says cancelled by the client (client_cancelled), but the client sent no "
                         "`response.cancel` for it")
        if status == "cancelled" and reason == "turn_detected":
            if response.in_band is False:
                ctx.emit("response.out-of-band", "MUST",
                         f"the out-of-band response {rid} was cancelled by turn detection; voice activity interrupts only "
                         "default-conversation responses", related=(response.created or 0,))
            elif ctx.last_speech_started <= response.since:
                ctx.emit("response.status-cause", "SHOULD",
                         f"`response.done` for {rid} says cancelled by turn detection (turn_detected), but no "
                         "`input_audio_buffer.speech_started` came since the previous response ended")
        if response.speech and response.in_band:
            interrupts = ctx.interrupts()
            if interrupts is True and status == "completed":
                ctx.emit("bargein.auto-cancel", "SHOULD",
                         f"{rid} ran to completion although speech started at line {response.speech} while it was still streaming "
                         "and interrupt_response is on; it should end cancelled (turn_detected)", related=(response.speech,))
            if interrupts is False and status == "cancelled" and reason == "turn_detected":
                ctx.emit("bargein.auto-cancel", "SHOULD",
                         f"{rid} was cancelled by turn detection although interrupt_response is false", related=(response.speech,))

    def _unclosed(self, response: Response) -> None:
        """Rule 16: before response.done every opened part, item and call is closed."""
        ctx, rid = self.ctx, response.id
        for item in response.items.values():
            for part in item.parts.values():
                # A dialect that never sends a *.done (xAI: response.output_text.done) does not owe it.
                owed = [kind for kind in _OWED.get(part.type or "", ()) if kind not in part.done and _DONE_NAMES[kind] not in ctx.ordering.unsent]
                if part.closed is None:
                    owed.append("content_part")
                if owed:
                    names = ", ".join(f"`{_DONE_NAMES.get(kind, 'response.content_part.done')}`" for kind in owed)
                    ctx.emit("response.closes-open-parts", "SHOULD",
                             f"`response.done` for {rid} while content part {part.index} of item {item.id} still lacks {names}",
                             related=tuple(x for x in (part.added,) if x))
            if item.type == "function_call" and item.arguments_done is None and item.added is not None:
                ctx.emit("response.closes-open-parts", "SHOULD",
                         f"`response.done` for {rid} while function call {item.id} never got `response.function_call_arguments.done`",
                         related=(item.added,))
            if item.done is None:
                ctx.emit("response.closes-open-parts", "SHOULD",
                         f"`response.done` for {rid} while output item {item.id} never got `response.output_item.done`",
                         related=tuple(x for x in (item.added,) if x))

    def _reconcile(self, response: Response, body: dict[str, Any]) -> None:
        """Rule 18: a completed response.done lists the announced items at their indexes, without audio."""
        ctx = self.ctx
        output = body.get("output")
        if not isinstance(output, list):
            return
        announced = [item for item in response.items.values() if item.added is not None]
        listed = [text(entry, "id") for entry in output]
        for item in announced:
            if item.id not in listed:
                ctx.emit("item.index-and-done-output", "SHOULD",
                         f"`response.done` for {response.id} does not list item {item.id}, announced at line {item.added}; it lists every "
                         "output item of the response", related=(item.added,))
            elif len(listed) == len(announced) and item.index is not None and listed.index(item.id) != item.index:
                # Items only in response.done (an MCP listing, say) may shift the rest: positions are judged only without them.
                ctx.emit("item.index-and-done-output", "SHOULD",
                         f"`response.done` for {response.id} lists item {item.id} at output[{listed.index(item.id)}]; it was announced "
                         f"with output_index {item.index}", related=(item.added,))
        for index, entry in enumerate(output):
            content = entry.get("content") if isinstance(entry, dict) else None
            for part in content if isinstance(content, list) else ():
                if text(part, "audio"):
                    ctx.emit("item.index-and-done-output", "SHOULD",
                             f"`response.done` for {response.id} carries audio bytes in output[{index}]; it should omit the raw audio")
                    return

    # --- lookups ------------------------------------------------------------------------------

    def _response(self, event: dict[str, Any], *, after_done_ok: bool = False) -> Response | None:
        """The open response the event names, or ``None`` (the finding already made)."""
        ctx = self.ctx
        rid = text(event, "response_id")
        if rid is None:
            return None
        response = self.open.get(rid)
        if response is not None:
            return response
        if rid in self.finished:
            if not after_done_ok:
                ctx.emit("response.quiet-after-done", "MUST",
                         f"{code(ctx.type)} for {rid} arrives after that response's `response.done` (line {self.finished[rid]})",
                         related=(self.finished[rid],))
            return None
        if not (ctx.excerpt or self.open_overflowed):
            ctx.emit("response.created-first", "MUST", f"{code(ctx.type)} for {rid} arrives before any `response.created` for it")
        response = Response(rid, None, None, ctx.last_default_done, ctx.output_bytes_per_ms)
        self.open[rid] = response
        return response

    def _item(self, response: Response, event: dict[str, Any], rule: str, level: str, what: str) -> OutputItem | None:
        """The item the event names within ``response``; an unknown one is flagged under ``rule``
        (unless the response is partial) and then tracked as partial, so it is flagged once."""
        ctx = self.ctx
        item_id = text(event, "item_id")
        if item_id is None:
            return None
        item = response.items.get(item_id)
        if item is None:
            if response.created is not None:
                owner = ctx.items.get(item_id)
                elsewhere = f" (it belongs to {owner.response_id})" if owner and owner.response_id and owner.response_id != response.id else ""
                ctx.emit(rule, level, f"{code(ctx.type)} for item {item_id} {what}: no `response.output_item.added` announced it in "  # type: ignore[arg-type]
                         f"{response.id}{elsewhere}")
            item = self._track(response, OutputItem(item_id, integer(event, "output_index"), None, None))
        self._check_index(item, event)
        return item

    def _track(self, response: Response, item: OutputItem) -> OutputItem:
        if len(response.items) < ITEMS_PER_RESPONSE:
            response.items[item.id] = item
        return item

    def _check_index(self, item: OutputItem, event: dict[str, Any]) -> None:
        index = integer(event, "output_index")
        if item.index is not None and index is not None and index != item.index and item.added is not None:
            self.ctx.emit("item.index-and-done-output", "SHOULD",
                          f"{code(self.ctx.type)} for item {item.id} has output_index {index}; its `response.output_item.added` "
                          f"(line {item.added}) gave {item.index}", related=(item.added,))

    # --- output items -------------------------------------------------------------------------

    def item_added(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        response = self._response(event)
        item = obj(event, "item")
        item_id = text(item, "id")
        if response is None or item_id is None:
            return
        index = integer(event, "output_index")
        if item_id in response.items:
            first = response.items[item_id].added
            ctx.emit("item.within-response", "MUST", f"item {item_id} is announced twice in {response.id}"
                     + (f" (first at line {first})" if first else ""), related=(first,) if first else ())
            return
        owner = ctx.items.get(item_id)
        if owner is not None and owner.response_id not in (None, response.id):
            ctx.emit("item.within-response", "MUST", f"item {item_id} is announced in {response.id} but is already an output item of "
                     f"{owner.response_id} (line {owner.first})", related=(owner.first,))
        if index is not None and index in response.indexes:
            ctx.emit("item.within-response", "MUST", f"output_index {index} is used twice in {response.id} "
                     f"(by {response.indexes[index]} and {item_id})")
        elif index is not None and response.created is not None and index != len(response.indexes):
            ctx.emit("item.index-and-done-output", "SHOULD",
                     f"item {item_id} is announced with output_index {index}; the {_ordinal(len(response.indexes))} item of {response.id} "
                     f"should have index {len(response.indexes)}")
        kind = text(item, "type")
        entry = self._track(response, OutputItem(item_id, index, kind, ctx.line, text(item, "call_id"), text(item, "name")))
        if index is not None:
            response.indexes.setdefault(index, item_id)
        info = ctx.item(item_id)
        info.response_id = response.id
        if response.in_band is False:
            info.out_of_band = ctx.line
            if info.added is not None:
                ctx.emit("response.out-of-band", "MUST", f"item {item_id} of the out-of-band response {response.id} was added to the "
                         f"conversation (line {info.added}); out-of-band output is not", related=(info.added,))
        info.kind = info.kind or item_kind(item)
        if ctx.transport == "websocket" and response.created is not None and info.audio_ms is None:
            info.audio_ms = {}
        if kind == "function_call":
            response.first_call = response.first_call or ctx.line
            if entry.call_id:
                ctx.calls[entry.call_id] = ctx.line

    def item_done(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        response = self._response(event)
        body = obj(event, "item")
        item_id = text(body, "id")
        if response is None or item_id is None:
            return
        item = self._item(response, {**event, "item_id": item_id}, "item.within-response", "MUST", "is done before it was added")
        if item is None:
            return
        if item.done is not None:
            ctx.emit("item.within-response", "MUST", f"a second `response.output_item.done` for item {item_id} (first at line {item.done})",
                     related=(item.done,))
            return
        item.done = ctx.line
        arguments = text(body, "arguments")
        if item.final_arguments is not None and arguments is not None and not item.final_arguments.equals(arguments):
            ctx.emit("function.call-lifecycle", "MUST",
                     f"`response.output_item.done` for function call {item_id} has other arguments than its "
                     f"`response.function_call_arguments.done` (line {item.arguments_done}): {item.final_arguments.difference(arguments)}",
                     related=(item.arguments_done or 0,))
        if item.type == "mcp_call" and item.mcp_started is not None and item.mcp_ended is None:
            ctx.emit("mcp.call-lifecycle", "SHOULD", f"`response.output_item.done` for MCP call {item_id} while the call is still in "
                     f"progress (`response.mcp_call.in_progress` at line {item.mcp_started}, no completed or failed)", related=(item.mcp_started,))

    # --- content parts and deltas -------------------------------------------------------------

    def part_added(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        response = self._response(event)
        index = integer(event, "content_index")
        if response is None or index is None:
            return
        item = self._item(response, event, "part.within-item", "MUST", "adds a content part to an item not added")
        if item is None:
            return
        if item.done is not None:
            ctx.emit("part.within-item", "MUST", f"`response.content_part.added` for item {item.id} arrives after its "
                     f"`response.output_item.done` (line {item.done})", related=(item.done,))
        if item.type not in (None, "message"):
            ctx.emit("part.within-item", "MUST", f"`response.content_part.added` on {item.type} item {item.id}; only message items "
                     "have content parts", related=(item.added or 0,))
        if index in item.parts:
            first = item.parts[index].added
            ctx.emit("part.within-item", "MUST", f"content part {index} of item {item.id} is added twice"
                     + (f" (first at line {first})" if first else ""), related=(first,) if first else ())
            return
        kind = text(obj(event, "part"), "type")
        if len(item.parts) < PARTS_PER_ITEM:
            item.parts[index] = Part(index, ctx.line, kind)
        if kind == "audio":
            response.audio_part = True

    def _part(self, event: dict[str, Any], rule: str, what: str) -> tuple[Response, OutputItem, Part] | None:
        ctx = self.ctx
        response = self._response(event)
        index = integer(event, "content_index")
        if response is None or index is None:
            return None
        item = self._item(response, event, rule, "MUST", what)
        if item is None:
            return None
        part = item.parts.get(index)
        if part is None:
            if item.added is not None:
                ctx.emit(rule, "MUST", f"{code(ctx.type)} for item {item.id} {what}: content part {index} was never added "
                         "(no `response.content_part.added`)", related=(item.added,))
            part = Part(index, None)
            if len(item.parts) < PARTS_PER_ITEM:
                item.parts[index] = part
        if item.done is not None:
            ctx.emit("part.within-item", "MUST", f"{code(ctx.type)} for item {item.id} arrives after that item's "
                     f"`response.output_item.done` (line {item.done})", related=(item.done,))
        return response, item, part

    def part_done(self, event: dict[str, Any]) -> None:
        found = self._part(event, "part.within-item", "closes a part never opened")
        if found is None:
            return
        _, item, part = found
        if part.closed is not None:
            self.ctx.emit("part.within-item", "MUST", f"a second `response.content_part.done` for content part {part.index} of item "
                          f"{item.id} (first at line {part.closed})", related=(part.closed,))
            return
        part.closed = self.ctx.line

    def part_event(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        kind, is_done, field_name = _PART_EVENTS[ctx.type or ""]
        found = self._part(event, "delta.within-part", "arrives outside any content part")
        if found is None:
            return
        response, item, part = found
        where = f"item {item.id}" + (f" content part {part.index}" if part.index else "")
        if part.closed is not None:
            ctx.emit("delta.within-part", "MUST", f"{code(ctx.type)} for {where} arrives after that part's "
                     f"`response.content_part.done` (line {part.closed})", related=(part.closed,))
        if kind in part.done:
            ctx.emit("delta.within-part", "MUST", f"{code(ctx.type)} for {where} arrives after that part's "
                     f"{code(_DONE_NAMES[kind])} (line {part.done[kind]})", related=(part.done[kind],))
            return
        if part.type == "text" and kind in ("audio", "transcript") or part.type == "audio" and kind == "text":
            ctx.emit("part.modality", "SHOULD", f"{code(ctx.type)} in content part {part.index} of item {item.id}, which was added as a "
                     f"{part.type} part (line {part.added})", related=(part.added or 0,))
        if is_done:
            part.done[kind] = ctx.line
            value = text(event, field_name) if field_name else None
            digest = part.digests.get(kind)
            if value is not None and part.added is not None and not (digest or Digest()).equals(value):
                message = (f"{code(ctx.type)} for {where}: its {field_name} is not the concatenation of its deltas; "
                           f"{(digest or Digest()).difference(value)}")
                response.mismatches.append((ctx.here(), message, (part.added,)))
            return
        delta = text(event, "delta")
        if delta is None:
            return
        if kind == "audio":
            info = ctx.items.get(item.id)
            if info is not None and info.audio_ms is not None and part.added is not None:
                info.audio_ms[part.index] = info.audio_ms.get(part.index, 0.0) + base64_length(delta) / response.bytes_per_ms
        else:
            part.digests.setdefault(kind, Digest()).add(delta)

    # --- function and MCP calls ---------------------------------------------------------------

    def arguments(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        mcp = (ctx.type or "").startswith("response.mcp_call_arguments")
        rule, level, wanted = ("mcp.call-lifecycle", "SHOULD", "mcp_call") if mcp else ("function.call-lifecycle", "MUST", "function_call")
        response = self._response(event)
        if response is None:
            return
        call_id = text(event, "call_id")
        if not mcp and call_id and (ctx.type or "").endswith(".done"):
            if call_id not in ctx.calls:  # the call exists, whether or not its item was announced
                ctx.calls[call_id] = ctx.line
        item = self._item(response, event, rule, level, f"is not within a {wanted} item")
        if item is None:
            return
        if item.type not in (None, wanted):
            ctx.emit(rule, level, f"{code(ctx.type)} for item {item.id}, which is a {item.type} item, not a {wanted}", related=(item.added or 0,))  # type: ignore[arg-type]
        if item.done is not None:
            ctx.emit(rule, level, f"{code(ctx.type)} for item {item.id} arrives after its `response.output_item.done` (line {item.done})",  # type: ignore[arg-type]
                     related=(item.done,))
        if not mcp and call_id is not None and item.call_id is not None and call_id != item.call_id:
            ctx.emit(rule, level, f"{code(ctx.type)} for item {item.id} has call_id {call_id!r}; the item's call_id is {item.call_id!r}",  # type: ignore[arg-type]
                     related=(item.added or 0,))
        if "obfuscation" in event:
            item.obfuscated = True
        if item.arguments_done is not None:
            ctx.emit(rule, level, f"{code(ctx.type)} for item {item.id} arrives after its arguments were done (line {item.arguments_done})",  # type: ignore[arg-type]
                     related=(item.arguments_done,))
            return
        if ctx.type.endswith(".delta"):  # type: ignore[union-attr]
            delta = text(event, "delta")
            if delta is not None:
                (item.arguments or self._new_arguments(item)).add(delta)
            return
        item.arguments_done = ctx.line
        name = text(event, "name")
        if not mcp and name is not None and item.name is not None and name != item.name:
            ctx.emit(rule, level, f"`response.function_call_arguments.done` for item {item.id} names {name!r}; the item calls {item.name!r}",  # type: ignore[arg-type]
                     related=(item.added or 0,))
        final = text(event, "arguments")
        if final is None:
            return
        item.final_arguments = Digest()
        item.final_arguments.add(final)
        if item.added is not None and not item.obfuscated and not (item.arguments or Digest()).equals(final):
            message = f"{code(ctx.type)} for item {item.id}: its arguments are not the concatenation of its deltas; {(item.arguments or Digest()).difference(final)}"
            response.mismatches.append((ctx.here(), message, (item.added,)))
        if not mcp and response.in_band and item.added is not None:
            info = ctx.items.get(item.id)
            if info is not None and info.added is None:
                ctx.emit("function.call-lifecycle", "SHOULD", f"`response.function_call_arguments.done` for {item.id} before the "
                         "function call's `conversation.item.added`; clients track calls from it", related=(item.added,))

    @staticmethod
    def _new_arguments(item: OutputItem) -> Digest:
        item.arguments = Digest()
        return item.arguments

    def mcp_call(self, event: dict[str, Any]) -> None:
        """Rule 28. These events carry no response_id; only calls announced by output_item.added are judged."""
        ctx = self.ctx
        item_id = text(event, "item_id")
        info = ctx.items.get(item_id) if item_id else None
        response = self.open.get(info.response_id) if info and info.response_id else None
        item = response.items.get(item_id) if response and item_id else None
        if item is None:
            return
        self._check_index(item, event)
        if item.done is not None:
            ctx.emit("mcp.call-lifecycle", "SHOULD", f"{code(ctx.type)} for {item_id} arrives after its `response.output_item.done` "
                     f"(line {item.done})", related=(item.done,))
        if ctx.type == "response.mcp_call.in_progress":
            if item.mcp_ended is not None:
                ctx.emit("mcp.call-lifecycle", "SHOULD", f"`response.mcp_call.in_progress` for {item_id} after the call ended (line {item.mcp_ended})",
                         related=(item.mcp_ended,))
            item.mcp_started = item.mcp_started or ctx.line
            return
        if item.mcp_ended is not None:
            ctx.emit("mcp.call-lifecycle", "SHOULD", f"{code(ctx.type)} for {item_id}, whose call already ended (line {item.mcp_ended})",
                     related=(item.mcp_ended,))
            return
        if item.mcp_started is None:
            ctx.emit("mcp.call-lifecycle", "SHOULD", f"{code(ctx.type)} for {item_id} without `response.mcp_call.in_progress` first")
        item.mcp_ended = ctx.line

    # --- the WebRTC/SIP output audio buffer, and barge-in ---------------------------------------

    def playback_started(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        response = self._response(event)
        rid = text(event, "response_id")
        if rid is None:
            return
        if response is not None and response.created is not None and not response.audio_part:
            ctx.emit("oab.bracketing", "SHOULD", f"`output_audio_buffer.started` for {rid} before any audio content part of it was added")
        playback = self.playback.get(rid)
        if playback is not None and playback.started is not None:
            ctx.emit("oab.bracketing", "SHOULD", f"a second `output_audio_buffer.started` for {rid} (first at line {playback.started})",
                     related=(playback.started,))
            return
        self.playback[rid] = Playback(started=ctx.line)

    def playback_ended(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        rid = text(event, "response_id")
        if rid is None:
            return
        stopped = ctx.type == "output_audio_buffer.stopped"
        if rid in self.open:
            if stopped:
                ctx.emit("oab.bracketing", "SHOULD", f"`output_audio_buffer.stopped` for {rid} before its `response.done`; playback "
                         "stops after the full response was sent")
        elif rid not in self.finished and not (ctx.excerpt or self.open_overflowed):
            ctx.emit("response.created-first", "MUST", f"{code(ctx.type)} for {rid}, which never had a `response.created`")
        playback = self.playback.get(rid)
        if playback is None or playback.started is None:
            if not ctx.excerpt:
                ctx.emit("oab.bracketing", "SHOULD", f"{code(ctx.type)} for {rid} without `output_audio_buffer.started`")
            return
        previous = playback.stopped if stopped else playback.cleared
        if previous is not None:
            ctx.emit("oab.bracketing", "SHOULD", f"a second {code(ctx.type)} for {rid} (first at line {previous})", related=(previous,))
            return
        if stopped:
            playback.stopped = ctx.line
            return
        playback.cleared = ctx.line
        if max(ctx.last_speech_started, ctx.last_oab_clear) < playback.started and ctx.client_seen:
            ctx.emit("oab.bracketing", "SHOULD", f"`output_audio_buffer.cleared` for {rid} with neither speech started nor a client "
                     f"`output_audio_buffer.clear` since playback started (line {playback.started})", related=(playback.started,))

    def speech_started(self, event: dict[str, Any]) -> None:
        for rid in self.ctx.default_active:
            response = self.open.get(rid)
            if response is not None and response.speech is None and response.streaming():
                response.speech = self.ctx.line

    # --- the end ------------------------------------------------------------------------------

    def finish(self) -> None:
        ctx = self.ctx
        if not ctx.excerpt:
            for response in self.open.values():
                if response.created is not None:
                    ctx.emit("response.done-exactly-once", "INFO",
                             f"{response.id} is still in progress when the transcript ends: no `response.done` "
                             "(the connection may have closed first)", ref=(response.created, "response.created", None))
        for rid, playback in self.playback.items():
            if playback.started is not None and playback.stopped is None and playback.cleared is None:
                ctx.emit("oab.bracketing", "INFO", f"playback of {rid} is still started when the transcript ends: no "
                         "`output_audio_buffer.stopped` or `.cleared`", ref=(playback.started, "output_audio_buffer.started", None))

    @property
    def complete(self) -> bool:
        return not self.open


def _in_band(response: dict[str, Any] | None) -> bool | None:
    if not isinstance(response, dict) or "conversation_id" not in response:
        return None
    return isinstance(response["conversation_id"], str)



def _ordinal(index: int) -> str:
    return {0: "first", 1: "second", 2: "third"}.get(index, f"{index + 1}th")
