"""pipecat-ai's OpenAI Realtime models, ``pipecat.services.openai.realtime.events``.

pipecat is a client library: ``OpenAIRealtimeLLMService`` opens a WebSocket to the server (it has
no WebRTC or SIP path), parses what the server sends and sends client events. So the adapter
drives exactly those two paths; client events are judged on what pipecat sends, never parsed.

Receiving: ``parse_server_event`` (``json.loads``, a lookup in its table of 31 GA types, then
``model_validate``). It returns ``None`` for a type it has no model for and raises on anything it
cannot validate. The service's receive loop then reads the model's attributes, so the dump is
:func:`~conformance.adapters.views.application_view` of the model: what the service sees,
where a null and an absent member are the same ``None`` (``nulls_distinct = False``).

Sending: ``send_client_event`` is ``json.dumps(event.model_dump(exclude_none=True))`` of the
event class registered for the type, built from the caller's values, as the service builds them.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import logging
from typing import Any

from ...adapters.adapter import Adapter, Direction, Parsed
from ...adapters.scope import FEATURES, Scope
from ...adapters.views import application_view

LLM = "pipecat/services/openai/realtime/llm.py"
EVENTS = "pipecat/services/openai/realtime/events.py"
#: What ``OpenAIRealtimeLLMService`` cannot send, and where that shows (its wire checks, wire.py).
CANNOT_SEND = {
    "transcription-sessions": f"SessionProperties.type is Literal['realtime'] ({EVENTS}:218)",
    "out-of-band-responses": f"_create_response sends ResponseProperties(output_modalities=...) only, which has no conversation or input ({LLM}:1318-1322, {EVENTS}:321-340)",
    "response.settings": f"the service sends no per-response settings: ResponseProperties(output_modalities=...) only ({LLM}:1318-1322)",
    "item-delete": f"the service never sends conversation.item.delete (no ConversationItemDeleteEvent in {LLM})",
    "output-audio-buffer": "the service connects over WebSocket only",
    "session.idle-timeout": f"TurnDetection has no idle_timeout_ms ({EVENTS}:94-107)",
    "session.truncation": f"SessionProperties has no truncation ({EVENTS}:191-237)",
}


class PipecatAdapter(Adapter):
    name = "pipecat"
    #: The events module of the service: pipecat forks it per provider (pipecat_dialects.py).
    module = "pipecat.services.openai.realtime.events"
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})
    #: The service reads the models' attributes and never serializes a server event: a null and an
    #: absent member are both None to it.
    nulls_distinct = False
    #: The events module is a model; ``OpenAIRealtimeLLMService`` on the wire (wire.py) is a client.
    conformance_class = ("model", "client")
    scope = Scope(sends=frozenset(FEATURES) - set(CANNOT_SEND), why=CANNOT_SEND)

    def __init__(self) -> None:
        logging.getLogger("pipecat").setLevel(logging.WARNING)
        self.events = importlib.import_module(self.module)
        client_base = self.events.ClientEvent
        self.client_classes = {
            cls.model_fields["type"].default: cls
            for cls in vars(self.events).values()
            if isinstance(cls, type) and issubclass(cls, client_base) and cls is not client_base
        }

    @property
    def version(self) -> str:
        return importlib.metadata.version("pipecat-ai")

    def parse(self, direction: Direction, text: str) -> Parsed:
        try:
            event = self.events.parse_server_event(text)
        except Exception as error:  # pipecat signals every failure this way
            return Parsed("rejected", detail=_summary(error))
        if event is None:
            return Parsed("ignored")
        return Parsed("accepted", event.type, event, model_type=type(event).model_fields["type"].default)

    def dump(self, direction: Direction, obj: Any) -> Any:
        return application_view(obj)

    def build_client(self, event: dict[str, Any]) -> str:
        cls = self.client_classes.get(event["type"])
        if cls is None:
            raise LookupError(f"pipecat has no client event class for {event['type']!r}")
        # pipecat's idiom for "voice detection off" is turn_detection=False, which its
        # SessionUpdateEvent.model_dump turns into null; a plain None would be dropped.
        event = _turn_detection_off_as_false(event)
        return json.dumps(cls.model_validate(event).model_dump(exclude_none=True))


def _turn_detection_off_as_false(event: dict[str, Any]) -> dict[str, Any]:
    audio_input = ((event.get("session") or {}).get("audio") or {}).get("input")
    if isinstance(audio_input, dict) and "turn_detection" in audio_input and audio_input["turn_detection"] is None:
        event = json.loads(json.dumps(event))
        event["session"]["audio"]["input"]["turn_detection"] = False
    return event


def _summary(error: Exception) -> str:
    """The first two lines of a pydantic error: which model, and which field."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " / ".join(lines[:2])
