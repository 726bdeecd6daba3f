"""A session finding: one broken rule, where, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["MUST", "SHOULD", "INFO"]
LEVELS: tuple[Level, ...] = ("MUST", "SHOULD", "INFO")


@dataclass(frozen=True)
class Finding:
    #: The rule's id in session-rules.md (or ``event.verdict`` / ``transcript.line``).
    rule: str
    level: Level
    #: Line of the offending frame.
    line: int
    event_type: str | None
    event_id: str | None
    #: Actionable, starting with the line: "line 212: `response.output_audio_transcript.delta` for
    #: item item_9 arrives after that part's `content_part.done` (line 198)".
    message: str
    #: Earlier lines the finding relates to.
    related_lines: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "level": self.level,
            "line": self.line,
            "event_type": self.event_type,
            "event_id": self.event_id,
            "message": self.message,
            "related_lines": list(self.related_lines),
        }
