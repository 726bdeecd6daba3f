"""``realtime-conformance validate`` end to end: exit codes, both output formats, and hostile input
that must get a verdict of its own without costing any other event its verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli import run
from .helpers import VALID

AUDIO_EVENT = b'{"type":"response.output_audio.delta","event_id":"event_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"'
SMALL_VALID = b'{"type":"input_audio_buffer.cleared","event_id":"event_2"}'


@pytest.fixture
def valid_dir(tmp_path: Path) -> Path:
    for fixture in VALID[:40]:
        suffix = fixture.direction
        (tmp_path / f"{fixture.id}-{suffix}.json").write_text(json.dumps(fixture.payload))
    return tmp_path


def test_every_valid_event_exits_zero(valid_dir: Path) -> None:
    result = run("validate", valid_dir)
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == "40 events: 40 valid"


def test_an_invalid_event_exits_one_and_explains_itself(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":"1000","item_id":"i"}')
    result = run("validate", tmp_path / "bad.json")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == f"{tmp_path / 'bad.json'}  input_audio_buffer.speech_started  invalid"
    assert lines[1] == '    $.audio_start_ms: expected integer; got string "1000"'
    assert lines[-1] == "1 event: 1 invalid"


def test_jsonl_lines_are_numbered_and_blank_lines_skipped(tmp_path: Path) -> None:
    stream = tmp_path / "session.jsonl"
    stream.write_bytes(SMALL_VALID + b"\n\n" + b'{"type":"response.audio.delta","event_id":"e"}\n' + b'{"type":"ping"}\n')
    result = run("validate", "--format", "json", stream)
    assert result.code == 1
    records = result.json()
    assert [(r["line"], r["verdict"]) for r in records] == [(1, "valid"), (3, "beta-name"), (4, "unknown-type")]
    assert records[1]["errors"] == [{"path": "$.type", "expected": "the GA name 'response.output_audio.delta'", "got": "legacy beta name 'response.audio.delta'"}]


def test_json_output_has_the_documented_shape(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_bytes(b'{"type":"input_audio_buffer.cleared","event_id":"e","extra":[1]}')
    (record,) = run("validate", "--format", "json", tmp_path / "one.json").json()
    assert record == {
        "path": str(tmp_path / "one.json"),
        "line": None,
        "type": "input_audio_buffer.cleared",
        "verdict": "valid",
        "errors": [],
        "unknown_fields": [{"path": "$.extra", "type": "array"}],
        "note": None,
    }


@pytest.mark.parametrize(
    "direction, code, verdict",
    [("client", 1, "unknown-type"), ("server", 0, "valid"), ("auto", 0, "valid")],
)
def test_direction_option(tmp_path: Path, direction: str, code: int, verdict: str) -> None:
    (tmp_path / "e.json").write_bytes(SMALL_VALID)
    result = run("validate", "--direction", direction, "--format", "json", tmp_path / "e.json")
    assert (result.code, result.json()[0]["verdict"]) == (code, verdict)


@pytest.mark.parametrize(
    "args",
    [["validate", "no/such/file.json"], ["validate", "--direction", "sideways", "."], ["validate", "--format", "xml", "."], ["validate"], []],
    ids=["missing-file", "bad-direction", "bad-format", "no-path", "no-command"],
)
def test_usage_errors_exit_two(args: list[str]) -> None:
    result = run(*args)
    assert result.code == 2
    assert "usage:" in result.err


def _hostile_inputs(root: Path) -> dict[str, tuple[str, str]]:
    """Write every hostile input; map each file to (expected verdict, a phrase of its reason)."""
    files = {
        "invalid-utf8.json": (b'{"type":"input_audio_buffer.cleared","event_id":"\xff\xfe"}', "not-json", "invalid UTF-8 at byte"),
        "truncated.json": (b'{"type":"error","event_id":"e","error":{"type":', "not-json", "truncated"),
        "empty.json": (b"", "not-json", "empty document"),
        "empty.jsonl": (b"\n  \n", "not-json", "holds no events"),
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, "not-json", "nested deeper"),
        "deep-object.json": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "not-json", "nested deeper"),
        "nan.json": (b'{"type":"rate_limits.updated","event_id":"e","rate_limits":[{"reset_seconds":NaN}]}', "not-json", "NaN and Infinity"),
        "infinity.json": (b'{"type":"rate_limits.updated","event_id":"e","rate_limits":[{"reset_seconds":-Infinity}]}', "not-json", "NaN and Infinity"),
        "duplicate-keys.json": (b'{"type":"input_audio_buffer.cleared","event_id":"e","event_id":"f"}', "invalid", "appears more than once"),
        "not-an-object.json": (b"[1, 2, 3]", "invalid", "array of 3 items"),
        "control-chars.json": (b'{"type":"error\x01","event_id":"e"}', "not-json", "control character"),
    }
    for name, (data, _, _) in files.items():
        (root / name).write_bytes(data)
    return {name: (verdict, phrase) for name, (data, verdict, phrase) in files.items()}


def test_hostile_inputs_each_get_a_verdict_and_the_run_goes_on(tmp_path: Path) -> None:
    expected = _hostile_inputs(tmp_path)
    # A 50 MB line between two good events in one stream: an audio delta whose last byte is bad.
    huge = AUDIO_EVENT + b"A" * (50 * 1024 * 1024) + b'!==="}'
    (tmp_path / "huge.jsonl").write_bytes(SMALL_VALID + b"\n" + huge + b"\n" + SMALL_VALID + b"\n")
    (tmp_path / "fine.json").write_bytes(SMALL_VALID)

    result = run("validate", "--format", "json", tmp_path)

    assert result.code == 1
    assert result.err == ""
    records = {(Path(r["path"]).name, r["line"]): r for r in result.json()}
    for name, (verdict, phrase) in expected.items():
        record = records[(name, None)]
        assert record["verdict"] == verdict, (name, record)
        assert any(phrase in error["got"] for error in record["errors"]), (name, record["errors"])
    assert records[("fine.json", None)]["verdict"] == "valid"
    assert [records[("huge.jsonl", n)]["verdict"] for n in (1, 2, 3)] == ["valid", "invalid", "valid"]
    assert records[("huge.jsonl", 2)]["errors"][0]["path"] == "$.delta"
    assert len(records) == len(expected) + 4


def test_hostile_inputs_in_text_format(tmp_path: Path) -> None:
    expected = _hostile_inputs(tmp_path)
    result = run("validate", tmp_path)
    assert result.code == 1
    summary = result.out.splitlines()[-1]
    assert summary.startswith(f"{len(expected)} events: ")
    for name in expected:
        assert str(tmp_path / name) in result.out


def test_a_transcript_is_validated_frame_by_frame(tmp_path: Path) -> None:
    transcript = tmp_path / "session.jsonl"
    transcript.write_text(
        '{"transcript": {"protocol": "ga", "transport": "websocket"}}\n'
        '{"dir": "client", "t": 0.1, "event": {"type": "input_audio_buffer.commit"}}\n'
        '{"dir": "server", "t": 0.2, "event": {"type": "input_audio_buffer.cleared", "event_id": "event_1"}}\n'
        '{"dir": "server", "t": 0.3, "raw": "<html>502</html>"}\n'
        + SMALL_VALID.decode() + "\n"
    )
    result = run("validate", "--format", "json", transcript)
    lines = [(record["line"], record["type"], record["verdict"]) for record in result.json()]
    assert lines == [(2, "input_audio_buffer.commit", "valid"), (3, "input_audio_buffer.cleared", "valid"), (4, None, "not-json"), (5, "input_audio_buffer.cleared", "valid")]
    assert result.code == 1
