"""pipecat-ai's model of Inworld's Realtime API, ``pipecat.services.inworld.realtime.events``, judged
under the ``inworld`` dialect. It is a fork of pipecat's OpenAI events module, driven as its service
drives it (:mod:`conformance.implementations.pipecat.forks`)."""

from __future__ import annotations

from ..pipecat.forks import PipecatForkAdapter


class PipecatInworldAdapter(PipecatForkAdapter):
    name = "pipecat-inworld"
    dialect = "inworld"
    module = "pipecat.services.inworld.realtime.events"
    dump_options = {"by_alias": True}
