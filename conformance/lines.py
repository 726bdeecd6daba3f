"""Reading JSON Lines, and one-document files, with bounded memory.

A line is held in memory only up to a limit (``--max-line-bytes``, 64 MiB by default): a longer line
is skipped unread, in blocks, and stands as :class:`TooLong`, which the file commands (``validate``,
``session``, ``detect``, ``fixture add``) report as that line's verdict before going on with the
next. So memory stays flat however long a line is: a 2 GB line costs at most the limit. An endless
line (``/dev/zero`` read as JSON Lines) is skipped with flat memory for as long as it lasts; a file
read as one document (``.json``, or any path not ending in ``.jsonl``, such as ``/dev/zero`` itself)
is read up to the limit and no further.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

#: The longest line read, in bytes (its newline not counted).
MAX_LINE_BYTES = 64 << 20
#: How much of an over-long line is read at a time while it is skipped.
_SKIP = 1 << 20


@dataclass(frozen=True)
class TooLong:
    """A line (or document) over the limit, skipped unread: ``size`` bytes, its newline not
    counted (``ended`` False: the input ended, or the file was read no further)."""

    size: int
    limit: int
    ended: bool = True
    what: str = "line"

    def __str__(self) -> str:
        size = f"{self.size:,} bytes" if self.ended else f"more than {self.limit:,} bytes"
        return f"a {self.what} of {size}, over the limit of {self.limit:,} (--max-line-bytes); skipped unread"


def limit_of(text: str) -> int:
    """``--max-line-bytes`` (argparse ``type``): a number of bytes, with an optional K, M or G (KiB, MiB, GiB)."""
    import argparse

    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:].upper(), 1)
    try:
        value = int(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of bytes such as 1048576 or 64M, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("--max-line-bytes must be at least 1")
    return value


def numbered(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | TooLong]]:
    """``(line number, line)`` for each line of ``stream``, from 1, the line with its newline; a
    line over ``limit`` bytes as :class:`TooLong`, never held."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if line.endswith(b"\n") or len(line) <= limit:
            yield number, line
            continue
        size = len(line)  # over the limit: the rest is skipped, up to the newline or the end
        while True:
            rest = stream.readline(_SKIP)
            if rest.endswith(b"\n"):
                size += len(rest) - 1
                break
            if not rest:
                break
            size += len(rest)
        yield number, TooLong(size, limit)


def read_document(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> bytes | TooLong:
    """The whole of a one-document file, or :class:`TooLong` once it passes ``limit`` bytes (it is
    read no further: an endless file ends there)."""
    data = stream.read(limit + 1)
    return data if len(data) <= limit else TooLong(len(data), limit, ended=False, what="document")
