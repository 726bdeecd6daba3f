"""``validate`` and ``session`` in bulk and in several processes (``--jobs``) print exactly what
judging every payload one by one prints, in input order: large files cut into pieces at line
boundaries, the fast path's templated records, blank lines, a last line without a newline, an
empty file, transcripts, unknown members, hostile lines."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conformance import bulk, outfile, payloads
from conformance.commands.validate import summary
from conformance.verdict import Verdict

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SESSIONS = FIXTURES / "sessions"

LINES = [
    '{"type":"input_audio_buffer.speech_started","event_id":"event_1","audio_start_ms":1000,"item_id":"item_1"}',
    '{"type":"response.output_audio_transcript.delta","event_id":"event_2","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":" 10:30 Zürich","obfuscation":"abc"}',
    '{"type":"response.output_audio_transcript.delta","event_id":"event_3","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"x","obfuscation":"def"}',
    "",
    "   ",
    '{"type":"input_audio_buffer.speech_started","event_id":"event_4","audio_start_ms":"1000","item_id":"item_1"}',
    '{"type":"response.audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":""}',
    '{"type":"input_audio_buffer.cleared","type":"input_audio_buffer.cleared","event_id":"e"}',
    '{"type":"nope","event_id":"e"}',
    '{"type":"conversation.item.created","event_id":"e","previous_item_id":null,"item":{"type":"message","role":"user","content":[]}}',
    "not json at all",
    '{"type":"input_audio_buffer.speech_started","event_id":"event_5","audio_start_ms":NaN,"item_id":"item_1"}',
    '{"dir":"server","event":{"type":"input_audio_buffer.cleared","event_id":"e9"}}',
    '{"type":"response.output_audio.delta","event_id":"event_6","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"' + "QUFB" * 800 + '"}',
    '{"type":"input_audio_buffer.clear","event_id":"client_1"}\r',
    '{"type":"input_audio_buffer.speech_stopped","event_id":"event_7","audio_end_ms":2000,"item_id":"item_1"}',
]


def one_by_one(files: list[Path], fmt: str, direction: str = "auto", dialect: str | None = None) -> tuple[str, Counter[str]]:
    """What validate printed before it judged in bulk: each payload read, judged and written alone."""
    counts: Counter[str] = Counter()
    records = []
    for path in files:
        for payload in payloads.read(path):
            verdict = bulk.judge_safely(payload, direction, dialect)
            counts[verdict.verdict] += 1
            records.append((payload, verdict))
    if fmt == "json":
        out = "["
        for index, (payload, verdict) in enumerate(records):
            out += ("\n  " if index == 0 else ",\n  ") + json.dumps(_record(payload, verdict), ensure_ascii=False)
        return out + "\n]\n", counts
    return "".join(_text(payload, verdict) for payload, verdict in records), counts


def _record(payload: payloads.Payload, verdict: Verdict) -> dict:
    record = {
        "path": str(payload.path), "line": payload.line, "type": verdict.type, "verdict": verdict.verdict,
        "errors": [{"path": e.path, "expected": e.expected, "got": e.got} for e in verdict.errors],
        "unknown_fields": [{"path": u.path, "type": u.type} for u in verdict.unknown_fields], "note": verdict.note,
    }
    if verdict.dialect:
        record["dialect"] = verdict.dialect
    return record


def _text(payload: payloads.Payload, verdict: Verdict) -> str:
    where = f"{payload.path}:{payload.line}" if payload.line is not None else str(payload.path)
    judged = f" under {verdict.dialect}" if verdict.dialect else ""
    out = f"{where}  {verdict.type or '-'}  {verdict.verdict}{judged}\n"
    out += "".join(f"    {e.path}: expected {e.expected}; got {e.got}\n" for e in verdict.errors)
    out += "".join(f"    info: unknown field {u.path} ({u.type})\n" for u in verdict.unknown_fields)
    if verdict.note and (verdict.verdict == "valid" or verdict.dialect):
        out += f"    note: {verdict.note}\n"
    return out


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("recordings")
    (folder / "a.jsonl").write_text("\n".join(LINES * 7) + "\n", encoding="utf-8")
    (folder / "b-no-final-newline.jsonl").write_text("\n".join(LINES[:3] + LINES[5:]), encoding="utf-8")
    (folder / "c-empty.jsonl").write_text("\n\n", encoding="utf-8")
    (folder / "d-one.json").write_text(LINES[0], encoding="utf-8")
    (folder / "e-not-utf8.jsonl").write_bytes(b'{"type":"input_audio_buffer.cleared","event_id":"caf\xe9"}\n' + LINES[0].encode() + b"\n")
    blank_pieces = folder / "f-blank-pieces.jsonl"
    blank_pieces.write_text(LINES[0] + "\n" + "\n" * 300 + LINES[1] + "\n", encoding="utf-8")
    files = payloads.expand([folder])
    files += sorted((FIXTURES / "server" / "response.output_audio_transcript.delta").glob("*.json"))[:5]
    files += sorted(SESSIONS.glob("*.jsonl"))[:3]
    return files


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("jobs, size", [(1, bulk.PIECE), (1, 300), (2, 300), (3, 1000)])
def test_bulk_output_is_what_judging_one_by_one_prints(recordings: list[Path], fmt: str, jobs: int, size: int) -> None:
    expected, expected_counts = one_by_one(recordings, fmt)
    out = io.StringIO()
    counts = bulk.validate(recordings, out, fmt=fmt, jobs=jobs, size=size)
    assert out.getvalue() == expected
    assert counts == expected_counts


@pytest.mark.parametrize("direction, dialect", [("server", None), ("auto", "ga"), ("server", "beta"), ("auto", "xai")])
def test_direction_and_dialect_do_not_change_the_equivalence(recordings: list[Path], direction: str, dialect: str | None) -> None:
    for fmt in ("text", "json"):
        expected, _ = one_by_one(recordings, fmt, direction, dialect)
        out = io.StringIO()
        bulk.validate(recordings, out, fmt=fmt, direction=direction, dialect=dialect, jobs=2, size=400)
        assert out.getvalue() == expected


def test_pieces_cut_at_line_boundaries_and_count_lines(tmp_path: Path) -> None:
    lines = [f'{{"n":{i}}}' + " " * (i % 37) for i in range(500)]
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(lines) + "\n")
    cut = list(bulk.pieces([path], size=256))
    assert len(cut) > 10 and cut[-1].last and not any(piece.last for piece in cut[:-1]) and not any(piece.only for piece in cut)
    data = path.read_bytes()
    assert b"".join(data[p.start : p.end] for p in cut) == data
    for piece in cut:
        assert piece.start == 0 or data[piece.start - 1 : piece.start] == b"\n"
        assert data[: piece.start].count(b"\n") + 1 == piece.first_line


def test_a_line_longer_than_a_piece_grows_the_piece(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    path.write_text(LINES[0] + "\n" + LINES[13] + "\n" + LINES[0] + "\n")
    out = io.StringIO()
    bulk.validate([path], out, size=100, jobs=2)
    assert out.getvalue() == one_by_one([path], "text")[0]


def test_the_command_line_takes_jobs_and_prints_the_summary(recordings: list[Path]) -> None:
    expected, counts = one_by_one(recordings, "text")
    run = subprocess.run([sys.executable, "-m", "conformance.cli", "validate", "--jobs", "2", *map(str, recordings)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.stdout == expected + summary(counts) + "\n"
    assert run.returncode == 1
    for command in ("validate", "session"):
        refused = subprocess.run([sys.executable, "-m", "conformance.cli", command, "--jobs", "-1", str(recordings[0])],
                                 capture_output=True, text=True, timeout=60, check=False)
        assert refused.returncode == 2
        assert "--jobs must be 0 (one per core) or more" in refused.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_session_jobs_print_the_same_in_input_order(fmt: str) -> None:
    files = [str(path) for path in sorted(SESSIONS.glob("*.jsonl"))]
    serial = subprocess.run([sys.executable, "-m", "conformance.cli", "session", "--format", fmt, *files],
                            capture_output=True, text=True, timeout=300, check=False)
    parallel = subprocess.run([sys.executable, "-m", "conformance.cli", "session", "--format", fmt, "--jobs", "2", *files],
                              capture_output=True, text=True, timeout=300, check=False)
    assert parallel.stdout == serial.stdout and serial.stdout
    assert parallel.returncode == serial.returncode


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("jobs, size", [(1, bulk.PIECE), (2, 300), (3, 1000)])
def test_output_file_written_by_the_workers_is_what_stdout_prints(recordings: list[Path], tmp_path: Path, fmt: str, jobs: int, size: int) -> None:
    """``--output FILE``: the workers write their pieces' output into scratch files, the parent
    lays them into FILE in input order; FILE is what stdout shows, and no scratch file is left."""
    expected, expected_counts = one_by_one(recordings, fmt)
    target = tmp_path / "out" / "verdicts.txt"
    target.parent.mkdir()
    out = outfile.Output(target)
    try:
        counts = bulk.validate(recordings, out, fmt=fmt, jobs=jobs, size=size)
    finally:
        out.close()
    assert target.read_text(encoding="utf-8") == expected
    assert counts == expected_counts
    assert [path.name for path in target.parent.iterdir()] == ["verdicts.txt"]


def test_the_command_line_writes_the_output_file(recordings: list[Path], tmp_path: Path) -> None:
    expected, counts = one_by_one(recordings, "text")
    target = tmp_path / "verdicts.txt"
    run = subprocess.run([sys.executable, "-m", "conformance.cli", "validate", "--jobs", "2", "--output", str(target), *map(str, recordings)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.stdout == "" and run.returncode == 1
    assert target.read_text(encoding="utf-8") == expected + summary(counts) + "\n"
