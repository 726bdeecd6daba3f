"""What real servers send that the spec does not say, from the captured fixtures.

Three kinds of finding, each counted by the distinct public sources that show it (a repository, or
an issue thread, counts once however many payloads it gave):

* **undocumented members**: what the reference models keep without knowing it (the verdict's
  ``unknown_fields``), in captures the reference accepts;
* **nulls where the spec says non-nullable**: a ``null`` in an accepted capture at a member the
  published schema does not let be null (the reference accepts null on every optional member, see
  the README's "Optional means nullable");
* **values outside the spec's enums**: what the reference refuses in a capture because the value is
  not one the spec lists.

How the spec's nullability is known without committing OpenAI's schema file: the facts are written
here, one per member where a capture shows a null (:data:`SPEC_NULLABILITY`), each with the reason.
Facts carry over; the file does not. ``tests/test_captured_corpus.py`` checks every entry against
the published schema, at a real null (a capture's or a spec example's), whenever
``../shared/reference`` is present, and fails on a captured null whose member is not classified
yet, so the list can neither be wrong, go stale, nor silently miss one. The enums need no
list: the reference models carry the spec's enums, and their refusal names the allowed values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from ..jsonpath import ROOT, child
from ..verdict import judge_value
from .fixtures import Fixture

Kind = Literal["undocumented member", "null where the spec says non-nullable", "value outside the spec's enum", "null, nullability not yet classified"]

#: Whether the published GA schema lets the member be null, for the members where captures (and the
#: spec's own examples) show a null: ``"<event type> <path>"`` (array indexes as ``[]``) ->
#: (nullable?, what the spec says the member is).
SPEC_NULLABILITY: dict[str, tuple[bool, str]] = {
    "conversation.item.added $.item.content[].transcript": (False, "a string"),
    "conversation.item.done $.item.content[].transcript": (False, "a string"),
    "conversation.item.done $.previous_item_id": (True, "string or null"),
    "response.created $.response.conversation_id": (False, "a string, though its description says null when conversation is 'none'"),
    "response.done $.response.conversation_id": (False, "a string, though its description says null when conversation is 'none'"),
    "session.updated $.session.audio.input.transcription.language": (False, "a string"),
    "session.updated $.session.audio.input.transcription.prompt": (False, "a string"),
    "conversation.item.added $.previous_item_id": (True, "string or null"),
    "error $.error.param": (True, "string or null"),
    "error $.error.event_id": (True, "string or null"),
    "conversation.item.input_audio_transcription.failed $.error.param": (False, "a string (unlike the error event's param)"),
    "response.created $.response.status_details": (False, "an object; the spec's own example sends null"),
    "response.created $.response.usage": (False, "an object"),
    "response.created $.response.metadata": (True, "the Metadata schema is an object or null"),
    "response.done $.response.status_details": (False, "an object; the spec's own example sends null"),
    "response.done $.response.metadata": (True, "the Metadata schema is an object or null"),
    "session.created $.session.tracing": (True, "'auto', an object, or null"),
    "session.created $.session.prompt": (True, "a prompt reference or null"),
    "session.created $.session.include": (False, "an array of strings"),
    "session.created $.session.audio.input.transcription": (False, "an object"),
    "session.created $.session.audio.input.noise_reduction": (False, "an object"),
    "session.created $.session.audio.input.turn_detection.idle_timeout_ms": (True, "integer or null"),
    "session.updated $.session.tracing": (True, "'auto', an object, or null"),
    "session.updated $.session.prompt": (True, "a prompt reference or null"),
    "session.updated $.session.include": (False, "an array of strings"),
    "session.updated $.session.audio.input.transcription": (False, "an object"),
    "session.updated $.session.audio.input.noise_reduction": (False, "an object"),
    "session.updated $.session.audio.input.turn_detection.idle_timeout_ms": (True, "integer or null"),
}

_ENUM_EXPECTATION = re.compile(r"^'[^']*'((, '[^']*')* or '[^']*')?$")


@dataclass(frozen=True)
class Row:
    kind: Kind
    event_type: str
    path: str
    detail: str
    sources: frozenset[str] = field(default_factory=frozenset)
    fixtures: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.event_type} {self.path}"

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "event_type": self.event_type, "path": self.path, "detail": self.detail,
                "sources": len(self.sources), "fixtures": list(self.fixtures)}


def captured_server(fixtures: Iterable[Fixture]) -> list[Fixture]:
    return [f for f in fixtures if f.provenance.kind == "captured" and f.direction == "server" and isinstance(f.payload, dict)]


def source_key(url: str | None, fallback: str) -> str:
    """One public source: a GitHub repository or thread (``owner/repo`` or ``owner/repo#N``), any
    other page by host and path. Two files of one repository are one source."""
    if not url:
        return fallback
    parts = urlsplit(url)
    steps = [s for s in parts.path.split("/") if s]
    if parts.netloc.endswith("github.com") and len(steps) >= 2:
        repo = f"{steps[0]}/{steps[1]}"
        if len(steps) >= 4 and steps[2] in ("issues", "pull", "discussions"):
            return f"{repo}#{steps[3]}"
        return repo
    return f"{parts.netloc}{parts.path}".rstrip("/")


def normalized(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def table(fixtures: Iterable[Fixture]) -> list[Row]:
    found: dict[tuple[str, str, str, str], tuple[set[str], list[str]]] = {}

    def note(kind: str, event_type: str, path: str, detail: str, fixture: Fixture) -> None:
        sources, ids = found.setdefault((kind, event_type, normalized(path), detail), (set(), []))
        sources.add(source_key(fixture.provenance.url, fixture.id))
        if fixture.id not in ids:
            ids.append(fixture.id)

    for fixture in captured_server(fixtures):
        verdict = judge_value(fixture.payload, "server")
        event_type = verdict.type or str(fixture.payload.get("type"))
        if verdict.verdict == "valid":
            for unknown in verdict.unknown_fields:
                note("undocumented member", event_type, unknown.path, unknown.type, fixture)
            for path in nulls(fixture.payload):
                fact = SPEC_NULLABILITY.get(f"{event_type} {normalized(path)}")
                if fact is None:
                    note("null, nullability not yet classified", event_type, path, "null", fixture)
                elif not fact[0]:
                    note("null where the spec says non-nullable", event_type, path, "null", fixture)
        elif verdict.verdict == "invalid":
            for error in verdict.errors:
                if _ENUM_EXPECTATION.match(error.expected):
                    note("value outside the spec's enum", event_type, error.path, f"{error.got} (the spec lists {error.expected})", fixture)
    rows = [Row(kind, event_type, path, detail, frozenset(sources), tuple(ids)) for (kind, event_type, path, detail), (sources, ids) in found.items()]  # type: ignore[arg-type]
    return sorted(rows, key=lambda r: (_KIND_ORDER[r.kind], -len(r.sources), r.event_type, r.path, r.detail))


_KIND_ORDER = {"undocumented member": 0, "null where the spec says non-nullable": 1, "value outside the spec's enum": 2, "null, nullability not yet classified": 3}


def nulls(value: Any, path: str = ROOT) -> Iterator[str]:
    """The JSON path of every explicit null in ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                yield child(path, key)
            else:
                yield from nulls(item, child(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if item is None:
                yield child(path, index)
            else:
                yield from nulls(item, child(path, index))


def markdown(rows: list[Row]) -> str:
    """The README table: one line per finding, most widespread first within each kind."""
    lines = ["| what | event type | member | value | sources |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.kind} | `{row.event_type}` | `{row.path}` | {row.detail} | {len(row.sources)} |")
    if not rows:
        lines.append("| (no captured server payloads yet) | | | | |")
    return "\n".join(lines) + "\n"
