"""``validate --jobs N --output FILE``: the worker processes write the output themselves.

Each worker appends the output of the pieces it judges, already encoded, to a scratch file of its
own beside FILE, and hands back only where it put them (a :class:`Segment`); the parent process
lays the segments into FILE in input order with ``os.copy_file_range``, a copy inside the kernel,
so that no piece's output passes through the parent, is pickled, or is encoded there. FILE ends up
byte for byte what the same command prints to stdout; the scratch files are removed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

#: Where this process appends its pieces' output: (directory, file descriptor, path).
_SCRATCH: dict[str, tuple[int, str]] = {}


@dataclass(frozen=True)
class Segment:
    """``length`` bytes at ``offset`` of the scratch file ``path``."""

    path: str
    offset: int
    length: int


def judged_to_scratch(work: Callable[[Any], Any], directory: str, piece: Any) -> Any:
    """Run ``work`` on ``piece`` (in a worker) and append its text to this process's scratch file
    in ``directory``; the result carries the :class:`Segment` instead of the text."""
    judged = work(piece)
    data = judged.text if type(judged.text) is bytes else judged.text.encode("utf-8")
    found = _SCRATCH.get(directory)
    if found is None:
        descriptor, path = tempfile.mkstemp(dir=directory, prefix=".validate-", suffix=".part")
        found = _SCRATCH[directory] = (descriptor, path)
    descriptor, path = found
    offset = os.lseek(descriptor, 0, os.SEEK_END)
    _write_all(descriptor, data)
    return replace(judged, text=Segment(path, offset, len(data)))


class Output:
    """FILE, written by the parent: its own small texts, and the workers' segments spliced in."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self._scratch: dict[str, int] = {}

    def write(self, text: str) -> None:
        _write_all(self._descriptor, text.encode("utf-8"))

    def write_bytes(self, data: bytes) -> None:
        _write_all(self._descriptor, data)

    def splice(self, segment: Segment) -> None:
        source = self._scratch.get(segment.path)
        if source is None:
            source = self._scratch[segment.path] = os.open(segment.path, os.O_RDONLY)
        offset, left = segment.offset, segment.length
        while left:
            try:
                copied = os.copy_file_range(source, self._descriptor, left, offset)
            except OSError:  # a filesystem without it: read and write
                copied = _write_all(self._descriptor, os.pread(source, min(left, 1 << 24), offset))
            if copied == 0:
                raise OSError(f"{segment.path} ended before its segment did")
            offset, left = offset + copied, left - copied

    def close(self) -> None:
        os.close(self._descriptor)
        for path, descriptor in self._scratch.items():
            os.close(descriptor)
            os.unlink(path)


def scratch_directory(path: Path) -> str:
    """Where the workers put their scratch files: beside FILE, so that the copy stays on one filesystem."""
    return str(path.resolve().parent)


def _write_all(descriptor: int, data: bytes) -> int:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]
    return len(data)
