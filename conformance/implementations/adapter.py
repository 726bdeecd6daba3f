"""The adapter protocol: what an implementation provides so that the suite can drive it.

Everything crosses the boundary as wire JSON text or as JSON values, never as our models' objects,
so that an adapter can equally wrap an in-process library or, later, a program in another
language that speaks JSON lines over stdin/stdout. An adapter declares the capabilities it lacks;
checks that need one get the outcome ``not-implemented``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

Direction = Literal["client", "server"]


class Capability(enum.Enum):
    PARSE_SERVER = "parse server events"
    DUMP_SERVER = "dump server events"
    PARSE_CLIENT = "parse client events"
    DUMP_CLIENT = "dump client events"
    BUILD_CLIENT = "build client events through the send path"


class NotImplementedCapability(Exception):
    """Raised by an adapter, or by the suite for it, when a check needs a capability it lacks."""

    def __init__(self, capability: Capability, detail: str = "") -> None:
        super().__init__(f"the implementation cannot {capability.value}" + (f": {detail}" if detail else ""))
        self.capability = capability


@dataclass(frozen=True)
class Parsed:
    """What an implementation made of one payload.

    ``accepted``: it produced an object (``obj``), claiming to be the event ``event_type``;
    ``ignored``: it declined the event without an error (how a tolerant receive loop skips types
    it does not know); ``rejected``: it refused it, raising or reporting an error (``detail``).
    """

    outcome: Literal["accepted", "ignored", "rejected"]
    event_type: str | None = None
    obj: Any = None
    detail: str = ""


class Adapter:
    """Base class of adapters. Subclasses set ``name`` and implement the operations they support;
    the defaults raise :class:`NotImplementedCapability`."""

    name: ClassVar[str] = "unnamed"
    #: Capabilities this implementation does not have.
    missing: ClassVar[frozenset[Capability]] = frozenset()

    @property
    def version(self) -> str:
        return "unknown"

    def parse(self, direction: Direction, text: str) -> Parsed:
        """Parse the wire text of one event into the implementation's own object."""
        raise NotImplementedCapability(Capability.PARSE_SERVER if direction == "server" else Capability.PARSE_CLIENT)

    def dump(self, direction: Direction, obj: Any) -> Any:
        """The wire JSON (as a JSON value) the implementation gives for an object it parsed."""
        raise NotImplementedCapability(Capability.DUMP_SERVER if direction == "server" else Capability.DUMP_CLIENT)

    def build_client(self, event: dict[str, Any]) -> str:
        """The wire text the implementation would send for this client event (given as its
        reference wire JSON), produced through the library's own send path."""
        raise NotImplementedCapability(Capability.BUILD_CLIENT)

    def describe(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version}
