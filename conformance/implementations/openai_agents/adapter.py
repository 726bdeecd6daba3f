"""The OpenAI Agents SDK, ``agents.realtime``, as a *client*: what its application receives, and what
its send path puts on the wire.

The model connects over WebSocket, or joins the server-side socket of a WebRTC or SIP call
(``call_id``). It never parses client events; they are judged on what it sends.

Receiving (agents/realtime/openai_realtime.py): ``_listen_for_messages`` ``json.loads`` every
message and hands it to ``_handle_ws_event`` (:743-750), whose first act is to emit the untouched
dict as ``RealtimeModelRawServerEvent`` (:1371). ``RealtimeSession.on_event`` puts every model event
on the application's queue as ``RealtimeRawModelEvent`` before anything else (session.py:416), so
the application receives every server event raw, whatever its type. Only then does the model
validate a *copy* (``previous_item_id: null`` rewritten to ``""``, custom voices flattened,
:1413-1425) and derive its own events (audio, transcripts, history items, tool calls; :1440-1600).

So the adapter runs ``_handle_ws_event`` on a fresh, connected model and reports:

* *accepted*, untyped: the raw dict the application got (dumped as it stands once the model is done
  with it, so a handler that changed it in place would show);
* *rejected*: the model's own handling refused it. A validation error reaches the application as a
  ``RealtimeError`` (session.py:421-422) and the event derives nothing; an exception in a handler is
  turned into ``RealtimeModelExceptionEvent`` (:751-762), which the session stores and raises from
  its event iterator, closing itself (session.py:641-643, :323-335): the application's ``async for`` ends.

The derived events are the library's own vocabulary (``RealtimeAudio``, ``RealtimeHistoryAdded``…),
not protocol events: they are judged here only by whether the event was handled, and on the wire
(the wire family) by what reaches the application.

Sending: the application can build protocol events itself: ``session.model`` is public
(session.py:263-266) and ``RealtimeModelSendRawMessage`` is exported (``agents.realtime``,
__init__.py:88), so ``session.model.send_event(RealtimeModelSendRawMessage(...))`` sends any client
event the openai SDK's ``RealtimeClientEvent`` union validates (``try_convert_raw_message``,
:2064-2074), serialized with ``model_dump_json(exclude_unset=True)`` (:824-828). The adapter drives
``send_event`` itself on a model with a stand-in socket.
"""

from __future__ import annotations

import asyncio
import copy
import importlib.metadata
import json
from typing import Any

from ...adapters.adapter import Adapter, Direction, Parsed
from ...adapters.scope import FEATURES, Scope

OPENAI_REALTIME = "agents/realtime/openai_realtime.py"


class _Socket:
    """Stands in for the connected websocket: what the model sends, it keeps."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, data: str) -> None:
        self.sent.append(data)


class OpenAIAgentsAdapter(Adapter):
    name = "openai-agents"
    conformance_class = "client"
    sides = frozenset({"client"})
    transports = frozenset({"websocket", "webrtc", "sip"})
    scope = Scope(
        # every type reaches the application raw, as RealtimeRawModelEvent (session.py:416)
        consumes=None,
        # the raw message path sends any client event the SDK's union validates (:2064-2074)
        sends=frozenset(FEATURES),
    )

    def __init__(self) -> None:
        import pydantic
        from agents.realtime import model_events
        from agents.realtime.model import RealtimeModelListener
        from agents.realtime.model_inputs import RealtimeModelSendRawMessage
        from agents.realtime.openai_realtime import OpenAIRealtimeWebSocketModel

        self._model_class = OpenAIRealtimeWebSocketModel
        self._events = model_events
        self._validation_error = pydantic.ValidationError

        class Collector(RealtimeModelListener):
            def __init__(self) -> None:
                self.events: list[Any] = []

            async def on_event(self, event: Any) -> None:
                self.events.append(event)

        self._collector = Collector
        self._raw_message = RealtimeModelSendRawMessage

    @property
    def version(self) -> str:
        return importlib.metadata.version("openai-agents")

    def parse(self, direction: Direction, text: str) -> Parsed:
        return asyncio.run(self._receive(text))

    def _connected(self) -> tuple[Any, Any, _Socket]:
        model = self._model_class()
        listener = self._collector()
        model.add_listener(listener)
        socket = _Socket()
        model._websocket = socket  # handlers that answer an event (tracing, retrieve, cancel) send on it
        return model, listener, socket

    async def _receive(self, text: str) -> Parsed:
        model, listener, _ = self._connected()
        try:
            event = json.loads(text)
        except ValueError as error:  # _listen_for_messages emits it as an exception event (:751-756)
            return Parsed("rejected", detail=f"not JSON: {error}")
        try:
            await model._handle_ws_event(event)
        except Exception as error:  # _listen_for_messages: RealtimeModelExceptionEvent (:757-762)
            return Parsed("rejected", detail=f"its handler raised {type(error).__name__}: {_first_line(error)}; "
                          "the session stores it and raises it from its event iterator, closing itself (session.py:641-643, :323-335)")
        for emitted in listener.events:
            if isinstance(emitted, self._events.RealtimeModelExceptionEvent):
                return Parsed("rejected", detail=f"{emitted.context}: {_first_line(emitted.exception)}")
            if isinstance(emitted, self._events.RealtimeModelErrorEvent) and isinstance(emitted.error, self._validation_error):
                return Parsed("rejected", detail=f"its validation refused it ({emitted.error.error_count()} error(s): "
                              f"{emitted.error.errors()[0]['msg']}); the application gets a RealtimeError")
        raw = next(emitted.data for emitted in listener.events if isinstance(emitted, self._events.RealtimeModelRawServerEvent))
        kind = raw.get("type") if isinstance(raw, dict) else None
        return Parsed("accepted", kind if isinstance(kind, str) else None, raw, untyped=True)

    def dump(self, direction: Direction, obj: Any) -> Any:
        return copy.deepcopy(obj)  # the dict the application holds, as the model left it

    def build_client(self, event: dict[str, Any]) -> str:
        return asyncio.run(self._send(event))

    async def _send(self, event: dict[str, Any]) -> str:
        model, _, socket = self._connected()
        other = {key: value for key, value in event.items() if key != "type"}
        await model.send_event(self._raw_message(message={"type": event["type"], "other_data": other}))
        if model._response_create_tasks:  # response.create goes out from a task of its own (:790-796)
            await asyncio.gather(*model._response_create_tasks)
        if not socket.sent:  # try_convert_raw_message returned None: it logs and sends nothing (:799-802)
            raise ValueError(f"openai-agents sent nothing for {event['type']!r}: the SDK's RealtimeClientEvent union refused it")
        return socket.sent[-1]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
