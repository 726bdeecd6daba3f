"""pipecat-ai's model of xAI's Grok Voice Agent API, ``pipecat.services.xai.realtime.events``, judged
under the ``xai`` dialect. It is a fork of pipecat's OpenAI events module, driven as its service
drives it (:mod:`conformance.implementations.pipecat.forks`)."""

from __future__ import annotations

from ..pipecat.forks import PipecatForkAdapter


class PipecatXaiAdapter(PipecatForkAdapter):
    name = "pipecat-xai"
    dialect = "xai"
    module = "pipecat.services.xai.realtime.events"
