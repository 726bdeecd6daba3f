"""The legacy beta protocol (``OpenAI-Beta: realtime=v1``), as differences from GA.

What the beta is, we take from the wire: openai-python's ``types/beta/realtime`` (generated from
the beta-era spec; the genuine legacy names), the published beta examples, and captured beta
sessions. The current spec's *Realtime Beta* docs group is no guide to the wire: it was rewritten
with GA event names and GA items (protocol-inventory.md §8, §9), so its examples that use GA names
get ``unknown-type`` here, with a note that they are valid under GA.

Everything not listed below is GA's: the event envelopes, errors, rate limits, input transcription,
speech events, content parts, MCP events (the spec's beta group lists them), the item union.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Tag

from ..base import JSONObject, Model, Number
from ..client_events import CLIENT_EVENT_MODELS, ClientEvent
from ..common import FunctionTool, MaxOutputTokens, Metadata, NoiseReduction, Prompt, Tracing, TranscriptionUsage, TurnDetection
from ..items import ConversationItem, InputItem
from ..response import StatusDetails, Usage
from ..server_events import SERVER_EVENT_MODELS, ServerEvent
from ..session import Speed
from ..derive import REMOVED, Changes, Deriver, Member, refused, renamed
from ..names import BETA_OUTPUT_RENAMES
from .profile import Dialect, Difference, Ordering

SDK = "openai-python src/openai/types/beta/realtime/"
INVENTORY = "protocol-inventory.md §6 (beta names and GA renames)"
MODULE = __name__

#: Beta audio formats: a string, where GA has an object ("string -> object", inventory §6.2).
AudioFormatName = Literal["pcm16", "g711_ulaw", "g711_alaw"]
Modalities = list[Literal["text", "audio"]]

#: Beta event name -> the GA name that replaced it (GA's ``BETA_RENAMES``, response events only).
GA_NAMES: dict[str, str] = BETA_OUTPUT_RENAMES
#: The pre-GA names of the output audio buffer events a WebRTC beta session sent (jurgob/nextjs-openai-webrtc
#: openai_events_logs.ts @52cd136, January 2025); the SDK's beta union has started/stopped.
WEBRTC_PLAYBACK_NAMES: dict[str, str] = {
    "output_audio_buffer.audio_started": "output_audio_buffer.started",
    "output_audio_buffer.audio_stopped": "output_audio_buffer.stopped",
}


class BetaToolChoiceFunction(Model):
    """A forced function: ``{"type": "function", "function": {"name": ...}}`` (SDK beta
    response_create_event.py, the tool_choice docstring; the SDK types the member a string, its own
    text shows this object). GA's flat ``{"type": "function", "name": ...}`` is accepted too."""

    type: Literal["function"]
    function: JSONObject | None = None
    name: str | None = None


def _choice_kind(value: Any) -> str:
    return "string" if isinstance(value, str) else "object"


ToolChoice = Annotated[Union[Annotated[str, Tag("string")], Annotated[BetaToolChoiceFunction, Tag("object")]], Discriminator(_choice_kind)]

# --- the flat session -----------------------------------------------------------------------------


class BetaInputAudioTranscription(Model):
    """``input_audio_transcription``: model, language, prompt (SDK beta ``session.py``)."""

    model: str | None = None
    language: str | None = None
    prompt: str | None = None


class _BetaSessionFields(Model):
    """The beta session is flat (SDK beta ``session.py``; inventory §6.2): audio formats are strings
    at the top level, ``turn_detection`` too, ``modalities`` not ``output_modalities``."""

    model: str | None = None
    modalities: Modalities | None = None
    instructions: str | None = None
    voice: str | None = None
    input_audio_format: AudioFormatName | None = None
    output_audio_format: AudioFormatName | None = None
    input_audio_transcription: BetaInputAudioTranscription | None = None
    input_audio_noise_reduction: NoiseReduction | None = None
    #: GA's turn detection objects, at the top level (the beta's server_vad | semantic_vad).
    turn_detection: TurnDetection | None = None
    #: Function tools only (SDK beta ``Tool``: ``type: "function"``).
    tools: list[FunctionTool] | None = None
    #: "auto, none, required, or specify a function" (SDK beta session.py, response_create_event.py).
    tool_choice: ToolChoice | None = None
    #: Beta only; GA removed it (inventory §6.2).
    temperature: Number | None = None
    max_response_output_tokens: MaxOutputTokens | None = None
    speed: Speed | None = None  # type: ignore[valid-type]
    tracing: Tracing | None = None
    #: The published beta session.created example sends ``include`` and ``prompt`` (null).
    include: list[str] | None = None
    prompt: Prompt | None = None


_GA_MEMBER = "a GA session member; beta endpoints answer unknown_parameter (openai-python#2638, pipecat PR#1324)"


class BetaSessionConfig(_BetaSessionFields):
    """What ``session.update`` carries. A GA member in it is refused by a beta endpoint:
    Azure's preview api-versions answer ``unknown_parameter session.type`` and
    ``session.output_modalities`` (openai-python#2638, pipecat PR#1324, livekit#3489)."""

    client_secret: JSONObject | None = None


class BetaSession(_BetaSessionFields):
    """The session a beta server echoes (``session.created`` / ``session.updated``)."""

    id: str | None = None
    object: Literal["realtime.session"] | None = None
    expires_at: int | None = None
    #: The REST session object's; captured session.created frames carry it as null.
    client_secret: JSONObject | None = None


class _BetaTranscriptionFields(Model):
    """``transcription_session.update`` (SDK beta ``transcription_session_update.py``)."""

    input_audio_format: AudioFormatName | None = None
    input_audio_transcription: BetaInputAudioTranscription | None = None
    input_audio_noise_reduction: NoiseReduction | None = None
    turn_detection: TurnDetection | None = None
    include: list[str] | None = None
    modalities: Modalities | None = None
    client_secret: JSONObject | None = None


class BetaTranscriptionSessionConfig(_BetaTranscriptionFields):
    pass


class BetaTranscriptionSession(_BetaTranscriptionFields):
    """The echo of ``transcription_session.created/updated``. The SDK requires ``client_secret``
    (the REST response it reuses); the published examples carry none, so it is optional here."""

    id: str | None = None
    object: str | None = None
    expires_at: int | None = None


# --- responses --------------------------------------------------------------------------------------


class BetaResponseCreateParams(Model):
    """``response.create``'s response (SDK beta ``response_create_event.py``)."""

    modalities: Modalities | None = None
    instructions: str | None = None
    voice: str | None = None
    output_audio_format: AudioFormatName | None = None
    tools: list[FunctionTool] | None = None
    tool_choice: ToolChoice | None = None
    temperature: Number | None = None
    max_response_output_tokens: MaxOutputTokens | None = None
    conversation: str | None = None
    metadata: Metadata | None = None
    #: GA's items (the deriver gives them the beta content vocabulary) and item references.
    input: list[InputItem] | None = None


class BetaResponse(Model):
    """The response object of ``response.created`` / ``response.done`` (SDK beta ``realtime_response.py``)."""

    id: str | None = None
    object: Literal["realtime.response"] | None = None
    status: Literal["completed", "cancelled", "failed", "incomplete", "in_progress"] | None = None
    status_details: StatusDetails | None = None
    output: list[ConversationItem] | None = None
    usage: Usage | None = None
    conversation_id: str | None = None
    metadata: Metadata | None = None
    modalities: Modalities | None = None
    voice: str | None = None
    output_audio_format: AudioFormatName | None = None
    temperature: Number | None = None
    max_output_tokens: MaxOutputTokens | None = None


# --- the events -------------------------------------------------------------------------------------


class TranscriptionSessionCreated(ServerEvent):
    """In the spec's beta group (not in the SDK's beta union)."""

    type: Literal["transcription_session.created"]
    session: BetaTranscriptionSession


class TranscriptionSessionUpdated(ServerEvent):
    type: Literal["transcription_session.updated"]
    session: BetaTranscriptionSession


class OutputAudioBufferAudioStarted(ServerEvent):
    """WebRTC, January 2025 (jurgob/nextjs-openai-webrtc capture); later documented as ``output_audio_buffer.started``."""

    type: Literal["output_audio_buffer.audio_started"]
    response_id: str


class OutputAudioBufferAudioStopped(ServerEvent):
    type: Literal["output_audio_buffer.audio_stopped"]
    response_id: str


def server_changes(session: Any = BetaSession, response: Any = BetaResponse) -> Changes:
    """How the beta's server models differ from GA's (azure-preview reuses these with its own session)."""
    return Changes(
        members={
            ("SessionCreated", "session"): Member(session, ...),
            ("SessionUpdated", "session"): Member(session, ...),
            # The beta assistant vocabulary (SDK beta ConversationItemContent: text / audio); GA's
            # output_text / output_audio are not beta values.
            ("AssistantContent", "type"): Literal["text", "audio"] | None,
            # No input_image in the beta (SDK beta ConversationItemContent).
            ("UserContent", "type"): Literal["input_text", "input_audio"] | None,
            ("UserContent", "image_url"): REMOVED,
            ("UserContent", "detail"): REMOVED,
            # GA made name required; the beta has none (SDK beta response_function_call_arguments_done_event.py),
            # though servers sent it (WqyJh/go-openai-realtime PR#8), so it is known and optional.
            ("ResponseFunctionCallArgumentsDone", "name"): str | None,
            # Transcription languages are GA-only (inventory §6.2 "Events").
            ("InputAudioTranscriptionCompleted", "languages"): REMOVED,
            # usage came late to the beta (inventory §6.2: "required usage plus logprobs (both already
            # in late beta)"; the SDK's late beta model requires it): early beta servers sent the
            # completed transcription without it, so its absence is no departure in the beta.
            ("InputAudioTranscriptionCompleted", "usage"): TranscriptionUsage | None,
        },
        substitutes={"Response": response},
    )


def client_changes(session_config: Any = BetaSessionConfig, response_params: Any = BetaResponseCreateParams) -> Changes:
    return Changes(
        members={
            ("SessionUpdate", "session"): Member(session_config, ...),
            ("ResponseCreate", "response"): response_params,
            # A client sends assistant text as "text" (SDK beta: "Message items of role assistant support text content").
            ("AssistantContent", "type"): Literal["text", "audio"],
            ("UserContent", "type"): Literal["input_text", "input_audio"],
            ("UserContent", "image_url"): REMOVED,
            ("UserContent", "detail"): REMOVED,
        },
        added={
            "BetaSessionConfig": {"type": refused(_GA_MEMBER), "output_modalities": refused(_GA_MEMBER), "audio": refused(_GA_MEMBER),
                                  "max_output_tokens": refused(_GA_MEMBER + "; beta: max_response_output_tokens")},
            "BetaResponseCreateParams": {"output_modalities": refused("a GA response member; beta: modalities"),
                                         "audio": refused("a GA response member; beta: voice and output_audio_format")},
        },
    )


#: GA server events the beta does not have (inventory §6.1: GA-only).
ABSENT: dict[str, str] = {
    "conversation.item.done": "is GA-only: the beta announced an item once, with conversation.item.created (inventory §6.1)",
    "input_audio_buffer.dtmf_event_received": "is GA-only (SIP, which the beta did not serve)",
}
#: GA names the beta spells its own way.
SPELLINGS: dict[str, str] = {
    **{ga: beta for beta, ga in GA_NAMES.items()},
    "conversation.item.added": "conversation.item.created",
}


def build(name: str = "beta", module: str = MODULE, server: Changes | None = None, client: Changes | None = None,
          extra_server: tuple[type[Model], ...] = (), extra_client: tuple[type[Model], ...] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The beta's (or a beta-based dialect's) event models: GA's, derived, minus GA-only events,
    plus the beta names and events."""
    derive_server = Deriver(server or server_changes(), module)
    derive_client = Deriver(client or client_changes(), module)
    server_models: dict[str, Any] = {}
    for kind, model in SERVER_EVENT_MODELS.items():
        if kind in ABSENT or kind in SPELLINGS:
            continue
        server_models[kind] = derive_server(model)
    for beta_name, ga_name in GA_NAMES.items():
        server_models[beta_name] = derive_server(renamed(SERVER_EVENT_MODELS[ga_name], beta_name, module))
    for model in (TranscriptionSessionCreated, TranscriptionSessionUpdated, OutputAudioBufferAudioStarted, OutputAudioBufferAudioStopped, *extra_server):
        server_models[model.model_fields["type"].annotation.__args__[0]] = derive_server(model)
    client_models = {kind: derive_client(model) for kind, model in CLIENT_EVENT_MODELS.items()}
    for model in (TranscriptionSessionUpdate, *extra_client):
        client_models[model.model_fields["type"].annotation.__args__[0]] = derive_client(model)
    return client_models, server_models


class TranscriptionSessionUpdate(ClientEvent):
    """``transcription_session.update`` (SDK beta; GA: ``session.update`` with ``session.type: "transcription"``)."""

    type: Literal["transcription_session.update"]
    session: BetaTranscriptionSessionConfig


RULES_READ_AS: dict[str, str | None] = {
    **GA_NAMES,
    **WEBRTC_PLAYBACK_NAMES,
    "transcription_session.created": "session.created",
    "transcription_session.updated": "session.updated",
    "transcription_session.update": "session.update",
}

DIFFERENCES: tuple[Difference, ...] = (
    Difference("event names: response.text.*, response.audio.*, response.audio_transcript.* for GA's response.output_*", f"{SDK}realtime_server_event.py; {INVENTORY}"),
    Difference("conversation.item.created announces an item, once: no conversation.item.added, no conversation.item.done", f"{SDK}conversation_item_created_event.py; session-rules.md §4"),
    Difference("the flat session: modalities, voice, input_audio_format/output_audio_format strings (pcm16, g711_ulaw, g711_alaw), "
               "input_audio_transcription, input_audio_noise_reduction, turn_detection at the top level, temperature, max_response_output_tokens",
               f"{SDK}session.py, session_update_event.py; {INVENTORY} 6.2"),
    Difference("GA session members (type, output_modalities, audio, max_output_tokens) in session.update are refused (unknown_parameter)",
               "https://github.com/openai/openai-python/issues/2638; https://github.com/pipecat-ai/pipecat/pull/1324"),
    Difference("response.create and the response object: modalities, voice, output_audio_format, temperature (no output_modalities, no audio)",
               f"{SDK}response_create_event.py, realtime_response.py"),
    Difference("assistant content is text / audio (not output_text / output_audio); user content has no input_image", f"{SDK}conversation_item_content.py"),
    Difference("transcription sessions: transcription_session.update -> transcription_session.created/updated", f"{SDK}transcription_session_update.py; spec beta group"),
    Difference("tool_choice: a string, or a forced function {type: function, function: {name}}",
               f"{SDK}response_create_event.py (the tool_choice docstring; the SDK types it a string)"),
    Difference("response.function_call_arguments.done has no required name", f"{SDK}response_function_call_arguments_done_event.py"),
    Difference("on WebRTC, output_audio_buffer.audio_started/audio_stopped (January 2025) besides started/stopped/cleared",
               "https://github.com/jurgob/nextjs-openai-webrtc/blob/52cd136b046e7375efc723b47fa9deb699fce064/src/app/openaiRealtimeClient/openai_events_logs.ts"),
    Difference("no conversation.item.added/done, no input_audio_buffer.dtmf_event_received", INVENTORY),
    Difference("ordering: conversation.item.created where GA has added then done; input transcription may precede the item", "session-rules.md §4"),
)


def dialect() -> Dialect:
    client, server = build()
    from . import translate

    return Dialect(
        name="beta",
        title="OpenAI Realtime API, legacy beta (OpenAI-Beta: realtime=v1)",
        base="ga",
        documented=f"{SDK} (openai==3.57.0); the published beta examples; {INVENTORY}",
        client=client,
        server=server,
        differences=DIFFERENCES,
        spellings=SPELLINGS,
        absent=ABSENT,
        rules_read_as=RULES_READ_AS,
        ordering=Ordering(items_owe_done=False, transcription_before_item=True),
        to_ga=translate.beta_to_ga,
        from_ga=translate.ga_to_beta,
    )
