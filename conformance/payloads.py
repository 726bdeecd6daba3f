"""Reading payload files: a ``.json`` file is one event, a ``.jsonl`` file one event per line, and
a directory every such file beneath it. A ``.jsonl`` file may be a transcript
(:mod:`conformance.sessions.transcript`): its header line is skipped, a frame line stands for its
event (with the frame's direction), and a frame kept raw or binary is a payload that is not JSON.
Reading never stops at a bad payload; a file that cannot be read at all still yields one entry, so
no input disappears from a report."""

from __future__ import annotations

from collections.abc import Iterator
import json
from dataclasses import dataclass
from pathlib import Path

from .decoding import NotJSON, decode
from .lines import MAX_LINE_BYTES, TooLong, numbered, read_document

PAYLOAD_SUFFIXES = (".json", ".jsonl")


@dataclass(frozen=True)
class Payload:
    path: Path
    #: 1-based line number in a ``.jsonl`` file; ``None`` for a ``.json`` file.
    line: int | None
    data: bytes
    #: Why the payload could not be read, when it could not.
    unreadable: str | None = None
    #: The direction a transcript frame gives its event; ``None`` for a bare event.
    direction: str | None = None


def expand(paths: list[Path]) -> list[Path]:
    """Files to read, in a stable order; directories are searched recursively."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in PAYLOAD_SUFFIXES and p.is_file()))
        else:
            files.append(path)
    return files


def read(path: Path, max_line: int = MAX_LINE_BYTES) -> Iterator[Payload]:
    """The payloads of one file; a line (or a ``.json`` document) over ``max_line`` bytes is a
    payload that was not read (:mod:`conformance.lines`)."""
    try:
        if path.suffix == ".jsonl":
            yield from _read_lines(path, max_line)
        else:
            with path.open("rb") as stream:
                data = read_document(stream, max_line)
            yield Payload(path, None, b"", unreadable=str(data)) if isinstance(data, TooLong) else Payload(path, None, data)
    except OSError as error:
        yield Payload(path, None, b"", unreadable=f"cannot read the file: {error.strerror or error}")


def too_long(path: Path, number: int | None, line: TooLong) -> Payload:
    """The payload of a line over the limit, skipped unread."""
    return Payload(path, number, b"", unreadable=str(line))


def _read_lines(path: Path, max_line: int) -> Iterator[Payload]:
    empty = True
    with path.open("rb") as stream:
        for number, line in numbered(stream, max_line):
            if isinstance(line, TooLong):
                empty = False
                yield too_long(path, number, line)
                continue
            if not line.strip():
                continue
            payload = _transcript_line(path, number, line) if _may_be_transcript_line(line) else Payload(path, number, line)
            if payload is not None:
                empty = False
                yield payload
    if empty:
        yield Payload(path, None, b"", unreadable="the file holds no events")


def _may_be_transcript_line(line: bytes) -> bool:
    # Cheap: a bare event seldom holds these names, and most lines of a long recording are bare.
    return b'"dir"' in line or b'"transcript"' in line


def transcript_payload(path: Path, number: int, line: bytes) -> Payload | None:
    """What ``read`` makes of a line that may be a transcript's: its event, nothing (a header),
    or the line itself."""
    return _transcript_line(path, number, line) if _may_be_transcript_line(line) else Payload(path, number, line)


def _transcript_line(path: Path, number: int, line: bytes) -> Payload | None:
    """A frame line as the payload of its event, a header as nothing, anything else as it is."""
    try:
        value = decode(line)
    except NotJSON:
        return Payload(path, number, line)
    if not isinstance(value, dict) or "type" in value:
        return Payload(path, number, line)
    if "transcript" in value and "dir" not in value:
        return None  # the transcript's header
    direction = value.get("dir") if value.get("dir") in ("client", "server") else None
    if "event" in value:
        return Payload(path, number, json.dumps(value["event"], ensure_ascii=False).encode(), direction=direction)
    if "raw" in value or "binary" in value:
        return Payload(path, number, b"", unreadable="a frame the transcript keeps raw: it was not JSON", direction=direction)
    return Payload(path, number, line)
