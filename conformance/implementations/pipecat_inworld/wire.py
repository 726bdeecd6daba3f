"""pipecat-ai's ``InworldRealtimeLLMService`` (``pipecat.services.inworld.realtime.llm``) on the wire,
against a scripted server speaking the ``inworld`` dialect, in the same pipeline as pipecat's OpenAI
service (:mod:`conformance.implementations.pipecat.wire`).

* connect: ``InworldRealtimeLLMService(api_key=..., base_url="ws://127.0.0.1:PORT/api/v1/realtime/session")``:
  the service adds its ``key`` and ``protocol=realtime`` query and a ``Basic`` key
  (inworld/realtime/llm.py:775-796); ``Settings(session_properties=SessionProperties(...))``, which
  replaces the service's defaults wholesale (its docstring, llm.py:258-300), carries instructions,
  ``output_modalities``, ``audio.input.turn_detection`` and ``transcription``, ``audio.output.voice``
  and the function tools;
* the user's text, speech, function calls and interrupt as for pipecat's OpenAI service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...adapters.wire import Settings, WireAdapter, WireClient
from ..pipecat.wire import PipecatClient, tools_schema


class PipecatInworldClient(PipecatClient):
    def make_service(self, url: str, settings: Settings) -> Any:
        from pipecat.services.inworld.realtime.llm import InworldRealtimeLLMService

        return InworldRealtimeLLMService(
            api_key="test-key", base_url=url + "/api/v1/realtime/session", settings=InworldRealtimeLLMService.Settings(session_properties=_session_properties(settings))
        )


def _session_properties(settings: Settings) -> Any:
    from pipecat.services.inworld.realtime import events

    properties: dict[str, Any] = {}
    if settings.instructions is not None:
        properties["instructions"] = settings.instructions
    if settings.output_modalities is not None:
        properties["output_modalities"] = list(settings.output_modalities)
    audio_input: dict[str, Any] = {}
    if settings.turn_detection == "off":
        audio_input["turn_detection"] = None
    elif isinstance(settings.turn_detection, Mapping):
        audio_input["turn_detection"] = events.TurnDetection(**dict(settings.turn_detection))
    if isinstance(settings.transcription, Mapping):
        audio_input["transcription"] = events.InputTranscription(**dict(settings.transcription))
    audio: dict[str, Any] = {}
    if audio_input:
        audio["input"] = events.AudioInput(**audio_input)
    if settings.voice is not None:
        audio["output"] = events.AudioOutput(voice=settings.voice)
    if audio:
        properties["audio"] = events.AudioConfiguration(**audio)
    if settings.tools:
        properties["tools"] = tools_schema(settings)
    return events.SessionProperties(**properties)


class PipecatInworldWireAdapter(WireAdapter):
    name = "pipecat-inworld"
    dialect = "inworld"
    distribution = "pipecat-ai"

    def client(self) -> WireClient:
        return PipecatInworldClient()
