"""Client requests and the server's answers (session-rules.md 2–5, 12, 14, 26, 29, 31, 37–41, 43,
44): which request each acknowledgement or error answers, and what a request still unanswered at
the end means.

Acknowledgements do not name the request they answer, so correlation is by target where there is
one (the item of a retrieve, delete, truncate, or of a create that chose its id) and by position
otherwise (the oldest pending request of the kind). An error answers the request whose event_id
it names; one without an event_id answers the oldest pending request its code belongs to, and one
whose code says nothing may have answered any pending request, which is then never reported as
unanswered (no false alarm from an error we cannot place).

A request still unanswered when the transcript ends is MUST when the server answered a request
sent *after* it (so it went past this one), and INFO otherwise: the connection may have closed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .context import Context, Ref, code, integer, item_kind, obj, text
from .lifecycle import TRUNCATE_TOLERANCE_MS, Lifecycle
from .state import PENDING_REQUESTS, Window, base64_length

Handler = Callable[[dict[str, Any]], None]

#: Error codes that say which kind of request failed (session-rules.md 12, 14, 31, 41).
_ERROR_CODES = {
    "conversation_already_has_active_response": "response.create",
    "input_audio_buffer_commit_empty": "input_audio_buffer.commit",
    "response_cancel_not_active": "response.cancel",
    "item_retrieve_invalid_item_id": "conversation.item.retrieve",
}
#: The rule that a request left unanswered breaks.
_UNANSWERED = {
    "session.update": ("session.update-acked", "a `session.updated` or an `error`"),
    "input_audio_buffer.clear": ("input.append-unacked-clear-acked", "an `input_audio_buffer.cleared` or an `error`"),
    "conversation.item.create": ("item.create-acked", "a `conversation.item.added` or an `error`"),
    "conversation.item.retrieve": ("item.delete-retrieve-acked", "a `conversation.item.retrieved` or an `error`"),
    "conversation.item.delete": ("item.delete-retrieve-acked", "a `conversation.item.deleted` or an `error`"),
    "conversation.item.truncate": ("truncate.acked", "a `conversation.item.truncated` or an `error`"),
    "response.cancel": ("response.cancel-outcome", "an `error` (nothing was in progress to cancel)"),
}


@dataclass(slots=True)
class Request:
    kind: str
    ref: Ref
    seq: int
    #: The item it targets, when it names one.
    target: str | None = None
    answer: str | None = None
    #: An error we could not place may have answered it.
    maybe: bool = False
    #: kind-specific: the created item's type; an explicit previous_item_id; a truncate's position;
    #: an empty commit; the default response in progress when a response.create was sent.
    item_kind: str = ""
    previous: str | None = None
    has_previous: bool = False
    content_index: int | None = None
    audio_end_ms: int | None = None
    empty_since: int | None = None
    while_active: str | None = None
    oob: bool = False


class Requests:
    def __init__(self, ctx: Context, lifecycle: Lifecycle) -> None:
        self.ctx = ctx
        self.lifecycle = lifecycle
        self.pending: OrderedDict[int, Request] = OrderedDict()
        #: client event_id -> the request (while it may still be answered) or the line of the event.
        self.by_event_id: Window[str, Request | int] = Window()
        self.seq = 0
        self.last_answered_seq = 0
        #: Requests answered by an error, by (kind, target) and, for positional kinds, the latest.
        self.errored: Window[tuple[str, str], Request] = Window(1024)
        self.last_errored: dict[str, Request] = {}
        #: Bytes appended since the input buffer was last known empty; None when unknown.
        self.buffer: int | None = None if ctx.excerpt else 0
        self.buffer_since = 0
        self.client: dict[str, Handler] = {
            "session.update": self.request,
            "input_audio_buffer.append": self.append,
            "input_audio_buffer.commit": self.commit,
            "input_audio_buffer.clear": self.request,
            "output_audio_buffer.clear": self.playback_clear,
            "conversation.item.create": self.create_item,
            "conversation.item.retrieve": self.targeted,
            "conversation.item.delete": self.targeted,
            "conversation.item.truncate": self.truncate,
            "response.create": self.create_response,
            "response.cancel": self.cancel,
        }
        self.server: dict[str, Handler] = {
            "error": self.error,
            "session.updated": self.session_updated,
            "input_audio_buffer.committed": self.committed,
            "input_audio_buffer.cleared": self.cleared,
            "conversation.item.added": self.item_added,
            "conversation.item.created": self.item_added,
            "conversation.item.retrieved": self.retrieved,
            "conversation.item.deleted": self.deleted,
            "conversation.item.truncated": self.truncated,
            "response.created": self.response_created,
            "response.done": self.response_done,
        }

    # --- every client event -------------------------------------------------------------------

    def client_event(self, event: dict[str, Any]) -> Request:
        """Number the client event and check that its event_id is new (rule 3, client side)."""
        ctx = self.ctx
        self.seq += 1
        request = Request(ctx.type or "", ctx.here(), self.seq)
        event_id = ctx.event_id
        if event_id is not None:
            earlier = self.by_event_id.get(event_id)
            if earlier is not None:
                line = earlier if isinstance(earlier, int) else earlier.ref[0]
                ctx.emit("event-id.unique", "SHOULD", f"client event_id {event_id!r} was already used at line {line}; the server "
                         "labels errors with it, so a reused id makes them ambiguous", related=(line,))
            # Only requests that await an answer keep their object (see _pend); the rest keep a line.
            self.by_event_id[event_id] = ctx.line
        return request

    def _pend(self, request: Request) -> None:
        self.pending[request.seq] = request
        if request.ref[2] is not None:
            self.by_event_id[request.ref[2]] = request
        if len(self.pending) > PENDING_REQUESTS:
            self.pending.popitem(last=False)

    def _oldest(self, kind: str, target: str | None = None, match: Callable[[Request], bool] | None = None) -> Request | None:
        for request in self.pending.values():
            if request.kind == kind and (target is None or request.target == target) and (match is None or match(request)):
                return request
        return None

    def _answer(self, request: Request, how: str) -> None:
        self.pending.pop(request.seq, None)
        if request.kind == "input_audio_buffer.commit":
            self.ctx.pending_commits = max(0, self.ctx.pending_commits - 1)
        request.answer = how
        self.last_answered_seq = max(self.last_answered_seq, request.seq)
        if how == "error":
            if request.target is not None:
                self.errored[(request.kind, request.target)] = request
            self.last_errored[request.kind] = request
        elif self.last_errored.get(request.kind) and self.last_errored[request.kind].seq < request.seq:
            del self.last_errored[request.kind]

    def _acked_after_error(self, kind: str, target: str | None, ack: str) -> bool:
        """Rule 5: an acknowledgement nothing pending explains, for a request an error answered."""
        request = self.errored.pop((kind, target)) if target is not None and (kind, target) in self.errored else None
        if request is None and target is None:
            request = self.last_errored.pop(kind, None)
        if request is None:
            return False
        self.ctx.emit("error.replaces-ack", "MUST", f"{ack} for the {code(kind)} at line {request.ref[0]}, which was already answered "
                      "by an `error`; a refused request gets no success acknowledgement", related=(request.ref[0],))
        return True

    # --- client requests ----------------------------------------------------------------------

    def request(self, event: dict[str, Any], request: Request) -> None:
        if request.kind == "input_audio_buffer.clear":
            self.ctx.last_client_commit_or_clear = self.ctx.line
        self._pend(request)

    def append(self, event: dict[str, Any], request: Request) -> None:
        audio = text(event, "audio")
        if self.buffer is not None and audio is not None:
            self.buffer += base64_length(audio)

    def commit(self, event: dict[str, Any], request: Request) -> None:
        ctx = self.ctx
        ctx.last_client_commit_or_clear = ctx.line
        ctx.pending_commits += 1
        if ctx.transport == "websocket" and ctx.vad() is False and self.buffer == 0:
            request.empty_since = self.buffer_since
            ctx.emit("input.commit-empty-error", "INFO", "`input_audio_buffer.commit` of an empty input buffer (no audio appended "
                     + (f"since line {self.buffer_since}" if self.buffer_since else "in the session") + "); the server must refuse it")
        self._pend(request)

    def create_item(self, event: dict[str, Any], request: Request) -> None:
        ctx = self.ctx
        item = obj(event, "item")
        request.target = text(item, "id")
        request.item_kind = item_kind(item)
        if "previous_item_id" in event and (event["previous_item_id"] is None or isinstance(event["previous_item_id"], str)):
            request.has_previous, request.previous = True, event["previous_item_id"]
        if request.target is not None:
            info = ctx.item(request.target)
            info.created_by = ctx.line
            info.kind = info.kind or request.item_kind
            info.input_audio = info.input_audio or _has_input_audio(item)
        kind = text(item, "type")
        call_id = text(item, "call_id")
        if kind == "function_call_output":
            ctx.last_client_tool_output = ctx.line
        if kind == "function_call" and call_id:
            ctx.calls[call_id] = ctx.line
        if kind == "function_call_output" and call_id is not None and call_id not in ctx.calls and not ctx.unknown_ok(ctx.calls):
            ctx.emit("function.output-then-create", "SHOULD", f"`conversation.item.create` of a function_call_output for call_id {call_id!r}, "
                     "which names no function call of this session")
        self._pend(request)

    def targeted(self, event: dict[str, Any], request: Request) -> None:
        request.target = text(event, "item_id")
        self._pend(request)

    def truncate(self, event: dict[str, Any], request: Request) -> None:
        ctx = self.ctx
        request.target = text(event, "item_id")
        request.content_index = integer(event, "content_index")
        request.audio_end_ms = integer(event, "audio_end_ms")
        received = self._received(request.target, request.content_index)
        if received is not None and request.audio_end_ms is not None and request.audio_end_ms > received + TRUNCATE_TOLERANCE_MS:
            ctx.emit("truncate.bounds", "SHOULD", f"`conversation.item.truncate` of {request.target} at {request.audio_end_ms} ms, but only "
                     f"{received:.0f} ms of its audio (content part {request.content_index}) was received; truncate within what was played")
        self._pend(request)

    def _received(self, item_id: str | None, index: int | None) -> float | None:
        """Milliseconds of output audio received for (item, content part), when the transcript holds all of it."""
        info = self.ctx.items.get(item_id) if item_id else None
        if info is None or info.audio_ms is None or index is None:
            return None
        return info.audio_ms.get(index, 0.0)

    def create_response(self, event: dict[str, Any], request: Request) -> None:
        ctx = self.ctx
        request.oob = text(obj(event, "response"), "conversation") == "none"
        if not request.oob and ctx.default_active:
            request.while_active, line = next(iter(ctx.default_active.items()))
            ctx.emit("response.create-while-active", "INFO", f"`response.create` for the default conversation while {request.while_active} "
                     f"(created at line {line}) is in progress; the server must refuse it with an error", related=(line,))
        ctx.last_client_response_create = ctx.line
        self._pend(request)

    def cancel(self, event: dict[str, Any], request: Request) -> None:
        ctx = self.ctx
        rid = text(event, "response_id")
        request.target = rid
        if rid is not None:
            ctx.cancel_for[rid] = ctx.line
            if rid in self.lifecycle.open or (ctx.excerpt and rid not in self.lifecycle.finished):
                return
        else:
            ctx.last_idless_cancel = ctx.line
            if ctx.default_active or (ctx.excerpt and self.lifecycle.open):
                return
        self._pend(request)  # nothing to cancel: an error must answer it

    def playback_clear(self, event: dict[str, Any], request: Request) -> None:
        ctx = self.ctx
        if ctx.transport == "websocket":
            ctx.emit("oab.transport-scope", "SHOULD", "`output_audio_buffer.clear` on a WebSocket session; it exists only on WebRTC and "
                     "SIP, and the server should reject it")
        for rid, line in ctx.default_active.items():
            if ctx.cancel_for.get(rid) is None and ctx.last_idless_cancel < line:
                ctx.emit("oab.bracketing", "SHOULD", f"`output_audio_buffer.clear` while {rid} (created at line {line}) is in progress, "
                         "without a `response.cancel` first to stop its generation", related=(line,))
        ctx.last_oab_clear = ctx.line

    # --- server answers -----------------------------------------------------------------------

    def error(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        details = obj(event, "error")
        event_id = text(details, "event_id")
        if event_id is not None:
            request = self.by_event_id.get(event_id)
            if request is None:
                if not ctx.unknown_ok(self.by_event_id) and ctx.client_seen:
                    ctx.emit("error.names-client-event", "MUST", f"`error` names event_id {event_id!r}, which no client event of this "
                             "session carried")
                return
            if isinstance(request, Request) and request.seq in self.pending:
                self._answer(request, "error")
            return
        kind = _ERROR_CODES.get(text(details, "code") or "")
        request = self._oldest(kind) if kind else None
        if request is not None:
            self._answer(request, "error")
            return
        for request in self.pending.values():
            request.maybe = True

    def session_updated(self, event: dict[str, Any]) -> None:
        request = self._oldest("session.update")
        if request is not None:
            self._answer(request, "session.updated")
        else:
            self._acked_after_error("session.update", None, "`session.updated`")

    def committed(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        request = self._oldest("input_audio_buffer.commit")
        if request is not None:
            self._answer(request, "committed")
            if request.empty_since is not None:
                ctx.emit("input.commit-empty-error", "MUST", f"`input_audio_buffer.committed` answers the commit at line {request.ref[0]} of an "
                         "empty buffer; committing an empty buffer must produce an error (input_audio_buffer_commit_empty)",
                         related=(request.ref[0],))
        elif ctx.vad() is False:
            self._acked_after_error("input_audio_buffer.commit", None, "`input_audio_buffer.committed`")
        self._buffer_emptied()

    def cleared(self, event: dict[str, Any]) -> None:
        request = self._oldest("input_audio_buffer.clear")
        if request is not None:
            self._answer(request, "cleared")
        else:
            self._acked_after_error("input_audio_buffer.clear", None, "`input_audio_buffer.cleared`")
        self._buffer_emptied()

    def _buffer_emptied(self) -> None:
        # Under server VAD the server commits segments of the buffer by itself: its content is unknown.
        self.buffer = 0 if self.ctx.vad() is False else None
        self.buffer_since = self.ctx.line

    def item_added(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        item = obj(event, "item")
        item_id = text(item, "id")
        if item_id is None:
            return
        request = self._oldest("conversation.item.create", item_id)
        info = ctx.items.get(item_id)
        if request is None and (info is None or (info.response_id is None and info.committed is None)):
            kind = item_kind(item)
            request = self._oldest("conversation.item.create", match=lambda r: r.target is None and r.item_kind == kind)
            if request is not None:
                ctx.item(item_id).created_by = request.ref[0]
        if request is None:
            self._acked_after_error("conversation.item.create", item_id, f"{code(ctx.type)} for {item_id}")
            return
        self._answer(request, "added")
        if request.has_previous and "previous_item_id" in event:
            expected = None if request.previous == "root" else request.previous
            got = event["previous_item_id"]
            if got != expected and (got is None or isinstance(got, str)):
                ctx.emit("item.create-acked", "MUST", f"{code(ctx.type)} for {item_id} has previous_item_id {got!r}; the "
                         f"`conversation.item.create` at line {request.ref[0]} asked to insert it after {request.previous!r}"
                         + (" (root: at the beginning, previous_item_id null)" if request.previous == "root" else ""),
                         related=(request.ref[0],))

    def retrieved(self, event: dict[str, Any]) -> None:
        self._targeted_ack("conversation.item.retrieve", text(obj(event, "item"), "id"))

    def deleted(self, event: dict[str, Any]) -> None:
        self._targeted_ack("conversation.item.delete", text(event, "item_id"))

    def _targeted_ack(self, kind: str, item_id: str | None) -> None:
        if item_id is None:
            return
        request = self._oldest(kind, item_id)
        if request is not None:
            self._answer(request, self.ctx.type or "")
        else:
            self._acked_after_error(kind, item_id, f"{code(self.ctx.type)} for {item_id}")

    def truncated(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        item_id = text(event, "item_id")
        if item_id is None:
            return
        index, end = integer(event, "content_index"), integer(event, "audio_end_ms")
        request = self._oldest("conversation.item.truncate", item_id)
        if request is not None:
            self._answer(request, "truncated")
            if (index, end) != (request.content_index, request.audio_end_ms) and None not in (index, end):
                ctx.emit("truncate.acked", "SHOULD", f"`conversation.item.truncated` for {item_id} reports content_index {index}, "
                         f"audio_end_ms {end}; the truncate at line {request.ref[0]} asked for {request.content_index}, "
                         f"{request.audio_end_ms}", related=(request.ref[0],))
        elif not self._acked_after_error("conversation.item.truncate", item_id, f"`conversation.item.truncated` for {item_id}"):
            if ctx.transport == "websocket" and not ctx.excerpt and ctx.client_seen:
                ctx.emit("truncate.who", "SHOULD", f"`conversation.item.truncated` for {item_id} on a WebSocket session, where the client "
                         "manages playback and the server truncates only when asked, and no `conversation.item.truncate` asked")
        info = ctx.items.get(item_id)
        if info is not None and info.kind not in ("", "message", "message:assistant"):
            ctx.emit("truncate.bounds", "MUST", f"`conversation.item.truncated` for {item_id}, a {info.kind} item; only assistant audio "
                     "messages can be truncated, anything else must be refused with an error")
            return
        received = self._received(item_id, index)
        if received is not None and end is not None and end > received + TRUNCATE_TOLERANCE_MS:
            ctx.emit("truncate.bounds", "MUST", f"`conversation.item.truncated` for {item_id} at {end} ms, beyond the {received:.0f} ms of "
                     "audio streamed for it; a truncation past the end of the audio must be refused with an error")

    def response_created(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        response = obj(event, "response")
        if not isinstance(response, dict):
            return
        oob = response.get("conversation_id", "") is None
        request = self._oldest("response.create", match=lambda r: r.oob == oob)
        if request is None:
            if ctx.vad() is False:
                self._acked_after_error("response.create", None, "`response.created`")
            return
        if request.while_active is not None:
            if ctx.last_vad_turn > request.ref[0]:
                return  # a user turn since: this response may be the server's own
            # INFO, not MUST: the response.done of the active response may have been on its way when the
            # request went out, and then the server saw nothing active. A transcript cannot tell.
            ctx.emit("response.create-while-active", "INFO", f"the `response.create` at line {request.ref[0]} was sent while "
                     f"{request.while_active} looked in progress and was answered by this `response.created`, not refused; fine if that "
                     "response's response.done was already on its way, a departure otherwise", related=(request.ref[0],))
        self._answer(request, "created")

    def response_done(self, event: dict[str, Any]) -> None:
        details = obj(obj(event, "response"), "status_details")
        if text(details, "reason") == "client_cancelled":
            request = self._oldest("response.cancel")
            if request is not None:
                self._answer(request, "done")  # the race: the response was created as the cancel went out

    # --- the end ------------------------------------------------------------------------------

    def finish(self) -> None:
        ctx = self.ctx
        if ctx.excerpt:
            return  # a pasted excerpt leaves replies out as often as it keeps them: an absent one is no evidence
        for request in self.pending.values():
            if request.maybe:
                continue
            if request.kind == "response.create" and request.while_active is not None:
                rule, wanted = "response.create-while-active", "an `error` (conversation_already_has_active_response)"
            elif request.kind == "input_audio_buffer.commit" and request.empty_since is not None:
                rule, wanted = "input.commit-empty-error", "an `error` (input_audio_buffer_commit_empty)"
            elif request.kind in _UNANSWERED:
                rule, wanted = _UNANSWERED[request.kind]
            else:
                continue
            overtaken = request.seq < self.last_answered_seq
            why = ("although the server answered later requests" if overtaken else
                   "before the transcript ends (the connection may have closed)")
            ctx.emit(rule, "MUST" if overtaken else "INFO", f"{code(request.kind)} was never answered by {wanted}, {why}", ref=request.ref)



def _has_input_audio(item: dict[str, Any] | None) -> bool:
    content = item.get("content") if isinstance(item, dict) else None
    return isinstance(content, list) and any(text(part, "type") == "input_audio" for part in content)
