"""A dialect profile: one variant of the Realtime protocol, complete enough for the validator, the
session checker, the fixture corpus and the check families to select it.

Each profile lists its event models per direction and what else a reader of it must know: the names
it refuses with a pointer to its own (GA's legacy beta names), aliases it accepts with a note, GA
events it does not have, the GA event each of its own events is read as by the session rules, and
its ordering differences. :attr:`Dialect.differences` says, for people, what differs from the
dialect it is built on and where that is documented.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

Direction = Literal["client", "server"]


@dataclass(frozen=True)
class Difference:
    """One documented difference from the dialect a profile is built on."""

    what: str
    #: Where it is documented: a URL, a library file, a capture.
    where: str


@dataclass(frozen=True)
class Ordering:
    """How the session rules read this dialect's sessions (session-rules.md §4 for the beta)."""

    #: Whether an item announced by ``conversation.item.added`` (or ``.created``) also owes a
    #: ``conversation.item.done``: GA added ``.done``; the beta and xAI never send it.
    items_owe_done: bool = True
    #: Whether the server starts the next response by itself after a ``function_call_output``
    #: (rule 26 then does not ask the client for a ``response.create``).
    continues_after_tool_output: bool = False
    #: Whether input transcription may arrive before its item (the beta: [BJS], session-rules §4).
    transcription_before_item: bool = False
    #: The PCM rates a session may configure (``audio/pcm`` only).
    pcm_rates: tuple[int, ...] = (24000,)
    #: GA server events the dialect never sends, which the rules therefore never owe.
    unsent: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Dialect:
    name: str
    title: str
    #: The dialect this one is described as differences from (``None`` for GA itself).
    base: str | None
    #: Where the dialect as a whole is documented.
    documented: str
    client: Mapping[str, Any]
    server: Mapping[str, Any]
    differences: tuple[Difference, ...] = ()
    #: Names this dialect does not have but recognises, with its own name for them (GA: the beta
    #: renames). Such an event gets the ``beta-name`` verdict naming the successor.
    successors: Mapping[str, str] = field(default_factory=dict)
    #: Names another dialect spells differently, with this dialect's spelling (the beta: GA's
    #: ``response.output_audio.delta`` is its ``response.audio.delta``). Such an event is an
    #: ``unknown-type`` here whose error names the spelling this dialect uses.
    spellings: Mapping[str, str] = field(default_factory=dict)
    #: Events of this dialect that carry a note (a legacy alias), with the note.
    notes: Mapping[str, str] = field(default_factory=dict)
    #: GA events this dialect does not have, with why (``unknown-type`` here).
    absent: Mapping[str, str] = field(default_factory=dict)
    #: Event types of this dialect the session rules read as another (GA) type; ``None``: as nothing.
    rules_read_as: Mapping[str, str | None] = field(default_factory=dict)
    ordering: Ordering = Ordering()
    #: The GA reading of one of this dialect's events (the session rules and the dialect servers
    #: work on GA shapes): ``(event, direction) -> event``, ``None`` for an event GA has no reading of.
    to_ga: Callable[[dict[str, Any], Direction], dict[str, Any] | None] | None = field(default=None, compare=False, repr=False)
    #: The reverse: a GA event as this dialect sends it (``None``: this dialect does not send it).
    from_ga: Callable[[dict[str, Any], Direction], dict[str, Any] | None] | None = field(default=None, compare=False, repr=False)

    def models(self, direction: Direction) -> Mapping[str, Any]:
        return self.client if direction == "client" else self.server

    @cached_property
    def client_types(self) -> frozenset[str]:
        return frozenset(self.client)

    @cached_property
    def server_types(self) -> frozenset[str]:
        return frozenset(self.server)

    def direction_of(self, event_type: str) -> Direction | None:
        """The direction of one of this dialect's event types, or of a name it recognises."""
        if event_type in self.client:
            return "client"
        if event_type in self.server:
            return "server"
        for direction in ("client", "server"):
            own = self.successors.get(event_type) or self.spellings.get(event_type)
            if own is not None and own in self.models(direction):  # type: ignore[arg-type]
                return direction  # type: ignore[return-value]
        return None

    def read_as(self, event_type: str) -> str | None:
        """The event type the session rules read one of this dialect's events as."""
        return self.rules_read_as.get(event_type, event_type)
