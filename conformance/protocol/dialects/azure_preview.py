"""Azure's preview surface: the beta protocol as Azure's preview api-versions serve it
(``/openai/realtime?api-version=...-preview`` and Voice Live's ``/voice-live/realtime``), with what
Azure adds. Built on :mod:`.beta`: everything not listed here is the beta's.

Sources: https://learn.microsoft.com/en-us/azure/ai-services/speech-service/voice-live-how-to (the
session members Voice Live adds), the @azure/ai-projects reference (its extra server events), and a
captured Voice Live session (pydantic/pydantic-ai tests/realtime/cassettes/test_azure_voice_live_ws,
@e78d0a0), whose session, response and usage carry the members below.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag

from ..base import JSONObject, Model, Number
from ..common import SemanticVAD, ServerVAD
from ..server_events import ServerEvent
from . import beta
from ..derive import Changes, Member
from .profile import Dialect, Difference, Ordering

MODULE = __name__
VOICE_LIVE = "https://learn.microsoft.com/en-us/azure/ai-services/speech-service/voice-live-how-to"
AI_PROJECTS = "https://learn.microsoft.com/en-us/javascript/api/@azure/ai-projects/"
CAPTURE = ("https://github.com/pydantic/pydantic-ai/blob/e78d0a0d9ed541e13ae0486c2290bf15eafa71ac/tests/realtime/cassettes/"
           "test_azure_voice_live_ws/test_text_in_audio_out_turn.yaml")


class AzureVoice(Model):
    """A voice object: an OpenAI voice by name, or an Azure neural or custom voice (Voice Live)."""

    name: str
    type: Literal["openai", "azure-standard", "azure-custom", "azure-personal"]
    temperature: Number | None = None
    endpoint_id: str | None = None


def _voice_kind(value: Any) -> str:
    return "string" if isinstance(value, str) else "object"


Voice = Annotated[Union[Annotated[str, Tag("string")], Annotated[AzureVoice, Tag("object")]], Discriminator(_voice_kind)]


class AzureEndOfUtterance(Model):
    model: str | None = None
    threshold: Number | None = None
    timeout: Number | None = None


class _AzureVADFields(Model):
    """What Voice Live adds to turn detection (the capture's server_vad carries each of them)."""

    speech_duration_ms: int | None = None
    end_of_utterance_detection: AzureEndOfUtterance | None = None
    auto_truncate: bool | None = None
    appended_text_after_truncation: str | None = None
    remove_filler_words: bool | None = None
    languages: list[str] | None = None


class AzureServerVAD(_AzureVADFields, ServerVAD):
    pass


class AzureSemanticVAD(_AzureVADFields, SemanticVAD):
    pass


class AzureSemanticVADModel(_AzureVADFields):
    """Azure's own semantic turn detection (Voice Live)."""

    type: Literal["azure_semantic_vad", "azure_semantic_vad_en", "azure_semantic_vad_multilingual"]
    threshold: Number | None = None
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None
    create_response: bool | None = None
    interrupt_response: bool | None = None


TurnDetection = Annotated[Union[AzureServerVAD, AzureSemanticVAD, AzureSemanticVADModel], Field(discriminator="type")]


class AzureNoiseReduction(Model):
    type: Literal["near_field", "far_field", "azure_deep_noise_suppression"] | None = None


class AzureEchoCancellation(Model):
    type: Literal["server_echo_cancellation"] | None = None


#: Session members Azure adds to the beta session (Voice Live how-to; the capture's session.created).
_AZURE_SESSION: dict[str, Any] = {
    "input_audio_sampling_rate": Literal[16000, 24000] | None,
    "input_audio_echo_cancellation": AzureEchoCancellation | None,
    "animation": JSONObject | None,
    "avatar": JSONObject | None,
    "output_audio_timestamp_types": list[str] | None,
    "truncation_strategy": JSONObject | None,
}


def _azure_session(base: type[Model], name: str) -> type[Model]:
    from pydantic import create_model

    fields = {member: (annotation, None) for member, annotation in _AZURE_SESSION.items()}
    fields.update(
        voice=(Voice | None, None),
        turn_detection=(TurnDetection | None, None),
        input_audio_noise_reduction=(AzureNoiseReduction | None, None),
    )
    return create_model(name, __base__=base, __module__=MODULE, __doc__=f"The beta session with what Azure adds ({VOICE_LIVE}).", **fields)  # type: ignore[call-overload]


AzureSession = _azure_session(beta.BetaSession, "AzureSession")
AzureSessionConfig = _azure_session(beta.BetaSessionConfig, "AzureSessionConfig")


class AzureResponse(beta.BetaResponse):
    #: The capture's response.created/done echo the voice object.
    voice: Voice | None = None  # type: ignore[assignment]


class _AnimationEvent(ServerEvent):
    response_id: str
    item_id: str
    output_index: int
    content_index: int


class ResponseAnimationVisemeDelta(_AnimationEvent):
    """``response.animation_viseme.delta`` (@azure/ai-projects VoiceAgentServerEventResponseAnimationVisemeDelta)."""

    type: Literal["response.animation_viseme.delta"]
    audio_offset_ms: int
    viseme_id: int


class ResponseAnimationVisemeDone(_AnimationEvent):
    type: Literal["response.animation_viseme.done"]


class ResponseAudioTimestampDelta(_AnimationEvent):
    """``response.audio_timestamp.delta`` (@azure/ai-projects VoiceAgentServerEventResponseAudioTimestampDelta)."""

    type: Literal["response.audio_timestamp.delta"]
    audio_offset_ms: int
    audio_duration_ms: int
    text: str
    timestamp_type: Literal["word"]


class ResponseAudioTimestampDone(_AnimationEvent):
    type: Literal["response.audio_timestamp.done"]


def _server_changes() -> Changes:
    base = beta.server_changes(session=AzureSession, response=AzureResponse)
    return Changes(
        members=dict(base.members),
        added={
            # The capture's usage: reasoning tokens among the output details.
            "OutputTokenDetails": {"reasoning_tokens": int | None},
            # "A Foundry extension": name on a function_call_output item (@azure/ai-projects RealtimeConversationItemFunctionCallOutput).
            "FunctionCallOutput": {"name": str | None},
        },
        substitutes=dict(base.substitutes),
    )


def _client_changes() -> Changes:
    base = beta.client_changes(session_config=AzureSessionConfig)
    return Changes(members=dict(base.members), added={**base.added, "FunctionCallOutput": {"name": Member(str, None)}})


DIFFERENCES = (
    Difference("everything of the beta (flat session, beta names, conversation.item.created, refused GA members)", "beta"),
    Difference("voice may be an object {name, type: openai | azure-standard | azure-custom | azure-personal}", f"{VOICE_LIVE}; {CAPTURE}"),
    Difference("session members input_audio_sampling_rate, input_audio_echo_cancellation, animation, avatar, output_audio_timestamp_types, "
               "truncation_strategy", f"{VOICE_LIVE}; {CAPTURE}"),
    Difference("turn detection: azure_semantic_vad types, and speech_duration_ms, end_of_utterance_detection, auto_truncate, "
               "appended_text_after_truncation on every type", f"{VOICE_LIVE}; {CAPTURE}"),
    Difference("noise reduction azure_deep_noise_suppression", VOICE_LIVE),
    Difference("usage.output_token_details.reasoning_tokens", CAPTURE),
    Difference("name on a function_call_output item", f"{AI_PROJECTS}realtimeconversationitemfunctioncalloutput"),
    Difference("server events response.animation_viseme.delta/done and response.audio_timestamp.delta/done",
               f"{AI_PROJECTS}voiceagentservereventresponseanimationvisemedelta"),
)


def dialect() -> Dialect:
    from . import translate

    client, server = beta.build("azure-preview", MODULE, _server_changes(), _client_changes(),
                                extra_server=(ResponseAnimationVisemeDelta, ResponseAnimationVisemeDone, ResponseAudioTimestampDelta, ResponseAudioTimestampDone))
    return Dialect(
        name="azure-preview",
        title="Azure OpenAI Realtime preview api-versions and Azure AI Voice Live (beta protocol with Azure additions)",
        base="beta",
        documented=f"{VOICE_LIVE}; https://learn.microsoft.com/en-us/azure/ai-foundry/openai/realtime-audio-reference",
        client=client,
        server=server,
        differences=DIFFERENCES,
        spellings=beta.SPELLINGS,
        absent=beta.ABSENT,
        rules_read_as=beta.RULES_READ_AS,
        ordering=Ordering(items_owe_done=False, transcription_before_item=True),
        to_ga=translate.azure_to_ga,
        from_ga=translate.ga_to_azure,
    )
