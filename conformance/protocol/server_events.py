"""The 46 GA server events and their union, discriminated on ``type``."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, TypeAdapter

from .base import Base64, Model, Number
from .common import (
    ErrorDetails,
    LogProb,
    RateLimit,
    TranscriptionErrorDetails,
    TranscriptionLanguage,
    TranscriptionUsage,
)
from .items import ConversationItem
from .response import Response
from .session import Session


class ServerEvent(Model):
    event_id: str


# --- session and conversation -------------------------------------------------------------------


class Error(ServerEvent):
    type: Literal["error"]
    error: ErrorDetails


class SessionCreated(ServerEvent):
    type: Literal["session.created"]
    session: Session


class SessionUpdated(ServerEvent):
    type: Literal["session.updated"]
    session: Session


class Conversation(Model):
    id: str | None = None
    #: Typed a plain string in the schema, but its description is exact: "The object type, must be
    #: ``realtime.conversation``". A reader that refuses any other value follows the spec.
    object: Literal["realtime.conversation"] | None = None


class ConversationCreated(ServerEvent):
    type: Literal["conversation.created"]
    conversation: Conversation


class ConversationItemCreated(ServerEvent):
    """Still in the GA union though GA documents ``conversation.item.added`` instead."""

    type: Literal["conversation.item.created"]
    previous_item_id: str | None = None
    item: ConversationItem


class ConversationItemAdded(ServerEvent):
    type: Literal["conversation.item.added"]
    previous_item_id: str | None = None
    item: ConversationItem


class ConversationItemDone(ServerEvent):
    type: Literal["conversation.item.done"]
    previous_item_id: str | None = None
    item: ConversationItem


class ConversationItemRetrieved(ServerEvent):
    type: Literal["conversation.item.retrieved"]
    item: ConversationItem


class ConversationItemTruncated(ServerEvent):
    type: Literal["conversation.item.truncated"]
    item_id: str
    content_index: int
    audio_end_ms: int


class ConversationItemDeleted(ServerEvent):
    type: Literal["conversation.item.deleted"]
    item_id: str


# --- input transcription ------------------------------------------------------------------------


class InputAudioTranscriptionCompleted(ServerEvent):
    type: Literal["conversation.item.input_audio_transcription.completed"]
    item_id: str
    content_index: int
    transcript: str
    languages: list[TranscriptionLanguage] | None = None
    logprobs: list[LogProb] | None = None
    usage: TranscriptionUsage


class InputAudioTranscriptionDelta(ServerEvent):
    type: Literal["conversation.item.input_audio_transcription.delta"]
    item_id: str
    content_index: int | None = None
    delta: str | None = None
    logprobs: list[LogProb] | None = None


class InputAudioTranscriptionFailed(ServerEvent):
    type: Literal["conversation.item.input_audio_transcription.failed"]
    item_id: str
    content_index: int
    error: TranscriptionErrorDetails


class InputAudioTranscriptionSegment(ServerEvent):
    type: Literal["conversation.item.input_audio_transcription.segment"]
    item_id: str
    content_index: int
    text: str
    id: str
    speaker: str
    start: Number
    end: Number


# --- input audio buffer -------------------------------------------------------------------------


class InputAudioBufferCommitted(ServerEvent):
    type: Literal["input_audio_buffer.committed"]
    previous_item_id: str | None = None
    item_id: str


class InputAudioBufferCleared(ServerEvent):
    type: Literal["input_audio_buffer.cleared"]


class InputAudioBufferSpeechStarted(ServerEvent):
    type: Literal["input_audio_buffer.speech_started"]
    audio_start_ms: int
    item_id: str


class InputAudioBufferSpeechStopped(ServerEvent):
    type: Literal["input_audio_buffer.speech_stopped"]
    audio_end_ms: int
    item_id: str


class InputAudioBufferTimeoutTriggered(ServerEvent):
    type: Literal["input_audio_buffer.timeout_triggered"]
    audio_start_ms: int
    audio_end_ms: int
    item_id: str


class InputAudioBufferDTMFEventReceived(ServerEvent):
    """SIP only. The only server event whose schema has no ``event_id``; we accept one if present
    rather than report it as unknown, since every other server event carries it."""

    event_id: str | None = None  # type: ignore[assignment]
    type: Literal["input_audio_buffer.dtmf_event_received"]
    event: str
    received_at: int


# --- output audio buffer (WebRTC/SIP only) ------------------------------------------------------


class OutputAudioBufferStarted(ServerEvent):
    type: Literal["output_audio_buffer.started"]
    response_id: str


class OutputAudioBufferStopped(ServerEvent):
    type: Literal["output_audio_buffer.stopped"]
    response_id: str


class OutputAudioBufferCleared(ServerEvent):
    type: Literal["output_audio_buffer.cleared"]
    response_id: str


# --- responses ----------------------------------------------------------------------------------


class ResponseCreated(ServerEvent):
    type: Literal["response.created"]
    response: Response


class ResponseDone(ServerEvent):
    type: Literal["response.done"]
    response: Response


class ResponseOutputItemAdded(ServerEvent):
    type: Literal["response.output_item.added"]
    response_id: str
    output_index: int
    item: ConversationItem


class ResponseOutputItemDone(ServerEvent):
    type: Literal["response.output_item.done"]
    response_id: str
    output_index: int
    item: ConversationItem


class ContentPart(Model):
    """The streaming content part. Its enum is ``text`` / ``audio``, unlike item content parts."""

    type: Literal["text", "audio"] | None = None
    text: str | None = None
    audio: Base64 | None = None
    transcript: str | None = None


class _ContentEvent(ServerEvent):
    response_id: str
    item_id: str
    output_index: int
    content_index: int


class ResponseContentPartAdded(_ContentEvent):
    type: Literal["response.content_part.added"]
    part: ContentPart


class ResponseContentPartDone(_ContentEvent):
    type: Literal["response.content_part.done"]
    part: ContentPart


class ResponseOutputTextDelta(_ContentEvent):
    type: Literal["response.output_text.delta"]
    delta: str


class ResponseOutputTextDone(_ContentEvent):
    type: Literal["response.output_text.done"]
    text: str


class ResponseOutputAudioTranscriptDelta(_ContentEvent):
    type: Literal["response.output_audio_transcript.delta"]
    delta: str


class ResponseOutputAudioTranscriptDone(_ContentEvent):
    type: Literal["response.output_audio_transcript.done"]
    transcript: str


class ResponseOutputAudioDelta(_ContentEvent):
    type: Literal["response.output_audio.delta"]
    delta: Base64


class ResponseOutputAudioDone(_ContentEvent):
    type: Literal["response.output_audio.done"]


class ResponseFunctionCallArgumentsDelta(ServerEvent):
    type: Literal["response.function_call_arguments.delta"]
    response_id: str
    item_id: str
    output_index: int
    call_id: str
    delta: str


class ResponseFunctionCallArgumentsDone(ServerEvent):
    type: Literal["response.function_call_arguments.done"]
    response_id: str
    item_id: str
    output_index: int
    call_id: str
    #: Required in GA (absent in the beta).
    name: str
    arguments: str


# --- MCP ----------------------------------------------------------------------------------------


class ResponseMCPCallArgumentsDelta(ServerEvent):
    type: Literal["response.mcp_call_arguments.delta"]
    response_id: str
    item_id: str
    output_index: int
    delta: str
    obfuscation: str | None = None


class ResponseMCPCallArgumentsDone(ServerEvent):
    type: Literal["response.mcp_call_arguments.done"]
    response_id: str
    item_id: str
    output_index: int
    arguments: str


class _MCPCallEvent(ServerEvent):
    output_index: int
    item_id: str


class ResponseMCPCallInProgress(_MCPCallEvent):
    type: Literal["response.mcp_call.in_progress"]


class ResponseMCPCallCompleted(_MCPCallEvent):
    type: Literal["response.mcp_call.completed"]


class ResponseMCPCallFailed(_MCPCallEvent):
    type: Literal["response.mcp_call.failed"]


class _MCPListToolsEvent(ServerEvent):
    item_id: str


class MCPListToolsInProgress(_MCPListToolsEvent):
    type: Literal["mcp_list_tools.in_progress"]


class MCPListToolsCompleted(_MCPListToolsEvent):
    type: Literal["mcp_list_tools.completed"]


class MCPListToolsFailed(_MCPListToolsEvent):
    type: Literal["mcp_list_tools.failed"]


class RateLimitsUpdated(ServerEvent):
    type: Literal["rate_limits.updated"]
    rate_limits: list[RateLimit]


def _concrete_events(base: type[ServerEvent]) -> list[type[ServerEvent]]:
    found = []
    for cls in base.__subclasses__():
        if "type" in cls.model_fields:
            found.append(cls)
        found.extend(_concrete_events(cls))
    return found


SERVER_EVENT_MODELS: dict[str, type[ServerEvent]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in _concrete_events(ServerEvent)
}

AnyServerEvent = Annotated[Union[tuple(SERVER_EVENT_MODELS.values())], Field(discriminator="type")]
server_event_adapter: TypeAdapter[ServerEvent] = TypeAdapter(AnyServerEvent)
