"""What the session rules share: the frame being read, the effective session configuration, the
conversation's items, and the facts one group of rules leaves for another (a cancel sent, speech
started, a turn committed). Every member is bounded (see :mod:`.state`).

Events are read defensively, as plain JSON values: an event the reference models reject still
feeds the rules with whatever fields have the right type, and a field of the wrong type is as good
as absent. Nothing here raises on any input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..protocol.dialects.profile import Ordering
from .findings import Finding, Level
from .state import Window

#: (line, event type, event_id) of a frame a finding may point back to.
Ref = tuple[int, "str | None", "str | None"]

#: Bytes of output audio per millisecond: pcm is 24 kHz 16-bit mono, pcmu/pcma 8 kHz 8-bit.
BYTES_PER_MS = {"audio/pcm": 48.0, "audio/pcmu": 8.0, "audio/pcma": 8.0}
DEFAULT_BYTES_PER_MS = BYTES_PER_MS["audio/pcm"]

UNKNOWN: Any = object()


def text(value: Any, key: str) -> str | None:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def integer(value: Any, key: str) -> int | None:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def obj(value: Any, key: str) -> dict[str, Any] | None:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, dict) else None


def path(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return UNKNOWN
        value = value[key]
    return value


def code(kind: str | None) -> str:
    return f"`{kind}`" if kind else "an event"


def item_kind(item: Any) -> str:
    """``message:user``, ``message:assistant``, ``function_call``, ... ("" when not said)."""
    kind = text(item, "type") or ""
    role = text(item, "role")
    return f"{kind}:{role}" if kind == "message" and role else kind


@dataclass(slots=True)
class ItemInfo:
    """What the session knows of one conversation item."""

    first: int
    #: ``message:user``, ``message:assistant``, ``function_call``, ... ("" until known).
    kind: str = ""
    input_audio: bool = False
    #: conversation.item.added (or the legacy .created) line; ``legacy`` when it was .created.
    added: int | None = None
    legacy: bool = False
    done: int | None = None
    deleted: int | None = None
    #: The response whose output it is.
    response_id: str | None = None
    #: The output_item.added line when it is an output of an out-of-band response.
    out_of_band: int | None = None
    #: (output_item.added line, response.done line), set when its in-band response ended: the
    #: item must be mirrored into the conversation.
    mirror_due: tuple[int, int] | None = None
    committed: int | None = None
    #: The line of the client conversation.item.create that made it.
    created_by: int | None = None
    #: Output audio received per content index, in ms; ``None`` unless the item was streamed
    #: entirely inside a WebSocket transcript (only then is the count the client's).
    audio_ms: dict[int, float] | None = None
    #: Input transcription closed (completed/failed) per content index: the line.
    transcripts: dict[int, int] | None = None


@dataclass
class Context:
    transport: str
    excerpt: bool
    #: Findings of the frame being read.
    found: list[Finding] = field(default_factory=list)
    line: int = 0
    #: The event type the rules read it as (a beta name is read as its GA successor) ...
    type: str | None = None
    #: ... and the type on the wire, which findings report.
    wire_type: str | None = None
    event_id: str | None = None
    #: Effective turn detection: ``None`` (off), a dict, or UNKNOWN until a session event says.
    turn: Any = UNKNOWN
    turn_changed: int = 0
    output_bytes_per_ms: float = DEFAULT_BYTES_PER_MS
    items: Window[str, ItemInfo] = field(default_factory=Window)
    #: call_id -> the line it was first seen.
    calls: Window[str, int] = field(default_factory=Window)
    #: In-band (default-conversation) responses in progress -> their response.created line.
    default_active: dict[str, int] = field(default_factory=dict)
    last_default_done: int = 0
    last_response_done: int = 0
    #: response id -> line of a client response.cancel naming it.
    cancel_for: Window[str, int] = field(default_factory=lambda: Window(1024))
    last_idless_cancel: int = 0
    last_oab_clear: int = 0
    last_speech_started: int = 0
    #: A turn the server committed on its own (VAD or idle timeout): explains a response nobody asked for.
    last_vad_turn: int = 0
    last_client_response_create: int = 0
    last_client_commit_or_clear: int = 0
    #: Client commits not answered yet (VAD rules excuse a commit the client made itself).
    pending_commits: int = 0
    #: Whether the transcript records client frames at all. A log of server events alone cannot
    #: show a client's cancel, commit or truncate, so rules that flag their absence wait for it.
    client_seen: bool = False
    #: The dialect's ordering differences (GA's by default).
    ordering: Ordering = field(default_factory=Ordering)
    #: The last client conversation.item.create of a function_call_output (rule 26, dialects whose
    #: server continues after a tool output by itself).
    last_client_tool_output: int = 0

    def begin(self, line: int, wire_type: str | None, event_id: str | None) -> None:
        self.found = []
        self.line, self.type, self.wire_type, self.event_id = line, wire_type, wire_type, event_id

    def here(self) -> Ref:
        return (self.line, self.wire_type, self.event_id)

    def emit(self, rule: str, level: Level, message: str, *, ref: Ref | None = None, related: tuple[int, ...] = ()) -> None:
        line, kind, event_id = ref or self.here()
        # A related line of 0 is a frame the checker never saw (a response first seen mid-excerpt): left out.
        self.found.append(Finding(rule, level, line, kind, event_id, f"line {line}: {message}", tuple(sorted({x for x in related if x}))))

    def item(self, item_id: str) -> ItemInfo:
        info = self.items.get(item_id)
        if info is None:
            info = ItemInfo(self.line)
            self.items[item_id] = info
        return info

    def unknown_ok(self, window: Window[Any, Any]) -> bool:
        """Whether an id missing from ``window`` may simply precede what the checker can see: an
        excerpt, or a window that has forgotten ids."""
        return self.excerpt or window.overflowed

    # --- configuration ------------------------------------------------------------------------

    def configure(self, session: Any) -> None:
        """Take the effective configuration from a session.created / session.updated echo."""
        turn = path(session, "audio", "input", "turn_detection")
        if turn is not UNKNOWN and (turn is None or isinstance(turn, dict)):
            if self.turn is not UNKNOWN and _vad(turn) != _vad(self.turn):
                self.turn_changed = self.line
            self.turn = turn
        output = text(path(session, "audio", "output", "format"), "type")
        if output in BYTES_PER_MS:
            self.output_bytes_per_ms = BYTES_PER_MS[output]
            rate = integer(path(session, "audio", "output", "format"), "rate")
            if output == "audio/pcm" and rate in self.ordering.pcm_rates:  # only dialects that allow other rates change it
                self.output_bytes_per_ms = rate * 2 / 1000

    def vad(self) -> bool | None:
        """Whether turn detection is on; ``None`` when no session event said."""
        return None if self.turn is UNKNOWN else _vad(self.turn)

    def interrupts(self) -> bool | None:
        if not self.vad():
            return None
        value = self.turn.get("interrupt_response", True)
        return value if isinstance(value, bool) else True if value is None else None

    def idle_timeout(self) -> bool | None:
        """Whether idle timeouts are configured (server_vad with idle_timeout_ms)."""
        if self.turn is UNKNOWN:
            return None
        return bool(self.turn) and self.turn.get("type") == "server_vad" and isinstance(self.turn.get("idle_timeout_ms"), int)


def _vad(turn: Any) -> bool:
    return isinstance(turn, dict)
