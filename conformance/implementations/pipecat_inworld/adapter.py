"""pipecat-ai's model of Inworld's Realtime API, ``pipecat.services.inworld.realtime.events``, judged
under the ``inworld`` dialect. It is a fork of pipecat's OpenAI events module, driven as its service
drives it (:mod:`conformance.implementations.pipecat.forks`)."""

from __future__ import annotations

from ...adapters.scope import FEATURES, Scope
from ..pipecat.forks import PipecatForkAdapter

INWORLD = "pipecat/services/inworld/realtime"
#: What ``InworldRealtimeLLMService`` cannot send, and where that shows (its wire checks, wire.py).
CANNOT_SEND = {
    "session.noise-reduction": f"AudioInput has no noise_reduction member ({INWORLD}/events.py:114-125)",
    "session.turn-detection-off": f"AudioInput.turn_detection=None is dropped by send_client_event's model_dump(exclude_none=True) ({INWORLD}/llm.py:770), and TurnDetection(type=None) goes out as an empty object; nothing sends turn_detection: null",
    "truncation": f"_truncate_current_audio_response only forgets the response and sends no conversation.item.truncate ({INWORLD}/llm.py:525-527)",
}


class PipecatInworldAdapter(PipecatForkAdapter):
    scope = Scope(sends=frozenset(FEATURES) - set(CANNOT_SEND), why=CANNOT_SEND)
    name = "pipecat-inworld"
    dialect = "inworld"
    module = "pipecat.services.inworld.realtime.events"
    dump_options = {"by_alias": True}
