"""The session rules, one by one: a minimal session that passes and one that fails (each failure at
the rule's level), and the behaviours session-rules.md §3 says not to flag, as passes."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from conformance.sessions.catalogue import DOCUMENT_RULES, RULES
from conformance.sessions.rules import Finding, SessionChecker, SessionResult, check_frames, check_transcript
from conformance.sessions.transcript import parse_text

_ids = itertools.count(1)
PCM_20MS = "A" * 1280  # 960 bytes: 20 ms of 24 kHz 16-bit audio
VAD = {"type": "server_vad", "threshold": 0.5, "create_response": True, "interrupt_response": True}


#: Any client frame: shows that the transcript records the client side (see test_a_log_of_server_events_alone...).
def client_recorded() -> dict[str, Any]:
    return {"dir": "client", "event": {"type": "input_audio_buffer.append", "audio": "AAAA"}}


def S(kind: str, **fields: Any) -> dict[str, Any]:
    return {"dir": "server", "event": {"type": kind, "event_id": f"event_{next(_ids)}", **fields}}


def C(kind: str, **fields: Any) -> dict[str, Any]:
    return {"dir": "client", "event": {"type": kind, **fields}}


def opened(turn: Any = None, output: str = "audio/pcm") -> dict[str, Any]:
    fmt = {"type": output, "rate": 24000} if output == "audio/pcm" else {"type": output}
    return S("session.created", session={"type": "realtime", "object": "realtime.session", "id": "sess_1",
                                         "audio": {"input": {"turn_detection": turn}, "output": {"format": fmt}}})


def created(rid: str = "r1", conversation: str | None = "conv_1", status: str = "in_progress") -> dict[str, Any]:
    return S("response.created", response={"id": rid, "object": "realtime.response", "status": status, "conversation_id": conversation, "output": []})


def done(rid: str = "r1", status: str = "completed", reason: str | None = None, output: list[Any] | None = None,
         conversation: str | None = "conv_1") -> dict[str, Any]:
    details = None if reason is None else {"type": status, "reason": reason}
    return S("response.done", response={"id": rid, "object": "realtime.response", "status": status, "status_details": details,
                                        "conversation_id": conversation, "output": output if output is not None else []})


def message(item: str = "i1", status: str = "in_progress", text: str | None = None) -> dict[str, Any]:
    content = [] if text is None else [{"type": "output_text", "text": text}]
    return {"id": item, "object": "realtime.item", "type": "message", "role": "assistant", "status": status, "content": content}


def item_added(rid: str = "r1", item: str = "i1", index: int = 0, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return S("response.output_item.added", response_id=rid, output_index=index, item=body or message(item))


def item_done(rid: str = "r1", item: str = "i1", index: int = 0, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return S("response.output_item.done", response_id=rid, output_index=index, item=body or message(item, "completed"))


def ids(rid: str, item: str, index: int = 0, part: int = 0) -> dict[str, Any]:
    return {"response_id": rid, "item_id": item, "output_index": index, "content_index": part}


def part_added(rid: str = "r1", item: str = "i1", kind: str = "text", index: int = 0, part: int = 0) -> dict[str, Any]:
    return S("response.content_part.added", **ids(rid, item, index, part), part={"type": kind})


def part_done(rid: str = "r1", item: str = "i1", kind: str = "text", index: int = 0, part: int = 0) -> dict[str, Any]:
    return S("response.content_part.done", **ids(rid, item, index, part), part={"type": kind})


def text_delta(delta: str, rid: str = "r1", item: str = "i1", index: int = 0) -> dict[str, Any]:
    return S("response.output_text.delta", **ids(rid, item, index), delta=delta)


def text_done(text: str, rid: str = "r1", item: str = "i1", index: int = 0) -> dict[str, Any]:
    return S("response.output_text.done", **ids(rid, item, index), text=text)


def audio_delta(rid: str = "r1", item: str = "i1", delta: str = PCM_20MS) -> dict[str, Any]:
    return S("response.output_audio.delta", **ids(rid, item), delta=delta)


def mirror(item: str = "i1", previous: str | None = None, body: dict[str, Any] | None = None, kind: str = "conversation.item.added") -> dict[str, Any]:
    return S(kind, previous_item_id=previous, item=body or message(item))


def text_item(rid: str = "r1", item: str = "i1", words: tuple[str, ...] = ("Hi", "!"), index: int = 0, in_band: bool = True) -> list[dict[str, Any]]:
    """A complete text message item of a response."""
    text = "".join(words)
    frames = [item_added(rid, item, index)]
    if in_band:
        frames.append(mirror(item))
    frames += [part_added(rid, item, index=index), *(text_delta(w, rid, item, index) for w in words), text_done(text, rid, item, index),
               part_done(rid, item, index=index), item_done(rid, item, index, message(item, "completed", text))]
    if in_band:
        frames.append(mirror(item, body=message(item, "completed", text), kind="conversation.item.done"))
    return frames


def text_response(rid: str = "r1", item: str = "i1", conversation: str | None = "conv_1") -> list[dict[str, Any]]:
    return [created(rid, conversation), *text_item(rid, item, in_band=conversation is not None),
            done(rid, output=[message(item, "completed", "Hi!")], conversation=conversation)]


def user_turn(item: str = "u1", previous: str | None = None, start: int = 100, end: int = 900) -> list[dict[str, Any]]:
    user = {"id": item, "object": "realtime.item", "type": "message", "role": "user", "status": "completed", "content": [{"type": "input_audio"}]}
    return [S("input_audio_buffer.speech_started", audio_start_ms=start, item_id=item),
            S("input_audio_buffer.speech_stopped", audio_end_ms=end, item_id=item),
            S("input_audio_buffer.committed", previous_item_id=previous, item_id=item),
            mirror(body=user, previous=previous), mirror(body=user, previous=previous, kind="conversation.item.done")]


def transcribed(item: str = "u1", kind: str = "completed") -> dict[str, Any]:
    if kind == "delta":
        return S("conversation.item.input_audio_transcription.delta", item_id=item, content_index=0, delta="hel")
    return S("conversation.item.input_audio_transcription.completed", item_id=item, content_index=0, transcript="hello",
             usage={"type": "duration", "seconds": 1.0})


def error(code: str | None = None, event_id: str | None = None) -> dict[str, Any]:
    return S("error", error={"type": "invalid_request_error", "code": code, "message": "refused", "param": None, "event_id": event_id})


def run(*frames: dict[str, Any], transport: str = "websocket", excerpt: bool = False, open_with: Any = "default") -> SessionResult:
    lines = list(frames)
    if open_with == "default":
        lines.insert(0, opened())
    elif open_with is not None:
        lines.insert(0, open_with)
    text = "\n".join(json.dumps(line) for line in lines)
    return check_frames(parse_text(text), transport=transport, excerpt=excerpt)


def found(result: SessionResult, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def levels(result: SessionResult, rule: str) -> set[str]:
    return {f.level for f in found(result, rule)}


def clean(result: SessionResult) -> bool:
    """No finding above INFO, and every frame valid."""
    return all(f.level == "INFO" for f in result.findings) and set(result.verdicts) == {"valid"}


# --- the catalogue --------------------------------------------------------------------------------


def test_the_catalogue_holds_the_44_rules_in_the_documents_order() -> None:
    assert [rule.number for rule in DOCUMENT_RULES] == list(range(1, 45))
    assert DOCUMENT_RULES[6].id == "response.created-first" and DOCUMENT_RULES[20].id == "delta.within-part"
    left_out = {rule.id for rule in DOCUMENT_RULES if not rule.implemented}
    assert left_out == {"error.not-terminal"}
    assert all(rule.left_out or rule.checked for rule in RULES.values())


def test_a_valid_text_response_is_clean() -> None:
    result = run(C("response.create"), *text_response())
    assert clean(result) and result.findings == [] and result.complete


# --- 1-6: the session and its identifiers -----------------------------------------------------------


def test_session_created_first() -> None:
    assert found(run(*text_response()), "session.created-first") == []
    late = run(S("rate_limits.updated", rate_limits=[]), opened(), open_with=None)
    assert [(f.line, f.level) for f in found(late, "session.created-first")] == [(1, "MUST")]
    twice = run(opened())
    assert [(f.line, f.level, f.related_lines) for f in found(twice, "session.created-first")] == [(2, "MUST", (1,))]


def test_session_created_first_allows_a_refusal_error_and_excerpts() -> None:
    assert found(run(error("model_load_error"), opened(), open_with=None), "session.created-first") == []
    assert found(run(*text_response(), open_with=None, excerpt=True), "session.created-first") == []


def test_session_update_acked() -> None:
    update = C("session.update", event_id="c1", session={"type": "realtime"})
    updated = S("session.updated", session={"type": "realtime", "object": "realtime.session", "id": "sess_1"})
    later = [C("conversation.item.create", event_id="c2", item={"id": "x1", "type": "message", "role": "user", "content": []}),
             mirror(body={"id": "x1", "type": "message", "role": "user", "content": []}),
             mirror(body={"id": "x1", "type": "message", "role": "user", "content": []}, kind="conversation.item.done")]
    assert clean(run(update, updated, *later))
    assert clean(run(update, error(event_id="c1"), *later))
    skipped = run(update, *later)
    assert levels(skipped, "session.update-acked") == {"MUST"}
    assert found(skipped, "session.update-acked")[0].line == 2
    assert levels(run(update), "session.update-acked") == {"INFO"}  # the connection may have closed


def test_event_id_unique() -> None:
    first = S("rate_limits.updated", rate_limits=[])
    again = {"dir": "server", "event": {**first["event"]}}
    result = run(first, again)
    assert [(f.line, f.level, f.related_lines) for f in found(result, "event-id.unique")] == [(3, "MUST", (2,))]
    client = run(C("input_audio_buffer.clear", event_id="c1"), S("input_audio_buffer.cleared"), C("input_audio_buffer.clear", event_id="c1"),
                 S("input_audio_buffer.cleared"))
    assert levels(client, "event-id.unique") == {"SHOULD"}


def test_dtmf_events_need_no_event_id() -> None:
    dtmf = {"dir": "server", "event": {"type": "input_audio_buffer.dtmf_event_received", "event": "1", "received_at": 1}}
    assert clean(run(dtmf, dtmf, transport="sip"))


def test_error_names_client_event() -> None:
    assert clean(run(C("input_audio_buffer.commit", event_id="c1"), error("input_audio_buffer_commit_empty", "c1")))
    assert levels(run(client_recorded(), error(event_id="c9")), "error.names-client-event") == {"MUST"}
    assert found(run(error(event_id="c9"), excerpt=True), "error.names-client-event") == []
    assert clean(run(C("response.cancel", event_id="c1"), error("response_cancel_not_active", None)))  # §3 item 6: null is fine
    # a client event of a type the server does not know still carried its event_id
    unknown = run(C("vendor.hello", event_id="u1"), error("invalid_type", "u1"))
    assert found(unknown, "error.names-client-event") == [] and levels(unknown, "event.verdict") == {"INFO"}


def test_error_replaces_ack() -> None:
    delete = C("conversation.item.delete", event_id="c1", item_id="x1")
    assert clean(run(delete, error("item_delete_invalid_item_id", "c1")))
    acked = run(delete, error("item_delete_invalid_item_id", "c1"), S("conversation.item.deleted", item_id="x1"))
    assert [(f.line, f.level, f.related_lines) for f in found(acked, "error.replaces-ack")] == [(4, "MUST", (2,))]
    update = C("session.update", event_id="c2", session={"type": "realtime"})
    updated = S("session.updated", session={"type": "realtime", "object": "realtime.session", "id": "sess_1"})
    assert levels(run(update, error(event_id="c2"), updated), "error.replaces-ack") == {"MUST"}


def test_error_not_terminal_the_checker_reads_on() -> None:
    result = run(error("server_error"), *text_response(), C("response.cancel", response_id="r1"))
    assert result.events == 1 + 1 + len(text_response()) + 1
    assert found(result, "response.cancel-outcome")  # judged after the error


# --- 7-16: responses -------------------------------------------------------------------------------


def test_response_created_first() -> None:
    result = run(*text_response()[1:4], created(), *text_response()[4:])
    assert ("MUST" in levels(result, "response.created-first"))
    assert found(result, "response.created-first")[0].line == 2
    bare = run(done())
    assert levels(bare, "response.created-first") == {"SHOULD"}  # the livekit race: warn only
    assert found(run(*text_response()[1:], excerpt=True), "response.created-first") == []
    assert levels(run(created(), created()), "response.created-first") == {"MUST"}


def test_response_done_exactly_once() -> None:
    assert levels(run(*text_response(), done()), "response.done-exactly-once") == {"MUST"}
    open_end = run(*text_response()[:-1])
    assert levels(open_end, "response.done-exactly-once") == {"INFO"} and not open_end.complete
    cut = run(*text_response()[:-1], excerpt=True)
    assert found(cut, "response.done-exactly-once") == [] and not cut.complete


def test_response_quiet_after_done() -> None:
    result = run(*text_response(), text_delta("late"))
    assert [(f.level, f.related_lines) for f in found(result, "response.quiet-after-done")] == [("MUST", (len(text_response()) + 1,))]
    stopped = run(created(), item_added(), part_added(kind="audio"), S("output_audio_buffer.started", response_id="r1"),
                  done(), S("output_audio_buffer.stopped", response_id="r1"), transport="webrtc")
    assert found(stopped, "response.quiet-after-done") == []


def test_response_status_cause() -> None:
    assert levels(run(created(status="completed"), done()), "response.status-cause") == {"SHOULD"}
    assert levels(run(client_recorded(), created(), done(status="cancelled", reason="client_cancelled")), "response.status-cause") == {"SHOULD"}
    assert found(run(created(), C("response.cancel"), done(status="cancelled", reason="client_cancelled")), "response.status-cause") == []
    assert found(run(C("response.cancel"), created(), done(status="cancelled", reason="client_cancelled")), "response.status-cause") == []  # the race
    assert levels(run(created(), done(status="cancelled", reason="turn_detected")), "response.status-cause") == {"SHOULD"}
    assert found(run(created(), S("input_audio_buffer.speech_started", audio_start_ms=1, item_id="u2"), done(status="cancelled", reason="turn_detected"),
                     open_with=opened(VAD)), "response.status-cause") == []
    assert found(run(created(), done(status="incomplete", reason="max_output_tokens")), "response.status-cause") == []


def test_single_active_default_response() -> None:
    assert levels(run(created("r1"), created("r2"), done("r1"), done("r2")), "response.single-active-default") == {"MUST"}
    assert found(run(*text_response("r1"), *text_response("r2", "i2")), "response.single-active-default") == []


def test_out_of_band_responses_run_beside_the_default_one() -> None:
    """§3: out-of-band responses overlap the default one; all response rules are per response id."""
    result = run(created("r1"), created("r2", conversation=None), item_added("r2", "o1"), item_added("r1", "i1"), mirror("i1"),
                 part_added("r2", "o1"), part_added("r1", "i1"), text_delta("a", "r2", "o1"), text_delta("b", "r1", "i1"),
                 text_done("a", "r2", "o1"), part_done("r2", "o1"), item_done("r2", "o1"), done("r2", conversation=None, output=[message("o1")]),
                 text_done("b", "r1", "i1"), part_done("r1", "i1"), item_done("r1", "i1"), mirror("i1", kind="conversation.item.done"),
                 done("r1", output=[message("i1")]))
    assert clean(result), result.findings


def test_create_while_active() -> None:
    create = C("response.create", event_id="c2")
    refused = run(created(), create, error("conversation_already_has_active_response", "c2"), done(), open_with=opened(None))
    assert clean(refused) and levels(refused, "response.create-while-active") == {"INFO"}
    # answered by a response after the active one ended: its response.done may have been on its way (the race), so INFO
    accepted = run(created(), create, done(), created("r2"), done("r2"), open_with=opened(None))
    assert levels(accepted, "response.create-while-active") == {"INFO"} and len(found(accepted, "response.create-while-active")) == 2
    later = [C("input_audio_buffer.clear", event_id="c5"), S("input_audio_buffer.cleared")]
    unanswered = run(created(), create, done(), *later, open_with=opened(None))
    assert levels(unanswered, "response.create-while-active") == {"INFO", "MUST"}
    oob = run(created(), C("response.create", response={"conversation": "none"}), created("r2", None), done("r2", conversation=None), done())
    assert found(oob, "response.create-while-active") == []


def test_out_of_band_output_stays_out_of_the_conversation() -> None:
    leaked = run(created("r2", None), item_added("r2", "o1"), mirror("o1"))
    assert levels(leaked, "response.out-of-band") == {"MUST"}
    leaked_first = run(created("r2", None), mirror("o1"), item_added("r2", "o1"))
    assert levels(leaked_first, "response.out-of-band") == {"MUST"}
    vad_cancelled = run(created("r2", None), S("input_audio_buffer.speech_started", audio_start_ms=1, item_id="u1"),
                        done("r2", "cancelled", "turn_detected", conversation=None), open_with=opened(VAD))
    assert "MUST" in levels(vad_cancelled, "response.out-of-band")
    named = run(created("r2", None), done("r2", conversation="conv_1"))
    assert levels(named, "response.out-of-band") == {"SHOULD"}


def test_response_cancel_outcome() -> None:
    later = [C("input_audio_buffer.clear", event_id="c5"), S("input_audio_buffer.cleared")]
    assert clean(run(C("response.cancel", event_id="c1"), error("response_cancel_not_active", "c1"), *later))
    assert levels(run(C("response.cancel", event_id="c1"), *later), "response.cancel-outcome") == {"MUST"}
    assert levels(run(C("response.cancel", event_id="c1")), "response.cancel-outcome") == {"INFO"}
    assert found(run(created(), C("response.cancel"), done(status="cancelled", reason="client_cancelled"), *later), "response.cancel-outcome") == []
    assert levels(run(*text_response(), C("response.cancel", response_id="r1"), *later), "response.cancel-outcome") == {"MUST"}


def test_deltas_after_a_cancel_until_done_are_not_flagged() -> None:
    """§3 / rule 15: trailing deltas and *.done after response.cancel are tolerated until response.done."""
    frames = text_response()
    result = run(*frames[:5], C("response.cancel"), *frames[5:-1], done(status="cancelled", reason="client_cancelled"))
    assert clean(result), result.findings


def test_response_closes_open_parts() -> None:
    unclosed = run(created(), item_added(), mirror(), part_added(), text_delta("x"), done())
    assert levels(unclosed, "response.closes-open-parts") == {"SHOULD"}
    assert len(found(unclosed, "response.closes-open-parts")) == 2  # the part (text done, part done) and the item
    failed = run(created(), item_added(), mirror(), part_added(), done(status="failed"))
    assert found(failed, "response.closes-open-parts") == []
    call = run(created(), item_added(body={"id": "f1", "type": "function_call", "call_id": "k1", "name": "f", "arguments": ""}),
               item_done(item="f1", body={"id": "f1", "type": "function_call", "call_id": "k1", "name": "f", "arguments": ""}), done())
    assert levels(call, "response.closes-open-parts") == {"SHOULD"}


# --- 17-24: items, parts, deltas -------------------------------------------------------------------


def test_item_within_response() -> None:
    late = run(*text_response(), item_added(item="i2", index=1))  # outside its response: reported by rule 9, which names the cause
    assert levels(late, "response.quiet-after-done") == {"MUST"}
    twice = run(created(), item_added(), item_added())
    assert levels(twice, "item.within-response") == {"MUST"}
    same_index = run(created(), item_added(item="i1"), item_added(item="i2"))
    assert levels(same_index, "item.within-response") == {"MUST"}
    never_added = run(created(), item_done())
    assert levels(never_added, "item.within-response") == {"MUST"}
    two_responses = run(created("r1"), item_added("r1", "i1"), created("r2", None), item_added("r2", "i1"))
    assert "MUST" in levels(two_responses, "item.within-response")


def test_items_of_one_response_may_overlap() -> None:
    """Rule 19: the first item's done may arrive after the second item's deltas started."""
    result = run(created(), item_added(item="i1"), mirror("i1"), part_added(item="i1"), text_delta("a", item="i1"),
                 item_added(item="i2", index=1), mirror("i2", previous="i1"), part_added(item="i2", index=1), text_delta("b", item="i2", index=1),
                 text_done("a", item="i1"), part_done(item="i1"), item_done(item="i1"), text_done("b", item="i2", index=1),
                 part_done(item="i2", index=1), item_done(item="i2", index=1), mirror("i1", kind="conversation.item.done"),
                 mirror("i2", previous="i1", kind="conversation.item.done"), done(output=[message("i1"), message("i2")]))
    assert clean(result), result.findings


def test_item_index_and_done_output() -> None:
    wrong_index = run(created(), item_added(), part_added(), text_delta("x", index=3))
    assert levels(wrong_index, "item.index-and-done-output") == {"SHOULD"}
    gap = run(created(), item_added(index=1))
    assert levels(gap, "item.index-and-done-output") == {"SHOULD"}
    frames = text_response()
    missing = run(*frames[:-1], done(output=[]))
    assert levels(missing, "item.index-and-done-output") == {"SHOULD"}
    with_audio = run(*frames[:-1], done(output=[{**message("i1", "completed"), "content": [{"type": "output_audio", "audio": "AAAA"}]}]))
    assert levels(with_audio, "item.index-and-done-output") == {"SHOULD"}
    cancelled = run(*frames[:-1], C("response.cancel"), done(status="cancelled", reason="client_cancelled", output=[]))
    assert found(cancelled, "item.index-and-done-output") == []


def test_part_within_item() -> None:
    assert levels(run(created(), part_added()), "part.within-item") == {"MUST"}
    frames = text_response()
    after_item = run(*frames[:-2], part_added(part=1))
    assert "MUST" in levels(after_item, "part.within-item")
    call = {"id": "f1", "type": "function_call", "call_id": "k1", "name": "f", "arguments": ""}
    assert levels(run(created(), item_added(item="f1", body=call), part_added(item="f1")), "part.within-item") == {"MUST"}
    assert levels(run(created(), item_added(), part_done()), "part.within-item") == {"MUST"}
    assert levels(run(created(), item_added(), part_added(), part_done(), part_done()), "part.within-item") == {"MUST"}


def test_delta_within_part() -> None:
    before = run(created(), item_added(), text_delta("x"))
    assert levels(before, "delta.within-part") == {"MUST"}
    frames = text_response()
    after_part = run(*frames[:8], text_delta("late"))  # after content_part.done (line 9)
    messages = [f.message for f in found(after_part, "delta.within-part")]
    assert any("after that part's `response.content_part.done` (line 9)" in m for m in messages)
    assert any("after that part's `response.output_text.done` (line 8)" in m for m in messages)
    twice = run(*frames[:7], text_done("Hi!"))
    assert levels(twice, "delta.within-part") == {"MUST"}


def test_audio_and_transcript_deltas_are_not_ordered_against_each_other() -> None:
    transcript = lambda d: S("response.output_audio_transcript.delta", **ids("r1", "i1"), delta=d)  # noqa: E731
    result = run(created(), item_added(), mirror(), part_added(kind="audio"), audio_delta(), S("response.output_audio.done", **ids("r1", "i1")),
                 transcript("Hi"), S("response.output_audio_transcript.done", **ids("r1", "i1"), transcript="Hi"), part_done(kind="audio"),
                 item_done(), mirror(kind="conversation.item.done"), done(output=[message("i1")]))
    assert clean(result), result.findings


def test_delta_concat_equals_done() -> None:
    frames = text_response()
    wrong = run(*frames[:5], text_done("Hello!"), *frames[6:])
    (finding,) = found(wrong, "delta.concat-equals-done")
    assert finding.level == "SHOULD" and finding.line == 7
    cancelled = run(*frames[:5], text_done("Hello!"), *frames[6:-1], C("response.cancel"), done(status="cancelled", reason="client_cancelled"))
    assert found(cancelled, "delta.concat-equals-done") == []


def test_part_modality() -> None:
    result = run(created(), item_added(), part_added(kind="text"), audio_delta())
    assert levels(result, "part.modality") == {"SHOULD"}
    assert levels(run(created(), item_added(), part_added(kind="audio"), text_delta("x")), "part.modality") == {"SHOULD"}


def test_item_conversation_mirror() -> None:
    frames = text_response()
    unmirrored = [f for f in frames if not f["event"]["type"].startswith("conversation.item")]
    assert levels(run(*unmirrored), "item.conversation-mirror") == {"INFO"}  # the recording may have stopped first
    assert levels(run(*unmirrored, *text_response("r2", "i2")), "item.conversation-mirror") == {"SHOULD"}
    twice = run(*frames, mirror("i1"))
    assert levels(twice, "item.conversation-mirror") == {"SHOULD"}
    late = run(*frames[:1], *frames[2:], mirror("i1"))  # added after response.done, done never: done is owed
    assert found(late, "item.conversation-mirror") != []


def test_item_events_interleave_freely_with_response_events() -> None:
    """§3 item 1: conversation.item.added before response.output_item.added, .done after response.done, legacy .created."""
    frames = text_response()
    early = run(frames[0], frames[2], frames[1], *frames[3:])
    assert clean(early), early.findings
    after = run(*frames[:9], frames[10], frames[9])
    assert clean(after), after.findings
    legacy = run(frames[0], frames[1], mirror(kind="conversation.item.created"), *frames[3:9], frames[10])
    assert clean(legacy), legacy.findings


# --- 25-28: function calls and MCP ------------------------------------------------------------------

CALL = {"id": "f1", "type": "function_call", "call_id": "k1", "name": "lookup", "arguments": ""}


def call_frames(arguments: str = '{"a":1}', deltas: tuple[str, ...] = ('{"a"', ":1}"), call_id: str = "k1", name: str = "lookup") -> list[dict[str, Any]]:
    keys = {"response_id": "r1", "item_id": "f1", "output_index": 0, "call_id": call_id}
    final = {**CALL, "status": "completed", "arguments": arguments}
    return [created(), item_added(item="f1", body=CALL), mirror(body=CALL),
            *(S("response.function_call_arguments.delta", **{**keys, "call_id": "k1"}, delta=d) for d in deltas),
            S("response.function_call_arguments.done", **keys, name=name, arguments=arguments),
            item_done(item="f1", body=final), mirror(body=final, kind="conversation.item.done"), done(output=[final])]


def test_function_call_lifecycle() -> None:
    assert clean(run(*call_frames()))
    assert levels(run(*call_frames(call_id="k2")), "function.call-lifecycle") == {"MUST"}
    assert levels(run(*call_frames(name="other")), "function.call-lifecycle") == {"MUST"}
    frames = call_frames()
    mismatch = run(*frames[:6], item_done(item="f1", body={**CALL, "arguments": '{"a":2}'}), *frames[7:])
    assert levels(mismatch, "function.call-lifecycle") == {"MUST"}
    outside = run(created(), S("response.function_call_arguments.delta", response_id="r1", item_id="f1", output_index=0, call_id="k1", delta="x"))
    assert levels(outside, "function.call-lifecycle") == {"MUST"}
    no_mirror_first = run(frames[0], frames[1], *frames[3:6], frames[2], *frames[6:])
    assert levels(no_mirror_first, "function.call-lifecycle") == {"SHOULD"}
    assert levels(run(*call_frames(arguments='{"a":2}')), "delta.concat-equals-done") == {"SHOULD"}


def test_function_output_then_create() -> None:
    output = C("conversation.item.create", item={"id": "o1", "type": "function_call_output", "call_id": "k1", "output": "{}"})
    unknown = C("conversation.item.create", item={"id": "o1", "type": "function_call_output", "call_id": "k9", "output": "{}"})
    assert found(run(*call_frames(), output), "function.output-then-create") == []
    assert levels(run(*call_frames(), unknown), "function.output-then-create") == {"SHOULD"}
    assert found(run(unknown, excerpt=True), "function.output-then-create") == []
    by_itself = run(client_recorded(), *call_frames(), *text_response("r2", "i2"), open_with=opened(None))
    assert levels(by_itself, "function.output-then-create") == {"SHOULD"}
    asked = run(*call_frames(), output, C("response.create"), *text_response("r2", "i2"), open_with=opened(None))
    assert found(asked, "function.output-then-create") == []
    after_turn = run(*call_frames(), *user_turn("u1"), *text_response("r2", "i2"), open_with=opened(VAD))
    assert found(after_turn, "function.output-then-create") == []


def test_mcp_list_tools() -> None:
    progress, completed = S("mcp_list_tools.in_progress", item_id="l1"), S("mcp_list_tools.completed", item_id="l1")
    assert clean(run(progress, completed))
    assert levels(run(progress, completed, S("mcp_list_tools.failed", item_id="l1")), "mcp.list-tools") == {"SHOULD"}
    assert levels(run(completed), "mcp.list-tools") == {"SHOULD"}
    assert levels(run(progress), "mcp.list-tools") == {"INFO"}
    assert levels(run(progress, *text_response()), "mcp.list-tools") == {"SHOULD"}


def test_mcp_call_lifecycle() -> None:
    call = {"type": "mcp_call", "id": "m1", "server_label": "s", "name": "t", "arguments": ""}
    mcp = lambda kind: S(f"response.mcp_call.{kind}", output_index=0, item_id="m1")  # noqa: E731
    keys = {"response_id": "r1", "item_id": "m1", "output_index": 0}
    good = [created(), item_added(item="m1", body=call), mirror(body=call), S("response.mcp_call_arguments.delta", **keys, delta="{}"),
            S("response.mcp_call_arguments.done", **keys, arguments="{}"), mcp("in_progress"), mcp("completed"),
            item_done(item="m1", body={**call, "arguments": "{}", "output": "ok"}), mirror(body=call, kind="conversation.item.done"), done(output=[call])]
    assert clean(run(*good)), run(*good).findings
    assert levels(run(*good[:5], mcp("completed"), *good[7:]), "mcp.call-lifecycle") == {"SHOULD"}
    assert levels(run(*good[:7], mcp("failed"), *good[7:]), "mcp.call-lifecycle") == {"SHOULD"}
    assert levels(run(*good[:6], *good[7:8], mcp("completed")), "mcp.call-lifecycle") == {"SHOULD"}
    obfuscated = run(*good[:3], S("response.mcp_call_arguments.delta", **keys, delta="{", obfuscation="xx"),
                     S("response.mcp_call_arguments.done", **keys, arguments="{}"), *good[5:])
    assert found(obfuscated, "delta.concat-equals-done") == []
    unknown_call = run(mcp("in_progress"), mcp("completed"))  # after an approval: undocumented, not judged
    assert found(unknown_call, "mcp.call-lifecycle") == []


# --- 29-35: input audio ---------------------------------------------------------------------------

PUSH_TO_TALK = opened(None)


def test_clear_is_acked() -> None:
    clear = C("input_audio_buffer.clear", event_id="c1")
    later = [C("session.update", event_id="c2", session={"type": "realtime"}),
             S("session.updated", session={"type": "realtime", "object": "realtime.session", "id": "sess_1"})]
    assert clean(run(clear, S("input_audio_buffer.cleared"), *later))
    assert levels(run(clear, *later), "input.append-unacked-clear-acked") == {"MUST"}


def test_commit_creates_item() -> None:
    assert clean(run(*user_turn(), open_with=opened(VAD)))
    turn = user_turn()
    no_item = run(*turn[:3], *text_response(), open_with=opened(VAD))
    assert levels(no_item, "input.commit-creates-item") == {"MUST"}
    assert levels(run(*turn[:3], open_with=opened(VAD)), "input.commit-creates-item") == {"INFO"}
    early = run(client_recorded(), turn[0], turn[2], *turn[3:], open_with=opened(VAD))
    assert levels(early, "input.commit-creates-item") == {"MUST"}
    client_commit = run(turn[0], C("input_audio_buffer.commit"), turn[2], *turn[3:], open_with=opened(VAD))
    assert found(client_commit, "input.commit-creates-item") == []
    refused_commit = run(C("input_audio_buffer.commit", event_id="c1"), error("input_audio_buffer_commit_empty", "c1"), turn[0], turn[2], *turn[3:],
                         open_with=opened(VAD))
    assert levels(refused_commit, "input.commit-creates-item") == {"MUST"}  # an answered commit excuses nothing later


def test_commit_of_an_empty_buffer() -> None:
    commit = C("input_audio_buffer.commit", event_id="c1")
    refused = run(commit, error("input_audio_buffer_commit_empty", "c1"), open_with=PUSH_TO_TALK)
    assert clean(refused) and levels(refused, "input.commit-empty-error") == {"INFO"}
    accepted = run(commit, S("input_audio_buffer.committed", previous_item_id=None, item_id="u1"), open_with=PUSH_TO_TALK)
    assert "MUST" in levels(accepted, "input.commit-empty-error")
    cleared = run(C("input_audio_buffer.append", audio="AAAA"), C("input_audio_buffer.clear"), S("input_audio_buffer.cleared"), commit,
                  S("input_audio_buffer.committed", previous_item_id=None, item_id="u1"), open_with=PUSH_TO_TALK)
    assert "MUST" in levels(cleared, "input.commit-empty-error")
    with_audio = run(C("input_audio_buffer.append", audio="AAAA"), commit, S("input_audio_buffer.committed", previous_item_id=None, item_id="u1"),
                     open_with=PUSH_TO_TALK)
    assert found(with_audio, "input.commit-empty-error") == []
    under_vad = run(commit, S("input_audio_buffer.committed", previous_item_id=None, item_id="u1"), open_with=opened(VAD))
    assert found(under_vad, "input.commit-empty-error") == []
    assert found(run(commit, S("input_audio_buffer.committed", previous_item_id=None, item_id="u1"), open_with=PUSH_TO_TALK, transport="webrtc"),
                 "input.commit-empty-error") == []


def test_speech_pairing() -> None:
    started = lambda item, ms=100: S("input_audio_buffer.speech_started", audio_start_ms=ms, item_id=item)  # noqa: E731
    stopped = lambda item, ms=900: S("input_audio_buffer.speech_stopped", audio_end_ms=ms, item_id=item)  # noqa: E731
    assert clean(run(started("u1"), stopped("u1"), open_with=opened(VAD)))
    assert levels(run(client_recorded(), started("u1"), started("u2"), open_with=opened(VAD)), "vad.speech-pairing") == {"SHOULD"}
    assert levels(run(started("u1"), stopped("u2"), open_with=opened(VAD)), "vad.speech-pairing") == {"SHOULD"}
    assert levels(run(started("u1", 500), stopped("u1", 100), open_with=opened(VAD)), "vad.speech-pairing") == {"SHOULD"}
    assert levels(run(client_recorded(), stopped("u1"), open_with=opened(VAD)), "vad.speech-pairing") == {"SHOULD"}
    assert levels(run(started("u1"), open_with=opened(None)), "vad.speech-pairing") == {"SHOULD"}
    excused = run(started("u1"), C("input_audio_buffer.commit"), started("u2"), open_with=opened(VAD))
    assert found(excused, "vad.speech-pairing") == []
    unknown_config = run(started("u1"), started("u2"), open_with=None)
    assert found(unknown_config, "vad.speech-pairing") == []


def test_idle_timeout() -> None:
    idle = {**VAD, "idle_timeout_ms": 6000}
    timeout = S("input_audio_buffer.timeout_triggered", audio_start_ms=0, audio_end_ms=6000, item_id="u1")
    committed = S("input_audio_buffer.committed", previous_item_id=None, item_id="u1")
    user = {"id": "u1", "type": "message", "role": "user", "content": [{"type": "input_audio"}]}
    good = [timeout, committed, mirror(body=user), mirror(body=user, kind="conversation.item.done")]
    assert clean(run(*good, open_with=opened(idle)))
    assert levels(run(*good, open_with=opened(VAD)), "vad.idle-timeout") == {"SHOULD"}
    assert levels(run(created(), *good, open_with=opened(idle)), "vad.idle-timeout") == {"SHOULD"}
    assert levels(run(timeout, *text_response(), open_with=opened(idle)), "vad.idle-timeout") == {"SHOULD"}
    assert levels(run(timeout, open_with=opened(idle)), "vad.idle-timeout") == {"INFO"}


def test_transcription_per_item() -> None:
    assert clean(run(*user_turn(), transcribed("u1", "delta"), transcribed("u1"), open_with=opened(VAD)))
    assert levels(run(transcribed("u9")), "transcription.per-item") == {"MUST"}
    assert found(run(transcribed("u9"), excerpt=True), "transcription.per-item") == []
    assert levels(run(*text_response(), transcribed("i1")), "transcription.per-item") == {"MUST"}
    assert levels(run(*user_turn(), transcribed("u1"), transcribed("u1", "delta"), open_with=opened(VAD)), "transcription.per-item") == {"SHOULD"}
    assert levels(run(*user_turn(), transcribed("u1"), transcribed("u1"), open_with=opened(VAD)), "transcription.per-item") == {"SHOULD"}
    # completed may come before the item's conversation.item.added, but after the commit
    turn = user_turn()
    assert clean(run(*turn[:3], transcribed("u1"), *turn[3:], open_with=opened(VAD)))


def test_transcription_is_not_ordered_against_responses() -> None:
    """Rule 35 / §3: transcription after response.done, and across turns in any order."""
    result = run(*user_turn("u1"), *user_turn("u2", previous="u1", start=1000, end=1500), *text_response(), transcribed("u2"), transcribed("u1"),
                 open_with=opened(VAD))
    assert clean(result), result.findings


# --- 36-39: barge-in and truncation ---------------------------------------------------------------


def test_barge_in_cancels_with_interrupt_response() -> None:
    speech = S("input_audio_buffer.speech_started", audio_start_ms=2000, item_id="u2")
    streaming = [created(), item_added(), mirror(), part_added(), text_delta("a")]
    completed = run(*streaming, speech, text_done("a"), part_done(), item_done(), done(output=[message("i1")]), open_with=opened(VAD))
    assert levels(completed, "bargein.auto-cancel") == {"SHOULD"}
    cancelled = run(*streaming, speech, text_done("a"), part_done(), item_done(), mirror(kind="conversation.item.done"),
                    done(status="cancelled", reason="turn_detected", output=[message("i1")]), open_with=opened(VAD))
    assert clean(cancelled), cancelled.findings
    no_interrupt = {**VAD, "interrupt_response": False}
    kept = run(*streaming, speech, text_done("a"), part_done(), item_done(), done(status="cancelled", reason="turn_detected"),
               open_with=opened(no_interrupt))
    assert levels(kept, "bargein.auto-cancel") == {"SHOULD"}
    after_done = run(*text_response(), speech, open_with=opened(VAD))  # nothing to cancel any more
    assert found(after_done, "bargein.auto-cancel") == []


def audio_item(deltas: int, output: str = "audio/pcm") -> list[dict[str, Any]]:
    per = PCM_20MS if output == "audio/pcm" else "A" * 216  # 160 bytes of mu-law: 20 ms
    return [created(), item_added(), mirror(), part_added(kind="audio"), *(audio_delta(delta=per) for _ in range(deltas))]


def test_truncate_acked() -> None:
    truncate = C("conversation.item.truncate", event_id="c1", item_id="i1", content_index=0, audio_end_ms=20)
    later = [C("input_audio_buffer.clear", event_id="c2"), S("input_audio_buffer.cleared")]
    good = run(*audio_item(3), truncate, S("conversation.item.truncated", item_id="i1", content_index=0, audio_end_ms=20), *later)
    assert found(good, "truncate.acked") == [] and found(good, "truncate.bounds") == []
    assert levels(run(*audio_item(3), truncate, *later), "truncate.acked") == {"MUST"}
    echo = run(*audio_item(3), truncate, S("conversation.item.truncated", item_id="i1", content_index=0, audio_end_ms=40))
    assert levels(echo, "truncate.acked") == {"SHOULD"}


def test_truncate_bounds() -> None:
    def truncate(ms: int) -> dict[str, Any]:
        return C("conversation.item.truncate", item_id="i1", content_index=0, audio_end_ms=ms)

    assert levels(run(*audio_item(3), truncate(400)), "truncate.bounds") == {"SHOULD"}  # 60 ms received
    assert found(run(*audio_item(3), truncate(150)), "truncate.bounds") == []  # within the 100 ms tolerance
    assert found(run(*audio_item(3), truncate(0)), "truncate.bounds") == []  # §3 item 11
    mulaw = run(*audio_item(3, "audio/pcmu"), truncate(400), open_with=opened(output="audio/pcmu"))
    assert levels(mulaw, "truncate.bounds") == {"SHOULD"}
    acked = run(*audio_item(3), truncate(400), S("conversation.item.truncated", item_id="i1", content_index=0, audio_end_ms=400))
    assert levels(acked, "truncate.bounds") == {"SHOULD", "MUST"}
    user = run(*user_turn(), C("conversation.item.truncate", item_id="u1", content_index=0, audio_end_ms=10),
               S("conversation.item.truncated", item_id="u1", content_index=0, audio_end_ms=10), open_with=opened(VAD))
    assert levels(user, "truncate.bounds") == {"MUST"}
    assert found(run(truncate(400), excerpt=True), "truncate.bounds") == []
    webrtc = run(*audio_item(0), truncate(400), transport="webrtc")
    assert found(webrtc, "truncate.bounds") == []


def test_truncate_who() -> None:
    unasked = S("conversation.item.truncated", item_id="i1", content_index=0, audio_end_ms=20)
    assert levels(run(client_recorded(), *audio_item(3), unasked), "truncate.who") == {"SHOULD"}
    assert found(run(*audio_item(0), unasked, transport="webrtc"), "truncate.who") == []


# --- 40-42: conversation items --------------------------------------------------------------------


def user_item(item: str | None = "x1") -> dict[str, Any]:
    body = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
    return {"id": item, **body} if item else body


def test_item_create_acked() -> None:
    create = C("conversation.item.create", event_id="c1", item=user_item())
    added, done_ = mirror(body=user_item()), mirror(body=user_item(), kind="conversation.item.done")
    assert clean(run(create, added, done_))
    assert clean(run(C("conversation.item.create", item=user_item(None)), added, done_))  # id-less: matched by kind
    assert clean(run(create, error(event_id="c1")))
    later = [C("input_audio_buffer.clear", event_id="c2"), S("input_audio_buffer.cleared")]
    assert levels(run(create, *later), "item.create-acked") == {"MUST"}
    assert levels(run(create, added), "item.create-acked") == {"INFO"}
    root = C("conversation.item.create", item=user_item("x2"), previous_item_id="root")
    assert clean(run(create, added, done_, root, mirror(body=user_item("x2")), mirror(body=user_item("x2"), kind="conversation.item.done")))
    misplaced = run(create, added, done_, root, mirror(body=user_item("x2"), previous="x1"))
    assert levels(misplaced, "item.create-acked") >= {"MUST"}


def test_delete_and_retrieve_acked() -> None:
    later = [C("input_audio_buffer.clear", event_id="c9"), S("input_audio_buffer.cleared")]
    delete, retrieve = C("conversation.item.delete", event_id="c1", item_id="x1"), C("conversation.item.retrieve", event_id="c2", item_id="x1")
    assert clean(run(delete, S("conversation.item.deleted", item_id="x1"), *later))
    assert clean(run(retrieve, S("conversation.item.retrieved", item=user_item()), *later))
    assert levels(run(delete, *later), "item.delete-retrieve-acked") == {"MUST"}
    assert levels(run(retrieve, *later), "item.delete-retrieve-acked") == {"MUST"}
    delete_user = C("conversation.item.delete", item_id="u1")
    after_delete = run(*user_turn(), delete_user, S("conversation.item.deleted", item_id="u1"), transcribed("u1"), open_with=opened(VAD))
    assert levels(after_delete, "item.delete-retrieve-acked") == {"SHOULD"}


def test_previous_item_id_known() -> None:
    assert levels(run(S("input_audio_buffer.committed", previous_item_id="ghost", item_id="u1")), "item.previous-id-known") == {"SHOULD"}
    assert found(run(S("input_audio_buffer.committed", previous_item_id="ghost", item_id="u1"), excerpt=True), "item.previous-id-known") == []
    assert found(run(*text_response(), S("input_audio_buffer.committed", previous_item_id="i1", item_id="u1")), "item.previous-id-known") == []


# --- 43-44: the WebRTC/SIP output audio buffer ------------------------------------------------------


def playback(rid: str = "r1") -> list[dict[str, Any]]:
    return [created(rid), item_added(rid), mirror(), part_added(rid, kind="audio"), S("output_audio_buffer.started", response_id=rid)]


def test_transport_scope() -> None:
    frames = [*playback(), done(), S("output_audio_buffer.stopped", response_id="r1")]
    assert found(run(*frames, transport="webrtc"), "oab.transport-scope") == []
    assert levels(run(*frames), "oab.transport-scope") == {"MUST"}
    dtmf = {"dir": "server", "event": {"type": "input_audio_buffer.dtmf_event_received", "event": "5", "received_at": 1}}
    assert found(run(dtmf, transport="sip"), "oab.transport-scope") == []
    assert levels(run(dtmf, transport="webrtc"), "oab.transport-scope") == {"MUST"}
    assert levels(run(C("output_audio_buffer.clear")), "oab.transport-scope") == {"SHOULD"}


def test_output_buffer_bracketing() -> None:
    stopped = lambda: S("output_audio_buffer.stopped", response_id="r1")  # noqa: E731
    cleared = lambda: S("output_audio_buffer.cleared", response_id="r1")  # noqa: E731
    assert found(run(*playback(), done(), stopped(), transport="webrtc"), "oab.bracketing") == []
    assert levels(run(*playback(), stopped(), done(), transport="webrtc"), "oab.bracketing") == {"SHOULD"}
    assert levels(run(*playback(), done(), stopped(), stopped(), transport="webrtc"), "oab.bracketing") == {"SHOULD"}
    assert levels(run(created(), S("output_audio_buffer.started", response_id="r1"), transport="webrtc"), "oab.bracketing") >= {"SHOULD"}
    assert levels(run(*text_response(), stopped(), transport="webrtc"), "oab.bracketing") == {"SHOULD"}
    assert levels(run(client_recorded(), *playback(), done(), cleared(), transport="webrtc"), "oab.bracketing") == {"SHOULD"}
    speech = S("input_audio_buffer.speech_started", audio_start_ms=1, item_id="u2")
    assert found(run(*playback(), speech, done(status="cancelled", reason="turn_detected"), cleared(), transport="webrtc",
                     open_with=opened(VAD)), "oab.bracketing") == []
    assert found(run(*playback(), C("response.cancel"), C("output_audio_buffer.clear"), cleared(),
                     done(status="cancelled", reason="client_cancelled"), transport="webrtc"), "oab.bracketing") == []
    assert levels(run(*playback(), C("output_audio_buffer.clear"), transport="webrtc"), "oab.bracketing") >= {"SHOULD"}
    assert levels(run(*playback(), done(), transport="webrtc"), "oab.bracketing") == {"INFO"}  # still playing at the end


# --- frames, verdicts, excerpts, robustness ---------------------------------------------------------


def test_every_frame_gets_a_verdict_and_the_rules_use_what_they_can() -> None:
    frames = text_response()
    invalid = {"dir": "server", "event": {**frames[4]["event"], "output_index": "0"}}  # a delta with a string index
    beta = {"dir": "server", "event": {**frames[6]["event"], "type": "response.text.done"}}
    text = "\n".join(json.dumps(line) for line in [opened(), *frames[:4], invalid, frames[5], beta, *frames[7:]])
    text += '\nnot json\n{"dir": "server", "binary": "AAEC"}\n{"dir": "server", "event": {"type": "vendor.ping"}}'
    result = check_frames(parse_text(text))
    assert result.verdicts == {"valid": len(frames) - 1, "invalid": 1, "beta-name": 1, "not-json": 2, "unknown-type": 1}
    verdicts = {(f.line, f.level) for f in found(result, "event.verdict")}
    assert verdicts == {(6, "MUST"), (8, "SHOULD"), (14, "MUST"), (15, "INFO")}
    assert [(f.line, f.level) for f in found(result, "transcript.line")] == [(13, "MUST")]
    assert found(result, "delta.within-part") == [] and found(result, "response.closes-open-parts") == []  # the beta done counted
    assert not result.conforms


def test_a_finding_names_the_frame_and_the_lines_it_relates_to() -> None:
    frames, late = text_response(), text_delta("late")
    result = run(*frames[:8], late)
    finding = next(f for f in found(result, "delta.within-part") if f.related_lines == (9,))
    assert (finding.line, finding.event_type, finding.event_id) == (10, "response.output_text.delta", late["event"]["event_id"])
    assert finding.message == "line 10: `response.output_text.delta` for item i1 arrives after that part's `response.content_part.done` (line 9)"


def test_the_checker_streams_findings_frame_by_frame() -> None:
    checker = SessionChecker(transport="websocket")
    frames = list(parse_text("\n".join(json.dumps(line) for line in [opened(), created(), created()])))
    assert checker.feed(frames[0]) == [] and checker.feed(frames[1]) == []
    (duplicate,) = checker.feed(frames[2])
    assert duplicate.rule == "response.created-first"
    result = checker.finish()
    assert checker.finish() is result
    assert [(f.line, f.rule, f.level) for f in result.findings] == [(2, "response.done-exactly-once", "INFO"), (3, "response.created-first", "MUST")]


def test_the_header_sets_transport_and_excerpt_and_options_override_it() -> None:
    frames = [*playback(), done(), S("output_audio_buffer.stopped", response_id="r1")]
    header = json.dumps({"transcript": {"transport": "webrtc", "excerpt": False}})
    text = header + "\n" + "\n".join(json.dumps(line) for line in [opened(), *frames])
    assert found(check_transcript(parse_text(text)), "oab.transport-scope") == []
    assert levels(check_transcript(parse_text(text), transport="websocket"), "oab.transport-scope") == {"MUST"}
    bad = check_transcript(parse_text('{"transcript": {"transport": "carrier-pigeon"}}\n' + json.dumps(opened())))
    assert [(f.line, f.rule, f.level) for f in bad.findings] == [(1, "transcript.line", "MUST")]


def test_an_unknown_transport_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown transport"):
        SessionChecker(transport="pigeon")


HOSTILE_EVENTS: list[Any] = [
    None, 1, "x", [], [1, {"type": "response.done"}], {}, {"type": None}, {"type": 5},
    {"type": "response.created"}, {"type": "response.created", "response": []}, {"type": "response.created", "response": {"id": 7}},
    {"type": "response.done", "response": {"id": "r1", "output": [None, 1, {"content": "x"}], "status_details": []}},
    {"type": "response.output_item.added", "response_id": ["r1"], "item": "x"},
    {"type": "response.output_item.added", "response_id": "r1", "output_index": -1, "item": {"id": "i1", "type": 3}},
    {"type": "response.content_part.added", "response_id": "r1", "item_id": "i1", "content_index": True, "part": None},
    {"type": "response.output_text.delta", "response_id": "r1", "item_id": "i1", "content_index": 0, "delta": None},
    {"type": "response.output_audio.delta", "response_id": "r1", "item_id": "i1", "content_index": 0, "delta": "=" * 9},
    {"type": "response.function_call_arguments.done", "response_id": "r1", "item_id": "i1", "arguments": 5},
    {"type": "conversation.item.added", "item": {"id": "i1", "content": {"a": 1}}, "previous_item_id": 3},
    {"type": "conversation.item.truncated", "item_id": "i1", "content_index": "0", "audio_end_ms": 1e300},
    {"type": "input_audio_buffer.speech_stopped", "item_id": None, "audio_end_ms": "x"},
    {"type": "error", "error": "boom"}, {"type": "error", "error": {"event_id": 12}},
    {"type": "session.updated", "session": {"audio": {"input": {"turn_detection": "on"}}}},
    {"type": "session.updated", "session": {"audio": {"input": {"turn_detection": {"type": "server_vad", "interrupt_response": "yes"}}}}},
    {"type": "input_audio_buffer.speech_started", "item_id": "u", "audio_start_ms": 5},
    {"type": "mcp_list_tools.completed", "item_id": {"a": 1}},
    {"type": "response.mcp_call.completed", "item_id": "i1", "output_index": 0},
    {"type": "output_audio_buffer.cleared", "response_id": "r1"},
]


@pytest.mark.parametrize("direction", ["server", "client"])
def test_hostile_events_never_crash_the_checker(direction: str) -> None:
    client_hostile = [{"type": "conversation.item.truncate", "item_id": 4, "audio_end_ms": []}, {"type": "response.cancel", "response_id": 1},
                      {"type": "response.create", "response": "now"}, {"type": "conversation.item.create", "item": [1]},
                      {"type": "input_audio_buffer.append", "audio": 12}, {"type": "conversation.item.create", "previous_item_id": 1, "item": {"id": 2}}]
    events = HOSTILE_EVENTS + client_hostile
    text = "\n".join(json.dumps({"dir": direction, "event": event}) for event in events)
    for excerpt in (False, True):
        for transport in ("websocket", "webrtc", "sip"):
            result = check_frames(parse_text(text), transport=transport, excerpt=excerpt)
            assert result.events == len(events)
            assert found(result, "checker.internal") == []
    assert all(f.rule in RULES for f in result.findings)


def test_findings_beyond_the_cap_are_counted_not_kept() -> None:
    checker = SessionChecker()
    frames = parse_text("\n".join(json.dumps({"dir": "server", "event": {"type": "vendor.ping"}}) for _ in range(1_200)))
    for frame in frames:
        checker.feed(frame)
    result = checker.finish()
    assert len(result.findings) == 1_000 and result.suppressed == {"event.verdict": 200} and result.levels["INFO"] == 1_200


def test_windows_forget_without_false_alarms() -> None:
    """Once the item window has forgotten ids, a reference to an unknown item is not flagged."""
    from conformance.sessions import state

    checker = SessionChecker()
    checker.ctx.items = state.Window(4)
    lines = [opened(VAD), *(S("input_audio_buffer.committed", previous_item_id=None, item_id=f"u{n}") for n in range(6)), transcribed("u0")]
    for frame in parse_text("\n".join(json.dumps(line) for line in lines)):
        checker.feed(frame)
    assert found(checker.finish(), "transcription.per-item") == []


def test_a_log_of_server_events_alone_is_not_blamed_for_client_events_it_does_not_show() -> None:
    """Pasted server logs hold no client frames: a cancel, commit, truncate or request the client sent
    is invisible there, so rules that flag its absence stay silent until a client frame shows up."""
    turn = user_turn()
    call = call_frames()
    server_only = run(error(event_id="c9"), created("r0"), done("r0", status="cancelled", reason="client_cancelled"), *call,
                      turn[0], turn[2], *turn[3:], *text_response("r2", "i2"),
                      S("conversation.item.truncated", item_id="i2", content_index=0, audio_end_ms=0), open_with=opened(VAD))
    assert [f for f in server_only.findings if f.level != "INFO"] == []
