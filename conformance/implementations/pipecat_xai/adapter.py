"""pipecat-ai's model of xAI's Grok Voice Agent API, ``pipecat.services.xai.realtime.events``, judged
under the ``xai`` dialect. It is a fork of pipecat's OpenAI events module, driven as its service
drives it (:mod:`conformance.implementations.pipecat.forks`).

Two implementations in one: the events module is a *model* of the xAI dialect (every event, every
member), and ``GrokRealtimeLLMService`` a *client* that hands the types it dispatches to its handlers
(``consumes``) and sends what its settings and frames can say (``sends``). At the parse level the
model asks more, so it decides the levels; the client's scope is what the wire family judges.
"""

from __future__ import annotations

from ...adapters.scope import Scope
from ..pipecat.forks import PipecatForkAdapter

LLM = "pipecat/services/xai/realtime/llm.py"
EVENTS = "pipecat/services/xai/realtime/events.py"


class PipecatXaiAdapter(PipecatForkAdapter):
    name = "pipecat-xai"
    dialect = "xai"
    module = "pipecat.services.xai.realtime.events"
    conformance_class = ("model", "client")
    scope = Scope(
        # the types _receive_task_handler hands to a handler (llm.py:864-922); the rest it passes over
        consumes=frozenset({
            "session.created", "conversation.created", "session.updated", "response.created", "response.output_audio.delta",
            "response.output_audio.done", "response.output_item.added", "conversation.item.added", "conversation.item.deleted",
            "conversation.item.truncated", "conversation.item.input_audio_transcription.updated",
            "conversation.item.input_audio_transcription.completed", "response.done", "input_audio_buffer.speech_started",
            "input_audio_buffer.speech_stopped", "input_audio_buffer.timeout_triggered", "input_audio_buffer.dtmf_event_received",
            "response.output_audio_transcript.delta", "response.output_text.delta", "response.text.delta",
            "response.function_call_arguments.done", "mcp_list_tools.in_progress", "mcp_list_tools.completed", "mcp_list_tools.failed",
            "response.mcp_call_arguments.delta", "response.mcp_call_arguments.done", "response.mcp_call.in_progress",
            "response.mcp_call.completed", "response.mcp_call.failed", "error",
        }),
        sends=frozenset({
            "text-input", "audio-input", "function-calls", "mcp", "truncation", "cancel", "conversation-items", "item-delete",
            "session.instructions", "session.voice", "session.speed", "session.audio-formats", "session.turn-detection",
            "session.idle-timeout", "session.transcription",
        }),
        why={
            "image-input": f"ItemContent.type has no input_image ({EVENTS}:342)",
            "transcription-sessions": f"SessionProperties has no session type ({EVENTS}:297-312)",
            "out-of-band-responses": f"ResponseProperties has only modalities and instructions ({EVENTS}:399-400)",
            "item-retrieve": f"there is no conversation.item.retrieve event class (the client events: {EVENTS}:441-548)",
            "output-audio-buffer": "the service connects over WebSocket only",
            "session.output-modalities": f"SessionProperties has no modalities ({EVENTS}:297-312)",
            "session.turn-detection-off": f"send_client_event is model_dump(exclude_none=True) ({LLM}:732-738): turn_detection=None is never sent",
            "session.noise-reduction": f"AudioInput has only format, transcription and transport ({EVENTS}:129-131)",
            "session.tool-choice": f"SessionProperties has no tool_choice ({EVENTS}:297-312)",
            "session.forced-tool-choice": f"SessionProperties has no tool_choice ({EVENTS}:297-312)",
            "session.tracing": f"SessionProperties has no tracing ({EVENTS}:297-312)",
            "session.truncation": f"SessionProperties has no truncation ({EVENTS}:297-312)",
            "session.prompt": f"SessionProperties has no prompt ({EVENTS}:297-312)",
            "session.max-output-tokens": f"SessionProperties has no max_output_tokens ({EVENTS}:297-312)",
            "session.include": f"SessionProperties has no include ({EVENTS}:297-312)",
            "response.settings": f"_create_response always sends ResponseProperties(modalities=['text', 'audio']) ({LLM}:1254-1258)",
        },
    )
