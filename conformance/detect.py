"""Which dialect a recorded stream (or a folder of payloads) speaks, how sure that is, and what
decided it; and whether the stream mixes dialects, which is itself a finding (beta names leaking
into a GA session are a known real defect: openai-python#2698, litellm PR#29662).

Every event is judged under every dialect. The dialects it *fits* are those under which it is valid
with the fewest members the dialect does not know (a GA ``session.created`` is valid under the beta
too, but only with ``type``, ``audio`` and ``output_modalities`` unknown to it, so it fits GA). An
event that fits every dialect says nothing; the others are the evidence. The stream's dialect is
the one every piece of evidence allows. When several remain and one of them extends the others
(xAI and Inworld extend GA, Azure's preview extends the beta), a stream that uses none of the
extensions is taken for the dialect they extend; otherwise nothing decides, and the dialect is
``None``. When no dialect fits all the evidence the stream is mixed: its dialect is the one that
fits the most events, and ``mixed`` names the others it needs.

Confidence: ``high`` when the evidence leaves one dialect, ``medium`` when the extension rule
picked it among several, ``low`` for a mixed stream, ``none`` when nothing decides.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import payloads
from .decoding import NotJSON, decode
from .lines import MAX_LINE_BYTES
from .protocol.dialects import NAMES
from .verdict import verdict_under

#: A dialect and the dialects that extend it (a stream that uses no extension is the base's).
EXTENSIONS: dict[str, frozenset[str]] = {"ga": frozenset({"xai", "inworld"}), "beta": frozenset({"azure-preview"})}
#: Distinct pieces of evidence kept per input; the rest are counted.
SHOWN = 12


@dataclass(frozen=True)
class Evidence:
    line: int | None
    reason: str
    #: The dialects the event fits.
    fits: frozenset[str] = field(compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


@dataclass
class Detection:
    path: str
    dialect: str | None
    confidence: str
    evidence: list[Evidence]
    mixed: list[str]
    #: Events read, and those that said something.
    events: int = 0
    decisive: int = 0

    @property
    def decided(self) -> bool:
        return self.dialect is not None and not self.mixed

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "dialect": self.dialect, "confidence": self.confidence,
                "evidence": [e.to_json() for e in self.evidence], "mixed": self.mixed}


@dataclass(frozen=True)
class Event:
    line: int | None
    value: Any
    direction: str
    #: Where it came from when the input is a folder (the file, relative to it).
    where: str = ""


def fits(value: Any, direction: str) -> tuple[frozenset[str], dict[str, Any]]:
    """The dialects ``value`` fits, and every dialect's verdict on it."""
    verdicts = {name: verdict_under(value, direction, name) for name in NAMES}  # type: ignore[arg-type]
    valid = {name: len(verdict.unknown_fields) for name, verdict in verdicts.items() if verdict.ok}
    if not valid:
        return frozenset(), verdicts
    fewest = min(valid.values())
    return frozenset(name for name, unknown in valid.items() if unknown == fewest), verdicts


def detect_events(events: Iterable[Event], path: str) -> Detection:
    evidence: list[Evidence] = []
    seen: dict[tuple[Any, frozenset[str]], int] = {}
    count = decisive = 0
    for event in events:
        count += 1
        found, verdicts = fits(event.value, event.direction)
        if not found or found == frozenset(NAMES):
            continue
        decisive += 1
        kind = event.value.get("type") if isinstance(event.value, dict) else None
        key = (kind, found)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 1:
            evidence.append(Evidence(event.line, _reason(event, kind, found, verdicts), found))
    dialect, confidence, mixed = _decide([piece.fits for piece in evidence], seen)
    if mixed:  # what the leading dialect cannot explain comes first: that is the finding
        evidence.sort(key=lambda piece: dialect in piece.fits)
    shown = evidence[:SHOWN]
    if len(evidence) > SHOWN:
        shown.append(Evidence(None, f"and {len(evidence) - SHOWN} more distinct pieces of evidence", frozenset()))
    return Detection(path, dialect, confidence, shown, mixed, count, decisive)


def _decide(sets: list[frozenset[str]], weights: dict[tuple[Any, frozenset[str]], int]) -> tuple[str | None, str, list[str]]:
    if not sets:
        return None, "none", []
    common = frozenset.intersection(*sets)
    if common:
        chosen = choose(common)
        if chosen is None:
            return None, "none", []
        return chosen, "high" if len(common) == 1 else "medium", []
    # Mixed: the dialect fitting the most events leads; the rest need others.
    per_event = [fit for (_, fit), n in weights.items() for _ in range(n)]
    score = {name: sum(1 for fit in per_event if name in fit) for name in NAMES}
    best = max(score.values())
    leaders = frozenset(name for name, n in score.items() if n == best)
    leader = choose(leaders) or sorted(leaders, key=NAMES.index)[0]
    others: list[str] = []
    rest = [fit for fit in per_event if leader not in fit]
    while rest:
        common_rest = frozenset.intersection(*rest)
        pick = choose(common_rest) if common_rest else None
        if pick is None:
            counts = {name: sum(1 for fit in rest if name in fit) for name in NAMES}
            pick = max(NAMES, key=lambda name: (counts[name], -NAMES.index(name)))
        others.append(pick)
        rest = [fit for fit in rest if pick not in fit]
    return leader, "low", others


def choose(candidates: frozenset[str]) -> str | None:
    """One dialect out of those the evidence allows: the only one, or the one the others extend."""
    if len(candidates) == 1:
        return next(iter(candidates))
    for base, extensions in EXTENSIONS.items():
        if base in candidates and candidates <= {base, *extensions}:
            return base
    return None


def _reason(event: Event, kind: Any, found: frozenset[str], verdicts: dict[str, Any]) -> str:
    ordered = [name for name in NAMES if name in found]
    name = f"`{kind}`" if isinstance(kind, str) else "an event"
    refused = []
    for other in NAMES:
        if other in found:
            continue
        verdict = verdicts[other]
        if verdict.ok:
            refused.append(f"{other}: {len(verdict.unknown_fields)} unknown member(s)")
        else:
            why = verdict.errors[0] if verdict.errors else None
            refused.append(f"{other}: {verdict.verdict}" + (f" at {why.path}" if why and why.path != "$.type" else ""))
    prefix = f"{event.where}: " if event.where else ""
    return f"{prefix}{name} fits {', '.join(ordered)} ({'; '.join(refused)})"


# --- reading inputs -------------------------------------------------------------------------------


def read(path: Path, base: Path | None = None, max_line: int = MAX_LINE_BYTES) -> Iterator[Event]:
    """The events of one file: a ``.json`` event, or a ``.jsonl`` stream (a transcript's frames keep
    their direction). What cannot be decoded (or is over ``max_line`` bytes) is skipped: it is no dialect's."""
    where = path.relative_to(base).as_posix() if base is not None else ""
    for payload in payloads.read(path, max_line):
        if payload.unreadable:
            continue
        try:
            value = decode(payload.data)
        except NotJSON:
            continue
        if isinstance(value, dict):
            yield Event(payload.line, value, payload.direction or "auto", where)


def detect_path(path: Path, max_line: int = MAX_LINE_BYTES) -> list[Detection]:
    """A stream gives one detection; a folder one per ``.jsonl`` stream in it and one for all its
    ``.json`` payloads together."""
    if not path.is_dir():
        return [detect_events(read(path, max_line=max_line), str(path))]
    streams = sorted(p for p in path.rglob("*.jsonl") if p.is_file())
    loose = sorted(p for p in path.rglob("*.json") if p.is_file())
    found = [detect_events(read(stream, max_line=max_line), str(stream)) for stream in streams]
    if loose or not streams:
        found.append(detect_events((event for file in loose for event in read(file, path, max_line)), str(path)))
    return found


def to_text(detection: Detection) -> str:
    if detection.dialect is None:
        head = "no dialect decided"
    elif detection.mixed:
        head = f"{detection.dialect}, mixed with {', '.join(detection.mixed)}"
    else:
        head = detection.dialect
    lines = [f"{detection.path}: {head} (confidence {detection.confidence}; {detection.decisive} of {detection.events} events decisive)"]
    for piece in detection.evidence:
        where = f"line {piece.line}: " if piece.line is not None else ""
        lines.append(f"    {where}{piece.reason}")
    return "\n".join(lines)


def dumps(detections: list[Detection]) -> str:
    return json.dumps([d.to_json() for d in detections], indent=2, ensure_ascii=False)
