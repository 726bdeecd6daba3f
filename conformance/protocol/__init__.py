"""Reference models of the GA Realtime protocol: every client and server event and sub-object."""

from typing import Annotated, Union

from pydantic import Field, TypeAdapter

from .client_events import CLIENT_EVENT_MODELS, AnyClientEvent, ClientEvent, client_event_adapter
from .server_events import SERVER_EVENT_MODELS, AnyServerEvent, ServerEvent, server_event_adapter

#: Every GA event of either direction; the type alone tells which.
AnyEvent = Annotated[
    Union[tuple([*CLIENT_EVENT_MODELS.values(), *SERVER_EVENT_MODELS.values()])], Field(discriminator="type")
]
any_event_adapter: TypeAdapter[ClientEvent | ServerEvent] = TypeAdapter(AnyEvent)

__all__ = [
    "AnyClientEvent",
    "AnyEvent",
    "AnyServerEvent",
    "any_event_adapter",
    "CLIENT_EVENT_MODELS",
    "SERVER_EVENT_MODELS",
    "ClientEvent",
    "ServerEvent",
    "client_event_adapter",
    "server_event_adapter",
]
