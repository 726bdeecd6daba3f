"""Reading payload files: a ``.json`` file is one event, a ``.jsonl`` file one event per line, and
a directory every such file beneath it. Reading never stops at a bad payload; a file that cannot
be read at all still yields one entry, so no input disappears from a report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PAYLOAD_SUFFIXES = (".json", ".jsonl")


@dataclass(frozen=True)
class Payload:
    path: Path
    #: 1-based line number in a ``.jsonl`` file; ``None`` for a ``.json`` file.
    line: int | None
    data: bytes
    #: Why the payload could not be read, when it could not.
    unreadable: str | None = None


def expand(paths: list[Path]) -> list[Path]:
    """Files to read, in a stable order; directories are searched recursively."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in PAYLOAD_SUFFIXES and p.is_file()))
        else:
            files.append(path)
    return files


def read(path: Path) -> Iterator[Payload]:
    try:
        if path.suffix == ".jsonl":
            yield from _read_lines(path)
        else:
            yield Payload(path, None, path.read_bytes())
    except OSError as error:
        yield Payload(path, None, b"", unreadable=f"cannot read the file: {error.strerror or error}")


def _read_lines(path: Path) -> Iterator[Payload]:
    empty = True
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                empty = False
                yield Payload(path, number, line)
    if empty:
        yield Payload(path, None, b"", unreadable="the file holds no events")
