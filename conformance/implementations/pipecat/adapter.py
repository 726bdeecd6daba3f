"""pipecat-ai's ``OpenAIRealtimeLLMService`` (``pipecat.services.openai.realtime.llm``), as a *client*:
judged by what reaches the application (frames and event handlers) and what goes on the wire, on
what it uses. Its events module is judged as a model in :mod:`..pipecat_events`.

Receiving: ``_receive_task_handler`` (llm.py:916-963) calls ``events.parse_server_event`` on every
message, then dispatches 16 types to handlers; every other type is parsed and dropped. An exception
from the parser ends the receive task (nothing catches it there), so a rejection is fatal. What the
application gets of each type it uses is listed in :attr:`PipecatServiceAdapter.application_paths`,
each with the line that hands it over.

Sending: ``send_client_event`` (llm.py:778), as :mod:`..pipecat_events`; the service builds its
events from what the application gives it (settings, context messages, audio and video frames,
function results). What it can send is its :attr:`scope`, with why it cannot send the rest.
"""

from __future__ import annotations

import importlib.metadata

from ...adapters.adapter import Direction, Parsed
from ...adapters.scope import Scope
from ..pipecat_events.adapter import PipecatEventsAdapter, _summary

LLM = "pipecat/services/openai/realtime/llm.py"
EVENTS = "pipecat/services/openai/realtime/events.py"

#: The types ``_receive_task_handler`` dispatches (llm.py:923-963).
HANDLED = frozenset({
    "session.created", "session.updated", "response.created", "response.output_audio.delta",
    "conversation.item.added", "conversation.item.done", "conversation.item.input_audio_transcription.delta",
    "conversation.item.input_audio_transcription.completed", "conversation.item.retrieved", "response.done",
    "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "response.output_text.delta",
    "response.output_audio_transcript.delta", "response.function_call_arguments.done", "error",
})


class PipecatServiceAdapter(PipecatEventsAdapter):
    name = "pipecat"
    conformance_class = "client"
    application_paths = {
        # triggers only: the handlers read nothing of the event (llm.py:966-973, :1085-1088, :1215-1230)
        "session.created": (),
        "session.updated": (),
        "response.created": (),
        "input_audio_buffer.speech_started": (),
        "input_audio_buffer.speech_stopped": (),
        # the audio, as TTSAudioRawFrame (llm.py:1014); the ids only track the item for truncation
        "response.output_audio.delta": ("$.delta",),
        # the item, to the on_conversation_item_created/updated handlers (llm.py:1031, :1046)
        "conversation.item.added": ("$.item",),
        "conversation.item.done": ("$.item",),
        # the item, as the result of retrieve_conversation_item (llm.py:1083)
        "conversation.item.retrieved": ("$.item",),
        # usage as LLMTokenUsage metrics (the seven counts it reads), a failure's message as an error,
        # the output items to the on_conversation_item_updated handler (llm.py:1094-1138)
        "response.done": (
            "$.response.usage.input_tokens", "$.response.usage.output_tokens", "$.response.usage.total_tokens",
            "$.response.usage.input_token_details.cached_tokens", "$.response.usage.input_token_details.audio_tokens",
            "$.response.usage.output_token_details.audio_tokens", "$.response.usage.input_token_details.cached_tokens_details.audio_tokens",
            "$.response.status", "$.response.status_details.error.message", "$.response.output",
        ),
        # an error is pushed as the text "Error: {evt}" of the whole event (llm.py:1253); what an
        # application shows of it is the message
        "error": ("$.error.message",),
        # the text as LLMTextFrame and transcript frames (llm.py:1144, :1151)
        "response.output_text.delta": ("$.delta",),
        "response.output_audio_transcript.delta": ("$.delta",),
        # the call id and arguments; the name comes from the item added earlier (llm.py:1182-1200)
        "response.function_call_arguments.done": ("$.call_id", "$.arguments"),
        # the input transcription events are attached whole to their frames (result=evt, llm.py:1053, :1074)
    }
    #: The application hands pipecat settings, context messages and frames; the service builds the
    #: events (llm.py:497-1501), which the wire family judges.
    builds_events = False
    refusal_ends_receive = f"parse_server_event re-raises the validation error ({EVENTS}:1160-1161), before the dispatch drops a type it does not handle, and _receive_task_handler has no try around it ({LLM}:919-920)"
    scope = Scope(
        consumes=HANDLED,
        sends=frozenset({
            "text-input", "audio-input", "image-input", "function-calls", "mcp", "truncation", "cancel", "conversation-items",
            "item-retrieve", "session.instructions", "session.voice", "session.speed", "session.output-modalities",
            "session.audio-formats", "session.turn-detection", "session.turn-detection-off", "session.transcription",
            "session.noise-reduction", "session.tool-choice", "session.tracing", "session.prompt", "session.max-output-tokens",
            "session.include",
        }),
        why={
            "transcription-sessions": f"SessionProperties.type is Literal['realtime'] ({EVENTS}:218)",
            "out-of-band-responses": f"_create_response sends ResponseProperties(output_modalities=...) only, and ResponseProperties has no conversation or input ({LLM}:1318-1322, {EVENTS}:321-340)",
            "response.settings": f"the service sends no per-response settings: ResponseProperties(output_modalities=...) only ({LLM}:1318-1322)",
            "item-delete": f"the service sends no conversation.item.delete (the client events it sends: {LLM}:497-1501)",
            "output-audio-buffer": "the service connects over WebSocket only",
            "session.idle-timeout": f"TurnDetection has no idle_timeout_ms ({EVENTS}:94-106)",
            "session.truncation": f"SessionProperties has no truncation ({EVENTS}:218-237)",
            "session.forced-tool-choice": f"SessionProperties.tool_choice is Literal['auto', 'none', 'required'] ({EVENTS}:231)",
            "session.transcription-extras": f"InputAudioTranscription.__init__ takes model, language and prompt only, and raises TypeError on any other member ({EVENTS}:70-91)",
        },
    )

    @property
    def version(self) -> str:
        return importlib.metadata.version("pipecat-ai")

    def parse(self, direction: Direction, text: str) -> Parsed:
        try:
            event = self.events.parse_server_event(text)
        except Exception as error:  # nothing in _receive_task_handler catches it: the task ends
            return Parsed("rejected", detail=_summary(error))
        if event is None or event.type not in HANDLED:
            return Parsed("ignored", getattr(event, "type", None))  # parsed, then dropped by the dispatch
        return Parsed("accepted", event.type, event, model_type=type(event).model_fields["type"].default)
