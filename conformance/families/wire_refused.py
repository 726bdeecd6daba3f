"""The odd frame of ``strictly-refused-event``: a valid event that the library's own parser refuses.

Where the implementation has a parse-level adapter, the valid server events of the corpus (of its
dialect) are offered to it, of types a server may send in the middle of any response
(:data:`MID_SESSION`) and that the client's scope lets a server send it (an MCP event only to a
client that can send MCP tools); the first it rejects is the odd frame, sent as it is in the corpus.
A library whose parser rejects none of them, or that has no parse-level adapter, gets
:data:`FALLBACK`: the user's spoken item as a GA server adds it when input transcription is off,
``previous_item_id`` and the audio part's ``transcript`` both ``null`` — valid, and what over-strict
models (``transcript: str``) refuse.

Either way the event is valid, so surviving it is MUST (the session and the corpus families hold a
refusal of a valid event to MUST too: a refusal that raises ends a receive loop).
"""

from __future__ import annotations

import json
from functools import cache

from ..adapters.adapter import ImplementationFailed, NotApplicable, NotImplementedCapability
from ..adapters.scope import produced_by
from ..checks import Driver
from ..corpus import fixtures
from ..protocol import dialects

#: Server events a server may send in the middle of a response without the client having asked for
#: them: asynchronous transcription (session-rules rule 35), rate limits (§3 item 2), items added by
#: the server, MCP tool listing.
MID_SESSION = (
    "rate_limits.updated",
    "conversation.item.added",
    "conversation.item.done",
    "conversation.item.input_audio_transcription.delta",
    "conversation.item.input_audio_transcription.completed",
    "conversation.item.input_audio_transcription.segment",
    "conversation.item.input_audio_transcription.failed",
    "mcp_list_tools.in_progress",
    "mcp_list_tools.completed",
    "mcp_list_tools.failed",
)

FALLBACK = json.dumps(
    {
        "type": "conversation.item.added",
        "event_id": "event_w_nulls",
        "previous_item_id": None,
        "item": {"id": "item_user_spoken", "object": "realtime.item", "type": "message", "status": "completed", "role": "user", "content": [{"type": "input_audio", "transcript": None}]},
    }
)
FALLBACK_NOTE = (
    "the user's spoken item with previous_item_id and transcript null, as a server adds it with transcription off "
    "(no event of the corpus was refused, or the library has no parser of its own to ask)"
)


def fallback(dialect: str) -> str:
    """:data:`FALLBACK` as a server of ``dialect`` sends it."""
    if dialect == "ga":
        return FALLBACK
    sent = dialects.get(dialect).from_ga(json.loads(FALLBACK), "server")
    return json.dumps(sent) if sent is not None else FALLBACK


@cache
def candidates(dialect: str) -> tuple[tuple[str, str, dict[str, object]], ...]:
    """``(fixture id, type, payload)`` of the corpus' valid server events of :data:`MID_SESSION` types."""
    loaded, _ = fixtures.load(dialect=dialect)
    found = [
        (fixture.id, fixture.payload["type"], fixture.payload)
        for fixture in loaded
        if fixture.direction == "server" and fixture.expect.verdict == "valid" and isinstance(fixture.payload, dict) and fixture.payload.get("type") in MID_SESSION
    ]
    return tuple(sorted(found, key=lambda entry: (MID_SESSION.index(str(entry[1])), entry[0])))


def choose(driver: Driver, dialect: str) -> tuple[str, str]:
    """The odd frame for ``driver``'s implementation, as wire text, and what chose it (asked once
    per adapter)."""
    kept = driver.adapter.__dict__.setdefault("_wire_refused", {})
    if dialect not in kept:
        kept[dialect] = _choose(driver, dialect)
    return kept[dialect]  # type: ignore[no-any-return]


def _choose(driver: Driver, dialect: str) -> tuple[str, str]:
    scope = driver.adapter.scope
    for fixture_id, _, payload in candidates(dialect):
        if scope.unsendable(produced_by(payload)):
            continue
        text = json.dumps(payload, ensure_ascii=False)
        try:
            parsed = driver.parse("server", text)
        except (NotImplementedCapability, NotApplicable):
            break  # no parser of its own to ask
        except ImplementationFailed as crash:
            return text, f"{fixture_id}, on which its parser raises: {str(crash)[:200]}"
        if parsed.outcome == "rejected":
            return text, f"{fixture_id}, which its parser rejects: {parsed.detail[:200]}"
    return fallback(dialect), FALLBACK_NOTE
