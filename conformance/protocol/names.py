"""Event type names of the GA protocol, and the legacy beta names that GA replaced.

The two GA sets are disjoint, so the type alone tells the direction of an event;
``validate --direction auto`` relies on that.
"""

from __future__ import annotations

from typing import Literal

CLIENT_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "session.update",
        "input_audio_buffer.append",
        "input_audio_buffer.commit",
        "input_audio_buffer.clear",
        "output_audio_buffer.clear",
        "conversation.item.create",
        "conversation.item.retrieve",
        "conversation.item.truncate",
        "conversation.item.delete",
        "response.create",
        "response.cancel",
    }
)

SERVER_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "error",
        "session.created",
        "session.updated",
        "conversation.created",
        "conversation.item.created",
        "conversation.item.added",
        "conversation.item.done",
        "conversation.item.retrieved",
        "conversation.item.truncated",
        "conversation.item.deleted",
        "conversation.item.input_audio_transcription.completed",
        "conversation.item.input_audio_transcription.delta",
        "conversation.item.input_audio_transcription.failed",
        "conversation.item.input_audio_transcription.segment",
        "input_audio_buffer.committed",
        "input_audio_buffer.cleared",
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.timeout_triggered",
        "input_audio_buffer.dtmf_event_received",
        "output_audio_buffer.started",
        "output_audio_buffer.stopped",
        "output_audio_buffer.cleared",
        "response.created",
        "response.done",
        "response.output_item.added",
        "response.output_item.done",
        "response.content_part.added",
        "response.content_part.done",
        "response.output_text.delta",
        "response.output_text.done",
        "response.output_audio_transcript.delta",
        "response.output_audio_transcript.done",
        "response.output_audio.delta",
        "response.output_audio.done",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.mcp_call_arguments.delta",
        "response.mcp_call_arguments.done",
        "response.mcp_call.in_progress",
        "response.mcp_call.completed",
        "response.mcp_call.failed",
        "mcp_list_tools.in_progress",
        "mcp_list_tools.completed",
        "mcp_list_tools.failed",
        "rate_limits.updated",
    }
)

#: Legacy beta (``OpenAI-Beta: realtime=v1``) names that GA renamed, with their GA successor.
#: ``conversation.item.created`` is absent on purpose: GA still lists it in the server-event union,
#: so it is a GA event (see ``LEGACY_GA_ALIASES``).
#: The beta names of the response output events, with the GA names that replaced them.
BETA_OUTPUT_RENAMES: dict[str, str] = {
    "response.text.delta": "response.output_text.delta",
    "response.text.done": "response.output_text.done",
    "response.audio.delta": "response.output_audio.delta",
    "response.audio.done": "response.output_audio.done",
    "response.audio_transcript.delta": "response.output_audio_transcript.delta",
    "response.audio_transcript.done": "response.output_audio_transcript.done",
}

BETA_RENAMES: dict[str, str] = {
    **BETA_OUTPUT_RENAMES,
    "transcription_session.created": "session.created",
    "transcription_session.updated": "session.updated",
    "transcription_session.update": "session.update",
}

#: GA events whose name dates from the beta and that the GA docs no longer list;
#: they validate, and the verdict carries a note naming the documented successor.
LEGACY_GA_ALIASES: dict[str, str] = {
    "conversation.item.created": "conversation.item.added",
}

BETA_CLIENT_TYPES: frozenset[str] = frozenset({"transcription_session.update"})
BETA_SERVER_TYPES: frozenset[str] = frozenset(BETA_RENAMES) - BETA_CLIENT_TYPES

#: How a session is carried. On WebRTC and SIP the audio travels as media and only control events
#: use the data channel (or the server-side WebSocket of the call).
Transport = Literal["websocket", "webrtc", "sip"]
TRANSPORTS: tuple[Transport, ...] = ("websocket", "webrtc", "sip")

#: Events that only some transports carry: the spec marks the output audio buffer "WebRTC/SIP Only"
#: and DTMF "SIP Only". On any other transport these events never occur.
EVENT_TRANSPORTS: dict[str, frozenset[Transport]] = {
    "output_audio_buffer.started": frozenset({"webrtc", "sip"}),
    "output_audio_buffer.stopped": frozenset({"webrtc", "sip"}),
    "output_audio_buffer.cleared": frozenset({"webrtc", "sip"}),
    "output_audio_buffer.clear": frozenset({"webrtc", "sip"}),
    "input_audio_buffer.dtmf_event_received": frozenset({"sip"}),
}

assert not CLIENT_EVENT_TYPES & SERVER_EVENT_TYPES
assert len(CLIENT_EVENT_TYPES) == 11 and len(SERVER_EVENT_TYPES) == 46
