"""The official ``openai`` SDK, ``openai.types.realtime``, through its own receive and send paths.

The SDK is a client: ``client.realtime.connect()`` opens the WebSocket, and ``connect(call_id=…)``
joins the server-side socket of a WebRTC or SIP call, where the output audio buffer and DTMF
events travel too. It never parses client events, so client events are judged on what it sends.

Receiving: ``RealtimeConnection.recv`` is ``parse_event``: ``construct_type_unchecked`` over the
``RealtimeServerEvent`` union. It validates leniently and never rejects: a payload it cannot match
becomes the union's first member. The adapter reports what the SDK reports, the event's ``type``
(its own dispatch and its users route on it), and, separately, the event type of the object's
*class* (``model_type``), which is how the suite sees an unknown ``ping`` come back as a
``ConversationCreatedEvent``.

Sending: the connection's resource methods (``connection.session.update(session=…)``,
``connection.response.create(response=…)``, …) as its documentation shows; they hand a dict to
``send``, which serializes it with ``maybe_transform``. An event with members a resource method
does not take is sent as a dict with ``connection.send``, as a user would.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from typing import Any

from ...adapters.adapter import Adapter, Direction, Parsed


class _CapturingSocket:
    """Stands in for the websocket: the connection hands it the wire text."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, data: str) -> None:
        self.sent.append(data)


class OpenAISDKAdapter(Adapter):
    name = "openai"
    #: The SDK's types are a model; ``client.realtime.connect()`` on the wire (wire.py) is a client
    #: that sends whatever the application writes (its scope is all of it).
    conformance_class = ("model", "client")
    sides = frozenset({"client"})
    transports = frozenset({"websocket", "webrtc", "sip"})

    def __init__(self) -> None:
        from openai.resources.realtime.realtime import RealtimeConnection

        self._connection_class = RealtimeConnection
        self._receiver = RealtimeConnection(_CapturingSocket())  # type: ignore[arg-type]

    @property
    def version(self) -> str:
        return importlib.metadata.version("openai")

    def parse(self, direction: Direction, text: str) -> Parsed:
        event = self._receiver.parse_event(text)
        return Parsed("accepted", getattr(event, "type", None), event, model_type=_declared_type(event))

    def dump(self, direction: Direction, obj: Any) -> Any:
        return obj.to_dict()

    def build_client(self, event: dict[str, Any]) -> str:
        socket = _CapturingSocket()
        connection = self._connection_class(socket)  # type: ignore[arg-type]
        method = _resource_method(connection, event["type"])
        members = {key: value for key, value in event.items() if key != "type"}
        if method is not None and set(members) <= set(inspect.signature(method).parameters):
            method(**members)
        else:
            connection.send(event)  # type: ignore[arg-type]
        return socket.sent[-1]


def _resource_method(connection: Any, event_type: str) -> Any:
    """``connection.conversation.item.create`` for ``conversation.item.create``, or ``None``."""
    target = connection
    for part in event_type.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if callable(target) else None


def _declared_type(event: Any) -> str | None:
    field = getattr(type(event), "model_fields", {}).get("type")
    args = getattr(field.annotation, "__args__", ()) if field else ()
    return args[0] if args else None
