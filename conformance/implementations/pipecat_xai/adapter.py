"""pipecat-ai's model of xAI's Grok Voice Agent API, ``pipecat.services.xai.realtime.events``, judged
under the ``xai`` dialect. It is a fork of pipecat's OpenAI events module, driven as its service
drives it (:mod:`conformance.implementations.pipecat.forks`)."""

from __future__ import annotations

from ...adapters.scope import FEATURES, Scope
from ..pipecat.forks import PipecatForkAdapter

XAI = "pipecat/services/xai/realtime"
#: What ``GrokRealtimeLLMService`` cannot send, and where that shows (its wire checks, wire.py).
CANNOT_SEND = {
    "session.output-modalities": f"SessionProperties has no modalities member ({XAI}/events.py:271-311), so the application has no way to ask for text only",
}


class PipecatXaiAdapter(PipecatForkAdapter):
    scope = Scope(sends=frozenset(FEATURES) - set(CANNOT_SEND), why=CANNOT_SEND)
    name = "pipecat-xai"
    dialect = "xai"
    module = "pipecat.services.xai.realtime.events"
