"""The transcript format: every kind of line, every malformed line reported with its line number and
JSON path while the reader goes on, the schema shipped in the package, and the writer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from conformance.schema import SHIPPED_SCHEMAS
from conformance.sessions.transcript import Frame, Header, TranscriptWriter, line_schema, open_transcript, parse_text

from .cli import run

HEADER = '{"transcript": {"protocol": "ga", "transport": "webrtc", "excerpt": true, "notes": "barge-in"}}'


def frames(text: str) -> list[Frame]:
    return list(parse_text(text))


def test_a_header_and_frames_in_both_directions() -> None:
    transcript = parse_text(HEADER + '\n{"dir": "client", "t": 0.5, "event": {"type": "response.create"}}\n{"dir": "server", "event": {"type": "error"}}\n')
    assert transcript.header == Header(transport="webrtc", excerpt=True, notes="barge-in")
    assert transcript.header_problem is None
    first, second = transcript
    assert (first.line, first.dir, first.t, first.event_type) == (2, "client", 0.5, "response.create")
    assert (second.line, second.dir, second.t, second.event_type) == (3, "server", None, "error")


def test_without_a_header_the_defaults_apply() -> None:
    transcript = parse_text('{"type": "response.created", "event_id": "e", "response": {}}')
    assert transcript.header == Header(protocol="ga", transport="websocket", excerpt=False)
    assert [frame.dir for frame in transcript] == ["server"]


def test_bare_events_take_their_direction_from_the_type() -> None:
    found = frames('{"type": "session.update", "session": {}}\n{"type": "session.updated"}\n{"type": "xai.ping"}\n\n')
    assert [(frame.line, frame.dir) for frame in found] == [(1, "client"), (2, "server"), (3, "server")]


def test_a_bare_event_with_a_transcript_member_is_an_event_not_a_header() -> None:
    line = '{"type": "conversation.item.input_audio_transcription.completed", "event_id": "e", "item_id": "i", "content_index": 0, "transcript": "hi"}'
    transcript = parse_text(line + "\n" + line)
    assert transcript.header_problem is None and transcript.header == Header()
    assert [(frame.line, frame.event_type, frame.problem) for frame in transcript] == [(1, "conversation.item.input_audio_transcription.completed", None)] * 1 + [(2, "conversation.item.input_audio_transcription.completed", None)]


def test_raw_and_binary_frames_are_kept() -> None:
    raw, binary = frames('{"dir": "server", "raw": "<html>bad gateway"}\n{"dir": "client", "binary": "AAEC"}')
    assert (raw.raw, raw.has_event, raw.problem) == ("<html>bad gateway", False, None)
    assert (binary.binary, binary.has_event) == (b"\x00\x01\x02", False)


@pytest.mark.parametrize(
    ("line", "path", "expected"),
    [
        ("not json", "$", "a JSON object (a transcript line)"),
        ('["a", "list"]', "$", "a JSON object (a transcript line)"),
        ('{"dir": "up", "event": {}}', "$.dir", "'client' or 'server'"),
        ('{"event": {}}', "$.dir", "'client' or 'server'"),
        ('{"dir": "server", "t": -1, "event": {}}', "$.t", "a number of seconds >= 0"),
        ('{"dir": "server", "t": "0.5", "event": {}}', "$.t", "a number of seconds >= 0"),
        ('{"dir": "server", "event": {}, "raw": "x"}', "$", "exactly one of event, raw, binary"),
        ('{"dir": "server"}', "$", "exactly one of event, raw, binary"),
        ('{"dir": "server", "event": {}, "at": 1}', "$.at", "only dir, t and one of event, raw, binary"),
        ('{"dir": "server", "raw": 5}', "$.raw", "the frame's text, a string"),
        ('{"dir": "server", "binary": "not base64!"}', "$.binary", "the frame's bytes as base64"),
        ('{"dir": "server", "dir": "client", "event": {}}', "$.dir", "member names unique within an object"),
        ('{"transcript": {}}', "$.transcript", "the header only on the first line"),
    ],
)
def test_a_malformed_line_is_reported_with_its_line_and_path_and_reading_goes_on(line: str, path: str, expected: str) -> None:
    found = frames('{"dir": "server", "event": {"type": "a"}}\n' + line + '\n{"dir": "server", "event": {"type": "b"}}')
    assert [frame.line for frame in found] == [1, 2, 3]
    problem = found[1].problem
    assert problem is not None and (problem.line, problem.path, problem.expected) == (2, path, expected)
    assert found[1].raw == line and not found[1].has_event
    assert found[2].event_type == "b"


def test_a_bad_header_is_reported_and_the_frames_still_read() -> None:
    transcript = parse_text('{"transcript": {"protocol": "v2", "transport": "websocket"}}\n{"type": "error"}')
    problem = transcript.header_problem
    assert problem is not None and (problem.line, problem.path, problem.got) == (1, "$.transcript.protocol", 'string "v2"')
    assert problem.expected.startswith("'ga'")
    assert [frame.event_type for frame in transcript] == ["error"]
    unknown = parse_text('{"transcript": {"bogus": 1}}').header_problem
    assert unknown is not None and unknown.path == "$.transcript.bogus" and unknown.expected.startswith("a header member: id, description")


def test_invalid_utf8_and_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    path.write_bytes(b'{"type": "error"}\n{"dir": "server", "raw": "\xff"}\n')
    found = list(open_transcript(path))
    assert found[1].problem is not None and "invalid UTF-8" in found[1].problem.got
    missing = open_transcript(tmp_path / "absent.jsonl")
    assert missing.header_problem is not None and "cannot read it" in missing.header_problem.got
    assert list(missing) == []


def test_the_shipped_schema_is_the_generated_one_and_accepts_every_kind_of_line() -> None:
    shipped = json.loads((SHIPPED_SCHEMAS / "transcript.schema.json").read_text())
    assert shipped == line_schema(), "regenerate it: realtime-conformance schema --transcript > conformance/schemas/transcript.schema.json"
    validator = jsonschema.Draft202012Validator(shipped)
    for line in (HEADER, '{"dir": "client", "t": 1, "event": {"type": "x"}}', '{"dir": "server", "raw": "x"}', '{"dir": "server", "binary": "AA=="}', '{"type": "error"}'):
        assert not list(validator.iter_errors(json.loads(line))), line
    for line in ('{"dir": "up", "event": {}}', '{"transcript": {"excerpt": "yes"}}', '{"dir": "server", "event": {}, "extra": 1}'):
        assert list(validator.iter_errors(json.loads(line))), line


def test_the_schema_command_prints_it() -> None:
    done = run("schema", "--transcript")
    assert done.code == 0 and done.json() == line_schema()


def test_the_writer_flushes_every_line_and_what_it_writes_reads_back() -> None:
    stream = io.StringIO()
    writer = TranscriptWriter(stream, Header(transport="websocket", notes="probe"))
    written = [Frame(0, "client", event={"type": "response.create"}, t=0.0), Frame(0, "server", raw="oops", t=0.25), Frame(0, "server", binary=b"\x01", t=0.5)]
    for frame in written:
        writer.write(frame)
        assert stream.getvalue().endswith("\n")
    read = parse_text(stream.getvalue())
    assert read.header.notes == "probe"
    assert [frame.to_line() for frame in read] == [frame.to_line() for frame in written]
    assert writer.frames == 3
