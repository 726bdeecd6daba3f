"""``realtime-conformance detect``: text and JSON output, and exit status 0 only when every input
has one dialect."""

from __future__ import annotations

from pathlib import Path

from .cli import run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_one_dialect_everywhere_exits_zero_and_says_which() -> None:
    done = run("detect", FIXTURES / "xai" / "sessions" / "xai-tool-call-round.jsonl", FIXTURES / "beta" / "sessions")
    assert done.code == 0, done.err
    lines = [line for line in done.out.splitlines() if not line.startswith(" ")]
    assert lines[0].startswith(f"{FIXTURES / 'xai' / 'sessions' / 'xai-tool-call-round.jsonl'}: xai (confidence high; ")
    assert all(": beta (confidence medium;" in line for line in lines[1:]) and len(lines) == 4
    assert "    line 2: `session.created` fits xai (" in done.out  # line 1 is the transcript's header


def test_json_gives_path_dialect_confidence_evidence_and_mixed() -> None:
    done = run("detect", "--format", "json", FIXTURES / "mixed" / "sessions" / "mixed-ga-beta-name-leak.jsonl")
    assert done.code == 1
    (found,) = done.json()
    assert set(found) == {"path", "dialect", "confidence", "evidence", "mixed"}
    assert (found["dialect"], found["confidence"], found["mixed"]) == ("ga", "low", ["beta"])
    assert set(found["evidence"][0]) == {"line", "reason"} and isinstance(found["evidence"][0]["line"], int)


def test_nothing_decided_is_null_and_exits_one(tmp_path: Path) -> None:
    stream = tmp_path / "quiet.jsonl"
    stream.write_text('{"type": "input_audio_buffer.cleared", "event_id": "e"}\n')
    done = run("detect", "--format", "json", stream)
    assert done.code == 1 and done.json() == [{"path": str(stream), "dialect": None, "confidence": "none", "evidence": [], "mixed": []}]
    text = run("detect", stream)
    assert text.code == 1 and "no dialect decided (confidence none; 0 of 1 events decisive)" in text.out


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    done = run("detect", tmp_path / "nowhere.jsonl")
    assert done.code == 2 and "no such file or directory" in done.err
