"""The OpenAI Agents SDK, ``agents.realtime``, through the paths its websocket model really uses.

The model is a client: it connects over WebSocket, or joins the server-side socket of a WebRTC or
SIP call (``call_id``). It never parses client events; they are judged on what it sends.

Receiving: every message goes through ``OpenAIRealtimeWebSocketModel._handle_ws_event`` with the
same guard ``_listen_for_messages`` puts around it, on a fresh model with a listener attached, so
that its own preparation applies: ``previous_item_id: null`` is rewritten to ``""`` and custom
voices are flattened before validation, and message items of ``response.output_item.added/done``
are converted to its ``RealtimeMessageItem`` without validation. The outcome is read from what it
emits: a validation or handling error is a rejection; anything else is an acceptance. The object
dumped is the one its strict union validated (captured by wrapping the model's type adapter, which
changes nothing). A message item handed over as its own ``RealtimeMessageItem`` has no GA event to
dump, so dumping it does not apply.

Sending: ``_send_raw_message`` is ``event.model_dump_json(exclude_unset=True)`` of what
``_ConversionHelper.try_convert_raw_message`` builds from a raw message.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
from typing import Any

from ...adapters.adapter import NotApplicable
from ...adapters.adapter import Adapter, Direction, Parsed

_NOT_VALIDATED = object()


class _Recorder:
    """Wraps the model's server-event type adapter and keeps what it validated."""

    def __init__(self, adapter: Any) -> None:
        self._adapter = adapter
        self.validated: Any = _NOT_VALIDATED

    def validate_python(self, *args: Any, **kwargs: Any) -> Any:
        self.validated = self._adapter.validate_python(*args, **kwargs)
        return self.validated


class OpenAIAgentsAdapter(Adapter):
    name = "openai-agents"
    #: Its model events are a model; ``OpenAIRealtimeWebSocketModel`` on the wire (wire.py) is a client.
    conformance_class = ("model", "client")
    sides = frozenset({"client"})
    transports = frozenset({"websocket", "webrtc", "sip"})

    def __init__(self) -> None:
        import pydantic
        from agents.realtime import model_events
        from agents.realtime.model import RealtimeModelListener
        from agents.realtime.model_inputs import RealtimeModelSendRawMessage
        from agents.realtime.openai_realtime import OpenAIRealtimeWebSocketModel, _ConversionHelper

        self._model_class = OpenAIRealtimeWebSocketModel
        self._events = model_events
        self._validation_error = pydantic.ValidationError

        class Collector(RealtimeModelListener):
            def __init__(self) -> None:
                self.events: list[Any] = []

            async def on_event(self, event: Any) -> None:
                self.events.append(event)

        self._collector = Collector
        self._convert = _ConversionHelper.try_convert_raw_message
        self._raw_message = RealtimeModelSendRawMessage

    @property
    def version(self) -> str:
        return importlib.metadata.version("openai-agents")

    def parse(self, direction: Direction, text: str) -> Parsed:
        return asyncio.run(self._receive(text))

    async def _receive(self, text: str) -> Parsed:
        model = self._model_class()
        listener = self._collector()
        model.add_listener(listener)
        recorder = _Recorder(model._server_event_type_adapter)
        model._server_event_type_adapter = recorder  # type: ignore[assignment]
        try:
            event = json.loads(text)
            await model._handle_ws_event(event)
        except Exception as error:  # what _listen_for_messages turns into an exception event
            return Parsed("rejected", detail=f"{type(error).__name__}: {error}")
        for emitted in listener.events:
            if isinstance(emitted, self._events.RealtimeModelExceptionEvent):
                return Parsed("rejected", detail=f"{emitted.context}: {emitted.exception}")
            if isinstance(emitted, self._events.RealtimeModelErrorEvent) and isinstance(emitted.error, self._validation_error):
                return Parsed("rejected", detail=f"{emitted.error.error_count()} validation error(s): {emitted.error.errors()[0]['msg']}")
        if recorder.validated is not _NOT_VALIDATED:
            validated = recorder.validated
            return Parsed("accepted", validated.type, validated)
        if any(isinstance(emitted, self._events.RealtimeModelItemUpdatedEvent) for emitted in listener.events):
            return Parsed("accepted", event.get("type"), _NOT_VALIDATED)
        return Parsed("ignored")

    def dump(self, direction: Direction, obj: Any) -> Any:
        if obj is _NOT_VALIDATED:
            raise NotApplicable(
                "openai-agents hands message items of response.output_item.* to the application as its own "
                "RealtimeMessageItem, not as the event: there is no GA event to compare"
            )
        return obj.model_dump(mode="json", exclude_unset=True)

    def build_client(self, event: dict[str, Any]) -> str:
        other = {key: value for key, value in event.items() if key != "type"}
        converted = self._convert(self._raw_message(message={"type": event["type"], "other_data": other}))
        if converted is None:
            raise ValueError(f"openai-agents refused to build {event['type']!r}")
        return converted.model_dump_json(exclude_unset=True)
