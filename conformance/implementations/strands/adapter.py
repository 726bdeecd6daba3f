"""strands-agents' bidirectional OpenAI realtime model
(``strands.bidi.models.openai.realtime.OpenAIRealtimeModel``), as a *client*, at the parse level:
what its application receives of each server event.

The model has no parser apart from its receive loop: ``receive()`` ``json.loads`` each frame outside
any try (strands/bidi/models/openai/realtime.py:548), updates its response bookkeeping from the raw
dict (:549-577) and hands it to ``_convert_openai_event`` (:579, :586-739), an if-chain on the
``type`` string that turns some types into strands' own events (``BidiAudioDeltaEvent``,
``BidiTranscriptDeltaEvent``, ``BidiToolUseBlocksEvent``, ``BidiUsageEvent``…), logs others at debug
level and returns nothing, and logs the types it does not know as "unhandled" (:738). Its
application (strands' ``BidiAgent``, loop.py:603) gets only those strands events; an exception in
the loop ends ``receive()``, and the agent raises it to its application (loop.py:717-722, :321).

The adapter drives that very loop: a model whose socket is a stand-in holding one frame, and
``receive()`` iterated until it asks for the next. It reports:

* *rejected*: ``receive()`` raised (a frame that is not a JSON object, a member the loop indexes
  missing, ``conversation.item.input_audio_transcription.failed``, which it raises as a
  ``RuntimeError``, :674-676);
* *ignored*: a type no branch handles (:738);
* *accepted*, with the strands events it produced: a type one of its branches handles, whether or
  not that branch hands anything on. ``dump`` writes back the protocol members those events carry
  (:attr:`StrandsAdapter.application_paths`), so that what the application gets is compared with
  what the server sent, member by member.

The loop keeps state across events: a ``response.done`` for a response it never saw created is
skipped (:566-569), as a duplicate ``response.created`` is (:558-561). A server always sends
``response.created`` first (session-rules.md), so for a ``response.done`` the adapter first plays the
``response.created`` of the same response id and reports only what the ``response.done`` produced.

Sending: the application builds no protocol events. It sends ``BidiMessage`` (text, images, tool
results) and ``AudioDelta`` (realtime.py:805-827), from which the model builds its client events as
dicts and ``json.dumps`` them (:970-974); what it sends is judged on the wire (:mod:`.wire`).
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import time
from typing import Any

from ...adapters.adapter import Adapter, Direction, Parsed
from ...adapters.scope import Scope

REALTIME = "strands/bidi/models/openai/realtime.py"

#: The types a branch of ``_convert_openai_event`` handles (:593-736); any other is "unhandled" (:738).
HANDLED = frozenset({
    "input_audio_buffer.speech_started", "input_audio_buffer.committed", "conversation.item.added", "response.created",
    "response.content_part.added", "response.output_audio.delta", "response.output_audio.done", "response.output_text.delta",
    "response.output_audio_transcript.delta", "response.output_text.done", "response.output_audio_transcript.done",
    "conversation.item.input_audio_transcription.delta", "conversation.item.input_audio_transcription.segment",
    "conversation.item.input_audio_transcription.completed", "conversation.item.input_audio_transcription.failed",
    "response.output_item.done", "response.done", "conversation.item.retrieve", "conversation.item.done",
    "response.output_item.added", "response.content_part.done", "input_audio_buffer.cleared", "session.created",
    "session.updated", "response.function_call_arguments.delta", "response.function_call_arguments.done", "error",
})

_USAGE = ("input_tokens", "output_tokens", "total_tokens")
#: Deltas whose text strands skips when it is empty (:633-635, :667-668), with their text member and
#: the id that keys them: an empty delta adds nothing to what the application holds.
_DELTAS = {
    "response.output_audio_transcript.delta": ("delta", "response_id"),
    "response.output_text.delta": ("delta", "response_id"),
    "conversation.item.input_audio_transcription.delta": ("delta", "item_id"),
    "conversation.item.input_audio_transcription.segment": ("text", "item_id"),
}
#: BidiUsageEvent's detail names for the protocol's (:795-803).
_DETAILS = {"text_tokens": "text", "audio_tokens": "audio", "image_tokens": "image", "cached_tokens": "cache_read", "reasoning_tokens": "reasoning"}


class _Socket:
    """Stands in for the websocket ``receive()`` reads: one frame, then the end."""

    def __init__(self, frames: list[str]) -> None:
        self.frames = frames

    async def recv(self) -> str:
        if self.frames:
            return self.frames.pop(0)
        raise _Drained

    async def send(self, data: str) -> None:  # _flush_response_request may ask for a response
        pass


class _Drained(Exception):
    pass


class StrandsAdapter(Adapter):
    name = "strands"
    conformance_class = "client"
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})
    builds_events = False
    scope = Scope(
        # the types whose branch hands the application a strands event (:593-686); the rest are
        # logged at debug level (:688-721), errors at error level (:723-736), and nothing reaches it
        consumes=frozenset({
            "input_audio_buffer.speech_started", "input_audio_buffer.committed", "conversation.item.added", "response.created",
            "response.content_part.added", "response.output_audio.delta", "response.output_audio.done", "response.output_text.delta",
            "response.output_audio_transcript.delta", "conversation.item.input_audio_transcription.delta",
            "conversation.item.input_audio_transcription.segment", "conversation.item.input_audio_transcription.completed",
            "conversation.item.input_audio_transcription.failed", "response.output_item.done", "response.done",
        }),
        # what _build_session_config (:365-393) and send() (:805-909) can put on the wire; params
        # are merged over the session configuration member by member (:383), so any session member
        # the application writes in GA's shape goes out
        sends=frozenset({
            "text-input", "audio-input", "image-input", "function-calls", "session.instructions", "session.voice", "session.speed",
            "session.output-modalities", "session.audio-formats", "session.turn-detection", "session.idle-timeout",
            "session.transcription", "session.noise-reduction", "session.tool-choice", "session.forced-tool-choice",
            "session.tracing", "session.truncation", "session.prompt", "session.max-output-tokens", "session.include",
        }),
        why={
            "session.turn-detection-off": f"_build_session_config raises ValueError when turn_detection is null, or create_response or interrupt_response false ({REALTIME}:384-392)",
            "session.turn-detection-responses": f"_build_session_config raises ValueError when create_response or interrupt_response is false ({REALTIME}:384-392): its loop relies on the server creating and interrupting responses",
            "cancel": f"send() takes a BidiMessage or an AudioDelta only ({REALTIME}:805-827); no response.cancel anywhere in the model",
            "truncation": f"no conversation.item.truncate anywhere in the model (its client events: {REALTIME}:359, :475, :511, :520, :855, :884, :905)",
            "item-retrieve": f"no conversation.item.retrieve anywhere in the model (its client events: {REALTIME}:359, :475, :511, :520, :855, :884, :905)",
            "item-delete": f"no conversation.item.delete anywhere in the model (its client events: {REALTIME}:359, :475, :511, :520, :855, :884, :905)",
            "conversation-items": f"_send_input_item sends user messages and function call outputs, at the end of the conversation ({REALTIME}:829-887); history replay sends assistant text as output_text content of an assistant message (:455-458), and a system message only on restart (:956-965)",
            "mcp": f"_convert_tools_to_openai_format makes every tool a function ({REALTIME}:395-417)",
            "transcription-sessions": f"DEFAULT_SESSION_CONFIG is type realtime ({REALTIME}:79-80), and params cannot make it a transcription session the model reads",
            "out-of-band-responses": f"every response.create is a bare {{\"type\": \"response.create\"}} ({REALTIME}:905)",
            "response.settings": f"every response.create is a bare {{\"type\": \"response.create\"}} ({REALTIME}:905)",
            "output-audio-buffer": "the model connects over WebSocket only (websockets.connect, :354)",
        },
    )
    application_paths = {
        # BidiResponseStartEvent(response_id) (:610-613)
        "response.created": ("$.response.id",),
        # BidiAudioDeltaEvent(audio=delta) (:618-627); the response id only keys the audio stream
        "response.output_audio.delta": ("$.delta",),
        # BidiTranscriptDeltaEvent / BidiTextDeltaEvent with the response id as content id (:632-650)
        "response.output_audio_transcript.delta": ("$.delta", "$.response_id"),
        "response.output_text.delta": ("$.delta", "$.response_id"),
        # the user's transcript, keyed by the item id (:656-672)
        "conversation.item.input_audio_transcription.delta": ("$.delta", "$.item_id"),
        "conversation.item.input_audio_transcription.segment": ("$.text", "$.item_id"),
        "conversation.item.input_audio_transcription.completed": ("$.transcript", "$.item_id"),
        # BidiTranscriptStartEvent for the user's speech, keyed by the item id (:593-597)
        "input_audio_buffer.speech_started": ("$.item_id",),
        # BidiResponseStopEvent(response_id) and BidiUsageEvent (:741-803)
        "response.done": (
            "$.response.id", *(f"$.response.usage.{name}" for name in _USAGE),
            *(f"$.response.usage.input_token_details.{name}" for name in ("text_tokens", "audio_tokens", "image_tokens", "cached_tokens")),
            *(f"$.response.usage.output_token_details.{name}" for name in ("text_tokens", "audio_tokens")),
        ),
        # triggers only: what they start or stop carries ids strands makes itself, and a tool use
        # (response.output_item.done, :678-683) is judged on the wire
        "input_audio_buffer.committed": (),
        "conversation.item.added": (),
        "response.content_part.added": (),
        "response.output_audio.done": (),
        "response.output_item.done": (),
        "conversation.item.input_audio_transcription.failed": (),
    }

    def __init__(self) -> None:
        from strands.bidi.models.openai.realtime import OpenAIRealtimeModel

        self._model_class = OpenAIRealtimeModel

    @property
    def version(self) -> str:
        return importlib.metadata.version("strands-agents")

    def parse(self, direction: Direction, text: str) -> Parsed:
        return asyncio.run(self._receive(text))

    async def _receive(self, text: str) -> Parsed:
        import json

        try:
            event = json.loads(text)
        except ValueError:
            event = None
        kind = event.get("type") if isinstance(event, dict) else None
        frames = [text]
        primed = 0
        if kind == "response.done" and isinstance(event.get("response"), dict) and isinstance(event["response"].get("id"), str):
            frames.insert(0, json.dumps({"type": "response.created", "event_id": "event_primer", "response": {"id": event["response"]["id"], "object": "realtime.response", "status": "in_progress", "output": []}}))
            primed = 1
        model = self._model_class(model_id="gpt-realtime", api_key="conformance", transcription_model_id="gpt-4o-transcribe")
        model._connection_id = "conformance"
        model._start_time = int(time.time())
        socket = _Socket(frames)
        model._websocket = socket
        produced: list[dict[str, Any]] = []
        marks: list[int] = []
        try:
            async for emitted in model.receive():
                if emitted.get("type") == "bidi_connection_start":
                    continue
                produced.append(dict(emitted))
                marks.append(len(frames))
        except _Drained:
            pass
        except Exception as error:  # noqa: BLE001 - receive() ends; the agent raises it to its application
            return Parsed("rejected", detail=f"receive() raised {type(error).__name__}: {_first_line(error)}; the agent raises it to its application (loop.py:717-722, :321)")
        # only what the frame under test produced (not the primer's): events yielded once the primer was read
        if primed:
            produced = [emitted for emitted, left in zip(produced, marks) if left == 0]
        if not isinstance(kind, str) or kind not in HANDLED:
            return Parsed("ignored", detail=f"no branch handles {kind!r}: logged at debug level as unhandled ({REALTIME}:738)")
        found: dict[str, Any] = {"type": kind, "produced": produced}
        if kind in _DELTAS and not produced and not event.get(_DELTAS[kind][0]):
            # nothing to add: the application's transcript is what it was, as an empty delta leaves it
            text, key = _DELTAS[kind]
            found["empty"] = {name: event[name] for name in (text, key) if name in event}
        return Parsed("accepted", kind, found)

    def dump(self, direction: Direction, obj: Any) -> Any:
        """The protocol members the strands events carry, where they came from (:586-803)."""
        kind, produced = obj["type"], obj["produced"]
        found: dict[str, Any] = {"type": kind, **obj.get("empty", {})}
        for emitted in produced:
            name = emitted.get("type")
            if name == "bidi_response_start":
                found["response"] = {"id": emitted["response_id"]}
            elif name == "bidi_audio_delta":
                found["delta"] = found.get("delta", "") + emitted["audio"]
            elif name == "bidi_text_delta":
                found["delta"] = found.get("delta", "") + emitted["delta"]
                found["response_id"] = str(emitted["content_id"]).removesuffix(":text")
            elif name == "bidi_transcript_delta":
                member = {"conversation.item.input_audio_transcription.segment": "text", "conversation.item.input_audio_transcription.completed": "transcript"}.get(kind, "delta")
                found[member] = found.get(member, "") + emitted["delta"]
                found["response_id" if emitted["role"] == "assistant" else "item_id"] = emitted["content_id"]
            elif name in ("bidi_transcript_start", "bidi_transcript_stop") and emitted.get("role") == "user":
                found["item_id"] = emitted["content_id"]
                if name == "bidi_transcript_stop" and kind == "conversation.item.input_audio_transcription.completed":
                    found.setdefault("transcript", "")  # the transcript block is its deltas: none, an empty one
            elif name == "bidi_response_stop":
                found.setdefault("response", {})["id"] = emitted["response_id"]
            elif name == "bidi_usage":
                usage: dict[str, Any] = {key: emitted[key] for key in _USAGE}
                for side in ("input_token_details", "output_token_details"):
                    if side in emitted:
                        usage[side] = {key: emitted[side][mine] for key, mine in _DETAILS.items() if mine in emitted[side]}
                found.setdefault("response", {})["usage"] = usage
        return found


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
