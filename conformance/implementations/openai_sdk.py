"""The official ``openai`` SDK, ``openai.types.realtime``, through its own receive and send paths.

Receiving: ``RealtimeConnection.recv`` / ``parse_event`` is ``construct_type_unchecked`` over the
``RealtimeServerEvent`` union. It validates leniently and never rejects: a payload it cannot match
becomes the union's first member, so the adapter reports the type the resulting *class* stands
for, which is how the suite sees an unknown type mistaken for ``conversation.created``.
Sending: ``RealtimeConnection.send`` with an event model, exactly as the SDK serializes it.
"""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any

from .adapter import Adapter, Direction, Parsed


class _CapturingSocket:
    """Stands in for the websocket: ``RealtimeConnection.send`` hands it the wire text."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, data: str) -> None:
        self.sent.append(data)


class OpenAISDKAdapter(Adapter):
    name = "openai"

    def __init__(self) -> None:
        from typing import Annotated

        from openai._models import construct_type_unchecked
        from openai.resources.realtime.realtime import RealtimeConnection
        from openai.types.realtime import RealtimeClientEvent, RealtimeServerEvent
        from pydantic import Field, TypeAdapter

        self._construct = construct_type_unchecked
        self._unions = {"server": RealtimeServerEvent, "client": RealtimeClientEvent}
        self._client_models = TypeAdapter(Annotated[RealtimeClientEvent, Field(discriminator="type")])
        self._connection_class = RealtimeConnection

    @property
    def version(self) -> str:
        return importlib.metadata.version("openai")

    def parse(self, direction: Direction, text: str) -> Parsed:
        event = self._construct(value=json.loads(text), type_=self._unions[direction])
        return Parsed("accepted", _declared_type(event), event)

    def dump(self, direction: Direction, obj: Any) -> Any:
        return obj.to_dict()

    def build_client(self, event: dict[str, Any]) -> str:
        model = self._client_models.validate_python(event)
        socket = _CapturingSocket()
        self._connection_class(socket).send(model)  # type: ignore[arg-type]
        return socket.sent[-1]


def _declared_type(event: Any) -> str | None:
    field = getattr(type(event), "model_fields", {}).get("type")
    args = getattr(field.annotation, "__args__", ()) if field else ()
    return args[0] if args else None
