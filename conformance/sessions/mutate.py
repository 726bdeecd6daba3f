"""Broken copies of valid sessions: each drops, duplicates, moves, alters or inserts one frame, and
names the rule that must catch it, at the level that rule gives the breakage.

    for mutation in mutations(path.read_text()):
        result = check_transcript(parse_text(mutation.text))
        assert any(f.rule == mutation.rule and f.level == mutation.level for f in result.findings)

Deterministic: every mutation is found by scanning the session in order, so the same session always
yields the same broken copies, and every new session brings its own. A mutation is only offered
where the session gives it the context its rule needs (a later acknowledged request, so that an
unanswered one counts as skipped; an in-band response; a WebSocket transport...). The mutation
score is the share of mutations whose rule finds them (:func:`score`).
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .findings import Level

Operation = Literal["drop", "duplicate", "move", "alter", "insert"]
Line = dict[str, Any]

#: Requests a complete valid session always answers: one sent later and answered shows that the
#: server went past an earlier request left unanswered.
_ANSWERED_KINDS = ("session.update", "conversation.item.create", "conversation.item.retrieve", "conversation.item.delete",
                   "conversation.item.truncate", "input_audio_buffer.clear", "input_audio_buffer.commit", "response.create")
_DELTAS = ("response.output_text.delta", "response.output_audio_transcript.delta", "response.output_audio.delta")


@dataclass(frozen=True)
class Mutation:
    session: str
    rule: str
    level: Level
    operation: Operation
    #: Lines of the *valid* session that were changed (for a move: from, to).
    lines: tuple[int, ...]
    description: str
    #: The broken transcript, as JSON Lines.
    text: str
    #: Tells apart two mutations of the same rule, operation and lines.
    ordinal: int = 1

    @property
    def id(self) -> str:
        base = f"{self.session}/{self.rule}/{self.operation}@{','.join(map(str, self.lines))}"
        return base if self.ordinal == 1 else f"{base}#{self.ordinal}"


class _Session:
    """A transcript as a list of lines (line n is index n - 1), with finders."""

    def __init__(self, text: str) -> None:
        self.lines: list[Line] = [json.loads(line) for line in text.splitlines() if line.strip()]
        header = self.lines[0].get("transcript") if self.lines else None
        self.header: dict[str, Any] = header if isinstance(header, dict) else {}
        self.id = str(self.header.get("id", "session"))

    def event(self, index: int) -> dict[str, Any]:
        event = self.lines[index].get("event")
        return event if isinstance(event, dict) else {}

    def find(self, kind: str | tuple[str, ...], *, side: str = "server", start: int = 0, where: Callable[[dict[str, Any]], bool] | None = None) -> int | None:
        for index in range(max(start, 0), len(self.lines)):
            line = self.lines[index]
            event = self.event(index)
            if line.get("dir") == side and event.get("type") in ((kind,) if isinstance(kind, str) else kind) and (where is None or where(event)):
                return index
        return None

    def find_all(self, kind: str | tuple[str, ...], **options: Any) -> list[int]:
        found, start = [], 0
        while (index := self.find(kind, start=start, **options)) is not None:
            found.append(index)
            start = index + 1
        return found

    def answered_later(self, index: int, positional: str | None = None) -> bool:
        """A request the session answers comes after ``index``; with ``positional``, also no later
        request of that kind (acknowledgements of positional kinds answer the oldest pending one,
        so a dropped one would be charged to the last request of the kind instead)."""
        if positional is not None and self.find(positional, side="client", start=index + 1) is not None:
            return False
        return self.find(_ANSWERED_KINDS, side="client", start=index + 1) is not None

    def response_of(self, index: int) -> str | None:
        event = self.event(index)
        return event.get("response_id") or (event.get("response") or {}).get("id")

    def done_of(self, rid: str | None) -> int | None:
        return self.find("response.done", where=lambda e: (e.get("response") or {}).get("id") == rid)

    def created_of(self, rid: str | None) -> int | None:
        return self.find("response.created", where=lambda e: (e.get("response") or {}).get("id") == rid)

    def in_band(self, rid: str | None) -> bool:
        created = self.created_of(rid)
        return created is not None and isinstance((self.event(created).get("response") or {}).get("conversation_id"), str)

    def status(self, rid: str | None) -> str | None:
        done = self.done_of(rid)
        return (self.event(done).get("response") or {}).get("status") if done is not None else None

    # --- building the broken copy ---------------------------------------------------------------

    def text(self, lines: list[Line]) -> str:
        return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)

    def copy(self) -> list[Line]:
        return copy.deepcopy(self.lines)

    def drop(self, index: int) -> list[Line]:
        lines = self.copy()
        del lines[index]
        return lines

    def duplicate(self, index: int) -> list[Line]:
        lines = self.copy()
        twin = copy.deepcopy(lines[index])
        if isinstance(twin.get("event"), dict) and "event_id" in twin["event"]:
            twin["event"]["event_id"] = f"event_copy{index:04d}mutation"
        lines.insert(index + 1, twin)
        return lines

    def move(self, index: int, before: int) -> list[Line]:
        """Move line ``index`` so that it comes just before the line now at ``before`` (or after
        the last line when ``before`` is past the end)."""
        lines = self.copy()
        line = lines[index]
        lines.insert(before, line)
        del lines[index + 1 if before <= index else index]
        return lines

    def alter(self, index: int, change: Callable[[dict[str, Any]], None]) -> list[Line]:
        lines = self.copy()
        change(lines[index].get("event") if index else lines[0]["transcript"])
        return lines

    def insert(self, after: int, side: str, event: dict[str, Any]) -> list[Line]:
        lines = self.copy()
        lines.insert(after + 1, {"dir": side, "event": event})
        return lines


Maker = Callable[[_Session], Iterator[tuple[str, Level, Operation, tuple[int, ...], str, list[Line]]]]
_MAKERS: list[Maker] = []


def _maker(function: Maker) -> Maker:
    _MAKERS.append(function)
    return function


def mutations(text: str) -> Iterator[Mutation]:
    """The broken copies of one valid session (its transcript text)."""
    session = _Session(text)
    seen: Counter[tuple[str, str, tuple[int, ...]]] = Counter()
    for make in _MAKERS:
        for rule, level, operation, lines, description, broken in make(session):
            seen[rule, operation, lines] += 1
            yield Mutation(session.id, rule, level, operation, lines, description, session.text(broken), seen[rule, operation, lines])


def _n(index: int) -> int:
    return index + 1


# --- the session and its ids ----------------------------------------------------------------------


@_maker
def _session_created(s: _Session) -> Iterator[Any]:
    first = s.find("session.created")
    if first is None:
        return
    second = s.find(("session.updated", "conversation.item.added", "input_audio_buffer.speech_started", "response.created", "mcp_list_tools.in_progress"), start=first + 1)
    if second is not None:
        yield ("session.created-first", "MUST", "move", (_n(first), _n(second)), "session.created moved after the next server event",
               s.move(first, second + 1))
    yield ("session.created-first", "MUST", "duplicate", (_n(first),), "session.created sent twice", s.duplicate(first))


@_maker
def _update_acked(s: _Session) -> Iterator[Any]:
    for update in s.find_all("session.update", side="client"):
        ack = s.find(("session.updated", "error"), start=update + 1)
        if ack is not None and s.event(ack)["type"] == "session.updated" and s.answered_later(update, "session.update"):
            yield ("session.update-acked", "MUST", "drop", (_n(ack),), "the session.updated answering a session.update dropped", s.drop(ack))
            return


@_maker
def _event_ids(s: _Session) -> Iterator[Any]:
    servers = [i for i, line in enumerate(s.lines) if line.get("dir") == "server" and "event_id" in s.event(i)]
    if len(servers) >= 3:
        earlier = s.event(servers[1])["event_id"]
        yield ("event-id.unique", "MUST", "alter", (_n(servers[2]),), "a server event reuses the previous server event's event_id",
               s.alter(servers[2], lambda e: e.__setitem__("event_id", earlier)))
    clients = [i for i, line in enumerate(s.lines) if line.get("dir") == "client" and "event_id" in s.event(i)]
    if len(clients) >= 2:
        earlier = s.event(clients[0])["event_id"]
        yield ("event-id.unique", "SHOULD", "alter", (_n(clients[-1]),), "a client event reuses an earlier client event_id",
               s.alter(clients[-1], lambda e: e.__setitem__("event_id", earlier)))


@_maker
def _errors(s: _Session) -> Iterator[Any]:
    for index in s.find_all("error", where=lambda e: isinstance((e.get("error") or {}).get("event_id"), str)):
        yield ("error.names-client-event", "MUST", "alter", (_n(index),), "an error names an event_id no client event carried",
               s.alter(index, lambda e: e["error"].__setitem__("event_id", "evt_never_sent_0")))
        break
    for index in s.find_all("error", where=lambda e: isinstance((e.get("error") or {}).get("event_id"), str)):
        named = s.event(index)["error"]["event_id"]
        request = s.find("conversation.item.delete", side="client", where=lambda e: e.get("event_id") == named)
        if request is not None:
            ack = {"type": "conversation.item.deleted", "event_id": "event_mutationDeletedAck0", "item_id": s.event(request)["item_id"]}
            yield ("error.replaces-ack", "MUST", "insert", (_n(index),), "the item a refused delete named is reported deleted after the error",
                   s.insert(index, "server", ack))
            return


# --- responses --------------------------------------------------------------------------------


@_maker
def _response_lifecycle(s: _Session) -> Iterator[Any]:
    added = s.find("response.output_item.added")
    if added is not None:
        created = s.created_of(s.response_of(added))
        if created is not None:
            yield ("response.created-first", "MUST", "move", (_n(added), _n(created)), "an output item announced before its response.created",
                   s.move(added, created))
            yield ("item.within-response", "MUST", "duplicate", (_n(added),), "an output item announced twice", s.duplicate(added))
    dones = s.find_all("response.done")
    if dones:
        last = dones[-1]
        yield ("response.done-exactly-once", "MUST", "duplicate", (_n(last),), "response.done sent twice", s.duplicate(last))
        if not s.header.get("excerpt"):
            yield ("response.done-exactly-once", "INFO", "drop", (_n(last),), "the last response.done dropped (the response stays open)",
                   s.drop(last))
    for delta in s.find_all(_DELTAS + ("response.function_call_arguments.delta",)):
        done = s.done_of(s.response_of(delta))
        if done is not None:
            yield ("response.quiet-after-done", "MUST", "move", (_n(delta), _n(done)), "a delta moved after its response's response.done",
                   s.move(delta, done + 1))
            break


@_maker
def _status_cause(s: _Session) -> Iterator[Any]:
    recorded = any(line.get("dir") == "client" for line in s.lines)  # a log without client frames cannot show a missing cancel
    if not recorded or s.find("response.cancel", side="client") is not None or s.find("output_audio_buffer.clear", side="client") is not None:
        return
    done = s.find("response.done", where=lambda e: (e.get("response") or {}).get("status") == "completed")
    if done is not None:
        def cancel(event: dict[str, Any]) -> None:
            event["response"]["status"] = "cancelled"
            event["response"]["status_details"] = {"type": "cancelled", "reason": "client_cancelled"}

        yield ("response.status-cause", "SHOULD", "alter", (_n(done),), "a response reported cancelled by the client, who sent no cancel",
               s.alter(done, cancel))


@_maker
def _single_active(s: _Session) -> Iterator[Any]:
    created = [i for i in s.find_all("response.created") if s.in_band(s.response_of(i))]
    for first, second in zip(created, created[1:]):
        done = s.done_of(s.response_of(first))
        if done is not None and done < second:
            yield ("response.single-active-default", "MUST", "move", (_n(second), _n(done)),
                   "a second default response created before the first one's response.done", s.move(second, done))
            return


@_maker
def _create_while_active(s: _Session) -> Iterator[Any]:
    for error in s.find_all("error", where=lambda e: (e.get("error") or {}).get("code") == "conversation_already_has_active_response"):
        if s.answered_later(error):
            yield ("response.create-while-active", "MUST", "drop", (_n(error),),
                   "the error refusing a response.create sent while a response was active dropped", s.drop(error))
            return


@_maker
def _out_of_band(s: _Session) -> Iterator[Any]:
    for added in s.find_all("response.output_item.added"):
        rid = s.response_of(added)
        created = s.created_of(rid)
        if created is not None and (s.event(created).get("response") or {}).get("conversation_id", "") is None:
            mirror = {"type": "conversation.item.added", "event_id": "event_mutationOobMirror00", "previous_item_id": None,
                      "item": s.event(added)["item"]}
            yield ("response.out-of-band", "MUST", "insert", (_n(added),), "an out-of-band output item added to the conversation",
                   s.insert(added, "server", mirror))
            return


@_maker
def _cancel_outcome(s: _Session) -> Iterator[Any]:
    for error in s.find_all("error", where=lambda e: (e.get("error") or {}).get("code") == "response_cancel_not_active"):
        if s.answered_later(error):
            yield ("response.cancel-outcome", "MUST", "drop", (_n(error),), "the error answering a cancel with nothing to cancel dropped",
                   s.drop(error))
            return


@_maker
def _parts(s: _Session) -> Iterator[Any]:
    for done in s.find_all("response.content_part.done"):
        if s.status(s.response_of(done)) == "completed":
            yield ("response.closes-open-parts", "SHOULD", "drop", (_n(done),), "a content_part.done dropped", s.drop(done))
            break
    for part in s.find_all("response.content_part.added"):
        event = s.event(part)
        item = s.find("response.output_item.added", where=lambda e: (e.get("item") or {}).get("id") == event.get("item_id"))
        if item is not None:
            yield ("part.within-item", "MUST", "move", (_n(part), _n(item)), "a content part added before its item", s.move(part, item))
            break
    for delta in s.find_all(_DELTAS):
        event = s.event(delta)
        closed = s.find("response.content_part.done", start=delta, where=lambda e: e.get("item_id") == event.get("item_id"))
        if closed is not None:
            yield ("delta.within-part", "MUST", "move", (_n(delta), _n(closed)), "a delta moved after its part's content_part.done",
                   s.move(delta, closed + 1))
            break
    for done in s.find_all(("response.output_text.done", "response.output_audio_transcript.done")):
        yield ("delta.within-part", "MUST", "duplicate", (_n(done),), "a part's *.done sent twice", s.duplicate(done))
        break


@_maker
def _indexes(s: _Session) -> Iterator[Any]:
    for delta in s.find_all(_DELTAS):
        yield ("item.index-and-done-output", "SHOULD", "alter", (_n(delta),), "a delta with another output_index than its item's",
               s.alter(delta, lambda e: e.__setitem__("output_index", e["output_index"] + 7)))
        return


@_maker
def _concatenation(s: _Session) -> Iterator[Any]:
    for delta in s.find_all(("response.output_text.delta", "response.output_audio_transcript.delta", "response.function_call_arguments.delta")):
        if s.status(s.response_of(delta)) == "completed":
            yield ("delta.concat-equals-done", "SHOULD", "alter", (_n(delta),), "a delta's text changed, so the deltas no longer add up",
                   s.alter(delta, lambda e: e.__setitem__("delta", e["delta"] + "~")))
            return


@_maker
def _modality(s: _Session) -> Iterator[Any]:
    for part in s.find_all("response.content_part.added", where=lambda e: (e.get("part") or {}).get("type") == "audio"):
        item_id = s.event(part).get("item_id")
        if s.find("response.output_audio_transcript.delta", start=part, where=lambda e: e.get("item_id") == item_id) is not None:
            yield ("part.modality", "SHOULD", "alter", (_n(part),), "an audio part announced as a text part",
                   s.alter(part, lambda e: e.__setitem__("part", {"type": "text", "text": ""})))
            return


@_maker
def _mirror(s: _Session) -> Iterator[Any]:
    for added in s.find_all("response.output_item.added"):
        rid, item_id = s.response_of(added), (s.event(added).get("item") or {}).get("id")
        if not s.in_band(rid):
            continue
        mirror = s.find("conversation.item.added", where=lambda e: (e.get("item") or {}).get("id") == item_id)
        if mirror is not None:
            yield ("item.conversation-mirror", "SHOULD", "drop", (_n(mirror),), "the conversation.item.added mirroring an output item dropped",
                   s.drop(mirror))
            return


@_maker
def _function_calls(s: _Session) -> Iterator[Any]:
    done = s.find("response.function_call_arguments.done")
    if done is not None:
        yield ("function.call-lifecycle", "MUST", "alter", (_n(done),), "function_call_arguments.done with another call_id than its item's",
               s.alter(done, lambda e: e.__setitem__("call_id", "call_mutatedCallId00")))
        yield ("function.call-lifecycle", "MUST", "alter", (_n(done),), "function_call_arguments.done naming another function",
               s.alter(done, lambda e: e.__setitem__("name", "cancel_order")))
    output = s.find("conversation.item.create", side="client", where=lambda e: (e.get("item") or {}).get("type") == "function_call_output")
    if output is not None:
        yield ("function.output-then-create", "SHOULD", "alter", (_n(output),), "a function_call_output naming a call that never happened",
               s.alter(output, lambda e: e["item"].__setitem__("call_id", "call_neverMadeCall00")))
        create = s.find("response.create", side="client", start=output)
        if create is not None:
            yield ("function.output-then-create", "SHOULD", "drop", (_n(create),),
                   "the client's response.create after the function output dropped: the server continues by itself", s.drop(create))


@_maker
def _mcp(s: _Session) -> Iterator[Any]:
    completed = s.find("mcp_list_tools.completed")
    if completed is not None:
        yield ("mcp.list-tools", "SHOULD", "duplicate", (_n(completed),), "mcp_list_tools.completed sent twice", s.duplicate(completed))
    progress = s.find("response.mcp_call.in_progress")
    if progress is not None:
        yield ("mcp.call-lifecycle", "SHOULD", "drop", (_n(progress),), "response.mcp_call.in_progress dropped", s.drop(progress))


# --- input audio ------------------------------------------------------------------------------


@_maker
def _input_buffer(s: _Session) -> Iterator[Any]:
    cleared = s.find("input_audio_buffer.cleared")
    if cleared is not None and s.answered_later(cleared, "input_audio_buffer.clear"):
        yield ("input.append-unacked-clear-acked", "MUST", "drop", (_n(cleared),), "the cleared answering a clear dropped", s.drop(cleared))
    empty = s.find("error", where=lambda e: (e.get("error") or {}).get("code") == "input_audio_buffer_commit_empty")
    if empty is not None:
        committed = {"type": "input_audio_buffer.committed", "event_id": s.event(empty)["event_id"], "previous_item_id": None,
                     "item_id": "item_mutationEmptyCommit0"}
        lines = s.copy()
        lines[empty] = {**lines[empty], "event": committed}
        yield ("input.commit-empty-error", "MUST", "alter", (_n(empty),), "an empty commit answered by committed instead of an error", lines)


@_maker
def _committed_items(s: _Session) -> Iterator[Any]:
    for committed in s.find_all("input_audio_buffer.committed"):
        item_id = s.event(committed).get("item_id")
        added = s.find("conversation.item.added", start=committed, where=lambda e: (e.get("item") or {}).get("id") == item_id)
        if added is not None:
            yield ("input.commit-creates-item", "MUST", "drop", (_n(added),), "the user item of a commit never added", s.drop(added))
            break
    for committed in s.find_all("input_audio_buffer.committed", where=lambda e: e.get("previous_item_id") is not None):
        yield ("item.previous-id-known", "SHOULD", "alter", (_n(committed),), "a commit names a previous item that never existed",
               s.alter(committed, lambda e: e.__setitem__("previous_item_id", "item_neverSeenBefore000")))
        break


@_maker
def _vad(s: _Session) -> Iterator[Any]:
    stopped = s.find("input_audio_buffer.speech_stopped")
    if stopped is not None:
        yield ("vad.speech-pairing", "SHOULD", "alter", (_n(stopped),), "speech_stopped for another item than the speech that started",
               s.alter(stopped, lambda e: e.__setitem__("item_id", "item_otherSpeechItem000")))
    timeout = s.find("input_audio_buffer.timeout_triggered")
    if timeout is not None:
        dones = [d for d in s.find_all("response.done") if d < timeout]
        if dones:
            yield ("vad.idle-timeout", "SHOULD", "move", (_n(timeout), _n(dones[-1])), "the idle timeout fires before the response ended",
                   s.move(timeout, dones[-1]))


@_maker
def _transcription(s: _Session) -> Iterator[Any]:
    completed = s.find("conversation.item.input_audio_transcription.completed")
    if completed is not None:
        yield ("transcription.per-item", "MUST", "alter", (_n(completed),), "a transcript for an item the session never committed",
               s.alter(completed, lambda e: e.__setitem__("item_id", "item_neverCommitted0000")))
        yield ("transcription.per-item", "SHOULD", "duplicate", (_n(completed),), "an input transcription completed twice",
               s.duplicate(completed))


@_maker
def _barge_in(s: _Session) -> Iterator[Any]:
    for done in s.find_all("response.done", where=lambda e: _reason(e) == "turn_detected"):
        def completed(event: dict[str, Any]) -> None:
            event["response"]["status"] = "completed"
            event["response"]["status_details"] = None

        yield ("bargein.auto-cancel", "SHOULD", "alter", (_n(done),), "a response interrupted by speech reported as completed",
               s.alter(done, completed))
        return


# --- truncation and items -----------------------------------------------------------------------


@_maker
def _truncation(s: _Session) -> Iterator[Any]:
    truncate = s.find("conversation.item.truncate", side="client")
    if truncate is None:
        return
    item_id = s.event(truncate).get("item_id")
    truncated = s.find("conversation.item.truncated", start=truncate, where=lambda e: e.get("item_id") == item_id)
    if truncated is None:
        return
    if s.answered_later(truncate):
        yield ("truncate.acked", "MUST", "drop", (_n(truncated),), "the truncated answering a truncate dropped", s.drop(truncated))
    yield ("truncate.acked", "SHOULD", "alter", (_n(truncated),), "truncated reports another audio_end_ms than requested",
           s.alter(truncated, lambda e: e.__setitem__("audio_end_ms", e["audio_end_ms"] + 40)))
    if s.header.get("transport", "websocket") == "websocket":
        yield ("truncate.bounds", "SHOULD", "alter", (_n(truncate),), "the client truncates beyond the audio it received",
               s.alter(truncate, lambda e: e.__setitem__("audio_end_ms", 60_000)))
        yield ("truncate.bounds", "MUST", "alter", (_n(truncated),), "the server acknowledges a truncation beyond the audio it sent",
               s.alter(truncated, lambda e: e.__setitem__("audio_end_ms", 60_000)))
        yield ("truncate.who", "SHOULD", "drop", (_n(truncate),), "the server truncates on a WebSocket with no truncate asked", s.drop(truncate))


@_maker
def _item_requests(s: _Session) -> Iterator[Any]:
    for create in s.find_all("conversation.item.create", side="client", where=lambda e: isinstance((e.get("item") or {}).get("id"), str)):
        item_id = s.event(create)["item"]["id"]
        added = s.find("conversation.item.added", start=create, where=lambda e: (e.get("item") or {}).get("id") == item_id)
        if added is None:
            continue
        yield ("item.create-acked", "MUST", "drop", (_n(added),), "the conversation.item.added answering an item create dropped", s.drop(added))
        break
    for create in s.find_all("conversation.item.create", side="client", where=lambda e: e.get("previous_item_id") == "root"):
        item_id = (s.event(create).get("item") or {}).get("id")
        added = s.find("conversation.item.added", start=create, where=lambda e: (e.get("item") or {}).get("id") == item_id)
        if added is not None:
            yield ("item.create-acked", "MUST", "alter", (_n(added),), "an item inserted at the root reported after another item",
                   s.alter(added, lambda e: e.__setitem__("previous_item_id", s.event(create - 1).get("item", {}).get("id") or "item_x")))
            break
    for kind, ack in (("conversation.item.delete", "conversation.item.deleted"), ("conversation.item.retrieve", "conversation.item.retrieved")):
        for request in s.find_all(kind, side="client"):
            item_id = s.event(request).get("item_id")
            answer = s.find(ack, start=request, where=lambda e: (e.get("item_id") or (e.get("item") or {}).get("id")) == item_id)
            if answer is not None and s.answered_later(request):
                yield ("item.delete-retrieve-acked", "MUST", "drop", (_n(answer),), f"the {ack} answering a request dropped", s.drop(answer))
                break


# --- transport ----------------------------------------------------------------------------------


@_maker
def _transport(s: _Session) -> Iterator[Any]:
    transport = s.header.get("transport", "websocket")
    if transport in ("webrtc", "sip") and s.find(("output_audio_buffer.started", "output_audio_buffer.stopped")) is not None:
        yield ("oab.transport-scope", "MUST", "alter", (1,), "the session declared a WebSocket one: its output_audio_buffer.* must not exist",
               s.alter(0, lambda h: h.__setitem__("transport", "websocket")))
    if transport == "sip" and s.find("input_audio_buffer.dtmf_event_received") is not None:
        yield ("oab.transport-scope", "MUST", "alter", (1,), "the SIP session declared a WebRTC one: DTMF exists only on SIP",
               s.alter(0, lambda h: h.__setitem__("transport", "webrtc")))
    stopped = s.find("output_audio_buffer.stopped")
    if stopped is not None:
        done = s.done_of(s.response_of(stopped))
        if done is not None:
            yield ("oab.bracketing", "SHOULD", "move", (_n(stopped), _n(done)), "playback stopped before the response's response.done",
                   s.move(stopped, done))
        started = s.find("output_audio_buffer.started", where=lambda e: e.get("response_id") == s.response_of(stopped))
        if started is not None:
            yield ("oab.bracketing", "SHOULD", "drop", (_n(started),), "output_audio_buffer.started dropped", s.drop(started))


# --- frames the reference models reject -------------------------------------------------------


@_maker
def _invalid_frame(s: _Session) -> Iterator[Any]:
    started = s.find("input_audio_buffer.speech_started", where=lambda e: "audio_start_ms" in e)  # optional in xAI's and Inworld's
    if started is not None:
        yield ("event.verdict", "MUST", "alter", (_n(started),), "audio_start_ms sent as a string",
               s.alter(started, lambda e: e.__setitem__("audio_start_ms", str(e["audio_start_ms"]))))


def _reason(event: dict[str, Any]) -> Any:
    """A response.done's status_details.reason; xAI sends status_details as a string ("unimplemented")."""
    details = (event.get("response") or {}).get("status_details")
    return details.get("reason") if isinstance(details, dict) else None


@dataclass(frozen=True)
class Score:
    caught: int
    total: int
    #: mutation id -> what the checker found instead, for the ones not caught.
    missed: dict[str, str]

    @property
    def ratio(self) -> float:
        return self.caught / self.total if self.total else 1.0


def score(texts: list[str]) -> Score:
    """Run every mutation of every session through the checker: caught = a finding of the named rule
    at the named level."""
    from .rules import check_transcript
    from .transcript import parse_text

    caught, total, missed = 0, 0, {}
    for text in texts:
        for mutation in mutations(text):
            total += 1
            result = check_transcript(parse_text(mutation.text))
            if any(f.rule == mutation.rule and f.level == mutation.level for f in result.findings):
                caught += 1
            else:
                missed[mutation.id] = "; ".join(f"{f.level} {f.rule}" for f in result.findings) or "no finding"
    return Score(caught, total, missed)
