"""The file commands against hostile or unlucky files (issue 21, item 9): a malformed report is a
clear usage error; a backtick in a check id cannot open raw HTML in the Markdown summary; the HTML
report shows a probe transcript recorded into an absolute folder; a symbolic link loop, a FIFO and
a newline in a file name are each named for what they are, and nothing blocks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.broken.servers import BROKEN_SERVERS_BY_NAME
from conformance.reports import inputs, markdown, reading
from conformance.records import CheckRecord

from .cli import Run
from .live_client import nothing_left_behind

#: A command that takes longer than this on these files is blocked.
QUICK_SECONDS = 30


def quick(*args: str | Path) -> Run:
    done = subprocess.run([sys.executable, "-m", "conformance", *map(str, args)], capture_output=True, text=True, timeout=QUICK_SECONDS)
    return Run(done.returncode, done.stdout, done.stderr)


def report_file(path: Path, implementation: dict[str, object], checks: list[dict[str, object]] | None = None) -> Path:
    path.write_text(json.dumps({"report_version": 2, "implementation": {"name": "lib", "version": "1", **implementation}, "options": {}, "checks": checks or []}))
    return path


def check(check_id: str, outcome: str = "fail", source: str = "", event_type: str | None = None) -> dict[str, object]:
    return {"id": check_id, "family": check_id.split("/")[0], "event_type": event_type, "level": "MUST", "outcome": outcome, "message": "m", "source": source}


# --- reports ------------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["sides", "transports"])
def test_a_report_with_a_member_of_the_wrong_type_is_a_usage_error(tmp_path: Path, member: str) -> None:
    path = report_file(tmp_path / "r.json", {member: 5})
    for done in (quick("report", path), quick("report", "--compare", path, path)):
        assert done.code == 2 and "Traceback" not in done.err
        assert f"$.implementation.{member}: expected a list of strings or null, got 5" in done.err


def test_a_report_nested_100k_deep_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"report_version": 2, "implementation": {"name": "x"}, "checks": [' + "[" * 100_000 + "]" * 100_000 + "]}")
    done = quick("report", path)
    assert done.code == 2 and "Traceback" not in done.err and "nested too deeply" in done.err


def outside_code_spans(line: str) -> str:
    """``line`` without its code spans, as CommonMark reads them: a run of n backticks opens a span
    that the next run of exactly n backticks closes; a run never closed is literal text."""
    kept, at = [], 0
    while at < len(line):
        if line[at] != "`":
            kept.append(line[at])
            at += 1
            continue
        end = at
        while end < len(line) and line[end] == "`":
            end += 1
        fence = re.compile(rf"(?<!`){'`' * (end - at)}(?!`)")
        closing = fence.search(line, end)
        if closing is None:
            kept.append(line[at:end])
            at = end
        else:
            at = closing.end()
    return "".join(kept)


@pytest.mark.parametrize("check_id", ["corpus/a`<img src=x onerror=alert(1)>`b/parses", "corpus/``<b>x</b>/parses", "corpus/`/parses`"])
def test_a_backtick_in_a_check_id_leaves_no_raw_html_in_the_summary(tmp_path: Path, check_id: str) -> None:
    loaded = reading.load(report_file(tmp_path / "r.json", {}, [check(check_id, event_type="x`<i>y"), check(check_id.replace("a", "z", 1), "unexpected-pass")]))
    text = markdown.summary([loaded])
    for line in text.splitlines():
        assert not re.search(r"(?<!\\)<", outside_code_spans(line)), line
    assert markdown.code(check_id) in text


def test_the_html_report_shows_a_probe_transcript_recorded_into_an_absolute_folder(tmp_path: Path) -> None:
    record, out = tmp_path / "elsewhere" / "sessions", tmp_path / "out"
    out.mkdir()
    with nothing_left_behind(), BROKEN_SERVERS_BY_NAME["transcription-session-created"].server() as server:  # fails a handshake check: its page shows the input
        probed = quick("probe", server.url, "--header", "api-key: x", "--scenario", "handshake", "--record", record, "--conformance-report", out / "report.json", "--transport-timeout", "5")
    assert probed.code == 1, probed.out + probed.err
    sources = {check["source"] for check in json.loads((out / "report.json").read_text())["checks"]}
    assert sources == {str(record / "handshake.jsonl")}
    site = tmp_path / "site"
    assert quick("report", out / "report.json", "--html", site).code == 0
    page = next(site.glob("impl-*.html")).read_text()
    assert "session.created" in page and "not in this installation" not in page


def test_an_absolute_source_is_followed_only_to_a_transcript(tmp_path: Path) -> None:
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"transcript":{"transport":"websocket"}}\n{"dir":"server","event":{"type":"session.created"}}\n')
    secret = tmp_path / "notes.jsonl"
    secret.write_text('{"private": "not a transcript"}\n')
    shown = inputs.describe(CheckRecord("probe/x/runs", "probe", None, "MUST", "fail", "m", str(transcript)), None)
    assert shown is not None and shown.kind == "transcript" and any("session.created" in line.text for line in shown.lines)
    refused = inputs.describe(CheckRecord("probe/x/runs", "probe", None, "MUST", "fail", "m", f"{secret}:1"), None)
    assert refused is not None and refused.kind == "missing" and not refused.lines


# --- file arguments -----------------------------------------------------------------------------


@pytest.fixture
def odd_files(tmp_path: Path) -> dict[str, Path]:
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    named = tmp_path / "forged\nok.jsonl: 1 event: 1 valid.jsonl"
    named.write_text('{"type": "input_audio_buffer.commit"}\n')
    return {"loop": loop, "fifo": fifo, "named": named}


@pytest.mark.parametrize("command", [("validate",), ("session",), ("detect",), ("report",), ("fixture", "add"), ("baseline",), ("probe", "ws://127.0.0.1:9/", "--baseline")])
def test_a_symbolic_link_loop_and_a_fifo_are_named_for_what_they_are(odd_files: dict[str, Path], command: tuple[str, ...]) -> None:
    loop = quick(*command, odd_files["loop"])
    assert loop.code == 2 and f"{odd_files['loop']}: a symbolic link loop" in loop.err and "no such file" not in loop.err
    fifo = quick(*command, odd_files["fifo"])  # bounded: a FIFO nobody writes to would block the read forever
    assert fifo.code == 2 and f"{odd_files['fifo']}: a named pipe (FIFO)" in fifo.err


@pytest.mark.parametrize("command", [("session",), ("detect",), ("fixture", "add", "--dry-run", "--id", "x", "--description", "x", "--provenance-kind", "authored", "--source", "x")])
def test_a_newline_in_a_file_name_is_shown_escaped(odd_files: dict[str, Path], command: tuple[str, ...]) -> None:
    done = quick(*command, odd_files["named"])
    assert "forged\\nok.jsonl" in done.out + done.err, done.out + done.err
    assert not any(line.startswith("ok.jsonl") for line in (done.out + done.err).splitlines())
