"""The adapter protocol: what an implementation provides so that the suite can drive it.

Everything crosses the boundary as wire JSON text or as JSON values, never as our models' objects,
so that an adapter can equally wrap an in-process library or a program in another language that
speaks JSON lines over stdin/stdout.

An adapter declares what the library is, so that every family judges it only on what it does:

* ``sides``: which side of a connection the library plays. A client library parses server events
  and sends client events; parsing client events is a server's or a proxy's job, so checks that
  need it do not apply to a client library (outcome ``not-applicable``), and its client events
  are judged on its send path instead.
* ``transports``: how it reaches a server. Checks of events that only other transports carry
  (``output_audio_buffer.*`` on WebRTC/SIP, DTMF on SIP) do not apply.
* ``missing``: capabilities its side needs that it lacks. Checks that need one get the outcome
  ``not-implemented``, which counts as a failure of the check's level.
* ``nulls_distinct``: whether its application can tell a member the server sent as ``null`` from
  one it left out. Not where the library hands events over as objects read by attribute (both are
  ``None``) and offers no JSON of them: then parse-then-dump checks compare with nulls left out.
* ``conformance_class`` and ``scope`` (:mod:`.scope`): what kind of implementation it is — a
  ``model`` of the protocol, a ``client`` an application builds on, a ``server`` or a ``proxy`` —
  and, for a client, the server events it hands to its application and the features it can send.
  The class decides what is MUST (:mod:`conformance.classes`);
* ``language`` and ``dialect``, for reports.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from ..protocol.names import TRANSPORTS, Transport
from .scope import EVERYTHING, ConformanceClass, Scope

Direction = Literal["client", "server"]
#: The side of a connection a library plays.
Side = Literal["client", "server"]


class Capability(enum.Enum):
    PARSE_SERVER = "parse server events"
    DUMP_SERVER = "dump server events"
    PARSE_CLIENT = "parse client events"
    DUMP_CLIENT = "dump client events"
    BUILD_CLIENT = "build client events through the send path"

    @property
    def side(self) -> Side:
        """The side of a connection that needs this capability."""
        return "server" if self in (Capability.PARSE_CLIENT, Capability.DUMP_CLIENT) else "client"


#: Seconds an implementation may take for one call before the check fails as hanging.
DEFAULT_CALL_TIMEOUT = 10.0


class AdapterLoadError(Exception):
    """The named implementation could not be loaded; the message says what to do."""


class ImplementationFailed(Exception):
    """The implementation crashed or hung inside a call; the message says which and how."""


class NotApplicable(Exception):
    """The check does not concern this implementation; the message says why."""


class NotImplementedCapability(Exception):
    """Raised by an adapter, or by the suite for it, when a check needs a capability it lacks."""

    def __init__(self, capability: Capability, detail: str = "") -> None:
        super().__init__(f"the implementation cannot {capability.value}" + (f": {detail}" if detail else ""))
        self.capability = capability


@dataclass(frozen=True)
class Parsed:
    """What an implementation made of one payload.

    ``accepted``: it produced an object (``obj``), claiming to be the event ``event_type`` (what the
    library reports, e.g. the object's ``type``, which its own dispatch uses); ``ignored``: it
    declined the event without an error (how a tolerant receive loop skips types it does not know);
    ``rejected``: it refused it, raising or reporting an error (``detail``). ``model_type`` is the
    event type the object's *class* stands for, where the library's objects have one per type.
    ``untyped``: it accepted the event only as raw JSON, with no model of its own (a ``'*'``
    listener, a raw-event stream): the application gets it, but nothing typed it. A client that
    hands events over that way delivers them; a model of the protocol does not model them.
    """

    outcome: Literal["accepted", "ignored", "rejected"]
    event_type: str | None = None
    obj: Any = None
    detail: str = ""
    model_type: str | None = None
    untyped: bool = False


class Adapter:
    """Base class of adapters. Subclasses set ``name`` and implement the operations they support;
    the defaults raise :class:`NotImplementedCapability`."""

    name: ClassVar[str] = "unnamed"
    #: Capabilities its side needs that this implementation does not have.
    missing: ClassVar[frozenset[Capability]] = frozenset()
    #: The sides of a connection it plays (both by default, as the reference does).
    sides: ClassVar[frozenset[Side]] = frozenset({"client", "server"})
    #: The transports it can carry a session over (all by default).
    transports: ClassVar[frozenset[Transport]] = frozenset(TRANSPORTS)
    #: Whether an application can tell an explicit null from an absent member in what it parsed.
    nulls_distinct: ClassVar[bool] = True
    language: ClassVar[str] = "python"
    #: The protocol variant it speaks.
    dialect: ClassVar[str] = "ga"
    #: What kind of implementation it is; the class decides what is MUST. Several classes (the
    #: reference is a model and a client) judge it as the one that asks most.
    conformance_class: ClassVar[ConformanceClass | tuple[ConformanceClass, ...]] = "model"
    #: For a client: what it hands to its application and what it can send (all of it by default).
    scope: ClassVar[Scope] = EVERYTHING
    #: For a client: per server event type, the members (JSON paths, each with everything below it)
    #: that reach its application; a type not listed reaches it whole. A service that reads three
    #: members of an event and hands the application nothing else is judged on those three: what
    #: its own model drops beyond them never reaches anybody.
    application_paths: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    #: Whether its application builds protocol events and sends them through it (an SDK connection:
    #: ``connection.send(event)``). A service or an agent session builds them itself from what the
    #: application configures and does; what it sends is judged on the wire (the wire family's
    #: configuration fidelity), and the parse-level send checks do not apply.
    builds_events: ClassVar[bool] = True
    #: For a client whose receive loop ends when its parser refuses an event: why, with the file
    #: and line (empty: a refused event is dropped and the loop goes on). A valid event of a type it
    #: does not use is then no "not used" INFO when refused: refusing it ends the session, a MUST.
    refusal_ends_receive: ClassVar[str] = ""
    #: For a client whose application has typed listeners beside a raw one (the JS Agents SDK's
    #: ``on(type)`` beside ``'*'``): an event it delivers only raw then misses them, an INFO finding.
    #: False where raw delivery is the application's one path (LiveKit's, the Agents SDK's).
    typed_listeners: ClassVar[bool] = False

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

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "language": self.language,
            "dialect": self.dialect,
            "sides": sorted(self.sides),
            "transports": [transport for transport in TRANSPORTS if transport in self.transports],
            "class": "+".join(self.conformance_class) if isinstance(self.conformance_class, tuple) else self.conformance_class,
            "scope": self.scope.to_json(),
        }
