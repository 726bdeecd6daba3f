"""The response: its parameters in ``response.create`` and the response object the server sends
in ``response.created`` / ``response.done``, with status details and usage."""

from __future__ import annotations

from typing import Literal

from .base import Model
from .common import (
    AudioFormat,
    MaxOutputTokens,
    Metadata,
    Prompt,
    Reasoning,
    Tool,
    ToolChoice,
    VoiceOrCustom,
)
from .items import ConversationItem, InputItem
from .session import Modality


class ResponseAudioOutput(Model):
    format: AudioFormat | None = None
    voice: VoiceOrCustom | None = None


class ResponseAudio(Model):
    output: ResponseAudioOutput | None = None


class ResponseCreateParams(Model):
    output_modalities: list[Modality] | None = None
    instructions: str | None = None
    audio: ResponseAudio | None = None
    tools: list[Tool] | None = None
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    reasoning: Reasoning | None = None
    max_output_tokens: MaxOutputTokens | None = None
    #: ``auto`` or ``none`` today, but an open string. The spec's ``oneOf`` of two string schemas
    #: matches both branches for every documented value and so rejects them all (inventory §9);
    #: we read it as a plain string.
    conversation: str | None = None
    metadata: Metadata | None = None
    prompt: Prompt | None = None
    input: list[InputItem] | None = None


class StatusError(Model):
    type: str | None = None
    code: str | None = None


class StatusDetails(Model):
    type: Literal["completed", "cancelled", "failed", "incomplete"] | None = None
    reason: Literal["turn_detected", "client_cancelled", "max_output_tokens", "content_filter"] | None = None
    error: StatusError | None = None


class CachedTokensDetails(Model):
    text_tokens: int | None = None
    image_tokens: int | None = None
    audio_tokens: int | None = None


class InputTokenDetails(Model):
    cached_tokens: int | None = None
    text_tokens: int | None = None
    image_tokens: int | None = None
    audio_tokens: int | None = None
    cached_tokens_details: CachedTokensDetails | None = None


class OutputTokenDetails(Model):
    text_tokens: int | None = None
    audio_tokens: int | None = None


class Usage(Model):
    total_tokens: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    input_token_details: InputTokenDetails | None = None
    output_token_details: OutputTokenDetails | None = None


class ResponseAudioOutputEcho(Model):
    format: AudioFormat | None = None
    voice: str | None = None


class ResponseAudioEcho(Model):
    output: ResponseAudioOutputEcho | None = None


class Response(Model):
    id: str | None = None
    object: Literal["realtime.response"] | None = None
    status: Literal["completed", "cancelled", "failed", "incomplete", "in_progress"] | None = None
    status_details: StatusDetails | None = None
    output: list[ConversationItem] | None = None
    conversation_id: str | None = None
    output_modalities: list[Modality] | None = None
    max_output_tokens: MaxOutputTokens | None = None
    audio: ResponseAudioEcho | None = None
    usage: Usage | None = None
    metadata: Metadata | None = None
