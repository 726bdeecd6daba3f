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

import codecs
import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from functools import partial
from itertools import repeat
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, TextIO, TypeVar

from . import batch, fastpath, outfile, payloads
from .jsonpath import ROOT
from .lines import MAX_LINE_BYTES, TooLong

if TYPE_CHECKING:  # the verdict module imports the pydantic models: only an event that needs them does
    from concurrent.futures import Future

    from .verdict import Verdict

#: The size of the pieces a ``.jsonl`` file is read and judged in.
PIECE = 4 << 20


@dataclass(frozen=True)
class Piece:
    """Bytes ``start`` to ``end`` of a file, whole lines, the first of them line ``first_line``;
    ``end`` ``None``: the whole file. ``only`` says the file has no other piece, ``last`` that
    none follows; ``too_long`` (bytes) that the piece is one line over the limit, not to be read."""

    path: Path
    start: int = 0
    end: int | None = None
    first_line: int = 1
    only: bool = True
    last: bool = True
    too_long: int = 0


@dataclass
class Judged:
    """What judging a piece gave: its output text, its verdicts counted, and how many events."""

    piece: Piece
    #: The output (``bytes``, UTF-8, from the C loop over JSON Lines), or where a worker wrote it
    #: (``validate --jobs N --output FILE``).
    text: str | bytes | outfile.Segment
    counts: Counter[str]
    events: int


def pieces(files: Iterable[Path], size: int = PIECE, max_line: int = MAX_LINE_BYTES) -> Iterator[Piece]:
    """The pieces of the files, in input order. A ``.jsonl`` file larger than ``size`` is cut at
    line boundaries (its lines counted on the way, for the line numbers); a line over ``max_line``
    bytes is a piece of its own, never read whole."""
    for path in files:
        try:
            length = path.stat().st_size if path.suffix == ".jsonl" else 0
        except OSError:
            length = 0
        if length <= size:
            yield Piece(path)
            continue
        yield from _cut(path, size, max_line)


def _cut(path: Path, size: int, max_line: int) -> Iterator[Piece]:
    cuts: list[tuple[int, int, int, int]] = []  # (start, end, first line, size of a line over the limit)
    with path.open("rb") as stream:
        start = position = 0
        line = 1
        lines_so_far = 0
        while True:
            block = stream.read(size)
            if not block:
                break
            newline = block.rfind(b"\n")
            if newline < 0:  # one line longer than a block: it grows the piece, up to the limit
                position += len(block)
                if position - start > max_line:  # the piece is that one line (each piece starts a line)
                    end, length, ended = _skip_line(stream, start, position, size)
                    cuts.append((start, end, line, length))
                    lines_so_far += ended
                    line = 1 + lines_so_far
                    start = position = end
                continue
            end = position + newline + 1
            lines_so_far += block.count(b"\n", 0, newline + 1)
            cuts.append((start, end, line, 0))
            line = 1 + lines_so_far
            start = end
            stream.seek(end)
            position = end
        total = stream.seek(0, os.SEEK_END)
        if start < total or not cuts:
            cuts.append((start, total, line, 0))
    for index, (start, end, first, too_long) in enumerate(cuts):
        yield Piece(path, start, end, first, only=len(cuts) == 1, last=index == len(cuts) - 1, too_long=too_long)


def _skip_line(stream: BinaryIO, start: int, position: int, size: int) -> tuple[int, int, bool]:
    """The line from ``start`` is over the limit: read on (``position`` bytes are read) to its
    end, keeping nothing. Returns where the next line starts, the line's length (its newline not
    counted) and whether a newline ended it (rather than the end of the file)."""
    while True:
        block = stream.read(size)
        if not block:
            return position, position - start, False
        newline = block.find(b"\n")
        if newline >= 0:
            end = position + newline
            stream.seek(end + 1)
            return end + 1, end - start, True
        position += len(block)


# --- judging a piece -----------------------------------------------------------------------------


class Writer:
    """Formats verdicts as ``validate`` prints them (``text`` or ``json``), with the record of an
    event the fast path proves made from a template cached per event type."""

    def __init__(self, fmt: str, dialect: str | None) -> None:
        self.json = fmt == "json"
        self.dialect = dialect
        self._templates: dict[str, dict[fastpath.Proof, str]] = {}
        self._encoded: dict[str, dict[fastpath.Proof, bytes]] = {}

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

    def encoded(self, direction: str) -> dict[fastpath.Proof, bytes]:
        """Proof -> its template in UTF-8, for the C loop (:meth:`template` adds one)."""
        return self._encoded.setdefault(direction, {})

    def template(self, proof: fastpath.Proof, direction: str) -> str:
        """What follows the location in the record of an event with this proof."""
        templates = self.templates(direction)
        found = templates.get(proof)
        if found is None:
            verdict = _proved(proof) if self.dialect is None and fastpath.ga_notes() is not None else judge_proof(proof, direction, self.dialect)
            text = self.verdict("", 0, verdict)
            # json: '{"path": "", "line": 0' + the rest; text: ':0' + the rest.
            found = text[len('{"path": "", "line": 0'):] if self.json else text[len(":0"):]
            if len(templates) < 4096:  # bounded: a stream of ever new unknown members must not grow it
                templates[proof] = found
                self.encoded(direction)[proof] = found.encode("utf-8")
        return found


def judge_proof(proof: fastpath.Proof, direction: str, dialect: str | None) -> Verdict:
    """The verdict ``judge`` gives an event the fast path proves (for the templates)."""
    from .verdict import proved_verdict

    return proved_verdict(proof, b"", direction, dialect)  # type: ignore[arg-type]


class _Unknown(NamedTuple):
    path: str
    type: str


class _Proved(NamedTuple):
    """What :meth:`Writer.verdict` reads of the verdict on a GA event the fast path proves, made
    without the verdict module (which imports the models): the same as :func:`judge_proof`'s
    (tests/test_cli_jobs.py compares the output with judging one by one)."""

    type: str
    unknown_fields: tuple[_Unknown, ...]
    note: str | None
    verdict: str = "valid"
    errors: tuple[()] = ()
    dialect: None = None


def _proved(proof: fastpath.Proof) -> Any:
    from .jsonpath import child

    event_type, names = (proof, ()) if type(proof) is str else proof
    return _Proved(event_type, tuple(_Unknown(child(ROOT, name), kind) for name, kind in names), fastpath.ga_notes().get(event_type))  # type: ignore[union-attr, arg-type]


def _next_none(items: list[Any], start: int) -> int:
    """The index of the first ``None`` from ``start`` on (searched in C), or the length."""
    try:
        return items.index(None, start)
    except ValueError:
        return len(items)


def judge_safely(payload: payloads.Payload, direction: str, dialect: str | None = None) -> Verdict:
    """The verdict on one payload; an unreadable file or a validator bug is a verdict too, so that
    no other event loses its own."""
    from .verdict import FieldError, Verdict, judge

    if payload.unreadable:
        return Verdict("not-json", errors=(FieldError(ROOT, "a JSON document", payload.unreadable),), dialect=dialect)
    if direction == "auto" and payload.direction:
        direction = payload.direction
    try:
        return judge(payload.data, direction, dialect)  # type: ignore[arg-type]
    except Exception as error:  # a validator bug must not hide the other events' verdicts
        return Verdict("invalid", errors=(FieldError(ROOT, "an event the validator can judge", f"internal error {type(error).__name__}: {error}"),), dialect=dialect)


def judge_piece(piece: Piece, direction: str, fmt: str, dialect: str | None, max_line: int = MAX_LINE_BYTES) -> Judged:
    """Judge every event of one piece. The json format's records are joined with the separator
    the whole list uses; the caller writes the brackets and the separators between pieces."""
    writer = _writer(fmt, dialect)
    counts: Counter[str] = Counter()
    out: list[str] = []
    path = str(piece.path)
    if piece.path.suffix != ".jsonl":
        for payload in payloads.read(piece.path, max_line):
            verdict = judge_safely(payload, direction, dialect)
            counts[verdict.verdict] += 1
            out.append(writer.verdict(path, payload.line, verdict))
        return Judged(piece, _joined(out, writer.json), counts, len(out))
    if piece.too_long:
        verdict = judge_safely(payloads.too_long(piece.path, piece.first_line, TooLong(piece.too_long, max_line)), direction, dialect)
        return Judged(piece, writer.verdict(path, piece.first_line, verdict), Counter({verdict.verdict: 1}), 1)
    records: list[bytes] = []  # records, or runs of them joined by the separator (the C loop's)
    events = 0
    try:
        with piece.path.open("rb") as stream:
            stream.seek(piece.start)
            if piece.end is not None:  # cut by pieces(): whole lines, none over the limit across blocks
                chunks: Iterable[tuple[int, bytes | TooLong]] = [(piece.first_line, stream.read(piece.end - piece.start))]
            else:
                chunks = _chunks(stream, PIECE, max_line)
            for first, data in chunks:
                if isinstance(data, TooLong):
                    verdict = judge_safely(payloads.too_long(piece.path, first, data), direction, dialect)
                    counts[verdict.verdict] += 1
                    records.append(writer.verdict(path, first, verdict).encode("utf-8"))
                    events += 1
                elif batch.in_c() and (table := fastpath.tables(dialect or "ga")) is not None and table.decoders.get(direction) is not None:
                    events += _render_lines(piece.path, first, data, direction, writer, max_line, counts, records, table)
                else:
                    done = len(out)
                    _judge_lines(piece.path, first, data, direction, writer, max_line, counts, out)
                    records.extend(record.encode("utf-8") for record in out[done:])
                    events += len(out) - done
    except OSError as error:
        payload = payloads.Payload(piece.path, None, b"", unreadable=f"cannot read the file: {error.strerror or error}")
        verdict = judge_safely(payload, direction, dialect)
        return Judged(piece, _joined([writer.verdict(path, None, verdict)], writer.json), Counter({verdict.verdict: 1}), 1)
    if piece.only and not events:
        return empty_file(piece, direction, fmt, dialect)
    return Judged(piece, (_SEPARATOR if writer.json else b"").join(records), counts, events)


_SEPARATOR = b",\n  "


def _render_lines(file: Path, first: int, data: bytes, direction: str, writer: Writer, max_line: int, counts: Counter[str],
                  records: list[bytes], table: Any) -> int:
    """Judge the lines of ``data`` (line ``first`` onwards) with the loop in C: it proves lines and
    writes their records from the templates up to a line it does not prove, which is judged here
    (or a proof with no template yet, made here), then goes on from the next. Appends the records
    (runs of them joined by the separator) to ``records``; returns how many events."""
    dialect, json_out, path = writer.dialect, writer.json, str(file)
    shown = json.dumps(path, ensure_ascii=False) if json_out else path
    prefix = (f'{{"path": {shown}, "line": ' if json_out else f"{shown}:").encode("utf-8")
    separator = _SEPARATOR if json_out else b""
    templates = writer.encoded(direction)
    render, shapes, shape_of, long_at = batch._cbatch.render_lines, batch.C_SHAPES, batch.c_shape, fastpath.LONG
    decoders = table.decoders
    position, line, end = 0, first, len(data)
    valid = events = 0
    while True:
        run, proved, position, line, proof = render(decoders[direction].decode, shapes, shape_of, long_at, data, position, line,
                                                    prefix, separator, templates, max_line)  # the decoder fetched anew: it may have learned
        if proved:
            records.append(run)
            valid += proved
        if position >= end:
            break
        newline = data.find(b"\n", position)
        stop = end if newline < 0 else newline
        if proof is not None:  # proved, of a kind with no template yet
            records.append(prefix + str(line).encode() + writer.template(proof, direction).encode("utf-8"))
            valid += 1
        else:
            text = data[position:stop]
            if len(text) > max_line:
                payload: payloads.Payload | None = payloads.too_long(file, line, TooLong(len(text), max_line))
            else:
                if newline >= 0:
                    text += b"\n"  # the line as payloads reads it, so that every message is the same
                payload = payloads.transcript_payload(file, line, text)  # a transcript's frame or header, or the line
            if payload is not None:
                proof = _proof(payload, direction) if dialect is None else None
                if proof is not None:  # what judge finds first, without the models (a member to learn, say)
                    records.append(prefix + str(line).encode() + writer.template(proof, direction).encode("utf-8"))
                    valid += 1
                    templates = writer.encoded(direction)
                else:
                    verdict = judge_safely(payload, direction, dialect)
                    counts[verdict.verdict] += 1
                    records.append(writer.verdict(path, line, verdict).encode("utf-8"))
                    events += 1
        position, line = stop + 1, line + 1
    if valid:
        counts["valid"] += valid
    return events + valid


def _judge_lines(file: Path, first: int, data: bytes, direction: str, writer: Writer, max_line: int, counts: Counter[str], out: list[str]) -> None:
    """Judge the lines of ``data`` (line ``first`` onwards), appending their records to ``out``."""
    dialect, json_out, path = writer.dialect, writer.json, str(file)
    lines, proofs = batch.prove_lines(data, direction, dialect or "ga")
    too_long = {index for index, line in enumerate(lines) if len(line) > max_line} if max(map(len, lines)) > max_line else set()
    for index in too_long:
        proofs[index] = None
    templates = writer.templates(direction)
    texts = list(map(templates.get, proofs))  # None: not proved, or no template yet
    shown = json.dumps(path, ensure_ascii=False) if json_out else path
    prefix = f'{{"path": {shown}, "line": ' if json_out else f"{shown}:"
    last, end = len(lines) - 1, len(lines)
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
        if stop in too_long:
            payload: payloads.Payload | None = payloads.too_long(file, first + stop, TooLong(len(line), max_line))
        elif not line or line.isspace():
            continue
        else:
            if stop < last:
                line += b"\n"  # the line as payloads reads it, so that every message is the same
            payload = payloads.transcript_payload(file, first + stop, line)  # a transcript's frame or header, or the line
            if payload is None:
                continue
        verdict = judge_safely(payload, direction, dialect)  # type: ignore[arg-type]
        counts[verdict.verdict] += 1
        out.append(writer.verdict(path, first + stop, verdict))
    if valid:
        counts["valid"] += valid


def _proof(payload: payloads.Payload, direction: str) -> fastpath.Proof | None:
    """The fast path's proof of a payload, as ``judge`` (no dialect) tries it first; ``None``
    (judge_safely decides) when there is none or trying raises."""
    if payload.unreadable or payload.direction:
        return None
    try:
        return fastpath.valid_type(payload.data, direction)
    except Exception:  # noqa: BLE001 - judge_safely meets the same and says so
        return None


def _chunks(stream: BinaryIO, size: int, max_line: int) -> Iterator[tuple[int, bytes | TooLong]]:
    """A stream's whole lines about ``size`` bytes at a time, each with the number of its first
    line, and each line over ``max_line`` bytes as :class:`TooLong`, skipped: memory holds at most
    ``size + max_line`` bytes, however long a line (for files whose size is not known ahead)."""
    carry, line = b"", 1
    while True:
        block = stream.read(size)
        if not block:
            if carry:
                yield line, carry
            return
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        if cut:
            yield line, data[:cut]
            line += data.count(b"\n", 0, cut)
            carry = data[cut:]
        elif len(data) <= max_line:
            carry = data
        else:  # one line over the limit: skipped up to its newline
            length, carry = len(data), b""
            while True:
                block = stream.read(size)
                newline = block.find(b"\n")
                if newline >= 0:
                    length, carry = length + newline, block[newline + 1 :]
                    break
                if not block:
                    break
                length += len(block)
            yield line, TooLong(length, max_line)
            line += 1
            if not block:
                return


def empty_file(piece: Piece, direction: str, fmt: str, dialect: str | None) -> Judged:
    """The entry of a ``.jsonl`` file whose pieces held no event, so that no input disappears."""
    writer = _writer(fmt, dialect)
    verdict = judge_safely(payloads.Payload(piece.path, None, b"", unreadable="the file holds no events"), direction, dialect)
    return Judged(piece, _joined([writer.verdict(str(piece.path), None, verdict)], writer.json), Counter({verdict.verdict: 1}), 1)


def validate(files: Iterable[Path], out: TextIO | outfile.Output, *, direction: str = "auto", fmt: str = "text", dialect: str | None = None,
             jobs: int = 1, size: int = PIECE, max_line: int = MAX_LINE_BYTES) -> Counter[str]:
    """Judge every event of ``files`` and write what ``validate`` prints (the summary line aside);
    returns the verdicts counted. With ``out`` an :class:`~conformance.outfile.Output` and
    ``jobs`` > 1, the workers write the pieces' output themselves."""
    work: Callable[[Piece], Judged] = partial(judge_piece, direction=direction, fmt=fmt, dialect=dialect, max_line=max_line)
    if isinstance(out, outfile.Output) and jobs > 1:
        work = partial(outfile.judged_to_scratch, work, outfile.scratch_directory(out.path))
    json_out = fmt == "json"
    counts: Counter[str] = Counter()
    events_of: Counter[Path] = Counter()
    written = 0
    if json_out:
        out.write("[")
    for judged in in_order(work, pieces(files, size, max_line), jobs):
        piece = judged.piece
        if not piece.only:
            events_of[piece.path] += judged.events
            if piece.last and not events_of.pop(piece.path):
                judged = empty_file(piece, direction, fmt, dialect)
        if judged.events:
            if json_out:
                out.write("\n  " if written == 0 else ",\n  ")
            if isinstance(judged.text, outfile.Segment):
                out.splice(judged.text)  # type: ignore[union-attr]
            else:
                _write(out, judged.text)
            written += judged.events
        counts.update(judged.counts)
    if json_out:
        out.write("\n]\n")
    return counts


def _write(out: TextIO | outfile.Output, text: str | bytes) -> None:
    """Write a piece's output: bytes (UTF-8) straight to a UTF-8 stream's buffer, past its text
    layer (byte for byte what writing the text gives), else as text."""
    if type(text) is str:
        out.write(text)  # type: ignore[arg-type]
    elif isinstance(out, outfile.Output):
        out.write_bytes(text)  # type: ignore[arg-type]
    elif _utf8_buffer(out) is not None:
        out.flush()
        _utf8_buffer(out).write(text)  # type: ignore[union-attr]
    else:
        out.write(text.decode("utf-8"))  # type: ignore[union-attr]


def _utf8_buffer(out: Any) -> Any:
    """The binary buffer under a text stream that writes UTF-8 as it is, or ``None``."""
    buffer, encoding = getattr(out, "buffer", None), getattr(out, "encoding", None)
    if buffer is None or not encoding or getattr(out, "errors", "strict") not in ("strict", "surrogateescape", "replace", "backslashreplace"):
        return None
    try:
        return buffer if codecs.lookup(encoding).name == "utf-8" else None
    except LookupError:
        return None


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
    from concurrent.futures import ProcessPoolExecutor

    window = 3 * jobs
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
