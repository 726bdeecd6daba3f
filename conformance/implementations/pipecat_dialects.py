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

import importlib
import importlib.metadata
import json
import logging
from typing import Any

from .adapter import Adapter, Direction, Parsed
from .pipecat import _summary
from .views import application_view

_UNKNOWN_TYPE = "Unimplemented server event type"


class _PipecatDialectAdapter(Adapter):
    module = ""
    dump_options: dict[str, Any] = {}
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})
    nulls_distinct = False

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
        except Exception as error:  # the service logs it and reads the next message
            detail = _summary(error)
            return Parsed("ignored" if _UNKNOWN_TYPE in detail else "rejected", detail=detail)
        if event is None:
            return Parsed("ignored")
        declared = type(event).model_fields["type"]
        return Parsed("accepted", event.type, event, model_type=declared.default or _first_literal(declared.annotation) or event.type)

    def dump(self, direction: Direction, obj: Any) -> Any:
        return application_view(obj)

    def build_client(self, event: dict[str, Any]) -> str:
        cls = self.client_classes.get(event["type"])
        if cls is None:
            raise LookupError(f"{self.name} has no client event class for {event['type']!r}")
        return json.dumps(cls.model_validate(event).model_dump(exclude_none=True, **self.dump_options))


def _first_literal(annotation: Any) -> str | None:
    args = getattr(annotation, "__args__", ())
    return args[0] if args and isinstance(args[0], str) else None


class PipecatXaiAdapter(_PipecatDialectAdapter):
    name = "pipecat-xai"
    dialect = "xai"
    module = "pipecat.services.xai.realtime.events"


class PipecatInworldAdapter(_PipecatDialectAdapter):
    name = "pipecat-inworld"
    dialect = "inworld"
    module = "pipecat.services.inworld.realtime.events"
    dump_options = {"by_alias": True}
