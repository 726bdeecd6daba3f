"""``realtime-conformance session`` end to end: exit codes, both output formats, the options, and
hostile transcripts that must get findings and verdicts, never a crash, in flat memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conformance.families.sessions import SESSIONS_ROOT
from conformance.sessions.mutate import mutations

from .cli import TIMEOUT_SECONDS, run

CORPUS = sorted(SESSIONS_ROOT.glob("*.jsonl"))
SMALL_VALID = b'{"type":"input_audio_buffer.cleared","event_id":"event_2"}'
AUDIO_EVENT = b'{"type":"response.output_audio.delta","event_id":"event_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"'


def test_the_valid_corpus_exits_zero_with_a_summary_per_file() -> None:
    result = run("session", SESSIONS_ROOT)
    assert result.code == 0, result.out
    summaries = [line for line in result.out.splitlines() if not line.startswith(" ") and ": " in line and "events:" in line]
    assert len(summaries) == len(CORPUS)
    text = SESSIONS_ROOT / "text-response.jsonl"
    assert f"{text}: 27 events: 27 valid; findings: 0 MUST, 0 SHOULD, 0 INFO; complete" in result.out.splitlines()


def broken(tmp_path: Path, rule: str, session: str = "text-response") -> Path:
    mutation = next(m for m in mutations((SESSIONS_ROOT / f"{session}.jsonl").read_text()) if m.rule == rule and m.level == "MUST")
    path = tmp_path / f"{session}-broken.jsonl"
    path.write_text(mutation.text)
    return path


def test_a_broken_session_exits_one_and_names_rule_line_and_cause(tmp_path: Path) -> None:
    path = broken(tmp_path, "response.done-exactly-once")
    result = run("session", path)
    assert result.code == 1
    lines = result.out.splitlines()
    header = next(i for i, line in enumerate(lines) if "response.done-exactly-once" in line)
    assert lines[header] == f"{path}:29  MUST  response.done-exactly-once  response.done"
    assert lines[header + 1].startswith("    line 29: a second `response.done` for resp_")
    assert lines[-1].endswith("; findings: 1 MUST, 0 SHOULD, 0 INFO; complete")


def test_json_output_has_the_documented_shape(tmp_path: Path) -> None:
    path = broken(tmp_path, "response.done-exactly-once")
    (record,) = run("session", "--format", "json", path).json()
    assert set(record) == {"path", "events", "verdicts", "complete", "findings", "transport", "excerpt", "suppressed"}
    assert (record["path"], record["events"], record["verdicts"], record["complete"]) == (str(path), 28, {"valid": 28}, True)
    (finding,) = record["findings"]
    assert set(finding) == {"rule", "level", "line", "event_type", "event_id", "message", "related_lines"}
    assert (finding["rule"], finding["level"], finding["line"], finding["event_type"]) == ("response.done-exactly-once", "MUST", 29, "response.done")
    assert finding["event_id"] == "event_copy0027mutation" and finding["related_lines"] == [28]


def test_an_invalid_event_fails_the_run_and_an_unknown_type_does_not(tmp_path: Path) -> None:
    (tmp_path / "invalid.jsonl").write_text('{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":"1000","item_id":"i"}\n')
    (tmp_path / "unknown.jsonl").write_text('{"type":"session.created","event_id":"e1","session":{"type":"realtime","object":"realtime.session","id":"s"}}\n'
                                            '{"type":"vendor.ping","event_id":"e2"}\n')
    invalid = run("session", "--format", "json", tmp_path / "invalid.jsonl")
    assert invalid.code == 1
    (finding,) = [f for f in invalid.json()[0]["findings"] if f["rule"] == "event.verdict"]
    assert finding["level"] == "MUST" and '$.audio_start_ms: expected integer, got string "1000"' in finding["message"]
    unknown = run("session", tmp_path / "unknown.jsonl")
    assert unknown.code == 0, unknown.out
    assert "INFO  event.verdict  vendor.ping" in unknown.out


def test_transport_option_overrides_the_header(tmp_path: Path) -> None:
    webrtc = SESSIONS_ROOT / "barge-in-webrtc.jsonl"
    assert run("session", webrtc).code == 0
    overridden = run("session", "--transport", "websocket", "--format", "json", webrtc)
    assert overridden.code == 1
    record = overridden.json()[0]
    assert record["transport"] == "websocket"
    assert any(f["rule"] == "oab.transport-scope" and f["level"] == "MUST" for f in record["findings"])


def test_excerpt_option(tmp_path: Path) -> None:
    lines = (SESSIONS_ROOT / "text-response.jsonl").read_text().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:1] + lines[9:15]) + "\n")  # from mid-response to mid-response
    plain = run("session", "--format", "json", cut)
    assert plain.code == 1 and {f["rule"] for f in plain.json()[0]["findings"] if f["level"] == "MUST"} >= {"response.created-first", "session.created-first"}
    excerpt = run("session", "--excerpt", "--format", "json", cut)
    assert excerpt.code == 0, excerpt.out
    record = excerpt.json()[0]
    assert record["excerpt"] is True and record["complete"] is False
    assert [f for f in record["findings"] if f["level"] != "INFO"] == []


@pytest.mark.parametrize(
    "args",
    [["session", "no/such/file.jsonl"], ["session", "--format", "xml", "."], ["session", "--transport", "pigeon", "."], ["session"]],
    ids=["missing-file", "bad-format", "bad-transport", "no-path"],
)
def test_usage_errors_exit_two(args: list[str]) -> None:
    result = run(*args)
    assert result.code == 2
    assert "usage:" in result.err


def test_a_directory_without_transcripts_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_bytes(SMALL_VALID)
    result = run("session", tmp_path)
    assert result.code == 2 and "no .jsonl transcripts" in result.err


def test_hostile_transcripts_get_findings_and_verdicts_and_the_run_goes_on(tmp_path: Path) -> None:
    files = {
        "invalid-utf8.jsonl": SMALL_VALID + b"\n" + b'{"type":"input_audio_buffer.cleared","event_id":"\xff\xfe"}\n' + SMALL_VALID + b"\n",
        "deep.jsonl": b"[" * 100_000 + b"]" * 100_000 + b"\n" + SMALL_VALID + b"\n",
        "deep-object.jsonl": b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"\n",
        "huge.jsonl": SMALL_VALID + b"\n" + AUDIO_EVENT + b"A" * (50 * 1024 * 1024) + b'!==="}\n' + SMALL_VALID + b"\n",
        "empty.jsonl": b"",
        "header-only.jsonl": b'{"transcript": {"transport": "webrtc"}}\n',
        "bad-header.jsonl": b'{"transcript": {"transport": 5}}\n' + SMALL_VALID + b"\n",
        "binary.jsonl": bytes(range(256)) * 4,
        "frames.jsonl": b'{"dir":"client","raw":"<html>502"}\n{"dir":"server","binary":"AAEC"}\n{"dir":"up","event":{}}\n' + SMALL_VALID + b"\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)

    result = run("session", "--format", "json", tmp_path)

    assert result.code == 1
    assert result.err == ""
    assert len(result.out) < 200_000  # no 50 MB echo
    records = {Path(r["path"]).name: r for r in result.json()}
    assert set(records) == set(files)

    def rules(name: str) -> set[tuple[int, str, str]]:
        return {(f["line"], f["rule"], f["level"]) for f in records[name]["findings"] if f["rule"] in ("event.verdict", "transcript.line")}

    assert records["invalid-utf8.jsonl"]["verdicts"] == {"valid": 2, "not-json": 1} and (2, "transcript.line", "MUST") in rules("invalid-utf8.jsonl")
    assert records["deep.jsonl"]["verdicts"] == {"not-json": 1, "valid": 1}
    assert "nested deeper" in next(f["message"] for f in records["deep-object.jsonl"]["findings"])
    assert records["huge.jsonl"]["verdicts"] == {"valid": 2, "invalid": 1} and (2, "event.verdict", "MUST") in rules("huge.jsonl")
    assert "$.delta" in next(f["message"] for f in records["huge.jsonl"]["findings"] if f["rule"] == "event.verdict")
    assert records["empty.jsonl"]["events"] == 0 and rules("empty.jsonl") == {(1, "transcript.line", "MUST")}
    assert records["header-only.jsonl"]["transport"] == "webrtc" and rules("header-only.jsonl") == {(1, "transcript.line", "MUST")}
    assert (1, "transcript.line", "MUST") in rules("bad-header.jsonl") and records["bad-header.jsonl"]["verdicts"] == {"valid": 1}
    assert records["binary.jsonl"]["verdicts"] == {"not-json": 5}  # four newlines among the bytes
    assert records["frames.jsonl"]["verdicts"] == {"not-json": 2, "invalid": 1, "valid": 1}
    assert rules("frames.jsonl") == {(1, "event.verdict", "MUST"), (2, "event.verdict", "MUST"), (3, "transcript.line", "MUST")}
    assert all(f["rule"] != "checker.internal" for r in records.values() for f in r["findings"])


def _peak_kb(path: Path) -> tuple[int, str]:
    """Run the command on ``path`` in a fresh interpreter; its peak resident memory and output."""
    script = ("import resource, sys\nfrom conformance.cli import main\ncode = main(['session', sys.argv[1]])\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=TIMEOUT_SECONDS * 3)
    return int(done.stderr.strip().splitlines()[-1]), done.stdout


def test_a_million_events_in_flat_memory(tmp_path: Path) -> None:
    def write(path: Path, count: int) -> Path:
        with path.open("w") as out:
            for number in range(count):
                out.write('{"type":"input_audio_buffer.cleared","event_id":"event_%07d"}\n' % number)
        return path

    tenth, _ = _peak_kb(write(tmp_path / "tenth.jsonl", 100_000))
    whole, out = _peak_kb(write(tmp_path / "million.jsonl", 1_000_000))
    assert out.splitlines()[-1].endswith("1000000 events: 1000000 valid; findings: 1 MUST, 0 SHOULD, 0 INFO; complete")
    assert whole < tenth * 1.5, f"peak memory grew from {tenth} kB on 100,000 events to {whole} kB on 1,000,000"
