"""pipecat-ai's model of Inworld's Realtime API, ``pipecat.services.inworld.realtime.events``, judged
under the ``inworld`` dialect. It is a fork of pipecat's OpenAI events module, driven as its service
drives it (:mod:`conformance.implementations.pipecat.forks`).

Two implementations in one: the events module is a *model* of the Inworld dialect, and
``InworldRealtimeLLMService`` a *client* that hands the types it dispatches to its handlers
(``consumes``) and sends what its settings and frames can say (``sends``). At the parse level the
model asks more, so it decides the levels; the client's scope is what the wire family judges.
"""

from __future__ import annotations

from ...adapters.scope import Scope
from ..pipecat.forks import PipecatForkAdapter

LLM = "pipecat/services/inworld/realtime/llm.py"
EVENTS = "pipecat/services/inworld/realtime/events.py"


class PipecatInworldAdapter(PipecatForkAdapter):
    name = "pipecat-inworld"
    dialect = "inworld"
    module = "pipecat.services.inworld.realtime.events"
    dump_options = {"by_alias": True}
    conformance_class = ("model", "client")
    scope = Scope(
        # the types _receive_task_handler hands to a handler (llm.py:924-967); the rest it passes over
        consumes=frozenset({
            "session.created", "session.updated", "response.created", "response.output_audio.delta", "response.output_audio.done",
            "response.output_item.added", "conversation.item.added", "conversation.item.input_audio_transcription.delta",
            "conversation.item.input_audio_transcription.completed", "response.done", "input_audio_buffer.speech_started",
            "input_audio_buffer.speech_stopped", "response.output_audio_transcript.delta", "response.function_call_arguments.done",
            "error",
        }),
        sends=frozenset({
            "text-input", "audio-input", "function-calls", "cancel", "conversation-items", "session.instructions", "session.voice",
            "session.output-modalities", "session.audio-formats", "session.turn-detection", "session.transcription",
        }),
        why={
            "image-input": f"ItemContent.type has no input_image ({EVENTS}:240)",
            "mcp": f"ConversationItem.type has no MCP item, so no approval response can be sent ({EVENTS}:264)",
            "transcription-sessions": f"the service always sets up a conversation and asks for responses over it ({LLM}:1221-1241); a transcription session takes neither",
            "out-of-band-responses": f"ResponseProperties has only modalities ({EVENTS}:293)",
            "truncation": f"there is no conversation.item.truncate event class (the client events: {EVENTS}:334-413)",
            "item-retrieve": f"there is no conversation.item.retrieve event class (the client events: {EVENTS}:334-413)",
            "item-delete": f"there is no conversation.item.delete event class (the client events: {EVENTS}:334-413)",
            "output-audio-buffer": "the service connects over WebSocket only",
            "session.speed": f"AudioOutput has only format, model and voice ({EVENTS}:137-139)",
            "session.turn-detection-off": f"send_client_event is model_dump(exclude_none=True, by_alias=True) ({LLM}:764-773): turn_detection=None is never sent",
            "session.idle-timeout": f"TurnDetection has no idle_timeout_ms ({EVENTS}:93-96)",
            "session.noise-reduction": f"AudioInput has only format, transcription and turn_detection ({EVENTS}:123-125)",
            "session.tool-choice": f"SessionProperties has no tool_choice ({EVENTS}:200-210)",
            "session.forced-tool-choice": f"SessionProperties has no tool_choice ({EVENTS}:200-210)",
            "session.tracing": f"SessionProperties has no tracing ({EVENTS}:200-210)",
            "session.truncation": f"SessionProperties has no truncation ({EVENTS}:200-210)",
            "session.prompt": f"SessionProperties has no prompt ({EVENTS}:200-210)",
            "session.max-output-tokens": f"SessionProperties has no max_output_tokens ({EVENTS}:200-210)",
            "session.include": f"SessionProperties has no include ({EVENTS}:200-210)",
            "response.settings": f"_create_response sends ResponseProperties(modalities=...) of the session's modalities only ({LLM}:1235-1241)",
        },
    )
