"""The transcript format: one recorded or authored session as JSON Lines.

Every line is one of:

* a **header**, only as the first line: ``{"transcript": {"protocol": "ga", "transport": "websocket",
  "excerpt": false, "provenance": {...}, ...}}`` (see :class:`Header`);
* a **frame**: ``{"dir": "client"|"server", "t": 0.25, "event": {...}}``, where ``t`` (seconds since the
  session started) is optional;
* a frame whose text was not JSON, kept so that a recorder never loses one:
  ``{"dir": ..., "raw": "<text>"}``, or a binary WebSocket frame: ``{"dir": ..., "binary": "<base64>"}``;
* a **bare event**, as people paste logs: ``{"type": "response.done", ...}``. Its direction comes from
  its type (the GA client and server sets are disjoint); a type of neither set is a server event.

:func:`open_transcript` streams a file: it reads the header, then yields one :class:`Frame` per line.
A line that is not a well-formed transcript line still yields a frame, carrying its
:class:`LineProblem`, so that nothing disappears from a report and the reader goes on. Memory stays
flat however long the file is.

``realtime-conformance schema --transcript`` prints the JSON Schema of one line (:func:`line_schema`).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..corpus.fixtures import ID_PATTERN, Provenance
from ..decoding import NotJSON, decode, find_duplicate_key
from ..exact_numbers import dumps, exact
from ..jsonpath import ROOT, child, describe
from ..lines import MAX_LINE_BYTES, TooLong, numbered
from ..protocol.dialects import NAMES as DIALECTS
from ..protocol.names import CLIENT_EVENT_TYPES, Transport

Direction = Literal["client", "server"]
SUFFIX = ".jsonl"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Header(_Strict):
    """What a transcript says about itself. Every member is optional outside the session corpus,
    where ``id``, ``description`` and ``provenance`` are required."""

    model_config = ConfigDict(title="Realtime conformance transcript header")

    id: str | None = Field(default=None, pattern=ID_PATTERN, max_length=80, description="permanent id in the session corpus; equals the file stem")
    description: str | None = Field(default=None, min_length=1, max_length=160, pattern=r"^[^\n]*$")
    protocol: Literal[DIALECTS] = Field(default="ga", description="the protocol the session speaks: ga or another dialect")  # type: ignore[valid-type]
    transport: Transport = Field(default="websocket", description="output_audio_buffer.* exists only on webrtc and sip")
    excerpt: bool = Field(
        default=False,
        description="the file starts or ends mid-session: ids first seen before it are not findings, "
        "and a response still open at the end is incomplete, not broken",
    )
    provenance: Provenance | None = None
    notes: str | None = Field(default=None, description="free text: how the session was made, what it shows")


@dataclass(frozen=True, slots=True)
class LineProblem:
    """Why a line is not a well-formed transcript line: where, what was expected, what was there."""

    line: int
    path: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.path}: expected {self.expected}, got {self.got}"


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame of a session, in order. Exactly one of ``event``, ``raw`` and ``binary`` is set for a
    well-formed frame; a malformed line has ``problem`` set and keeps its text in ``raw``."""

    line: int
    dir: Direction
    event: Any = None
    raw: str | None = None
    binary: bytes | None = None
    t: float | None = None
    problem: LineProblem | None = None
    #: The line was a bare event: its direction was inferred from its type, not recorded.
    bare: bool = False

    @property
    def has_event(self) -> bool:
        return self.problem is None and self.raw is None and self.binary is None

    @property
    def event_type(self) -> str | None:
        kind = self.event.get("type") if isinstance(self.event, dict) else None
        return kind if isinstance(kind, str) else None

    @property
    def event_id(self) -> str | None:
        value = self.event.get("event_id") if isinstance(self.event, dict) else None
        return value if isinstance(value, str) else None

    def to_line(self) -> dict[str, Any]:
        """This frame as a transcript line (what :class:`TranscriptWriter` writes)."""
        line: dict[str, Any] = {"dir": self.dir}
        if self.t is not None:
            line["t"] = self.t
        if self.binary is not None:
            line["binary"] = base64.b64encode(self.binary).decode("ascii")
        elif self.raw is not None:
            line["raw"] = self.raw
        else:
            line["event"] = self.event
        return line


@dataclass
class Transcript:
    """An open transcript: its header, any problem with it, and its frames, read lazily once."""

    path: Path | None
    header: Header
    header_problem: LineProblem | None = None
    frames: Iterator[Frame] = field(default_factory=lambda: iter(()), repr=False)

    def __iter__(self) -> Iterator[Frame]:
        return self.frames


def open_transcript(path: Path, max_line: int = MAX_LINE_BYTES) -> Transcript:
    """Open ``path`` for streaming. Never raises for bad content; an unreadable file is one problem,
    a line over ``max_line`` bytes a problem of that line (it is skipped unread)."""
    try:
        stream = path.open("rb")
    except OSError as error:
        problem = LineProblem(0, ROOT, "a readable transcript file", f"cannot read it: {error.strerror or error}")
        return Transcript(path, Header(), problem)
    transcript = read_lines(_lines(stream, max_line))
    transcript.path = path
    return transcript


def read_lines(lines: Iterable[tuple[int, bytes | TooLong]]) -> Transcript:
    """A transcript from numbered lines (1-based). Blank lines are skipped."""
    decoded = ((number, text, *_decode(number, text)) for number, text in lines if isinstance(text, TooLong) or text.strip())
    first = next(decoded, None)
    if first is None:
        return Transcript(None, Header())
    number, _, value, problem = first
    if _is_header(value):
        header, problem = _header(number, value, problem)
        return Transcript(None, header, problem, (_frame(*item) for item in decoded))
    return Transcript(None, Header(), None, (_frame(*item) for item in itertools.chain([first], decoded)))


def parse_text(text: str) -> Transcript:
    """A transcript from a string (tests and authored snippets)."""
    return read_lines((number, line.encode()) for number, line in enumerate(text.splitlines(), start=1))


def _lines(stream: BinaryIO, max_line: int) -> Iterator[tuple[int, bytes | TooLong]]:
    with stream:
        yield from numbered(stream, max_line)


def _is_header(value: Any) -> bool:
    """A header line: ``transcript`` and neither ``type`` nor ``dir`` (a bare
    ``…input_audio_transcription.completed`` event has a ``transcript`` member too)."""
    return isinstance(value, dict) and "transcript" in value and "type" not in value and "dir" not in value


def _decode(number: int, text: bytes | TooLong) -> tuple[Any, LineProblem | None]:
    if isinstance(text, TooLong):
        return None, LineProblem(number, ROOT, "a JSON object (a transcript line)", f"not JSON: {text}")
    try:
        value = exact(text, decode(text))
    except NotJSON as reason:
        return None, LineProblem(number, ROOT, "a JSON object (a transcript line)", f"not JSON: {reason}")
    duplicate = find_duplicate_key(text, value)
    if duplicate is not None:
        path, key = duplicate
        return value, LineProblem(number, child(path, key), "member names unique within an object", f"{key!r} appears more than once")
    return value, None


def _header(number: int, value: dict[str, Any], problem: LineProblem | None) -> tuple[Header, LineProblem | None]:
    if problem is None and len(value) != 1:
        extra = sorted(set(value) - {"transcript"})
        problem = LineProblem(number, child(ROOT, extra[0]), "only the member 'transcript' on the header line", "another member")
    try:
        return Header.model_validate(value["transcript"]), problem
    except ValidationError as failure:
        error = failure.errors(include_url=False)[0]
        path = ROOT + ".transcript"
        for step in error["loc"]:
            path = child(path, step)
        if error["type"] == "extra_forbidden":
            expected = "a header member: " + ", ".join(Header.model_fields)
        else:
            expected = error["msg"].removeprefix("Input should be ").removeprefix("Value should be ")
        return Header(), problem or LineProblem(number, path, expected, describe(error.get("input")))


def _frame(number: int, text: bytes | TooLong, value: Any, problem: LineProblem | None) -> Frame:
    def broken(why: LineProblem) -> Frame:
        direction = value.get("dir") if isinstance(value, dict) and value.get("dir") in ("client", "server") else "server"
        raw = "" if isinstance(text, TooLong) else text.decode("utf-8", "replace").rstrip("\r\n")
        return Frame(number, direction, raw=raw, problem=why)

    if problem is not None:
        return broken(problem)
    if not isinstance(value, dict):
        return broken(LineProblem(number, ROOT, "a JSON object (a transcript line)", describe(value)))
    if _is_header(value):
        return broken(LineProblem(number, "$.transcript", "the header only on the first line", "a header here"))
    if "dir" not in value and "event" not in value and "raw" not in value:
        return _bare(number, value)
    direction = value.get("dir")
    if direction not in ("client", "server"):
        return broken(LineProblem(number, "$.dir", "'client' or 'server'", "absent" if "dir" not in value else describe(direction)))
    t = value.get("t")
    if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0):
        return broken(LineProblem(number, "$.t", "a number of seconds >= 0", describe(t)))
    unknown = sorted(set(value) - {"dir", "t", "event", "raw", "binary"})
    if unknown:
        return broken(LineProblem(number, child(ROOT, unknown[0]), "only dir, t and one of event, raw, binary", "an unknown member"))
    payload = [key for key in ("event", "raw", "binary") if key in value]
    if len(payload) != 1:
        got = "none of them" if not payload else " and ".join(payload)
        return broken(LineProblem(number, ROOT, "exactly one of event, raw, binary", got))
    if "raw" in value:
        if not isinstance(value["raw"], str):
            return broken(LineProblem(number, "$.raw", "the frame's text, a string", describe(value["raw"])))
        return Frame(number, direction, raw=value["raw"], t=t)
    if "binary" in value:
        try:
            data = base64.b64decode(value["binary"], validate=True) if isinstance(value["binary"], str) else None
        except (binascii.Error, ValueError):
            data = None
        if data is None:
            return broken(LineProblem(number, "$.binary", "the frame's bytes as base64", describe(value["binary"])))
        return Frame(number, direction, binary=data, t=t)
    return Frame(number, direction, event=value["event"], t=t)


def _bare(number: int, value: dict[str, Any]) -> Frame:
    kind = value.get("type")
    direction: Direction = "client" if kind in CLIENT_EVENT_TYPES else "server"
    return Frame(number, direction, event=value, bare=True)


# --- writing ------------------------------------------------------------------------------------


def header_line(header: Header) -> dict[str, Any]:
    return {"transcript": header.model_dump(mode="json", exclude_none=True)}


class TranscriptWriter:
    """Writes a transcript as the session happens: the header first, then each frame, flushed at
    once, so that a crash or a killed process loses nothing already seen. The recorder, the probe
    and the scripted server all write through it."""

    def __init__(self, stream: IO[str], header: Header | None = None) -> None:
        self._stream = stream
        self.frames = 0
        if header is not None:
            self._write(header_line(header))

    @classmethod
    def create(cls, path: Path, header: Header | None = None) -> TranscriptWriter:
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(path.open("w", encoding="utf-8"), header)

    def write(self, frame: Frame) -> None:
        self._write(frame.to_line())
        self.frames += 1

    def _write(self, line: dict[str, Any]) -> None:
        # Never ``Infinity``: a number beyond a float's range is written with the digits it came with.
        self._stream.write(dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> TranscriptWriter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def add_note(path: Path, note: str) -> None:
    """Add ``note`` to the ``notes`` of the transcript at ``path`` (how a session ended, known only at
    its end). The file is copied with the new header and replaced in one step: a crash meanwhile
    leaves it as it was."""
    staged = path.with_name(path.name + ".partial")
    with path.open("rb") as source, staged.open("wb") as target:
        first = source.readline()
        try:
            header = Header.model_validate(decode(first)["transcript"])
        except (NotJSON, KeyError, TypeError, ValidationError):
            header, rest = Header(), [first]  # no header: one is added
        else:
            rest = []
        header = header.model_copy(update={"notes": f"{header.notes} {note}" if header.notes else note})
        target.write((dumps(header_line(header), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
        target.writelines(rest)
        while chunk := source.read(1 << 20):
            target.write(chunk)
    staged.replace(path)


# --- schema -------------------------------------------------------------------------------------


class _EventLine(_Strict):
    dir: Direction
    t: float | None = Field(default=None, ge=0, description="seconds since the session started")
    event: Any = Field(description="the event, as sent; judged by the reference models, not by this schema")


class _RawLine(_Strict):
    dir: Direction
    t: float | None = Field(default=None, ge=0)
    raw: str = Field(description="the text of a frame that was not JSON, unchanged")


class _BinaryLine(_Strict):
    dir: Direction
    t: float | None = Field(default=None, ge=0)
    binary: str = Field(description="a binary WebSocket frame, as base64")


class _HeaderLine(_Strict):
    transcript: Header


def line_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one transcript line."""
    from pydantic import TypeAdapter

    union = TypeAdapter(_HeaderLine | _EventLine | _RawLine | _BinaryLine).json_schema()
    bare = {
        "type": "object",
        "title": "A bare event (direction from its type)",
        "required": ["type"],
        "properties": {"type": {"type": "string"}},
        "not": {"anyOf": [{"required": ["dir"]}, {"required": ["transcript"]}]},
    }
    branches = union.pop("anyOf")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Realtime conformance transcript line",
        "description": "One line of a transcript (JSON Lines). The header may only be the first line.",
        "anyOf": [*branches, bare],
        **union,
    }
