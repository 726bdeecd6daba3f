"""Judging payload files in bulk: what ``validate`` runs, on one process or on several.

A long recording is read in pieces of a few megabytes, cut at line boundaries; each piece is
judged as a whole and its output written as one string, so that a million events cost a million
verdicts and little else: an event the fast path proves (:mod:`conformance.fastpath`) is written
from a template made once per event type, without a :class:`~conformance.verdict.Verdict`; every
other event goes through ``judge`` as before. ``jobs`` processes judge pieces side by side (files,
and large files piece by piece); their output is written in input order, with at most a few pieces
per process in flight, so memory stays flat however long the input.

The output is exactly what judging the payloads one by one gives (``tests/test_cli_jobs.py``).
"""

from __future__ import annotations

import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from functools import partial
from itertools import repeat
from typing import Any, TextIO, TypeVar

from . import batch, fastpath, payloads
from .jsonpath import ROOT
from .verdict import FieldError, Verdict, judge, proved_verdict

#: The size of the pieces a ``.jsonl`` file is read and judged in.
PIECE = 4 << 20


@dataclass(frozen=True)
class Piece:
    """Bytes ``start`` to ``end`` of a file, whole lines, the first of them line ``first_line``;
    ``end`` ``None``: the whole file. ``only`` says the file has no other piece, ``last`` that
    none follows."""

    path: Path
    start: int = 0
    end: int | None = None
    first_line: int = 1
    only: bool = True
    last: bool = True


@dataclass
class Judged:
    """What judging a piece gave: its output text, its verdicts counted, and how many events."""

    piece: Piece
    text: str
    counts: Counter[str]
    events: int


def pieces(files: Iterable[Path], size: int = PIECE) -> Iterator[Piece]:
    """The pieces of the files, in input order. A ``.jsonl`` file larger than ``size`` is cut at
    line boundaries (its lines counted on the way, for the line numbers)."""
    for path in files:
        try:
            length = path.stat().st_size if path.suffix == ".jsonl" else 0
        except OSError:
            length = 0
        if length <= size:
            yield Piece(path)
            continue
        yield from _cut(path, size)


def _cut(path: Path, size: int) -> Iterator[Piece]:
    cuts: list[tuple[int, int, int]] = []  # (start, end, first line)
    with path.open("rb") as stream:
        start = position = 0
        line = 1
        lines_so_far = 0
        while True:
            block = stream.read(size)
            if not block:
                break
            newline = block.rfind(b"\n")
            if newline < 0:  # one line longer than a piece: it grows the piece
                position += len(block)
                lines_so_far += block.count(b"\n")
                continue
            end = position + newline + 1
            lines_so_far += block.count(b"\n", 0, newline + 1)
            cuts.append((start, end, line))
            line = 1 + lines_so_far
            start = end
            stream.seek(end)
            position = end
        total = stream.seek(0, os.SEEK_END)
        if start < total or not cuts:
            cuts.append((start, total, line))
    for index, (start, end, first) in enumerate(cuts):
        yield Piece(path, start, end, first, only=len(cuts) == 1, last=index == len(cuts) - 1)


# --- judging a piece -----------------------------------------------------------------------------


class Writer:
    """Formats verdicts as ``validate`` prints them (``text`` or ``json``), with the record of an
    event the fast path proves made from a template cached per event type."""

    def __init__(self, fmt: str, dialect: str | None) -> None:
        self.json = fmt == "json"
        self.dialect = dialect
        self._templates: dict[str, dict[fastpath.Proof, str]] = {}

    def verdict(self, path: str, line: int | None, verdict: Verdict) -> str:
        if self.json:
            record = {
                "path": path,
                "line": line,
                "type": verdict.type,
                "verdict": verdict.verdict,
                "errors": [{"path": e.path, "expected": e.expected, "got": e.got} for e in verdict.errors],
                "unknown_fields": [{"path": u.path, "type": u.type} for u in verdict.unknown_fields],
                "note": verdict.note,
            }
            if verdict.dialect:
                record["dialect"] = verdict.dialect
            return json.dumps(record, ensure_ascii=False)
        where = f"{path}:{line}" if line is not None else path
        judged = f" under {verdict.dialect}" if verdict.dialect else ""
        out = [f"{where}  {verdict.type or '-'}  {verdict.verdict}{judged}\n"]
        out.extend(f"    {error.path}: expected {error.expected}; got {error.got}\n" for error in verdict.errors)
        out.extend(f"    info: unknown field {unknown.path} ({unknown.type})\n" for unknown in verdict.unknown_fields)
        if verdict.note and (verdict.verdict == "valid" or verdict.dialect):
            out.append(f"    note: {verdict.note}\n")
        return "".join(out)

    def templates(self, direction: str) -> dict[fastpath.Proof, str]:
        """Proof -> what follows the location in the record of an event with that proof, for the
        proofs met so far (:meth:`template` adds one)."""
        return self._templates.setdefault(direction, {})

    def template(self, proof: fastpath.Proof, direction: str) -> str:
        """What follows the location in the record of an event with this proof."""
        templates = self.templates(direction)
        found = templates.get(proof)
        if found is None:
            verdict = judge_proof(proof, direction, self.dialect)
            text = self.verdict("", 0, verdict)
            # json: '{"path": "", "line": 0' + the rest; text: ':0' + the rest.
            found = text[len('{"path": "", "line": 0'):] if self.json else text[len(":0"):]
            if len(templates) < 4096:  # bounded: a stream of ever new unknown members must not grow it
                templates[proof] = found
        return found


def judge_proof(proof: fastpath.Proof, direction: str, dialect: str | None) -> Verdict:
    """The verdict ``judge`` gives an event the fast path proves (for the templates)."""
    return proved_verdict(proof, b"", direction, dialect)  # type: ignore[arg-type]


def _next_none(items: list[Any], start: int) -> int:
    """The index of the first ``None`` from ``start`` on (searched in C), or the length."""
    try:
        return items.index(None, start)
    except ValueError:
        return len(items)


def judge_safely(payload: payloads.Payload, direction: str, dialect: str | None = None) -> Verdict:
    """The verdict on one payload; an unreadable file or a validator bug is a verdict too, so that
    no other event loses its own."""
    if payload.unreadable:
        return Verdict("not-json", errors=(FieldError(ROOT, "a JSON document", payload.unreadable),), dialect=dialect)
    if direction == "auto" and payload.direction:
        direction = payload.direction
    try:
        return judge(payload.data, direction, dialect)  # type: ignore[arg-type]
    except Exception as error:  # a validator bug must not hide the other events' verdicts
        return Verdict("invalid", errors=(FieldError(ROOT, "an event the validator can judge", f"internal error {type(error).__name__}: {error}"),), dialect=dialect)


def judge_piece(piece: Piece, direction: str, fmt: str, dialect: str | None) -> Judged:
    """Judge every event of one piece. The json format's records are joined with the separator
    the whole list uses; the caller writes the brackets and the separators between pieces."""
    writer = _writer(fmt, dialect)
    counts: Counter[str] = Counter()
    out: list[str] = []
    path = str(piece.path)
    shown = json.dumps(path, ensure_ascii=False) if writer.json else path
    if piece.path.suffix != ".jsonl":
        for payload in payloads.read(piece.path):
            verdict = judge_safely(payload, direction, dialect)
            counts[verdict.verdict] += 1
            out.append(writer.verdict(path, payload.line, verdict))
        return Judged(piece, _joined(out, writer.json), counts, len(out))
    try:
        with piece.path.open("rb") as stream:
            stream.seek(piece.start)
            data = stream.read() if piece.end is None else stream.read(piece.end - piece.start)
    except OSError as error:
        payload = payloads.Payload(piece.path, None, b"", unreadable=f"cannot read the file: {error.strerror or error}")
        verdict = judge_safely(payload, direction, dialect)
        return Judged(piece, _joined([writer.verdict(path, None, verdict)], writer.json), Counter({verdict.verdict: 1}), 1)
    lines, proofs = batch.prove_lines(data, direction, dialect or "ga")
    json_out = writer.json
    templates = writer.templates(direction)
    texts = list(map(templates.get, proofs))  # None: not proved, or no template yet
    prefix = f'{{"path": {shown}, "line": ' if json_out else f"{shown}:"
    first, last, end = piece.first_line, len(lines) - 1, len(lines)
    valid = position = 0
    while position < end:
        stop = _next_none(texts, position)
        if position < stop:  # a stretch of proved events: their records made in C, from the templates
            numbers = map(str, range(first + position, first + stop))
            out.extend(map(str.__add__, map(str.__add__, repeat(prefix), numbers), texts[position:stop]))
            valid += stop - position
            position = stop
            continue
        proof, line = proofs[stop], lines[stop]
        if proof is not None:  # proved, of a kind not templated yet
            texts[stop] = writer.template(proof, direction)
            continue
        position = stop + 1
        if not line or line.isspace():
            continue
        if stop < last:
            line += b"\n"  # the line as payloads reads it, so that every message is the same
        payload = payloads.transcript_payload(piece.path, first + stop, line)  # a transcript's frame or header, or the line
        if payload is None:
            continue
        verdict = judge_safely(payload, direction, dialect)
        counts[verdict.verdict] += 1
        out.append(writer.verdict(path, first + stop, verdict))
    if valid:
        counts["valid"] += valid
    if piece.only and not out:
        return empty_file(piece, direction, fmt, dialect)
    return Judged(piece, _joined(out, json_out), counts, len(out))


def empty_file(piece: Piece, direction: str, fmt: str, dialect: str | None) -> Judged:
    """The entry of a ``.jsonl`` file whose pieces held no event, so that no input disappears."""
    writer = _writer(fmt, dialect)
    verdict = judge_safely(payloads.Payload(piece.path, None, b"", unreadable="the file holds no events"), direction, dialect)
    return Judged(piece, _joined([writer.verdict(str(piece.path), None, verdict)], writer.json), Counter({verdict.verdict: 1}), 1)


def validate(files: Iterable[Path], out: TextIO, *, direction: str = "auto", fmt: str = "text", dialect: str | None = None,
             jobs: int = 1, size: int = PIECE) -> Counter[str]:
    """Judge every event of ``files`` and write what ``validate`` prints (the summary line aside);
    returns the verdicts counted."""
    work = partial(judge_piece, direction=direction, fmt=fmt, dialect=dialect)
    json_out = fmt == "json"
    counts: Counter[str] = Counter()
    events_of: Counter[Path] = Counter()
    written = 0
    if json_out:
        out.write("[")
    for judged in in_order(work, pieces(files, size), jobs):
        piece = judged.piece
        if not piece.only:
            events_of[piece.path] += judged.events
            if piece.last and not events_of.pop(piece.path):
                judged = empty_file(piece, direction, fmt, dialect)
        if judged.text:
            out.write(("\n  " if written == 0 else ",\n  ") + judged.text if json_out else judged.text)
            written += judged.events
        counts.update(judged.counts)
    if json_out:
        out.write("\n]\n")
    return counts


_WRITERS: dict[tuple[str, str | None], Writer] = {}


def _writer(fmt: str, dialect: str | None) -> Writer:
    found = _WRITERS.get((fmt, dialect))
    if found is None:
        found = _WRITERS[(fmt, dialect)] = Writer(fmt, dialect)
    return found


def _joined(out: list[str], json_records: bool) -> str:
    return ",\n  ".join(out) if json_records else "".join(out)


# --- many processes, output in input order -------------------------------------------------------

T = TypeVar("T")
R = TypeVar("R")


def in_order(work: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """``work`` on every item, in ``jobs`` processes when more than one, the results in input
    order; at most a few items per process in flight, so memory stays flat however many."""
    if jobs <= 1:
        yield from map(work, items)
        return
    window = 3 * jobs
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
