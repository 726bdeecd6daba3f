"""Session configurations: what a client sends in ``session.update`` (the *request* shapes) and
what the server echoes in ``session.created`` / ``session.updated`` (the *response* shapes).

The two differ in the spec, and we keep the difference: responses carry ``id``, ``object`` and
``expires_at``; only requests accept a custom-voice object and ``parallel_tool_calls``; the echoed
transcription config has no ``keywords``/``delay``. A field that belongs to the other shape is
reported as an unknown field, not rejected.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from .common import (
    AudioFormat,
    AudioTranscription,
    AudioTranscriptionEcho,
    MaxOutputTokens,
    NoiseReduction,
    Prompt,
    Reasoning,
    Tool,
    ToolChoice,
    Tracing,
    TranscriptionTurnDetectionEcho,
    Truncation,
    TurnDetection,
    VoiceOrCustom,
)
from .base import Model, bounded_number

Modality = Literal["text", "audio"]
Include = Literal["item.input_audio_transcription.logprobs"]
Speed = bounded_number(0.25, 1.5)

# --- requests -----------------------------------------------------------------------------------


class AudioInput(Model):
    format: AudioFormat | None = None
    transcription: AudioTranscription | None = None
    noise_reduction: NoiseReduction | None = None
    turn_detection: TurnDetection | None = None


class AudioOutput(Model):
    format: AudioFormat | None = None
    voice: VoiceOrCustom | None = None
    speed: Speed | None = None


class AudioConfig(Model):
    input: AudioInput | None = None
    output: AudioOutput | None = None


class _RealtimeSessionFields(Model):
    type: Literal["realtime"]
    output_modalities: list[Modality] | None = None
    model: str | None = None
    instructions: str | None = None
    include: list[Include] | None = None
    tracing: Tracing | None = None
    tools: list[Tool] | None = None
    tool_choice: ToolChoice | None = None
    reasoning: Reasoning | None = None
    max_output_tokens: MaxOutputTokens | None = None
    truncation: Truncation | None = None
    prompt: Prompt | None = None


class RealtimeSessionConfig(_RealtimeSessionFields):
    audio: AudioConfig | None = None
    parallel_tool_calls: bool | None = None


class TranscriptionAudioConfig(Model):
    input: AudioInput | None = None


class TranscriptionSessionConfig(Model):
    type: Literal["transcription"]
    audio: TranscriptionAudioConfig | None = None
    include: list[Include] | None = None


SessionConfig = Annotated[
    Union[RealtimeSessionConfig, TranscriptionSessionConfig], Field(discriminator="type")
]

# --- responses (server echoes) ------------------------------------------------------------------


class AudioInputEcho(Model):
    format: AudioFormat | None = None
    transcription: AudioTranscriptionEcho | None = None
    noise_reduction: NoiseReduction | None = None
    turn_detection: TurnDetection | None = None


class AudioOutputEcho(Model):
    format: AudioFormat | None = None
    voice: str | None = None
    speed: Speed | None = None


class AudioConfigEcho(Model):
    input: AudioInputEcho | None = None
    output: AudioOutputEcho | None = None


class RealtimeSession(_RealtimeSessionFields):
    id: str
    object: Literal["realtime.session"]
    expires_at: int | None = None
    audio: AudioConfigEcho | None = None


class TranscriptionAudioInputEcho(Model):
    format: AudioFormat | None = None
    transcription: AudioTranscriptionEcho | None = None
    noise_reduction: NoiseReduction | None = None
    turn_detection: TranscriptionTurnDetectionEcho | None = None


class TranscriptionAudioConfigEcho(Model):
    input: TranscriptionAudioInputEcho | None = None


class TranscriptionSession(Model):
    type: Literal["transcription"]
    id: str
    #: A plain string in the spec ("always ``realtime.transcription_session``").
    object: str
    expires_at: int | None = None
    include: list[Include] | None = None
    audio: TranscriptionAudioConfigEcho | None = None


Session = Annotated[Union[RealtimeSession, TranscriptionSession], Field(discriminator="type")]
