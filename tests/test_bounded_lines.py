"""The file commands hold no line longer than ``--max-line-bytes`` in memory (issue 21, item 6):
an over-long line gets a verdict of its own and the run goes on. Each command runs on a sparse file
whose first line is a gigabyte of NUL bytes, and on ``/dev/zero``, in a subprocess whose address
space is capped at 1 GiB, which reading such a line whole (as the readers did) cannot fit."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import bulk, lines, payloads
from conformance.sessions.transcript import open_transcript

CAP = 1 << 30
EVENT = b'{"type":"input_audio_buffer.cleared","event_id":"e"}'


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def run(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conformance.cli", *command], capture_output=True, text=True, timeout=300,
                          preexec_fn=_capped, cwd=cwd, check=False)


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .jsonl file whose first line is 1 GiB + 5 bytes of NUL (sparse: nothing is written),
    then one valid event."""
    path = tmp_path_factory.mktemp("huge") / "huge.jsonl"
    with path.open("wb") as stream:
        stream.truncate(CAP + 5)
        stream.seek(CAP + 5)
        stream.write(b"\n" + EVENT + b"\n")
    return path


SKIPPED = "a line of 1,073,741,829 bytes, over the limit of 67,108,864 (--max-line-bytes); skipped unread"


def test_validate_gives_the_long_line_a_verdict_and_goes_on(huge: Path) -> None:
    done = run("validate", str(huge))
    assert done.stdout == (f"{huge}:1  -  not-json\n    $: expected a JSON document; got {SKIPPED}\n"
                           f"{huge}:2  input_audio_buffer.cleared  valid\n2 events: 1 valid, 1 not-json\n"), done.stderr
    assert done.returncode == 1


def test_validate_reads_dev_zero_up_to_the_limit() -> None:
    done = run("validate", "--max-line-bytes", "1M", "/dev/zero")
    assert "got a document of more than 1,048,576 bytes, over the limit of 1,048,576 (--max-line-bytes)" in done.stdout, done.stderr
    assert done.returncode == 1


def test_session_reports_the_long_line_and_checks_the_rest(huge: Path) -> None:
    done = run("session", str(huge))
    assert f"{huge}:1  MUST  transcript.line  -\n    line 1: $: expected a JSON object (a transcript line), got not JSON: {SKIPPED}\n" in done.stdout, done.stderr
    assert f"{huge}: 2 events: 1 valid, 1 not-json;" in done.stdout
    assert done.returncode == 1


def test_detect_skips_the_long_line(huge: Path) -> None:
    done = run("detect", "--format", "json", str(huge))
    assert done.returncode == 1 and '"dialect": null' in done.stdout and not done.stderr, done.stderr
    assert "0 of 1 events decisive" in run("detect", str(huge)).stdout


def test_fixture_add_refuses_the_long_line(huge: Path, tmp_path: Path) -> None:
    registry = tmp_path / "ids.json"
    registry.write_text('{"ids": {}, "retired": {}}')
    done = run("fixture", "add", str(huge), "--dry-run", "--id", "huge", "--description", "d", "--provenance-kind", "authored",
               "--source", "s", "--registry", str(registry), "--fixtures-root", str(tmp_path))
    assert done.stderr == f"refused: {huge}: line 1: $: expected a JSON object (a transcript line), got not JSON: {SKIPPED}\n"
    assert done.returncode == 1


# --- the reader itself, with small limits ---------------------------------------------------------


def test_numbered_lines_skip_what_is_over_the_limit() -> None:
    text = b"abc\n" + b"x" * 10 + b"\n" + b"y" * 5 + b"\n\n" + b"z" * 7
    assert list(lines.numbered(io.BytesIO(text), limit=5)) == [
        (1, b"abc\n"), (2, lines.TooLong(10, 5)), (3, b"yyyyy\n"), (4, b"\n"), (5, lines.TooLong(7, 5))]
    assert lines.read_document(io.BytesIO(b"x" * 6), 5) == lines.TooLong(6, 5, ended=False, what="document")
    assert lines.read_document(io.BytesIO(b"x" * 5), 5) == b"xxxxx"


@pytest.mark.parametrize("size", [16, 64, 4096])
@pytest.mark.parametrize("jobs", [1, 2])
def test_validate_in_pieces_gives_every_long_line_its_verdict(tmp_path: Path, size: int, jobs: int) -> None:
    """Over-long lines inside a piece, across pieces, first, last and without a newline: the same
    verdicts as the line reader gives, one by one."""
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([EVENT, b"x" * 100, EVENT, b"[" * 70, b"", EVENT, b" " * 90, b"q" * 200]))
    out = io.StringIO()
    counts = bulk.validate([path], out, size=size, jobs=jobs, max_line=len(EVENT))
    expected = io.StringIO()
    writer = bulk.Writer("text", None)
    for payload in payloads.read(path, len(EVENT)):
        expected.write(writer.verdict(str(path), payload.line, bulk.judge_safely(payload, "auto")))
    assert out.getvalue() == expected.getvalue()
    assert counts == {"valid": 3, "not-json": 4}


def test_a_transcript_line_over_the_limit_is_a_problem_of_that_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"dir":"server","event":' + EVENT + b"}\n" + b"x" * 100 + b"\n" + EVENT + b"\n")
    frames = list(open_transcript(path, max_line=90))
    assert [frame.line for frame in frames] == [1, 2, 3]
    assert frames[1].problem is not None and "a line of 100 bytes, over the limit" in frames[1].problem.got
    assert frames[0].has_event and frames[2].has_event
