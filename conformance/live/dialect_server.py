"""The reference server serving a dialect: the GA reference session behind the dialect's translation.

What a client sends is judged under the dialect (a GA member sent to a beta endpoint is refused, as
Azure's preview surface refuses it), read as GA (``Dialect.to_ga``) and handled by the GA session;
what the GA session sends goes out as the dialect sends it (``Dialect.from_ga``), events the
dialect does not have left out. Each dialect's own server behaviour is added on top: xAI follows
``session.created`` with ``conversation.created`` and pings, Inworld pings and continues after a
tool output by itself (its tool-calling guide).

``ReferenceServer(ServerOptions(dialect="xai"))`` serves xAI; :func:`session_class` gives the session
class for any dialect (and for a broken server's class, which keeps its own departure).
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from ..protocol import dialects
from .audio import Format, format_of
from .reference_session import Event, RealtimeSession


class DialectSession(RealtimeSession):
    """A :class:`RealtimeSession` speaking ``dialect`` on the wire."""

    dialect = "ga"

    @property
    def profile(self) -> Any:
        return dialects.get(self.dialect)

    # --- what goes out --------------------------------------------------------------------------

    async def deliver(self, event: Event) -> None:
        translated = self.profile.from_ga(event, "server")
        if translated is not None:
            await super().deliver(translated)

    async def on_open(self) -> None:
        await super().on_open()
        if self.dialect == "xai":  # "conversation.created ... The first message at connection" after session.created (docs.x.ai)
            await self.send({"type": "conversation.created", "conversation": {"id": self.conversation_id, "object": "realtime.conversation"}})
        if self.dialect in ("xai", "inworld"):
            await self.send({"type": "ping", "timestamp": int(time.time() * 1000)})

    # --- what comes in --------------------------------------------------------------------------

    def as_ga(self, event: Event) -> Event:
        return self.profile.to_ga(event, "client")  # type: ignore[no-any-return]

    async def on_unknown_type(self, event: Event, event_id: str | None) -> None:
        kind = event.get("type")
        await self.error("invalid_value", f"Invalid value: {kind!r}. This is not a {self.dialect} client event type.", event_id, "type")

    @property
    def input_format(self) -> Format:
        """Dialects that allow other PCM rates (xAI, Inworld) time the input at the rate configured."""
        configured = self.config["audio"]["input"]["format"]
        found = format_of(configured)
        rate = configured.get("rate") if isinstance(configured, dict) else None
        if found.type == "audio/pcm" and isinstance(rate, int) and rate in self.profile.ordering.pcm_rates:
            return Format("audio/pcm", rate, 2)
        return found

    async def on_conversation_item_retrieve(self, event: Event, event_id: str | None) -> None:
        if "conversation.item.retrieved" not in self.profile.server:  # xAI has no retrieved event to answer with
            await self.error("unsupported_event", f"conversation.item.retrieve is not supported by this {self.dialect} server.", event_id, "type")
            return
        await super().on_conversation_item_retrieve(event, event_id)

    async def on_conversation_item_create(self, event: Event, event_id: str | None) -> None:
        before = len(self.conversation)
        await super().on_conversation_item_create(event, event_id)
        added = len(self.conversation) > before
        if added and self.profile.ordering.continues_after_tool_output and (event.get("item") or {}).get("type") == "function_call_output":
            if self.default_active is None:  # Inworld: "the server starts the follow-up response itself"
                await self.start_response({}, None)


@cache
def session_class(dialect: str, base: type[RealtimeSession] = RealtimeSession) -> type[RealtimeSession]:
    """The session class that serves ``dialect``: ``base`` itself for GA, else ``base`` behind the
    dialect's translation."""
    if dialect == "ga":
        return base
    dialects.get(dialect)  # an unknown name fails here, not on the first connection
    bases = (DialectSession,) if base is RealtimeSession else (DialectSession, base)
    return type(f"{base.__name__}[{dialect}]", bases, {"dialect": dialect})

