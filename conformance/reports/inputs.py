"""The input a check ran on, as a report page shows it, found from the check's ``source``.

``source`` conventions (every family keeps to them, so that a page can show any check's input):

* ``fixtures/<direction>/<type>/<id>.json``: a corpus fixture; the page shows its description,
  provenance, expected verdict and payload.
* ``snapshots/<scenario-id>.json``: a scenario's canonical wire JSON.
* ``<path>.jsonl`` or ``<path>.jsonl:<line>``: a transcript, and the 1-based line of the frame the
  check is about (``fixtures/sessions/<id>.jsonl:12``); the page shows the lines around it, that
  one marked.
* anything else is a description (the property family's "events generated from ..."); a minimal
  failing event, when the message carries one (``minimal event: {...}``), is shown as the input.

Paths are relative to the installed package's data (``conformance/data``, where ``fixtures/`` and
``snapshots/`` are), and then to the report's own directory (for transcripts a run recorded
beside its report). A path that leaves those folders is not followed, with one exception: a
transcript a run recorded into a folder of its own (``probe --record /abs/dir`` names it by its
absolute path) is read where it is when its first line is a transcript header, so that a report
cannot make a page show any other file.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..corpus.fixtures import FIXTURES_ROOT
from ..records import CheckRecord

DATA_ROOT = FIXTURES_ROOT.parent
#: Lines shown before and after a transcript's marked line.
CONTEXT = 3
#: Strings longer than this (base64 audio, mostly) are shortened on the page.
LONG_STRING = 240
#: Transcript lines are cut at this many characters on the page.
LONG_LINE = 320
#: Pretty-printed JSON is cut at this many characters.
LONG_JSON = 24_000

_TRANSCRIPT = re.compile(r"^(?P<path>.+\.jsonl)(?::(?P<line>\d+))?$")
_MINIMAL_EVENT = re.compile(r"minimal event: (?P<json>\{.*\})\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    marked: bool = False


@dataclass(frozen=True)
class Input:
    kind: str  # fixture, snapshot, transcript, generated, description, missing
    source: str
    #: (label, value) pairs shown above the input: description, provenance, expected verdict.
    facts: tuple[tuple[str, str], ...] = ()
    #: Pretty-printed JSON (a payload, a snapshot, a minimal event).
    json: str = ""
    #: A transcript excerpt.
    lines: tuple[Line, ...] = ()
    note: str = ""


def describe(check: CheckRecord, report_dir: Path | None = None) -> Input | None:
    """The input of ``check``, or ``None`` when the report does not say what it was."""
    source = check.source
    if not source:
        return _generated(check, "") if _MINIMAL_EVENT.search(check.message) else None
    transcript = _TRANSCRIPT.match(source)
    if transcript:
        line = int(transcript["line"]) if transcript["line"] else None
        return _transcript(source, transcript["path"], line, report_dir)
    if source.endswith(".json"):
        return _json_file(source, report_dir)
    return _generated(check, source)


def _roots(report_dir: Path | None) -> list[Path]:
    return [DATA_ROOT] + ([report_dir] if report_dir else [])


def _find(relative: str, report_dir: Path | None) -> Path | None:
    if Path(relative).is_absolute():
        return _recorded_transcript(Path(relative))
    if ".." in Path(relative).parts:
        return None
    for root in _roots(report_dir):
        candidate = root / relative
        if candidate.is_file():
            return candidate
    return None


#: How much of a file's first line is read to tell a transcript header.
HEADER_BYTES = 64 * 1024


def _recorded_transcript(path: Path) -> Path | None:
    """``path`` when it is a transcript (``.jsonl`` whose first line is ``{"transcript": {...}}``)."""
    if path.suffix != ".jsonl" or ".." in path.parts:
        return None
    try:
        with path.open("rb") as stream:
            first = stream.readline(HEADER_BYTES)
        header = json.loads(first)
    except (OSError, ValueError, RecursionError):
        return None
    return path if isinstance(header, dict) and isinstance(header.get("transcript"), dict) else None


def _missing(source: str) -> Input:
    if Path(source).is_absolute():
        return Input("missing", source, note=f"{source} is not here, or is not a transcript (by an absolute path, a page shows only a transcript a run recorded)")
    return Input("missing", source, note=f"{source} is not in this installation of the suite (nor beside the report)")


def _json_file(source: str, report_dir: Path | None) -> Input:
    path = _find(source, report_dir)
    if path is None:
        return _missing(source)
    return _loaded_json(source, path)


@lru_cache(maxsize=1024)
def _loaded_json(source: str, path: Path) -> Input:
    try:
        return _shown_json(source, path, json.loads(path.read_bytes()))
    except (OSError, ValueError) as error:
        return Input("missing", source, note=f"{source} cannot be read: {error}")
    except RecursionError:
        return Input("missing", source, note=f"{source} is nested too deeply to show")


def _shown_json(source: str, path: Path, value: Any) -> Input:
    if source.startswith("fixtures/") and isinstance(value, dict) and "payload" in value:
        return Input("fixture", source, _fixture_facts(value), pretty(value["payload"]))
    if source.startswith("snapshots/"):
        return Input("snapshot", source, _scenario_facts(path.stem), pretty(value))
    return Input("fixture", source, (), pretty(value))


def _fixture_facts(fixture: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = [("fixture", str(fixture.get("description", "")))]
    provenance = fixture.get("provenance")
    if isinstance(provenance, dict):
        where = f" ({provenance['url']})" if provenance.get("url") else ""
        facts.append(("provenance", f"{provenance.get('kind', '?')}: {provenance.get('source', '')}{where}"))
    expect = fixture.get("expect")
    if isinstance(expect, dict):
        reason = f": {expect['reason']}" if expect.get("reason") else ""
        facts.append(("the reference's verdict", f"{expect.get('verdict', '?')}{reason}"))
    return tuple(facts)


def _scenario_facts(scenario_id: str) -> tuple[tuple[str, str], ...]:
    from ..corpus.scenarios import SCENARIOS_BY_ID

    scenario = SCENARIOS_BY_ID.get(scenario_id)
    facts = [("scenario", scenario.description)] if scenario else []
    return (*facts, ("expected", "the wire JSON below, exactly (a generated event_id aside)"))


def _generated(check: CheckRecord, source: str) -> Input:
    found = _MINIMAL_EVENT.search(check.message)
    facts = (("input", source),) if source else ()
    if not found:
        return Input("description", source, facts)
    try:
        event = json.loads(found["json"])
        shown = pretty(event)
    except (ValueError, RecursionError):
        return Input("description", source, facts)
    return Input("generated", source, (*facts, ("minimal failing event", "as Hypothesis shrank it")), shown)


def _transcript(source: str, relative: str, line: int | None, report_dir: Path | None) -> Input:
    path = _find(relative, report_dir)
    if path is None:
        return _missing(source)
    lines, total = excerpt(path, line)
    note = ""
    if line is not None and not any(item.marked for item in lines):
        note = f"the transcript has {total} lines; line {line} is not among them"
    facts = (("transcript", relative),) + ((("line", str(line)),) if line is not None else ())
    return Input("transcript", source, facts, lines=tuple(lines), note=note)


def excerpt(path: Path, line: int | None, context: int = CONTEXT) -> tuple[list[Line], int]:
    """The lines around ``line`` (or the first lines), read as a stream, and how many were read."""
    wanted_first = max(1, line - context) if line is not None else 1
    wanted_last = line + context if line is not None else 2 * context + 2
    kept: deque[Line] = deque()
    total = 0
    try:
        with path.open("rb") as stream:
            for total, raw in enumerate(stream, start=1):
                if total > wanted_last:
                    total -= 1
                    break
                if total >= wanted_first:
                    kept.append(Line(total, _readable_line(raw), total == line))
    except OSError as error:
        return [Line(0, f"cannot read {path.name}: {error.strerror or error}")], 0
    return list(kept), total


def _readable_line(raw: bytes) -> str:
    """A transcript line for the page: its JSON with long strings (audio) shortened, then cut."""
    text = raw.decode("utf-8", "replace").rstrip("\r\n")
    try:
        text = json.dumps(_shorten(json.loads(text), LONG_STRING // 4), ensure_ascii=False)
    except (ValueError, RecursionError):
        pass
    return text if len(text) <= LONG_LINE else text[:LONG_LINE] + f" … ({len(text)} characters)"


def pretty(value: Any) -> str:
    """Indented JSON, long strings shortened, the whole cut at a size a page can hold."""
    text = json.dumps(_shorten(value), indent=2, ensure_ascii=False)
    if len(text) > LONG_JSON:
        text = text[:LONG_JSON] + f"\n… (cut at {LONG_JSON} characters)"
    return text


def _shorten(value: Any, limit: int = LONG_STRING) -> Any:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit // 2] + f"… ({len(value)} characters)"
    if isinstance(value, list):
        return [_shorten(item, limit) for item in value]
    if isinstance(value, dict):
        return {key: _shorten(item, limit) for key, item in value.items()}
    return value
