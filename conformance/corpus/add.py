"""Turning payloads into corpus fixtures: ``realtime-conformance fixture add``.

The input is one payload (``.json``), a ``.jsonl`` of bare events, or a transcript (read with
:func:`conformance.sessions.transcript.open_transcript`, which takes both). Each event is

1. **redacted** with the corpus hygiene's own rules (:func:`hygiene.redact`), so that nothing the
   credential self-test would refuse gets in;
2. **shortened**: its audio is cut to a sample-aligned prefix until the fixture file fits
   :data:`hygiene.SIZE_BUDGET` (:mod:`conformance.corpus.shorten`);
3. **judged** by the reference (:func:`conformance.verdict.judge_value`), after 1 and 2, because
   the fixture claims the verdict of what it holds. A claimed verdict that differs is refused with
   both verdicts and the reference's errors.

Every change is written into the fixture's ``provenance.alterations``. Nothing is written unless
every event passes: a duplicate or retired id, a credential that redaction cannot remove (a member
*name* that is a key, or one in the metadata), a wrong claim, each refuses the whole batch with a
message saying why (:class:`Refused`). Ids are registered in ``conformance/data/ids.json`` in the
same step.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..credentials import redact_frame
from ..decoding import NotJSON, decode
from ..exact_numbers import dumps, exact
from ..jsonpath import ROOT, child, steps
from ..lines import MAX_LINE_BYTES, TooLong, read_document
from ..sessions.transcript import Frame, Header, TranscriptWriter, header_line, open_transcript
from ..verdict import Direction, Verdict, judge_value
from . import hygiene
from .fixtures import ID_PATTERN, Fixture, Provenance
from .shorten import CannotShorten, Shortened, audio_paths, shorten_to_fit

ExpectKind = Literal["valid", "invalid", "unknown-type", "beta-name"]
#: The requirement level a fixture gets when none is given, by verdict (as the authored corpus does).
DEFAULT_LEVEL = {"valid": "MUST", "invalid": "SHOULD", "unknown-type": "MUST", "beta-name": "MUST"}


class Refused(Exception):
    """The batch cannot join the corpus; the message says why."""


@dataclass(frozen=True)
class Event:
    """One event read from the input, with where it came from."""

    where: str
    line: int | None
    value: Any
    #: ``None``: decide by event type.
    direction: Direction | None = None


@dataclass
class Prepared:
    """An event redacted, shortened to fit and judged: what its fixture will hold."""

    event: Event
    payload: Any
    direction: Direction
    verdict: Verdict
    redacted: list[str] = field(default_factory=list)
    shortened: list[Shortened] = field(default_factory=list)

    @property
    def event_type(self) -> str | None:
        kind = self.payload.get("type") if isinstance(self.payload, dict) else None
        return kind if isinstance(kind, str) else None

    def alterations(self) -> list[str]:
        found = [f"string at {path} redacted (it looked like a credential)" for path in self.redacted]
        return found + [str(s) for s in self.shortened]


@dataclass
class Metadata:
    """What the contributor says about the batch. For several events, ``id`` is a prefix and
    ``description`` may use ``{type}``, ``{n}`` and ``{line}``."""

    id: str
    description: str
    provenance: dict[str, Any]
    expect: ExpectKind | None = None
    reason: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class Planned:
    fixture: Fixture
    path: Path


# --- reading ------------------------------------------------------------------------------------


def read_events(path: Path, max_line: int = MAX_LINE_BYTES) -> Iterator[Event]:
    """The events in ``path``: one for a ``.json`` file, one per event line of a ``.jsonl`` file or
    transcript. A line that is not an event (a raw or binary frame) is skipped; a malformed one is
    refused, since no fixture can be made of it; so is one over ``max_line`` bytes."""
    if path.suffix != ".jsonl":
        try:
            with path.open("rb") as stream:
                data = read_document(stream, max_line)
            if isinstance(data, TooLong):
                raise Refused(f"{path}: {data}")
            value = exact(data, decode(data))
        except OSError as error:
            raise Refused(f"{path}: cannot read it: {error.strerror or error}") from None
        except NotJSON as reason:
            raise Refused(f"{path}: not one JSON document ({reason}); a fixture holds a JSON payload") from None
        yield Event(str(path), None, value)
        return
    transcript = open_transcript(path, max_line)
    if transcript.header_problem is not None:
        raise Refused(f"{path}: {transcript.header_problem}")
    for frame in transcript:
        if frame.problem is not None:
            raise Refused(f"{path}: {frame.problem}")
        if frame.has_event:
            # A bare event's direction was only inferred: leave it to the reference's type lookup.
            yield Event(f"{path}:{frame.line}", frame.line, frame.event, None if frame.bare else frame.dir)


def select(events: Iterable[Event], types: list[str] | None = None, lines: set[int] | None = None) -> list[Event]:
    chosen = []
    for event in events:
        kind = event.value.get("type") if isinstance(event.value, dict) else None
        if types and kind not in types:
            continue
        if lines is not None and event.line not in lines:
            continue
        chosen.append(event)
    return chosen


def parse_lines(spec: str) -> set[int]:
    """``"3,5-7"`` is {3, 5, 6, 7}."""
    found: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"not a line list: {spec!r} (expected e.g. 3,5-7)")
        found.update(range(int(first), int(last or first) + 1))
    return found


# --- preparing ----------------------------------------------------------------------------------


def prepare(event: Event, direction: str = "auto", budget: int = hygiene.SIZE_BUDGET, envelope: Any = None) -> Prepared:
    """Redact, shorten to fit ``budget`` inside ``envelope`` (a fixture document whose payload is
    the event; a generous stand-in when not given), and judge."""
    refuse_credential_names(event.value, event.where)
    payload, redacted = hygiene.redact(copy.deepcopy(event.value))
    asked: Any = direction if direction != "auto" else (event.direction or "auto")
    document = copy.deepcopy(envelope) if envelope is not None else _stand_in_envelope()
    document["payload"] = payload
    audio_at = [child(ROOT, "payload") + path[1:] for path in audio_paths(payload)]
    try:
        shortened = shorten_to_fit(document, audio_at, fixture_size, budget - _RESERVE)
    except CannotShorten as why:
        raise Refused(f"{event.where}: its fixture would be over the size budget: {why}") from None
    payload = document["payload"]
    inside = len(child(ROOT, "payload"))
    shortened = [Shortened(ROOT + entry.path[inside:], entry.before, entry.after) for entry in shortened]
    verdict = judge_value(payload, asked)
    found: Direction = verdict.direction or (asked if asked != "auto" else "server")
    return Prepared(event, payload, found, verdict, redacted, shortened)


#: Bytes kept free for metadata the size estimate cannot see yet (alterations, the final id).
_RESERVE = 1024


def _stand_in_envelope() -> dict[str, Any]:
    return {"id": "x" * 80, "description": "x" * 160, "direction": "server", "protocol": "ga", "level": "SHOULD",
            "provenance": {"kind": "captured", "source": "x" * 300, "url": "x" * 200}, "payload": None,
            "expect": {"verdict": "invalid", "reason": "x" * 300, "errors": []}}


def fixture_text(document: Any) -> str:
    """The text of a fixture file, as the corpus writes them."""
    return dumps(document, indent=2, ensure_ascii=False) + "\n"


def fixture_size(document: Any) -> int:
    return len(fixture_text(document).encode("utf-8"))


def refuse_credential_names(value: Any, where: str, path: str = ROOT) -> None:
    """A member *name* that looks like a credential cannot be redacted without changing the
    payload's shape, so the payload is refused instead."""
    if isinstance(value, dict):
        for key, item in value.items():
            what = hygiene.credential_kind(key)
            if what:
                raise Refused(f"{where}: the member name at {child(path, key)} looks like {what}; a credential in a member name cannot be redacted, so this payload cannot join the corpus")
            refuse_credential_names(item, where, child(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_credential_names(item, where, child(path, index))


def check_claim(prepared: Prepared, claimed: str | None) -> None:
    found = prepared.verdict
    if claimed is None or claimed == found.verdict:
        return
    if found.verdict == "not-json":  # pragma: no cover - judge_value never returns it
        raise Refused(f"{prepared.event.where}: not JSON")
    details = "".join(f"\n    {e.path}: expected {e.expected}; got {e.got}" for e in found.errors) or " (no errors)"
    raise Refused(
        f"{prepared.event.where}: claimed verdict {claimed!r}, but the reference's verdict is {found.verdict!r}"
        f"{' for ' + found.type if found.type else ''}; the reference reports:{details}"
    )


def default_reason(verdict: Verdict) -> str | None:
    """A reason the reference can give by itself: for a beta name and an unknown type. Why a
    payload is invalid is for the contributor to say (altered on the way? a departure?)."""
    if verdict.verdict == "beta-name" and verdict.note:
        return verdict.note
    if verdict.verdict == "unknown-type" and verdict.errors:
        error = verdict.errors[0]
        return f"not a GA event type: {error.got}"
    return None


# --- planning -----------------------------------------------------------------------------------


def slug(event_type: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (event_type or "event").lower()).strip("-") or "event"


def corpus_dir(prepared: Prepared) -> str:
    verdict = prepared.verdict.verdict
    if verdict == "beta-name":
        return "beta"
    if verdict == "unknown-type":
        return "unknown"
    return prepared.event_type or "invalid"


def plan(prepared: list[Prepared], meta: Metadata, root: Path, registry: dict[str, Any]) -> list[Planned]:
    """The fixtures the batch becomes, checked against the registry and the corpus on disk."""
    if not prepared:
        raise Refused("no events to add (check --only and --lines)")
    taken = _ids_on_disk(root)
    entry = registry.get("fixtures", {})
    active, retired = set(entry.get("active", ())), dict(entry.get("retired", {}))
    counts: Counter[str] = Counter()
    planned: list[Planned] = []
    for item in prepared:
        check_claim(item, meta.expect)
        counts[slug(item.event_type)] += 1
        n = counts[slug(item.event_type)]
        fixture_id = meta.id if len(prepared) == 1 else f"{meta.id}-{slug(item.event_type)}-{n}"
        if not re.match(ID_PATTERN, fixture_id) or len(fixture_id) > 80:
            raise Refused(f"id {fixture_id!r} is not a fixture id: lowercase letters, digits and single hyphens, at most 80 characters")
        if fixture_id in retired:
            raise Refused(f"id {fixture_id!r} was retired ({retired[fixture_id]}); ids are never reused, choose a new one")
        if fixture_id in active or fixture_id in taken:
            raise Refused(f"id {fixture_id!r} is already in the corpus; ids are permanent, choose a new one")
        if any(p.fixture.id == fixture_id for p in planned):
            raise Refused(f"id {fixture_id!r} would be used twice in this batch")
        verdict = item.verdict.verdict
        reason = meta.reason or default_reason(item.verdict)
        if verdict != "valid" and not reason:
            raise Refused(f"{item.event.where}: the reference finds it {verdict}; say why in --reason (an altered capture? a real departure?)")
        description = _description(meta.description, item, n, len(prepared))
        provenance = dict(meta.provenance)
        alterations = list(provenance.get("alterations") or []) + item.alterations()
        provenance["alterations"] = alterations or None
        document = {
            "id": fixture_id,
            "description": description,
            "direction": item.direction,
            "protocol": "ga",
            "level": meta.level or DEFAULT_LEVEL[verdict],
            "provenance": {k: v for k, v in provenance.items() if v is not None},
            "payload": item.payload,
            "expect": {"verdict": verdict}
            if verdict == "valid"
            else {"verdict": verdict, "reason": reason, "errors": [e.path for e in item.verdict.errors]},
        }
        try:
            fixture = Fixture.model_validate(document)
        except ValidationError as problem:
            raise Refused(f"{item.event.where}: the fixture would not be well-formed: {_one_line(problem)}") from None
        problems = hygiene.credential_problems(document, fixture_id)
        if problems:
            raise Refused(f"cannot redact a credential: {problems[0]} (the metadata is not redacted for you: remove it from the option)")
        path = root / item.direction / corpus_dir(item) / f"{fixture_id}.json"
        size = fixture_size(document)
        if size > hygiene.SIZE_BUDGET:
            raise Refused(f"{item.event.where}: its fixture is {size:,} bytes, over the {hygiene.SIZE_BUDGET // 1024} KiB budget, and it has no audio left to shorten")
        planned.append(Planned(fixture, path))
    return planned


def _description(template: str, item: Prepared, n: int, total: int) -> str:
    values = {"type": item.event_type or "event", "n": n, "line": item.event.line if item.event.line is not None else "-"}
    if "{" in template:
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError) as problem:
            raise Refused(f"--description: only {{type}}, {{n}} and {{line}} may be filled in ({problem})") from None
    return template if total == 1 else f"{template}: {values['type']} ({n})"


def _ids_on_disk(root: Path) -> set[str]:
    return {path.stem for path in root.rglob("*.json")} if root.is_dir() else set()


# --- writing ------------------------------------------------------------------------------------


def write(planned: list[Planned], registry_path: Path) -> None:
    """Write the fixture files, then register their ids; on any failure remove what was written."""
    written: list[Path] = []
    try:
        for item in planned:
            item.path.parent.mkdir(parents=True, exist_ok=True)
            document = item.fixture.model_dump(mode="json", exclude_none=True)
            document["payload"] = item.fixture.payload  # the payload as judged, nulls and all
            with item.path.open("x", encoding="utf-8") as stream:
                written.append(item.path)
                stream.write(fixture_text(_ordered(document)))
        register(registry_path, [item.fixture.id for item in planned])
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


_FIELD_ORDER = ("id", "description", "direction", "protocol", "level", "provenance", "payload", "expect")


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    return {key: document[key] for key in _FIELD_ORDER if key in document}


def register(registry_path: Path, ids: list[str]) -> None:
    """Add ``ids`` to ``fixtures.active``, keeping the registry's format."""
    registry = json.loads(registry_path.read_text())
    active = registry.setdefault("fixtures", {}).setdefault("active", [])
    active.extend(i for i in ids if i not in active)
    active.sort()
    registry_path.write_text(json.dumps(registry, indent=2) + "\n")


# --- whole sessions -----------------------------------------------------------------------------


def write_session(path: Path, source: Path, header: Header, budget: int = hygiene.SIZE_BUDGET, max_line: int = MAX_LINE_BYTES) -> tuple[int, list[str]]:
    """Keep ``source`` whole as one transcript at ``path`` (for the session corpus): every frame in
    order, redacted, audio shortened until the file fits ``budget``; the header is ``header`` with a
    summary of those alterations added to its ``notes``. Returns (frames written, alterations)."""
    transcript = open_transcript(source, max_line)
    if transcript.header_problem is not None:
        raise Refused(f"{source}: {transcript.header_problem}")
    frames: list[Frame] = []
    redactions: list[str] = []
    for frame in transcript:
        if frame.problem is not None:
            raise Refused(f"{source}: {frame.problem}")
        if frame.has_event:
            refuse_credential_names(frame.event, f"{source}:{frame.line}")
            event, redacted = hygiene.redact(frame.event)
            frame = replace(frame, event=event)
        elif frame.raw is not None:
            text, redacted = hygiene.redact(frame.raw)
            frame = replace(frame, raw=text)
        else:
            frame, count = redact_frame(frame)
            redacted = ["the binary frame"] * bool(count)
        redactions += [f"line {frame.line}: {'string at ' + p if p.startswith(ROOT) else p} redacted (it looked like a credential)" for p in redacted]
        frames.append(frame)
    events = [frame.event if frame.has_event else None for frame in frames]
    audio_at = [child(ROOT, index) + p[1:] for index, event in enumerate(events) if event is not None for p in audio_paths(event)]

    def size(current: list[Any]) -> int:
        return len(_session_text(header, frames, current).encode("utf-8")) + _RESERVE

    try:
        shortened = shorten_to_fit(events, audio_at, size, budget)
    except CannotShorten as why:
        raise Refused(f"{source}: the session would be over the size budget: {why}") from None
    problems = hygiene.credential_problems(header.model_dump(mode="json"), "the header")
    if problems:
        raise Refused(f"cannot redact a credential: {problems[0]}")
    summary = []
    if shortened:
        summary.append(f"{len(shortened)} audio string(s) shortened to sample-aligned prefixes to fit the {budget // 1024} KiB budget")
    if redactions:
        summary.append(f"{len(redactions)} string(s) redacted as credentials")
    if summary:
        note = "Altered: " + "; ".join(summary) + "."
        header = header.model_copy(update={"notes": f"{header.notes} {note}" if header.notes else note})
    path.parent.mkdir(parents=True, exist_ok=True)
    with TranscriptWriter.create(path, header) as writer:
        for frame, event in zip(frames, events, strict=True):
            writer.write(replace(frame, event=event) if frame.has_event else frame)
    return len(frames), redactions + [f"line {frames[int(steps(s.path)[0])].line}: {s}" for s in shortened]


def _session_text(header: Header, frames: list[Frame], events: list[Any]) -> str:
    lines = [header_line(header)] + [(replace(f, event=e) if f.has_event else f).to_line() for f, e in zip(frames, events, strict=True)]
    return "".join(dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)


def provenance_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The provenance members that were given, validated by the model (refused with its message)."""
    given = {k: v for k, v in values.items() if v not in (None, [], "")}
    try:
        return Provenance.model_validate(given).model_dump(mode="json", exclude_none=True)
    except ValidationError as problem:
        raise Refused(f"provenance: {_one_line(problem)}") from None


def _one_line(problem: Exception) -> str:
    return " | ".join(line.strip() for line in str(problem).splitlines() if line.strip() and "errors.pydantic.dev" not in line)
