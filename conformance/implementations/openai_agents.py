"""The OpenAI Agents SDK, ``agents.realtime``.

Receiving: the websocket model validates each event with a strict tagged union over the openai
SDK types (``get_server_event_type_adapter``); a ``ValidationError`` becomes an error event and the
loop goes on, so the adapter reports it as a rejection. Sending: ``_send_raw_message`` is
``event.model_dump_json(exclude_unset=True)`` of what ``_ConversionHelper.try_convert_raw_message``
builds from a raw message.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

from .adapter import Adapter, Direction, Parsed


class OpenAIAgentsAdapter(Adapter):
    name = "openai-agents"

    def __init__(self) -> None:
        from typing import Annotated

        from agents.realtime.model_inputs import RealtimeModelSendRawMessage
        from agents.realtime.openai_realtime import _ConversionHelper, get_server_event_type_adapter
        from openai.types.realtime import RealtimeClientEvent
        from pydantic import Field, TypeAdapter

        self._adapters = {
            "server": get_server_event_type_adapter(),
            "client": TypeAdapter(Annotated[RealtimeClientEvent, Field(discriminator="type")]),
        }
        self._convert = _ConversionHelper.try_convert_raw_message
        self._raw_message = RealtimeModelSendRawMessage

    @property
    def version(self) -> str:
        return importlib.metadata.version("openai-agents")

    def parse(self, direction: Direction, text: str) -> Parsed:
        from pydantic import ValidationError

        try:
            event = self._adapters[direction].validate_json(text)
        except ValidationError as error:
            return Parsed("rejected", detail=f"{error.error_count()} validation error(s): {error.errors()[0]['msg']}")
        return Parsed("accepted", event.type, event)

    def dump(self, direction: Direction, obj: Any) -> Any:
        return obj.model_dump(mode="json", exclude_unset=True)

    def build_client(self, event: dict[str, Any]) -> str:
        other = {key: value for key, value in event.items() if key != "type"}
        converted = self._convert(self._raw_message(message={"type": event["type"], "other_data": other}))
        if converted is None:
            raise ValueError(f"openai-agents refused to build {event['type']!r}")
        return converted.model_dump_json(exclude_unset=True)
