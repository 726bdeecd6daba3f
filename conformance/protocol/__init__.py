"""Reference models of the GA Realtime protocol: every client and server event and sub-object."""

from .client_events import CLIENT_EVENT_MODELS, ClientEvent, client_event_adapter
from .server_events import SERVER_EVENT_MODELS, ServerEvent, server_event_adapter

__all__ = [
    "CLIENT_EVENT_MODELS",
    "SERVER_EVENT_MODELS",
    "ClientEvent",
    "ServerEvent",
    "client_event_adapter",
    "server_event_adapter",
]
