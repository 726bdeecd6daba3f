"""Inworld's Realtime API (``wss://api.inworld.ai/api/v1/realtime/session``): GA with Inworld's
extensions. Built on GA.

Sources: Inworld's docs (https://docs.inworld.ai/realtime/openai-migration: "The event schema,
session structure, and client/server events are compatible"; the WebSocket reference and the
tool-calling guide), pipecat's model of the dialect (``pipecat/services/inworld/realtime/events.py``,
pipecat-ai 1.14.0), cited next to each difference.
"""

from __future__ import annotations

from typing import Literal

from ..base import JSONObject, Number
from ..client_events import CLIENT_EVENT_MODELS
from ..common import TranscriptionUsage
from ..response import Usage
from ..server_events import SERVER_EVENT_MODELS, ServerEvent
from ..session import Modality
from ..derive import Changes, Deriver, Member
from .profile import Dialect, Difference, Ordering

MODULE = __name__
DOCS = "https://docs.inworld.ai/api-reference/realtimeAPI/realtime/realtime-websocket"
MIGRATION = "https://docs.inworld.ai/realtime/openai-migration"
TOOLS = "https://docs.inworld.ai/realtime/usage/tool-calling"
PIPECAT = "pipecat-ai 1.14.0 pipecat/services/inworld/realtime/events.py"

#: pipecat's SUPPORTED_SAMPLE_RATES for Inworld.
PCM_RATES: tuple[int, ...] = (8000, 16000, 24000, 32000, 44100, 48000)
PCMRate = Literal[8000, 16000, 24000, 32000, 44100, 48000]


class Ping(ServerEvent):
    """Keep-alive (pipecat PingEvent)."""

    type: Literal["ping"]
    timestamp: int


#: Inworld's own members, added where GA has the object.
_SESSION_EXTRAS = {
    # A top-level temperature (pipecat SessionProperties.temperature).
    "temperature": Number | None,
    # STT, TTS, memory and other extensions ("providerData"; pipecat dumps provider_data by alias).
    "providerData": JSONObject | None,
}

SERVER_CHANGES = Changes(
    members={
        ("PCMAudioFormat", "rate"): PCMRate | None,
        # pipecat: "Inworld may omit this"; response_id/item_id/output_index are not in its model.
        ("ResponseFunctionCallArgumentsDone", "name"): str | None,
        ("ResponseFunctionCallArgumentsDone", "response_id"): str | None,
        ("ResponseFunctionCallArgumentsDone", "item_id"): str | None,
        ("ResponseFunctionCallArgumentsDone", "output_index"): int | None,
        # pipecat: output_audio.done and the transcript events carry no indexes.
        ("ResponseOutputAudioDone", "output_index"): int | None,
        ("ResponseOutputAudioDone", "content_index"): int | None,
        ("ResponseOutputAudioTranscriptDelta", "output_index"): int | None,
        ("ResponseOutputAudioTranscriptDelta", "content_index"): int | None,
        ("ResponseOutputAudioTranscriptDone", "output_index"): int | None,
        ("ResponseOutputAudioTranscriptDone", "content_index"): int | None,
        ("ResponseOutputAudioTranscriptDone", "transcript"): str | None,
        # pipecat: no usage or content_index on a completed transcription.
        ("InputAudioTranscriptionCompleted", "usage"): Member(TranscriptionUsage | None, None),
        ("InputAudioTranscriptionCompleted", "content_index"): int | None,
        ("InputAudioBufferSpeechStarted", "audio_start_ms"): int | None,
        ("InputAudioBufferSpeechStopped", "audio_end_ms"): int | None,
        ("SemanticVAD", "eagerness"): str | None,
        ("_RealtimeSessionFields", "output_modalities"): list[Modality] | None,
    },
    added={
        "_RealtimeSessionFields": _SESSION_EXTRAS,
        # The TTS model (pipecat AudioOutput.model; the docs' session.update example).
        "AudioOutputEcho": {"model": str | None},
        # pipecat: response.done carries usage at its top level.
        "ResponseDone": {"usage": Usage | None},
    },
)

CLIENT_CHANGES = Changes(
    members={
        ("PCMAudioFormat", "rate"): PCMRate,
        # The docs send output_modalities ["audio", "text"]: both at once, which GA refuses.
        ("_RealtimeSessionFields", "output_modalities"): list[Modality],
        ("ResponseCreateParams", "output_modalities"): list[Modality],
        ("SemanticVAD", "eagerness"): str,
    },
    added={
        "_RealtimeSessionFields": {"temperature": Number, "providerData": JSONObject},
        "AudioOutput": {"model": str},
        # pipecat ResponseProperties sends modalities (the beta name).
        "ResponseCreateParams": {"modalities": list[Modality]},
    },
)

DIFFERENCES = (
    Difference("session: providerData (STT, TTS, memory extensions), a top-level temperature, audio.output.model (the TTS model)",
               f"https://events.apis.io/channels/inworld-ai/api-v1-realtime-session/ (Inworld's providerData); {PIPECAT}; {DOCS}"),
    Difference("output_modalities may hold both audio and text", f"{DOCS} (the response.create example)"),
    Difference("audio/pcm at 8000, 16000, 24000, 32000, 44100 or 48000 Hz", f"{PIPECAT} SUPPORTED_SAMPLE_RATES"),
    Difference("response.create may use modalities", f"{PIPECAT} ResponseProperties"),
    Difference("semantic_vad eagerness is a free string", PIPECAT),
    Difference("server event ping {timestamp}", PIPECAT),
    Difference("response.function_call_arguments.done: name optional (\"Inworld may omit this\"), no ids; output audio and transcript events "
               "without indexes; a top-level usage on response.done; no usage on a completed transcription", PIPECAT),
    Difference("ordering: after a function_call_output the server starts the follow-up response itself", TOOLS),
)


def dialect() -> Dialect:
    from . import translate
    from ..names import BETA_RENAMES

    derive_server, derive_client = Deriver(SERVER_CHANGES, MODULE), Deriver(CLIENT_CHANGES, MODULE)
    server = {kind: derive_server(model) for kind, model in SERVER_EVENT_MODELS.items()}
    server["ping"] = derive_server(Ping)
    client = {kind: derive_client(model) for kind, model in CLIENT_EVENT_MODELS.items()}
    return Dialect(
        name="inworld",
        title="Inworld Realtime API",
        base="ga",
        documented=f"{MIGRATION}; {DOCS}; {PIPECAT}",
        client=client,
        server=server,
        differences=DIFFERENCES,
        successors=BETA_RENAMES,
        ordering=Ordering(continues_after_tool_output=True, pcm_rates=PCM_RATES),
        to_ga=translate.inworld_to_ga,
        from_ga=translate.ga_to_inworld,
    )
