"""The 11 GA client events and their union, discriminated on ``type``.

The classes are written once, like every model; the union and :data:`CLIENT_EVENT_MODELS` hold
their *request forms* (:mod:`.nullability`), which follow the spec's nullability for what a client
sends.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, TypeAdapter

from .base import Base64, ClientEventId, Model
from .nullability import request_form
from .items import ConversationItem
from .response import ResponseCreateParams
from .session import SessionConfig


class ClientEvent(Model):
    event_id: ClientEventId | None = None


class SessionUpdate(ClientEvent):
    type: Literal["session.update"]
    session: SessionConfig


class InputAudioBufferAppend(ClientEvent):
    type: Literal["input_audio_buffer.append"]
    audio: Base64


class InputAudioBufferCommit(ClientEvent):
    type: Literal["input_audio_buffer.commit"]


class InputAudioBufferClear(ClientEvent):
    type: Literal["input_audio_buffer.clear"]


class OutputAudioBufferClear(ClientEvent):
    #: The only client event whose ``event_id`` has no length limit in the spec.
    event_id: str | None = None
    type: Literal["output_audio_buffer.clear"]


class ConversationItemCreate(ClientEvent):
    type: Literal["conversation.item.create"]
    previous_item_id: str | None = None
    item: ConversationItem


class ConversationItemRetrieve(ClientEvent):
    type: Literal["conversation.item.retrieve"]
    item_id: str


class ConversationItemTruncate(ClientEvent):
    type: Literal["conversation.item.truncate"]
    item_id: str
    content_index: int
    audio_end_ms: int


class ConversationItemDelete(ClientEvent):
    type: Literal["conversation.item.delete"]
    item_id: str


class ResponseCreate(ClientEvent):
    type: Literal["response.create"]
    response: ResponseCreateParams | None = None


class ResponseCancel(ClientEvent):
    type: Literal["response.cancel"]
    response_id: str | None = None


CLIENT_EVENT_MODELS: dict[str, type[ClientEvent]] = {
    cls.model_fields["type"].annotation.__args__[0]: request_form(cls)  # type: ignore[union-attr]
    for cls in ClientEvent.__subclasses__()
}

AnyClientEvent = Annotated[Union[tuple(CLIENT_EVENT_MODELS.values())], Field(discriminator="type")]
client_event_adapter: TypeAdapter[ClientEvent] = TypeAdapter(AnyClientEvent)
