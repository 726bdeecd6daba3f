"""The probe, serve and record commands, run as a user runs them."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conformance.broken.servers import BROKEN_SERVERS_BY_NAME
from conformance.live.reference_server import ReferenceServer, ServerOptions
from conformance.sessions.transcript import open_transcript

from .cli import run
from .live_client import nothing_left_behind

SECRET = "sk-proj-cliSecretValue0123456789abcdefgh"
HEADER = f"Authorization: Bearer {SECRET}"


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.05)) as running:
        yield running


def test_probe_against_the_reference_server_writes_the_report_and_no_secret(server: ReferenceServer, tmp_path: Path) -> None:
    report, record = tmp_path / "report.json", tmp_path / "sessions"
    done = run("probe", server.url, "--header", HEADER, "--conformance-report", report, "--record", record, "--transport-timeout", "5")
    assert done.code == 0, done.out + done.err
    data = json.loads(report.read_text())
    assert data["report_version"] >= 2 and data["implementation"]["name"] == server.url
    assert data["summary"]["fail"] == 0 and data["summary"]["pass"] == len(data["checks"]) > 150
    assert {check["family"] for check in data["checks"]} == {"probe"}
    everything = done.out + done.err + report.read_text() + "".join(path.read_text() for path in record.iterdir())
    assert SECRET not in everything and "cliSecretValue" not in everything
    assert re.search(r"^ok +handshake", done.out, re.MULTILINE)


def test_a_failing_must_check_fails_the_run_unless_the_baseline_lists_it(tmp_path: Path) -> None:
    with nothing_left_behind(), BROKEN_SERVERS_BY_NAME["refuses-pcma"].server() as broken:
        args = ("probe", broken.url, "--header", HEADER, "--scenario", "session-update-audio-pcma", "--transport-timeout", "3")
        failed = run(*args)
        assert failed.code == 1 and "probe/session-update-audio-pcma/echo [MUST] fail" in failed.out
        baseline = tmp_path / "baseline.json"
        baseline.write_text(json.dumps({"implementation": "x", "known_failures": {"probe/session-update-audio-pcma/echo": "refuses pcma"}}))
        report = tmp_path / "r.json"
        assert run(*args, "--baseline", baseline, "--conformance-report", report).code == 0
    outcomes = {check["id"]: check["outcome"] for check in json.loads(report.read_text())["checks"]}
    assert outcomes["probe/session-update-audio-pcma/echo"] == "expected-fail"


def test_a_stale_baseline_entry_fails_the_run(server: ReferenceServer, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"implementation": "x", "known_failures": {"probe/session-update-without-type/answered-by-error": "once answered with nothing"}}))
    args = ("probe", server.url, "--header", HEADER, "--scenario", "session-update-without-type")
    stale = run(*args, "--baseline", baseline)
    assert stale.code == 1 and "unexpected-pass" in stale.out and "remove the stale entry" in stale.out
    assert run(*args).code == 0


def test_the_default_baseline_is_the_shipped_one_named_by_name_and_an_empty_option_disables_it() -> None:
    from conformance.commands.probe import load_baseline

    shipped = load_baseline(None, "portkey-gateway")
    assert shipped is not None and "proxy-drops/session.created" in shipped.findings
    assert load_baseline("", "portkey-gateway") is None
    assert load_baseline(None, "a-server-the-suite-does-not-ship") is None


def test_usage_errors_exit_2_without_echoing_a_header_value(server: ReferenceServer) -> None:
    bad = run("probe", server.url, "--header", f"Bearer {SECRET}")
    assert bad.code == 2 and SECRET not in bad.err and "no colon" in bad.err
    assert run("probe", server.url, "--scenario", "no-such").code == 2
    assert run("probe", "http://127.0.0.1:1/v1/realtime").code == 2
    assert run("probe", server.url, "--transport-timeout", "0").code == 2


def test_the_scenario_list(server: ReferenceServer) -> None:
    listed = run("probe", "ws://unused", "--list")
    assert listed.code == 0 and "handshake: " in listed.out and "    session-rules [MUST]" in listed.out


def test_an_unreachable_server_fails_every_scenario_and_the_run_goes_on() -> None:
    done = run("probe", "ws://127.0.0.1:9/v1/realtime", "--scenario", "handshake", "--scenario", "empty-commit", "--transport-timeout", "2")
    assert done.code == 1 and done.out.count("cannot connect") >= 2


# --- serve and record as processes --------------------------------------------------------------


@contextmanager
def process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start the command, wait (bounded) for its first line, and always stop and reap it."""
    child = subprocess.Popen([sys.executable, "-m", "conformance", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(child.stdout.readline() if child.stdout else ""))
    reader.start()
    reader.join(30)
    try:
        assert first and first[0], "the command printed nothing within 30 s"
        yield child, first[0]
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(10)


def test_serve_runs_the_reference_server_until_interrupted() -> None:
    with process("serve", "--port", "0", "--pace", "0") as (child, first):
        url = re.search(r"ws://127\.0\.0\.1:\d+/v1/realtime", first)
        assert url, first
        assert run("probe", url.group(0), "--header", HEADER, "--scenario", "handshake", "--scenario", "text-response").code == 0
        child.send_signal(signal.SIGINT)
        output, _ = child.communicate(timeout=10)
    assert child.returncode == 0 and "stopped" in output


def test_record_writes_the_session_it_relays(server: ReferenceServer, tmp_path: Path) -> None:
    out = tmp_path / "session.jsonl"
    with process("record", "--upstream", server.live.url, "--listen", "127.0.0.1:0", "--out", str(out), "--max-audio-bytes", "900") as (child, first):
        url = re.search(r"ws://127\.0\.0\.1:\d+", first)
        assert url, first
        assert run("probe", url.group(0) + "/v1/realtime", "--header", HEADER, "--scenario", "manual-commit-response").code == 0
        child.send_signal(signal.SIGINT)
        output, _ = child.communicate(timeout=15)
    assert child.returncode == 0 and "string(s) redacted" in output
    frames = list(open_transcript(out))
    assert frames[0].event_type == "session.created" and SECRET not in out.read_text()
    assert any(frame.event_type == "response.done" for frame in frames)
    assert run("validate", "--direction", "auto", out).code in (0, 1)  # a transcript line is not a bare event; it reads
    assert run("session", out).code == 0


def test_serve_and_record_refuse_a_busy_port_with_exit_2(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        served = run("serve", "--port", str(port))
        recorded = run("record", "--upstream", "ws://127.0.0.1:9", "--listen", f"127.0.0.1:{port}", "--out", tmp_path / "x.jsonl")
    for done in (served, recorded):
        assert done.code == 2 and f"cannot listen on 127.0.0.1:{port}" in done.err
