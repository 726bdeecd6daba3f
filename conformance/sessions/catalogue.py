"""The session rules: their permanent ids, levels, what the checker checks of each and what it leaves
out, with the reason.

Rules that flag the *absence* of a client event (a cancel, a commit, a truncate, the request an
error names) judge nothing until the transcript shows a client frame: a pasted log of server events
alone cannot show what the client sent.

Ids, numbers and levels are those of the compiled rule list (``session-rules.md``, §2), whose
evidence — the API reference, the guides, and the clients that rely on the ordering — is cited
there rule by rule; a level that differs from it says why here. A rule with two levels ("MUST …;
SHOULD …") keeps both: each finding carries the level of the part it breaks. Two ids are ours:
``event.verdict`` (a frame the reference models do not accept) and ``transcript.line`` (a line
that is not a well-formed transcript line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["MUST", "SHOULD", "INFO"]


@dataclass(frozen=True)
class Rule:
    id: str
    #: Its number in session-rules.md §2; ``None`` for the suite's own ids.
    number: int | None
    level: Level
    title: str
    #: What the checker checks, at which level.
    checked: str
    #: What of the rule it does not check, and why ("" when it checks all of it).
    left_out: str = ""

    @property
    def implemented(self) -> bool:
        return bool(self.checked)


_RULES = (
    Rule("session.created-first", 1, "MUST", "session.created is the first server event, exactly once",
         "the first GA server event is session.created (an `error` may come first: a refused session); a second session.created. "
         "In an excerpt only the second session.created is flagged."),
    Rule("session.update-acked", 2, "MUST", "every session.update gets one session.updated or one error",
         "session.updated answers the oldest pending session.update, an error answers the update it names; an update still "
         "unanswered at the end is MUST when the server answered a request sent after it, INFO otherwise (the connection may have closed).",
         "the SHOULD on acknowledgement order: correlation is positional (session.updated echoes no event_id), so an order violation is invisible."),
    Rule("event-id.unique", 3, "MUST", "event ids are unique within a session",
         "a server event_id seen before (MUST); a client event_id reused (SHOULD, the rule's client-side part). "
         "input_audio_buffer.dtmf_event_received has no event_id. Bounded: repeats more than 65,536 ids apart are missed."),
    Rule("error.names-client-event", 4, "MUST", "a non-null error.event_id names a client event already sent",
         "an error.event_id that no earlier client event carried (not in an excerpt, where it may precede the excerpt).",
         "the SHOULD part (the error echoes the offending event's event_id): session-rules §3 item 6 lists null event_ids on "
         "errors among the behaviours not to flag."),
    Rule("error.replaces-ack", 5, "MUST", "a client event answered by error gets no success acknowledgement",
         "after an error names a client event (or answers it by code), the acknowledgement of that same request arriving "
         "anyway: conversation.item.added/retrieved/deleted/truncated for its item; session.updated, input_audio_buffer.cleared, "
         "and (with turn detection off) input_audio_buffer.committed or response.created when no other such request is pending."),
    Rule("error.not-terminal", 6, "MUST", "an error does not end the session",
         "",
         "a directive to checkers, honoured by construction: the checker reads on after every error. A transcript does not "
         "record why a connection closed, so a server closing after an error cannot be told from the client hanging up."),
    Rule("response.created-first", 7, "MUST", "events of response R follow response.created R",
         "an event carrying response_id R (items, parts, deltas, *.done, output_audio_buffer.*) before response.created R (MUST); "
         "a bare response.done (SHOULD, the race livekit reports); a second response.created for R (MUST)."),
    Rule("response.done-exactly-once", 8, "MUST", "every response.created R gets exactly one response.done R",
         "a second response.done R (MUST); a response still open when the transcript ends is INFO (the connection may have "
         "closed first, the rule's exception) and makes the session incomplete; in an excerpt it is only incomplete."),
    Rule("response.quiet-after-done", 9, "MUST", "nothing carries response_id R after response.done R",
         "any event with response_id R after response.done R, except output_audio_buffer.stopped/cleared R. Responses are "
         "remembered as finished for the last 65,536 of them."),
    Rule("response.status-cause", 10, "SHOULD", "a cancelled response names a cause the transcript shows",
         "response.created with a status other than in_progress; response.done cancelled/client_cancelled with no client "
         "response.cancel (or output_audio_buffer.clear) for it; cancelled/turn_detected with no speech_started since the "
         "previous default response ended."),
    Rule("response.single-active-default", 11, "MUST", "at most one default-conversation response in progress",
         "response.created with a conversation_id while another response with a conversation_id is in progress. A response "
         "whose conversation_id is absent is of unknown conversation and not counted."),
    Rule("response.create-while-active", 12, "MUST", "a response.create while a default response is active is refused",
         "client side (INFO: sending it is legal, and the protocol defines the refusal): a default-conversation response.create "
         "while a default response is in progress. Server side: that request answered by nothing, while the server answered "
         "later requests (MUST); answered by a response.created after the active response ended (INFO: that response's "
         "response.done may have been on its way when the request went out, and a transcript cannot tell).",
         "the SHOULD echo of the request's event_id (§3 item 6: null event_ids are not flagged); the error's message text."),
    Rule("response.out-of-band", 13, "MUST", "an out-of-band response stays out of the conversation",
         "for a response whose response.created has conversation_id null: conversation.item.added/created/done for one of its "
         "output items (MUST); cancelled with reason turn_detected (MUST: VAD does not cancel it); response.done naming a "
         "conversation (SHOULD).",
         "the SHOULD metadata echo: response.created does not name the request it answers, so the request's metadata cannot "
         "be paired with its response."),
    Rule("response.cancel-outcome", 14, "MUST", "a response.cancel is answered",
         "a response.cancel sent while nothing it could target is in progress must be answered by an error (or a cancelled "
         "response.done, the race); unanswered at the end as for rule 2. A cancel with a target is answered by that "
         "response's response.done, which rule 8 requires."),
    Rule("response.cancel-trailing-tolerated", 15, "MUST", "deltas after response.cancel until response.done are not flagged",
         "do-not-flag: no rule reports events of a response for arriving after a client response.cancel (tested as a pass)."),
    Rule("response.closes-open-parts", 16, "SHOULD", "before response.done every opened part, item and call is closed",
         "at response.done (not failed): a content part without its *.done or content_part.done, an output item without "
         "output_item.done, a function call without function_call_arguments.done."),
    Rule("item.within-response", 17, "MUST", "output items lie within their response",
         "output_item.done for an item never added or in another response; an item id announced twice or in two responses; an "
         "output_index used twice in a response. An item announced before response.created or after response.done is reported "
         "under rules 7 and 9, which name the cause."),
    Rule("item.index-and-done-output", 18, "SHOULD", "output indexes are consistent and response.done lists the items",
         "events of an item with another output_index than its output_item.added; indexes not 0..n-1 in added order; a "
         "completed response.done that does not list an announced item, lists it at another index (judged only when it lists "
         "nothing else: items only in response.done may shift the rest), or carries audio bytes in its output."),
    Rule("item.may-overlap", 19, "MUST", "items of one response may overlap",
         "do-not-flag: state is kept per item, and no rule requires one item to finish before the next starts."),
    Rule("part.within-item", 20, "MUST", "content parts lie within their item",
         "content_part.added for an item not added, in another response, or after its output_item.done; content_part.done "
         "without content_part.added or twice; any event of a part after its item's output_item.done; parts on function_call "
         "or mcp_call items."),
    Rule("delta.within-part", 21, "MUST", "deltas lie within their content part",
         "an output_text/output_audio/output_audio_transcript delta before its content_part.added, after its *.done, or after "
         "content_part.done; a *.done twice for one part. Audio and transcript deltas are not ordered against each other."),
    Rule("delta.concat-equals-done", 22, "SHOULD", "the deltas add up to the final text",
         "output_text.done.text, output_audio_transcript.done.transcript, function_call_arguments.done.arguments and "
         "mcp_call_arguments.done.arguments against the concatenated deltas, only for responses that end completed, never for "
         "MCP deltas carrying `obfuscation`, never for input transcription (§3 item 8)."),
    Rule("part.modality", 23, "SHOULD", "audio deltas in audio parts, text deltas in text parts",
         "output_audio/output_audio_transcript deltas in a part added with part.type text, output_text deltas in an audio part.",
         "the response-level check (output_modalities [\"audio\"] streaming output_text): the rule lists that fallback as its "
         "exception."),
    Rule("item.conversation-mirror", 24, "SHOULD", "in-band output items are mirrored by conversation.item.added/done",
         "an output item of a response with a conversation_id that never gets conversation.item.added (or the legacy "
         ".created) or conversation.item.done by the end (SHOULD when the session went on past its response, INFO otherwise); "
         "conversation.item.added twice, or .done before .added.",
         "the status in_progress / empty content of the mirror's added: not relied on by any client examined."),
    Rule("function.call-lifecycle", 25, "MUST", "function call arguments stream within their item",
         "arguments.delta/done outside output_item.added..output_item.done of a function_call item; call_id or name differing "
         "from the item's; output_item.done.item.arguments differing from arguments.done; arguments.done twice (MUST); "
         "conversation.item.added not before arguments.done in an in-band response (SHOULD)."),
    Rule("function.output-then-create", 26, "SHOULD", "after a function call the client continues",
         "client side: a function_call_output whose call_id names no call seen in the session; server side: a new default "
         "response after a response with function calls, without a client response.create or a VAD turn in between."),
    Rule("mcp.list-tools", 27, "SHOULD", "each MCP tool listing ends once",
         "mcp_list_tools.completed/failed without in_progress, or twice; an in_progress never ended (SHOULD when a response "
         "completed after it, INFO otherwise).",
         "that conversation.item.done lists the tools actually imported: the transcript does not say which ones should be."),
    Rule("mcp.call-lifecycle", 28, "SHOULD", "an MCP call runs in order",
         "mcp_call_arguments.* outside its mcp_call item; response.mcp_call.completed/failed without in_progress or twice; "
         "mcp_call events after the item's output_item.done; output_item.done while the call is in progress.",
         "what follows an approval request is undocumented (§3 item 13): calls first seen through mcp_call events are not judged."),
    Rule("input.append-unacked-clear-acked", 29, "MUST", "input_audio_buffer.clear is answered by cleared",
         "a clear answered neither by input_audio_buffer.cleared nor by an error (at the end, as for rule 2). That cleared "
         "audio never becomes an item is checked by rule 31 (the next commit of an empty buffer).",
         "\"append is never acknowledged\": no GA event acknowledges an append, so nothing could break it."),
    Rule("input.commit-creates-item", 30, "MUST", "input_audio_buffer.committed U is followed by item U",
         "committed U never followed by conversation.item.added (or .created) for U — MUST when a response completed after "
         "it, INFO otherwise — or by .done for U — MUST when a later committed item got its .done, INFO otherwise; with turn "
         "detection on, committed U while U's speech_started is still open (no client commit or idle timeout to explain it)."),
    Rule("input.commit-empty-error", 31, "MUST", "committing an empty buffer is an error",
         "with turn detection off on a WebSocket, an input_audio_buffer.commit after no audio was appended (since the start, "
         "the last commit or clear) answered by committed instead of an error (MUST); the commit itself is INFO on the client "
         "side. Under server VAD the buffer's content is the server's, so nothing is judged.",
         "buffers between 0 and 100 ms: the 100 ms minimum comes from an error message, not the reference."),
    Rule("vad.speech-pairing", 32, "SHOULD", "speech_started U is paired with speech_stopped U",
         "with turn detection known on: a second speech_started before speech_stopped, speech_stopped for another item or "
         "without speech_started, audio_end_ms before audio_start_ms (all excused by a client commit or clear in between); with "
         "turn detection known off: speech_started/speech_stopped at all."),
    Rule("vad.idle-timeout", 33, "SHOULD", "idle timeouts come only when configured, and lead to a turn",
         "timeout_triggered when turn detection is known not to be server_vad with idle_timeout_ms, or while a default "
         "response is in progress; a timeout never followed by committed for its item (SHOULD when a response completed "
         "after it, INFO otherwise)."),
    Rule("transcription.per-item", 34, "MUST", "input transcription names a committed user audio item",
         "transcription delta/completed/failed/segment for an item not committed or created with input audio in this "
         "session (MUST, not in an excerpt); completed/failed twice for one (item, content_index), or a delta after them (SHOULD)."),
    Rule("transcription.unordered", 35, "MUST", "input transcription is not ordered against responses",
         "do-not-flag: no rule orders input-transcription events against response events or across turns."),
    Rule("bargein.auto-cancel", 36, "SHOULD", "speech during a default response cancels it when interrupt_response is on",
         "speech_started while a default response is still streaming, with interrupt_response on (the default), followed by "
         "its response.done with status completed; with interrupt_response false, that response cancelled with turn_detected.",
         "the WebRTC/SIP output_audio_buffer.cleared is judged by rule 44."),
    Rule("truncate.acked", 37, "MUST", "conversation.item.truncate is answered",
         "a truncate answered neither by conversation.item.truncated for its item nor by an error (at the end, as for rule 2) "
         "(MUST); truncated not echoing the request's content_index or audio_end_ms (SHOULD)."),
    Rule("truncate.bounds", 38, "MUST", "truncation stays within the audio",
         "server side (MUST): conversation.item.truncated for an item known not to be an assistant message, or with "
         "audio_end_ms beyond the audio streamed for it by more than 100 ms; client side (SHOULD): a truncate whose "
         "audio_end_ms exceeds the output_audio.delta bytes received for the item (pcm 24 kHz 16-bit, pcmu/pcma 8 kHz 8-bit) "
         "by more than 100 ms. Both only on a WebSocket, where the audio travels as deltas, and only for items streamed "
         "entirely inside the transcript.",
         "audio_end_ms = 0 either way (§3 item 11); the 100 ms tolerance covers the 85 ms gap pipecat#2106 reports."),
    Rule("truncate.who", 39, "SHOULD", "on a WebSocket the server truncates only when asked",
         "conversation.item.truncated on a WebSocket session with no client truncate for that item pending (not in an excerpt)."),
    Rule("item.create-acked", 40, "MUST", "conversation.item.create is answered by added then done, or error",
         "a create answered by nothing (at the end, as for rule 2); an added item never followed by conversation.item.done "
         "(MUST when a later created item got its done, INFO otherwise; not for the legacy conversation.item.created); "
         "previous_item_id differing from the one requested (root means null)."),
    Rule("item.delete-retrieve-acked", 41, "MUST", "delete and retrieve are answered",
         "a delete or retrieve answered neither by deleted/retrieved for its item nor by an error (at the end, as for rule 2) "
         "(MUST); a server event naming an item after it was deleted (SHOULD)."),
    Rule("item.previous-id-known", 42, "SHOULD", "previous_item_id names a known item",
         "previous_item_id of conversation.item.added/done and input_audio_buffer.committed naming an item never seen in the "
         "session (not in an excerpt); one naming a deleted item is reported under rule 41."),
    Rule("oab.transport-scope", 43, "MUST", "output_audio_buffer.* only on WebRTC/SIP, DTMF only on SIP",
         "output_audio_buffer.started/stopped/cleared on a WebSocket session and input_audio_buffer.dtmf_event_received outside "
         "SIP (MUST); a client output_audio_buffer.clear on a WebSocket (SHOULD: the server should reject it)."),
    Rule("oab.bracketing", 44, "SHOULD", "output_audio_buffer.started R is closed once by stopped or cleared",
         "started before an audio content part of R, or twice; stopped before response.done R; stopped/cleared without started, "
         "or twice; cleared with no speech_started or client output_audio_buffer.clear since started; a client "
         "output_audio_buffer.clear while a default response is in progress without a response.cancel first. A buffer still "
         "started at the end is INFO."),
    Rule("event.verdict", None, "MUST", "every frame is a valid GA event",
         "the reference models' verdict on each frame: invalid and not-json are MUST, beta-name SHOULD, unknown-type INFO."),
    Rule("transcript.line", None, "MUST", "every line is a well-formed transcript line",
         "a line or header the transcript format does not allow (the reader's problem, with its JSON path)."),
    Rule("checker.internal", None, "INFO", "the checker failed on a frame",
         "a bug in the checker, reported against the frame it failed on instead of ending the run; the self-tests require none."),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
#: The 44 rules of session-rules.md, in its order.
DOCUMENT_RULES: tuple[Rule, ...] = tuple(rule for rule in _RULES if rule.number is not None)

assert len(DOCUMENT_RULES) == 44 and [rule.number for rule in DOCUMENT_RULES] == list(range(1, 45))
