"""Deliberately broken servers: the probe family's own test subjects.

Each is the reference server (:mod:`conformance.live.reference_server`) with exactly one behaviour
changed — a departure real servers have or plausibly have — and names the probe checks that must
catch it. ``tests/test_broken_servers.py`` plays the scenarios of those checks against each and
fails if one slips through, and proves the reference server passes the same checks;
``realtime-conformance matrix --family probe`` runs every scenario against every one of them.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field
from typing import Any

from ..live.reference_server import Event, RealtimeSession, ReferenceServer, ServerOptions
from ..live.responses import Message, ResponseRun


@dataclass(frozen=True)
class BrokenServer:
    name: str
    defect: str
    #: Probe check ids that must fail against this server (the reference server passes them all).
    caught_by: tuple[str, ...]
    session: type[RealtimeSession] = field(repr=False)

    def server(self, options: ServerOptions | None = None) -> ReferenceServer:
        return ReferenceServer(options, session_class=self.session)

    @property
    def scenarios(self) -> tuple[str, ...]:
        """The probe scenarios its catalogued checks belong to, in order."""
        return tuple(dict.fromkeys(check_id.split("/")[1] for check_id in self.caught_by))


# --- the departures -----------------------------------------------------------------------------


class _CreatedAfterFirstItem(RealtimeSession):
    """Holds ``response.created`` back until the first event of the response has gone out."""

    held: Event | None = None

    async def deliver(self, event: Event) -> None:
        if event["type"] == "response.created":
            self.held = event
            return
        await super().deliver(event)
        if self.held is not None:
            held, self.held = self.held, None
            await super().deliver(held)


class _NoDoneAfterCancel(RealtimeSession):
    async def cancel(self, run: ResponseRun, reason: str) -> None:
        for event in run.cancel(reason):
            if event["type"] != "response.done" or reason != "client_cancelled":
                await self.send(event)
        self._finished(run)


class _DeltaAfterDone(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        await super().deliver(event)
        if event["type"] == "response.done":
            for item in event["response"].get("output") or []:
                if item.get("type") == "message":
                    trailing = {"type": "response.output_audio_transcript.delta", "response_id": event["response"]["id"], "item_id": item["id"], "output_index": 0, "content_index": 0, "delta": " and one more thing"}
                    await self.send(trailing)


_BETA_NAMES = {
    "response.output_audio.delta": "response.audio.delta",
    "response.output_audio.done": "response.audio.done",
    "response.output_audio_transcript.delta": "response.audio_transcript.delta",
    "response.output_audio_transcript.done": "response.audio_transcript.done",
    "response.output_text.delta": "response.text.delta",
    "response.output_text.done": "response.text.done",
}


class _BetaEventNames(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        await super().deliver({**event, "type": _BETA_NAMES.get(event["type"], event["type"])})


class _ErrorWithoutEventId(RealtimeSession):
    async def error(self, code: str, message: str, event_id: str | None, param: str | None = None, kind: str = "invalid_request_error") -> None:
        await super().error(code, message, None, param, kind)


class _DropsNullTurnDetection(RealtimeSession):
    def effective_session(self) -> dict[str, Any]:
        session = super().effective_session()
        if session["audio"]["input"].get("turn_detection") is None:
            del session["audio"]["input"]["turn_detection"]
        return session


class _DisconnectsOnUnknownEvent(RealtimeSession):
    async def on_unknown_type(self, event: Event, event_id: str | None) -> None:
        await self.connection.close(1008, "unknown event type")


class _DanglingPreviousItemId(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] in ("conversation.item.added", "conversation.item.done") and event.get("previous_item_id"):
            event = {**event, "previous_item_id": "item_gone"}
        await super().deliver(event)


class _CommitsEmptyBuffer(RealtimeSession):
    async def on_input_audio_buffer_commit(self, event: Event, event_id: str | None) -> None:
        item_id = self.speech_item or self.ids("item")
        await self.commit(item_id, bytes(self.buffer))
        self._empty_buffer()


class _ConcurrentInBandResponses(RealtimeSession):
    async def start_response(self, params: dict[str, Any], event_id: str | None) -> None:
        self.default_active = None  # forgets the response in progress
        await super().start_response(params, event_id)


class _OutOfBandInConversation(RealtimeSession):
    async def start_response(self, params: dict[str, Any], event_id: str | None) -> None:
        if params.get("conversation") == "none":
            params = {**params, "conversation": "auto"}
        await super().start_response(params, event_id)


class _DropsMetadata(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "response.done":
            event = {**event, "response": {**event["response"], "metadata": None}}
        await super().deliver(event)


class _UnboundedTruncate(RealtimeSession):
    async def on_conversation_item_truncate(self, event: Event, event_id: str | None) -> None:
        if event["item_id"] in self.conversation:
            self.conversation.audio_ms[event["item_id"]] = max(self.conversation.audio_ms.get(event["item_id"], 0), event["audio_end_ms"])
        await super().on_conversation_item_truncate(event, event_id)


class _UrlSafeAudio(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "response.output_audio.delta":
            event = {**event, "delta": base64.urlsafe_b64encode(base64.b64decode(event["delta"])).decode("ascii")}
        await super().deliver(event)


class _StringAudioStartMs(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "input_audio_buffer.speech_started":
            event = {**event, "audio_start_ms": str(event["audio_start_ms"])}
        await super().deliver(event)


class _NoSessionCreated(RealtimeSession):
    async def on_open(self) -> None:
        pass  # waits for the client to speak first, as some servers do


class _UnnamedFunctionCall(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "response.function_call_arguments.done":
            event = {key: value for key, value in event.items() if key != "name"}
        await super().deliver(event)


class _RegeneratesItemIds(RealtimeSession):
    async def on_conversation_item_create(self, event: Event, event_id: str | None) -> None:
        item = {key: value for key, value in event["item"].items() if key != "id"}
        await super().on_conversation_item_create({**event, "item": item}, event_id)


class _FloodsOnResponse(RealtimeSession):
    async def start_response(self, params: dict[str, Any], event_id: str | None) -> None:
        while True:  # until the client gives up and closes: sending then raises
            await self.after_response(None)  # type: ignore[arg-type]
            await asyncio.sleep(0)


class _HangsOnCommit(RealtimeSession):
    async def on_input_audio_buffer_commit(self, event: Event, event_id: str | None) -> None:
        pass


class _ReusedEventIds(RealtimeSession):
    async def send(self, event: Event) -> None:
        await self.deliver({"type": event["type"], "event_id": "event_0001", **{k: v for k, v in event.items() if k != "type"}})


class _TranscriptUnlikeDeltas(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "response.output_audio_transcript.done" and event["transcript"]:
            event = {**event, "transcript": event["transcript"].upper()}
        await super().deliver(event)


class _IgnoresForcedToolChoice(RealtimeSession):
    def plan(self, context: list[dict[str, Any]], tools: list[dict[str, Any]], tool_choice: Any) -> list[Any]:
        return [Message(self.script(context[-1] if context else None))]


class _RefusesPcma(RealtimeSession):
    async def on_session_update(self, event: Event, event_id: str | None) -> None:
        audio = event["session"].get("audio") or {}
        if any(((audio.get(side) or {}).get("format") or {}).get("type") == "audio/pcma" for side in ("input", "output")):
            await self.error("invalid_value", "Unsupported audio format 'audio/pcma'.", event_id, "session.audio.input.format")
            return
        await super().on_session_update(event, event_id)


class _DeafVad(RealtimeSession):
    def _configure_vad(self) -> None:
        super()._configure_vad()
        if self.detector is not None:
            self.detector.settings = type(self.detector.settings)(threshold=1e9)


class _EndlessSpeech(RealtimeSession):
    """Hears speech start and never hears it stop, however long the silence."""

    def _configure_vad(self) -> None:
        super()._configure_vad()
        if self.detector is not None:
            self.detector.settings = type(self.detector.settings)(silence_duration_ms=10**9)


class _SecondAckOnError(RealtimeSession):
    """Answers a failed retrieve with the error and then, as if it had found it, an empty item."""

    async def on_conversation_item_retrieve(self, event: Event, event_id: str | None) -> None:
        await super().on_conversation_item_retrieve(event, event_id)
        if event["item_id"] not in self.conversation:
            await self.send({"type": "conversation.item.retrieved", "item": {"id": event["item_id"], "object": "realtime.item", "type": "message", "status": "completed", "role": "user", "content": []}})


class _FillsInSessionType(RealtimeSession):
    """Takes a session.update without session.type as a realtime one (as a proxy that repairs it does)."""

    async def on_invalid(self, event: Event, event_id: str | None, problem: Any) -> None:
        session = event.get("session")
        if event.get("type") == "session.update" and isinstance(session, dict) and "type" not in session:
            await self.on_session_update({**event, "session": {"type": "realtime", **session}}, event_id)
            return
        await super().on_invalid(event, event_id, problem)


class _IgnoresSessionUpdate(RealtimeSession):
    async def on_session_update(self, event: Event, event_id: str | None) -> None:
        pass  # applies nothing, answers nothing


class _RefusesSessionUpdates(RealtimeSession):
    async def on_session_update(self, event: Event, event_id: str | None) -> None:
        await self.error("invalid_value", "Session configuration cannot be changed on this server.", event_id, "session")


class _StaleToolChoice(RealtimeSession):
    def effective_session(self) -> dict[str, Any]:
        return {**super().effective_session(), "tool_choice": "auto"}


class _VendorEvents(RealtimeSession):
    async def on_open(self) -> None:
        await super().on_open()
        await self.send({"type": "session.heartbeat", "interval_ms": 15000})


class _IgnoresOutputModalities(RealtimeSession):
    async def start_response(self, params: dict[str, Any], event_id: str | None) -> None:
        self.config["output_modalities"] = ["audio"]
        await super().start_response({**params, "output_modalities": ["audio"]}, event_id)


class _NoItemAfterCommit(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] in ("conversation.item.added", "conversation.item.done") and (event.get("item") or {}).get("content", [{}])[:1] == [{"type": "input_audio", "transcript": None}]:
            return
        await super().deliver(event)


class _FailsResponses(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "response.done" and event["response"]["status"] == "completed":
            failure = {"type": "failed", "reason": None, "error": {"type": "server_error", "code": "overloaded"}}
            event = {**event, "response": {**event["response"], "status": "failed", "status_details": failure}}
        await super().deliver(event)


class _OddAudioDeltas(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "response.output_audio.delta":
            event = {**event, "delta": base64.b64encode(base64.b64decode(event["delta"])[:-1]).decode("ascii")}
        await super().deliver(event)


class _VadWithoutResponse(RealtimeSession):
    async def on_speech_stopped(self, ms: int) -> None:
        turn_detection = self.config["audio"]["input"]["turn_detection"]
        self.config["audio"]["input"]["turn_detection"] = {**turn_detection, "create_response": False}
        await super().on_speech_stopped(ms)
        self.config["audio"]["input"]["turn_detection"] = turn_detection


class _NonJsonArguments(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "response.function_call_arguments.delta":
            event = {**event, "delta": event["delta"].replace('"', "").replace(": ", "=")}
        elif event["type"] == "response.function_call_arguments.done":
            event = {**event, "arguments": event["arguments"].replace('"', "").replace(": ", "=")}
        await super().deliver(event)


class _RejectsFunctionOutput(RealtimeSession):
    async def on_conversation_item_create(self, event: Event, event_id: str | None) -> None:
        if event["item"].get("type") == "function_call_output":
            await self.error("invalid_value", "function_call_output items are not supported.", event_id, "item.type")
            return
        await super().on_conversation_item_create(event, event_id)


class _IgnoresCancel(RealtimeSession):
    async def on_response_cancel(self, event: Event, event_id: str | None) -> None:
        if not self.runs:
            await super().on_response_cancel(event, event_id)  # the response runs to completion


class _RefusesTruncation(RealtimeSession):
    async def on_conversation_item_truncate(self, event: Event, event_id: str | None) -> None:
        await self.error("invalid_value", "Truncation is not supported.", event_id, "item_id")


class _RoundsTruncation(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] == "conversation.item.truncated":
            event = {**event, "audio_end_ms": event["audio_end_ms"] // 100 * 100 + 100}
        await super().deliver(event)


class _ClearsSilently(RealtimeSession):
    async def on_input_audio_buffer_clear(self, event: Event, event_id: str | None) -> None:
        self.speech_item = None
        self._empty_buffer()


class _IgnoresInvalidEvents(RealtimeSession):
    async def on_invalid(self, event: Event, event_id: str | None, problem: Any) -> None:
        pass


class _DisconnectsOnInvalidEvent(RealtimeSession):
    async def on_invalid(self, event: Event, event_id: str | None, problem: Any) -> None:
        await self.connection.close(1008, "invalid event")


class _RetrieveUnsupported(RealtimeSession):
    async def on_conversation_item_retrieve(self, event: Event, event_id: str | None) -> None:
        await self.error("invalid_value", "conversation.item.retrieve is not supported.", event_id, "type")


class _DeleteUnacknowledged(RealtimeSession):
    async def on_conversation_item_delete(self, event: Event, event_id: str | None) -> None:
        if event["item_id"] in self.conversation:
            self.conversation.delete(event["item_id"])


class _KeepsDeletedItems(RealtimeSession):
    async def on_conversation_item_delete(self, event: Event, event_id: str | None) -> None:
        if event["item_id"] in self.conversation:
            await self.send({"type": "conversation.item.deleted", "item_id": event["item_id"]})
            return
        await super().on_conversation_item_delete(event, event_id)


class _ImportNeverConcludes(RealtimeSession):
    async def deliver(self, event: Event) -> None:
        if event["type"] != "mcp_list_tools.completed":
            await super().deliver(event)


class _TranscriptionSessionCreated(RealtimeSession):
    async def on_open(self) -> None:
        session = {"type": "transcription", "object": "realtime.transcription_session", "id": self.config["id"], "expires_at": self.config["expires_at"], "include": None, "audio": {"input": self.config["audio"]["input"]}}
        await self.send({"type": "session.created", "session": session})


def _p(scenario: str, *checks: str) -> tuple[str, ...]:
    return tuple(f"probe/{scenario}/{check}" for check in checks)


def _updates(check: str) -> tuple[str, ...]:
    """``check`` of every scenario that only updates the session and reads the echo."""
    scenarios = ("session-update-audio-pcm", "session-update-audio-pcmu", "session-update-audio-pcma", "session-update-tools", "session-update-tool-choice")
    return tuple(f"probe/{scenario}/{check}" for scenario in scenarios)


BROKEN_SERVERS: tuple[BrokenServer, ...] = (
    BrokenServer("created-after-first-item", "sends response.created after the response's first output item", _p("text-response", "session-rules") + _p("manual-commit-response", "session-rules"), _CreatedAfterFirstItem),
    BrokenServer("no-done-after-cancel", "sends no response.done for a response the client cancelled", _p("cancel-mid-response", "cancel-outcome", "runs"), _NoDoneAfterCancel),
    BrokenServer("delta-after-done", "sends a transcript delta after the response's response.done", _p("manual-commit-response", "session-rules") + _p("truncate", "session-rules"), _DeltaAfterDone),
    BrokenServer("beta-event-names", "uses the beta names response.audio.delta, response.text.delta, ... in a GA session", _p("manual-commit-response", "events-valid") + _p("text-response", "events-valid"), _BetaEventNames),
    BrokenServer("error-without-event-id", "never echoes the offending client event's event_id in error.event_id", _p("unknown-client-event", "error-echoes-event-id") + _p("empty-commit", "error-echoes-event-id") + _p("truncate", "beyond-bounds-echoes-event-id") + _p("invalid-client-event", "error-echoes-event-id") + _p("response-create-while-active", "error-echoes-event-id"), _ErrorWithoutEventId),
    BrokenServer("drops-null-turn-detection", "leaves turn_detection out of session.updated when the client set it to null", _p("session-update-no-turn-detection", "echo"), _DropsNullTurnDetection),
    BrokenServer("disconnects-on-unknown-event", "closes the connection on an unknown client event type instead of answering with error", _p("unknown-client-event", "runs", "answered-by-error", "stays-open"), _DisconnectsOnUnknownEvent),
    BrokenServer("dangling-previous-item-id", "names an item that does not exist as previous_item_id", _p("item-create-retrieve-delete", "previous-item-id", "session-rules-should"), _DanglingPreviousItemId),
    BrokenServer("commits-empty-buffer", "commits an empty input buffer instead of refusing it", _p("empty-commit", "refused") + _p("input-audio-clear", "cleared-audio-dropped"), _CommitsEmptyBuffer),
    BrokenServer("concurrent-in-band-responses", "runs a second in-band response while one is in progress", _p("response-create-while-active", "refused", "session-rules"), _ConcurrentInBandResponses),
    BrokenServer("out-of-band-in-conversation", "adds an out-of-band response (conversation 'none') to the default conversation", _p("out-of-band-response", "no-conversation-items", "conversation-id-null"), _OutOfBandInConversation),
    BrokenServer("drops-metadata", "does not echo a response's metadata in response.done", _p("out-of-band-response", "metadata-echoed"), _DropsMetadata),
    BrokenServer("unbounded-truncate", "accepts a truncation beyond the audio it generated", _p("truncate", "beyond-bounds-error"), _UnboundedTruncate),
    BrokenServer("url-safe-audio", "sends audio deltas in URL-safe base64 ('-' and '_')", _p("manual-commit-response", "events-valid"), _UrlSafeAudio),
    BrokenServer("string-audio-start-ms", "sends speech_started.audio_start_ms as a string", _p("server-vad", "events-valid"), _StringAudioStartMs),
    BrokenServer("no-session-created", "never sends session.created: waits for the client to speak first", _p("handshake", "runs", "session-created"), _NoSessionCreated),
    BrokenServer("unnamed-function-call", "leaves name out of response.function_call_arguments.done (the beta shape)", _p("function-call", "events-valid", "call-made"), _UnnamedFunctionCall),
    BrokenServer("regenerates-item-ids", "replaces the item id the client chose", _p("item-create-retrieve-delete", "create-acked", "previous-item-id"), _RegeneratesItemIds),
    BrokenServer("floods-on-response", "answers response.create with an endless stream of events", _p("text-response", "runs", "answered"), _FloodsOnResponse),
    BrokenServer("hangs-on-commit", "never answers input_audio_buffer.commit", _p("manual-commit-response", "runs", "committed"), _HangsOnCommit),
    BrokenServer("reused-event-ids", "gives every server event the same event_id", _p("text-response", "session-rules"), _ReusedEventIds),
    BrokenServer("transcript-unlike-deltas", "sends an output_audio_transcript.done that is not its deltas joined", _p("manual-commit-response", "session-rules-should"), _TranscriptUnlikeDeltas),
    BrokenServer("ignores-forced-tool-choice", "answers with a message when tool_choice forces a function", _p("function-call", "runs", "call-made"), _IgnoresForcedToolChoice),
    BrokenServer("refuses-pcma", "refuses the GA audio format audio/pcma", _p("session-update-audio-pcma", "echo"), _RefusesPcma),
    BrokenServer("deaf-vad", "server VAD never hears speech", _p("server-vad", "speech-detected"), _DeafVad),
    BrokenServer("fills-in-session-type", "accepts a session.update without session.type as a realtime one", _p("session-update-without-type", "answered-by-error", "error-echoes-event-id"), _FillsInSessionType),
    BrokenServer("ignores-session-update", "neither applies nor answers session.update", _p("session-update-no-turn-detection", "runs", "acked") + _updates("acked") + _p("mcp-tools-import", "acked") + _p("server-vad", "acked"), _IgnoresSessionUpdate),
    BrokenServer("refuses-session-updates", "answers every session.update with an error", _updates("echo") + _p("session-update-no-turn-detection", "echo"), _RefusesSessionUpdates),
    BrokenServer("stale-tool-choice", "shows tool_choice 'auto' in session.updated whatever the client set", _p("session-update-tool-choice", "echo"), _StaleToolChoice),
    BrokenServer("vendor-events", "sends an event type of its own (session.heartbeat) in a GA session", _p("handshake", "events-known"), _VendorEvents),
    BrokenServer("ignores-output-modalities", "answers in audio when the session asks for text", _p("text-response", "text-output"), _IgnoresOutputModalities),
    BrokenServer("no-item-after-commit", "commits audio without adding the user item to the conversation", _p("manual-commit-response", "item-added"), _NoItemAfterCommit),
    BrokenServer("fails-responses", "ends every response with status failed", _p("text-response", "answered") + _p("manual-commit-response", "answered") + _p("out-of-band-response", "answered") + _p("function-call", "follow-up-answered"), _FailsResponses),
    BrokenServer("odd-audio-deltas", "sends PCM16 audio deltas with an odd number of bytes", _p("manual-commit-response", "audio-output"), _OddAudioDeltas),
    BrokenServer("vad-without-response", "commits a detected turn but ignores create_response", _p("server-vad", "response"), _VadWithoutResponse),
    BrokenServer("non-json-arguments", "streams function arguments that are not JSON", _p("function-call", "arguments-json", "session-rules"), _NonJsonArguments),
    BrokenServer("rejects-function-output", "refuses function_call_output items", _p("function-call", "output-accepted"), _RejectsFunctionOutput),
    BrokenServer("ignores-cancel", "lets a cancelled response run to completion", _p("cancel-mid-response", "cancelled"), _IgnoresCancel),
    BrokenServer("refuses-truncation", "refuses every conversation.item.truncate", _p("truncate", "within-bounds-acked"), _RefusesTruncation),
    BrokenServer("rounds-truncation", "reports a truncation at a rounded audio_end_ms", _p("truncate", "within-bounds-echo"), _RoundsTruncation),
    BrokenServer("clears-silently", "empties the input buffer without input_audio_buffer.cleared", _p("input-audio-clear", "runs", "cleared") + _p("empty-commit", "runs"), _ClearsSilently),
    BrokenServer("ignores-invalid-events", "says nothing about an invalid client event", _p("invalid-client-event", "runs", "answered-by-error") + _p("session-update-without-type", "answered-by-error"), _IgnoresInvalidEvents),
    BrokenServer("disconnects-on-invalid-event", "closes the connection on an invalid client event", _p("invalid-client-event", "stays-open") + _p("session-update-without-type", "stays-open"), _DisconnectsOnInvalidEvent),
    BrokenServer("retrieve-unsupported", "refuses every conversation.item.retrieve", _p("item-create-retrieve-delete", "retrieve-acked"), _RetrieveUnsupported),
    BrokenServer("delete-unacknowledged", "deletes an item without conversation.item.deleted", _p("item-create-retrieve-delete", "runs", "delete-acked"), _DeleteUnacknowledged),
    BrokenServer("keeps-deleted-items", "acknowledges a delete but keeps the item", _p("item-create-retrieve-delete", "deleted-item-gone", "deleted-item-gone-echoes-event-id"), _KeepsDeletedItems),
    BrokenServer("import-never-concludes", "starts an MCP tool import and never concludes it", _p("mcp-tools-import", "import-concluded"), _ImportNeverConcludes),
    BrokenServer("transcription-session-created", "describes a realtime connection as a transcription session", _p("handshake", "realtime-session"), _TranscriptionSessionCreated),
    BrokenServer("endless-speech", "hears speech start but never stop, so it never commits the turn", _p("server-vad", "runs", "speech-committed"), _EndlessSpeech),
    BrokenServer("acknowledges-after-error", "answers a failed retrieve with an error and then a retrieved item", _p("item-create-retrieve-delete", "session-rules"), _SecondAckOnError),
)

BROKEN_SERVERS_BY_NAME = {broken.name: broken for broken in BROKEN_SERVERS}
