"""pipecat-ai's ``GrokRealtimeLLMService`` (``pipecat.services.xai.realtime.llm``) on the wire, against
a scripted server speaking the ``xai`` dialect, in the same pipeline as pipecat's OpenAI service
(:mod:`conformance.implementations.pipecat.wire`).

* connect: ``GrokRealtimeLLMService(api_key=..., base_url="ws://127.0.0.1:PORT/v1/realtime")``: the
  service connects to ``{base_url}?model=...`` with a bearer key (xai/realtime/llm.py:740-759);
  ``Settings(session_properties=SessionProperties(...))`` carries instructions, ``voice``,
  ``turn_detection`` (``TurnDetection(type=None)`` for manual turns, as its docstring says,
  xai/realtime/events.py:81-97) and the function tools;
* the user's text, speech, function calls and interrupt as for pipecat's OpenAI service (the
  service handles the same frames, xai/realtime/llm.py:596-627).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...adapters.wire import Settings, WireAdapter, WireClient
from ..pipecat.wire import PipecatClient, tools_schema


class PipecatXaiClient(PipecatClient):
    def make_service(self, url: str, settings: Settings) -> Any:
        from pipecat.services.xai.realtime.llm import GrokRealtimeLLMService

        return GrokRealtimeLLMService(api_key="test-key", base_url=url + "/v1/realtime", settings=GrokRealtimeLLMService.Settings(session_properties=_session_properties(settings)))


def _session_properties(settings: Settings) -> Any:
    from pipecat.services.xai.realtime import events

    properties: dict[str, Any] = {}
    if settings.instructions is not None:
        properties["instructions"] = settings.instructions
    if settings.turn_detection == "off":
        properties["turn_detection"] = events.TurnDetection(type=None)
    elif isinstance(settings.turn_detection, Mapping):
        properties["turn_detection"] = events.TurnDetection(**dict(settings.turn_detection))
    if settings.voice is not None:
        properties["voice"] = settings.voice
    if settings.tools:
        properties["tools"] = tools_schema(settings)
    return events.SessionProperties(**properties)


class PipecatXaiWireAdapter(WireAdapter):
    name = "pipecat-xai"
    dialect = "xai"
    distribution = "pipecat-ai"

    def client(self) -> WireClient:
        return PipecatXaiClient()
