"""The official ``openai`` SDK's realtime connection (``client.realtime.connect()``), as a *client*:
what its application receives, and what it sends. The types it hands over are judged as a model in
:mod:`..openai_types`.

The connection opens the WebSocket, or joins the server-side socket of a WebRTC or SIP call
(``connect(call_id=…)``), where the output audio buffer and DTMF events travel too. It never parses
client events, so client events are judged on what it sends.

Receiving (resources/realtime/realtime.py): ``recv()`` and ``async for event in connection`` are
``parse_event`` (:372-388, :343-370), which is ``construct_type_unchecked`` over the
``RealtimeServerEvent`` union (:425-431). That validates first and, when validation fails, builds
the union's member for the event's ``type`` without validating, or the first member that builds at
all (_models.py:639-667): it never rejects, and an unknown type comes back as a
``ConversationCreatedEvent`` that keeps its own ``type``. The application gets the typed object,
whatever the type (it consumes every type); the adapter reports the ``type`` it reports and,
separately, the event type of the object's *class* (``model_type``), and dumps it with ``to_dict()``.

Sending: the application builds the events itself, through the connection's resource methods
(``connection.session.update(session=…)``, ``connection.response.create(response=…)``, …) as the
SDK's documentation shows; they hand a dict to ``send``, which serializes it with
``maybe_transform`` (:876-886). An event with members a resource method does not take is sent as a
dict with ``connection.send``, as a user would.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from typing import Any

from ...adapters.adapter import Adapter, Direction, Parsed
from ...adapters.scope import FEATURES, Scope
from ..openai_types.adapter import _declared_type


class _CapturingSocket:
    """Stands in for the websocket: the connection hands it the wire text."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, data: str) -> None:
        self.sent.append(data)


class OpenAISDKAdapter(Adapter):
    name = "openai"
    conformance_class = "client"
    sides = frozenset({"client"})
    transports = frozenset({"websocket", "webrtc", "sip"})
    scope = Scope(
        # parse_event types every event it gets and hands it over (realtime.py:425-431)
        consumes=None,
        # connection.send takes any client event as a dict (realtime.py:876-886)
        sends=frozenset(FEATURES),
    )

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
