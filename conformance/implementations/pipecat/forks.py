"""pipecat-ai's models of two dialects, each judged under its own: ``pipecat.services.xai.realtime.events``
(xAI's Grok Voice Agent API, ``pipecat-xai``) and ``pipecat.services.inworld.realtime.events``
(Inworld's Realtime API, ``pipecat-inworld``).

Both are forks of pipecat's OpenAI events module (implementations.md §2.2-2.3) and, like it, client
libraries on a WebSocket: the adapters drive what the services drive.

Receiving: each service's ``_receive_task_handler`` calls ``parse_server_event`` and, when it
raises, logs a warning and goes on with the next message (xai/realtime/llm.py: ``except Exception``
around ``events.parse_server_event(message)``; inworld/realtime/llm.py likewise). xAI's parser
raises ``Unimplemented server event type`` for a type it has no model for, Inworld's returns
``None``; both raise on anything they cannot validate. A type without a model is *ignored* (the
event is lost), a validation failure is *rejected*. The services read the models' attributes, so
the dump is their application view (``nulls_distinct = False``).

Sending: ``send_client_event`` is ``json.dumps(event.model_dump(exclude_none=True))`` for xAI
(xai/realtime/llm.py ``send_client_event``) and ``model_dump(exclude_none=True, by_alias=True)`` for
Inworld (``provider_data`` goes out as ``providerData``), of the event class registered for the type.
"""

from __future__ import annotations

import json
from typing import Any

from ...adapters.adapter import Direction, Parsed
from ..pipecat_events.adapter import PipecatEventsAdapter, _summary

_UNKNOWN_TYPE = "Unimplemented server event type"


class PipecatForkAdapter(PipecatEventsAdapter):
    """pipecat's OpenAI adapter on another provider's fork of the events module."""

    dump_options: dict[str, Any] = {}

    def parse(self, direction: Direction, text: str) -> Parsed:
        try:
            event = self.events.parse_server_event(text)
        except Exception as error:  # the service logs it and reads the next message
            detail = _summary(error)
            return Parsed("ignored" if _UNKNOWN_TYPE in detail else "rejected", detail=detail)
        if event is None:
            return Parsed("ignored")
        declared = type(event).model_fields["type"]
        return Parsed("accepted", event.type, event, model_type=declared.default or _first_literal(declared.annotation) or event.type)

    def build_client(self, event: dict[str, Any]) -> str:
        cls = self.client_classes.get(event["type"])
        if cls is None:
            raise LookupError(f"{self.name} has no client event class for {event['type']!r}")
        return json.dumps(cls.model_validate(event).model_dump(exclude_none=True, **self.dump_options))


def _first_literal(annotation: Any) -> str | None:
    args = getattr(annotation, "__args__", ())
    return args[0] if args and isinstance(args[0], str) else None
