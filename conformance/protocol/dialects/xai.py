"""xAI's Grok Voice Agent API (``wss://api.x.ai/v1/realtime``): GA event names with xAI's own
session, extra events, relaxed shapes, and GA events it does not send. Built on GA.

Sources, cited next to each difference: xAI's docs (https://docs.x.ai/docs/guides/voice/agent),
pipecat's model of the dialect (``pipecat/services/xai/realtime/events.py``, pipecat-ai 1.14.0),
and a captured xAI session (pydantic/pydantic-ai ``tests/realtime/cassettes/test_xai_ws/
test_tool_call_round.yaml`` @0d381ad). Where the capture and pipecat's model disagree, the capture
wins: it is what xAI's server sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag

from ..base import JSONObject, Model, Number
from ..client_events import CLIENT_EVENT_MODELS
from ..common import MCPTool, PCMAAudioFormat, PCMUAudioFormat, TranscriptionUsage
from ..items import AssistantContent
from ..response import StatusDetails, Usage
from ..server_events import SERVER_EVENT_MODELS, ContentPart, ServerEvent
from ..derive import Changes, Deriver, Member, REQUIRED, renamed
from .profile import Dialect, Difference, Ordering
from .translate import XAI_ABSENT

MODULE = __name__
DOCS = "https://docs.x.ai/docs/guides/voice/agent"
PIPECAT = "pipecat-ai 1.14.0 pipecat/services/xai/realtime/events.py"
CAPTURE = "https://github.com/pydantic/pydantic-ai/blob/0d381ad68b4b997d8fd6bc355f1c880160ada51c/tests/realtime/cassettes/test_xai_ws/test_tool_call_round.yaml"

#: "Configurable (8000-48000 Hz)" (docs); the values pipecat's model lists (SUPPORTED_SAMPLE_RATES).
PCM_RATES: tuple[int, ...] = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)


class XaiPCMAudioFormat(Model):
    type: Literal["audio/pcm"]
    rate: Literal[8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000] | None = None


AudioFormat = Annotated[Union[XaiPCMAudioFormat, PCMUAudioFormat, PCMAAudioFormat], Field(discriminator="type")]


class XaiTurnDetection(Model):
    """Flat, at the session's top level; ``type: null`` means voice detection is off (the
    captured session.created sends ``{"type": null}``)."""

    type: Literal["server_vad"] | None = None
    threshold: Number | None = None
    silence_duration_ms: int | None = None
    prefix_padding_ms: int | None = None
    idle_timeout_ms: int | None = None
    #: The captured session.updated echoes both (GA's names).
    create_response: bool | None = None
    interrupt_response: bool | None = None


class XaiTranscription(Model):
    model: str | None = None
    language_hint: str | None = None
    keyterms: list[str] | None = None


class XaiAudioInput(Model):
    format: AudioFormat | None = None
    transcription: XaiTranscription | None = None
    transport: Literal["json", "binary"] | None = None


class XaiAudioOutput(Model):
    format: AudioFormat | None = None
    speed: Number | None = None
    transport: Literal["json", "binary"] | None = None


class XaiAudio(Model):
    input: XaiAudioInput | None = None
    output: XaiAudioOutput | None = None


class XaiReasoning(Model):
    effort: Literal["high", "none"] | None = None


class XaiResumption(Model):
    enabled: bool | None = None


class XaiFunctionTool(Model):
    """A function tool: flat as the docs and pipecat write it, or nested under ``function`` as the
    captured session.updated echoes it."""

    type: Literal["function"]
    name: str | None = None
    description: str | None = None
    parameters: JSONObject | None = None
    function: JSONObject | None = None


class XaiWebSearchTool(Model):
    type: Literal["web_search"]


class XaiXSearchTool(Model):
    type: Literal["x_search"]
    allowed_x_handles: list[str] | None = None


class XaiFileSearchTool(Model):
    type: Literal["file_search"]
    vector_store_ids: list[str]
    max_num_results: int | None = None


def _tool_kind(value: Any) -> str | None:
    return value.get("type") if isinstance(value, dict) else getattr(value, "type", None)


Tool = Annotated[
    Union[
        Annotated[XaiFunctionTool, Tag("function")],
        Annotated[XaiWebSearchTool, Tag("web_search")],
        Annotated[XaiXSearchTool, Tag("x_search")],
        Annotated[XaiFileSearchTool, Tag("file_search")],
        Annotated[MCPTool, Tag("mcp")],
    ],
    Discriminator(_tool_kind),
]


class _XaiSessionFields(Model):
    """xAI's session (docs "Session Parameters"; pipecat SessionProperties): ``voice`` and
    ``turn_detection`` at the top level, audio formats under ``audio``, and xAI's own members."""

    instructions: str | None = None
    voice: str | None = None
    turn_detection: XaiTurnDetection | None = None
    audio: XaiAudio | None = None
    tools: list[Tool] | None = None
    tool_choice: str | None = None
    reasoning: XaiReasoning | None = None
    resumption: XaiResumption | None = None
    #: A pronunciation map (pipecat ``replace: dict[str, str]``).
    replace: dict[str, str] | None = None
    model: str | None = None
    #: The captured session.created/updated send it; there is no output_modalities.
    modalities: list[Literal["text", "audio"]] | None = None


class XaiSessionConfig(_XaiSessionFields):
    pass


class XaiSession(_XaiSessionFields):
    """What xAI echoes. The captured session.updated also carries beta-era members with odd values
    (``input_audio_format: "not specified"``, ``temperature: -1.0``) and internal ones; those are
    reported as unknown members, never refused."""

    id: str | None = None
    object: str | None = None


class XaiResponseCreateParams(Model):
    """``response.create``: ``modalities`` (the beta name; pipecat ResponseProperties), ``instructions``."""

    modalities: list[Literal["text", "audio"]] | None = None
    instructions: str | None = None


class XaiUsage(Usage):
    """The top-level usage of the captured response.done."""

    output_audio_seconds: Number | None = None


class Ping(ServerEvent):
    """Keep-alive (pipecat PingEvent; the capture's ping carries a millisecond timestamp)."""

    type: Literal["ping"]
    timestamp: int


class InputAudioTranscriptionUpdated(ServerEvent):
    """A *cumulative* transcript of the user's speech so far (pipecat; implementations.md §2.2)."""

    type: Literal["conversation.item.input_audio_transcription.updated"]
    item_id: str
    content_index: int | None = None
    transcript: str


SERVER_CHANGES = Changes(
    members={
        ("SessionCreated", "session"): Member(XaiSession, REQUIRED),
        ("SessionUpdated", "session"): Member(XaiSession, REQUIRED),
        ("PCMAudioFormat", "rate"): XaiPCMAudioFormat.model_fields["rate"].annotation,
        # The capture: response.created/done carry status_details "unimplemented".
        ("Response", "status_details"): StatusDetails | str | None,
        # The capture: an assistant message announced by output_item.added without content.
        ("AssistantMessage", "content"): Member(list[AssistantContent] | None, None),
        # The capture: content_part.done without its part.
        ("ResponseContentPartDone", "part"): Member(ContentPart | None, None),
        # The capture: function_call_arguments.delta without output_index; pipecat: ids optional on both.
        ("ResponseFunctionCallArgumentsDelta", "output_index"): int | None,
        ("ResponseFunctionCallArgumentsDelta", "response_id"): str | None,
        ("ResponseFunctionCallArgumentsDelta", "item_id"): str | None,
        ("ResponseFunctionCallArgumentsDone", "output_index"): int | None,
        ("ResponseFunctionCallArgumentsDone", "response_id"): str | None,
        ("ResponseFunctionCallArgumentsDone", "item_id"): str | None,
        # pipecat: optional on xAI's transcription, truncation, speech and error events.
        ("InputAudioTranscriptionCompleted", "content_index"): int | None,
        ("InputAudioTranscriptionCompleted", "usage"): Member(TranscriptionUsage | None, None),
        ("ConversationItemTruncated", "content_index"): int | None,
        ("ConversationItemTruncated", "audio_end_ms"): int | None,
        ("InputAudioBufferSpeechStarted", "audio_start_ms"): int | None,
        ("InputAudioBufferSpeechStopped", "audio_end_ms"): int | None,
        ("ErrorDetails", "type"): str | None,
    },
    added={
        # The capture: previous_item_id on every server event (null, or "0" on content parts).
        "ServerEvent": {"previous_item_id": str | None},
        # The capture: role "user" / "tool" on function_call items.
        "FunctionCall": {"role": str | None},
        # The capture's usage details.
        "InputTokenDetails": {"grok_tokens": int | None},
        "OutputTokenDetails": {"grok_tokens": int | None},
        # The capture (and pipecat): response.done carries usage at its top level too.
        "ResponseDone": {"usage": XaiUsage | None},
    },
)

CLIENT_CHANGES = Changes(
    members={
        ("SessionUpdate", "session"): Member(XaiSessionConfig, REQUIRED),
        ("ResponseCreate", "response"): XaiResponseCreateParams,
    },
)

DIFFERENCES = (
    Difference("session: voice and turn_detection at the top level (turn_detection {type: null} for off), audio formats under audio, "
               "reasoning.effort high | none, resumption, replace, modalities; no output_modalities", f"{DOCS}; {PIPECAT}; {CAPTURE}"),
    Difference("audio/pcm at 8000-48000 Hz (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)", f"{DOCS} (Audio Format); {PIPECAT} SUPPORTED_SAMPLE_RATES"),
    Difference("tools: web_search, x_search, file_search, function (flat, or nested under function as the server echoes it), mcp", f"{DOCS}; {PIPECAT}; {CAPTURE}"),
    Difference("response.create uses modalities, not output_modalities", PIPECAT),
    Difference("extra server events: ping {timestamp}, conversation.item.input_audio_transcription.updated (cumulative), "
               "response.text.delta as an alias of response.output_text.delta", PIPECAT),
    Difference("conversation.created follows session.created", f"{DOCS}; {CAPTURE}"),
    Difference("previous_item_id on every server event; status_details \"unimplemented\"; usage {} and a top-level usage on response.done; "
               "function_call items with a role; output items without content; content_part.done without part; "
               "function_call_arguments.delta without output_index", CAPTURE),
    Difference("optional ids on function-call events, optional indexes on truncation and transcription, no audio_start_ms/audio_end_ms "
               "on speech events, optional error.type, no transcription usage", PIPECAT),
    Difference("does not send rate_limits.updated, response.output_text.done, conversation.item.done, conversation.item.retrieved",
               "implementations.md §2.2; pipecat xai events.py registers none of them"),
    Difference("ordering: no conversation.item.done, so an added item owes nothing more", PIPECAT),
)


def dialect() -> Dialect:
    from . import translate

    derive_server, derive_client = Deriver(SERVER_CHANGES, MODULE), Deriver(CLIENT_CHANGES, MODULE)
    server = {kind: derive_server(model) for kind, model in SERVER_EVENT_MODELS.items() if kind not in XAI_ABSENT}
    server["ping"] = derive_server(Ping)
    server["conversation.item.input_audio_transcription.updated"] = derive_server(InputAudioTranscriptionUpdated)
    server["response.text.delta"] = derive_server(renamed(SERVER_EVENT_MODELS["response.output_text.delta"], "response.text.delta", MODULE))
    client = {kind: derive_client(model) for kind, model in CLIENT_EVENT_MODELS.items()}
    from ..names import BETA_RENAMES

    return Dialect(
        name="xai",
        title="xAI Grok Voice Agent API",
        base="ga",
        documented=f"{DOCS}; {PIPECAT}",
        client=client,
        server=server,
        differences=DIFFERENCES,
        successors={name: successor for name, successor in BETA_RENAMES.items() if name != "response.text.delta"},
        notes={"response.text.delta": "xAI's alias of 'response.output_text.delta' (pipecat xai events.py accepts both)"},
        absent={name: "xAI does not send (implementations.md §2.2)" for name in sorted(XAI_ABSENT)},
        rules_read_as={
            "response.text.delta": "response.output_text.delta",
            "conversation.item.input_audio_transcription.updated": "conversation.item.input_audio_transcription.delta",
        },
        ordering=Ordering(items_owe_done=False, pcm_rates=PCM_RATES, unsent=XAI_ABSENT),
        to_ga=translate.xai_to_ga,
        from_ga=translate.ga_to_xai,
    )
