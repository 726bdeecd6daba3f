"""Sub-objects shared by sessions, responses and events: audio formats, turn detection,
transcription, tools and tool choice, tracing, truncation, prompts, and transcription results."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag

from .base import JSONObject, Model, Number, bounded_number

# --- audio formats ------------------------------------------------------------------------------
# The spec gives the three branches no ``required`` at all, so ``{}`` would be schema-valid. We
# require ``type``: without it the format is ambiguous, and every real payload carries it.


class PCMAudioFormat(Model):
    type: Literal["audio/pcm"]
    #: The only rate GA supports; other dialects (xAI, Inworld) allow more, GA does not.
    rate: Literal[24000] | None = None


class PCMUAudioFormat(Model):
    type: Literal["audio/pcmu"]


class PCMAAudioFormat(Model):
    type: Literal["audio/pcma"]


AudioFormat = Annotated[
    Union[PCMAudioFormat, PCMUAudioFormat, PCMAAudioFormat], Field(discriminator="type")
]

# --- turn detection -----------------------------------------------------------------------------


class ServerVAD(Model):
    type: Literal["server_vad"]
    threshold: Number | None = None
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None
    create_response: bool | None = None
    interrupt_response: bool | None = None
    idle_timeout_ms: Annotated[int, Field(ge=5000, le=30000)] | None = None


class SemanticVAD(Model):
    type: Literal["semantic_vad"]
    eagerness: Literal["low", "medium", "high", "auto"] | None = None
    create_response: bool | None = None
    interrupt_response: bool | None = None


#: ``null`` is meaningful here: it turns voice detection off (push-to-talk). Senders must keep it.
TurnDetection = Annotated[Union[ServerVAD, SemanticVAD], Field(discriminator="type")]


class TranscriptionTurnDetectionEcho(Model):
    """Turn detection as a transcription session echoes it: the spec inlines a server-VAD-like
    object here instead of ``RealtimeTurnDetection``. ``type`` is a plain string in the schema, but
    its description is exact: "Type of turn detection, only ``server_vad`` is currently supported"."""

    type: Literal["server_vad"] | None = None
    threshold: Number | None = None
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None


class NoiseReduction(Model):
    type: Literal["near_field", "far_field"] | None = None


# --- input audio transcription ------------------------------------------------------------------


class AudioTranscription(Model):
    """Transcription config as a client sends it. ``model`` is an open set of names."""

    model: str | None = None
    language: str | None = None
    languages: Annotated[list[str], Field(min_length=1)] | None = None
    keywords: list[str] | None = None
    prompt: str | None = None
    delay: Literal["minimal", "low", "medium", "high", "xhigh"] | None = None


class AudioTranscriptionEcho(Model):
    """Transcription config as the server echoes it: no ``keywords`` or ``delay`` (they would be
    reported as unknown fields, not rejected)."""

    model: str | None = None
    language: str | None = None
    languages: Annotated[list[str], Field(min_length=1)] | None = None
    prompt: str | None = None


# --- voice --------------------------------------------------------------------------------------


class CustomVoice(Model):
    id: str


def _string_or_object(value: Any) -> str:
    return "string" if isinstance(value, str) else "object"


#: A built-in voice name (an open set) or, in requests, a custom voice reference.
VoiceOrCustom = Annotated[
    Union[Annotated[str, Tag("string")], Annotated[CustomVoice, Tag("object")]],
    Discriminator(_string_or_object),
]

# --- tools and tool choice ----------------------------------------------------------------------


class FunctionTool(Model):
    #: Optional in the spec; a tool without ``type`` is a function tool.
    type: Literal["function"] | None = None
    name: str | None = None
    description: str | None = None
    parameters: JSONObject | None = None


class MCPToolFilter(Model):
    tool_names: list[str] | None = None
    read_only: bool | None = None


class MCPApprovalFilter(Model):
    always: MCPToolFilter | None = None
    never: MCPToolFilter | None = None


class MCPTool(Model):
    type: Literal["mcp"]
    server_label: str
    server_url: str | None = None
    connector_id: (
        Literal[
            "connector_dropbox",
            "connector_gmail",
            "connector_googlecalendar",
            "connector_googledrive",
            "connector_microsoftteams",
            "connector_outlookcalendar",
            "connector_outlookemail",
            "connector_sharepoint",
        ]
        | None
    ) = None
    tunnel_id: Annotated[str, Field(pattern=r"^tunnel_[a-z0-9]{32}$")] | None = None
    authorization: str | None = None
    server_description: str | None = None
    headers: dict[str, str] | None = None
    allowed_tools: Union[list[str], MCPToolFilter, None] = None
    allowed_callers: Annotated[list[Literal["direct", "programmatic"]], Field(min_length=1)] | None = None
    require_approval: Union[Literal["always", "never"], MCPApprovalFilter, None] = None
    defer_loading: bool | None = None


def _tool_kind(value: Any) -> str | None:
    # An absent (or, optional meaning nullable, null) type is a function tool.
    if isinstance(value, dict):
        return value.get("type") or "function"
    return getattr(value, "type", None) or "function"


Tool = Annotated[
    Union[Annotated[FunctionTool, Tag("function")], Annotated[MCPTool, Tag("mcp")]],
    Discriminator(_tool_kind),
]


class ToolChoiceFunction(Model):
    type: Literal["function"]
    name: str


class ToolChoiceMCP(Model):
    type: Literal["mcp"]
    server_label: str
    name: str | None = None


ToolChoice = Annotated[
    Union[
        Annotated[Literal["none", "auto", "required"], Tag("string")],
        Annotated[
            Annotated[Union[ToolChoiceFunction, ToolChoiceMCP], Field(discriminator="type")],
            Tag("object"),
        ],
    ],
    Discriminator(_string_or_object),
]

# --- tracing, truncation, reasoning, prompt -----------------------------------------------------


class TracingConfig(Model):
    workflow_name: str | None = None
    group_id: str | None = None
    metadata: JSONObject | None = None


#: ``"auto"``, a configuration, or ``null`` to disable. The request schema spells the null with
#: OpenAPI 3.0 ``nullable`` inside a 3.1 document (inventory §9); we read it as a real null.
Tracing = Annotated[
    Union[Annotated[Literal["auto"], Tag("string")], Annotated[TracingConfig, Tag("object")]],
    Discriminator(_string_or_object),
]


class TokenLimits(Model):
    post_instructions: Annotated[int, Field(ge=0)] | None = None


class RetentionRatioTruncation(Model):
    type: Literal["retention_ratio"]
    retention_ratio: bounded_number(0, 1)  # type: ignore[valid-type]
    token_limits: TokenLimits | None = None


Truncation = Annotated[
    Union[
        Annotated[Literal["auto", "disabled"], Tag("string")],
        Annotated[RetentionRatioTruncation, Tag("object")],
    ],
    Discriminator(_string_or_object),
]


class Reasoning(Model):
    effort: Literal["minimal", "low", "medium", "high", "xhigh"] | None = None


def _inf_or_integer(value: Any) -> str:
    return "string" if isinstance(value, str) else "integer"


#: An integer token budget or ``"inf"``.
MaxOutputTokens = Annotated[
    Union[Annotated[int, Tag("integer")], Annotated[Literal["inf"], Tag("string")]],
    Discriminator(_inf_or_integer),
]


class PromptCacheBreakpoint(Model):
    mode: Literal["explicit"]


class InputTextContent(Model):
    type: Literal["input_text"]
    text: str
    prompt_cache_breakpoint: PromptCacheBreakpoint | None = None


class InputImageContent(Model):
    type: Literal["input_image"]
    image_url: str | None = None
    file_id: str | None = None
    detail: Literal["low", "high", "auto", "original"]
    prompt_cache_breakpoint: PromptCacheBreakpoint | None = None


class InputFileContent(Model):
    type: Literal["input_file"]
    file_id: str | None = None
    filename: str | None = None
    file_data: str | None = None
    file_url: str | None = None
    detail: Literal["auto", "low", "high"] | None = None
    prompt_cache_breakpoint: PromptCacheBreakpoint | None = None


def _prompt_variable_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return value.get("type")
    return getattr(value, "type", None)


PromptVariable = Annotated[
    Union[
        Annotated[str, Tag("string")],
        Annotated[InputTextContent, Tag("input_text")],
        Annotated[InputImageContent, Tag("input_image")],
        Annotated[InputFileContent, Tag("input_file")],
    ],
    Discriminator(_prompt_variable_kind),
]


class Prompt(Model):
    id: str
    version: str | None = None
    variables: dict[str, PromptVariable] | None = None


#: Up to 16 string pairs attached to a response.
Metadata = dict[str, str]

# --- errors, rate limits, transcription results -------------------------------------------------


class ErrorDetails(Model):
    """The ``error`` event's error. ``type`` and ``code`` are open sets: the spec enumerates neither."""

    type: str
    code: str | None = None
    message: str
    param: str | None = None
    event_id: str | None = None


class TranscriptionErrorDetails(Model):
    """The looser error of a failed transcription: every field optional (the spec's own example
    sends ``param: null`` although it types ``param`` non-nullable)."""

    type: str | None = None
    code: str | None = None
    message: str | None = None
    param: str | None = None


class RateLimit(Model):
    name: Literal["requests", "tokens"] | None = None
    limit: int | None = None
    remaining: int | None = None
    reset_seconds: Number | None = None


class LogProb(Model):
    token: str
    logprob: Number
    bytes: list[int]


class TranscriptionLanguage(Model):
    code: str


class TranscriptionInputTokenDetails(Model):
    text_tokens: int | None = None
    audio_tokens: int | None = None


class TranscriptionUsageTokens(Model):
    type: Literal["tokens"]
    input_tokens: int
    output_tokens: int
    total_tokens: int
    input_token_details: TranscriptionInputTokenDetails | None = None


class TranscriptionUsageDuration(Model):
    type: Literal["duration"]
    seconds: Number


TranscriptionUsage = Annotated[
    Union[TranscriptionUsageTokens, TranscriptionUsageDuration], Field(discriminator="type")
]
