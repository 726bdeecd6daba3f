"""``--dialect`` on validate, session and probe: each verdict says which dialect judged it, an event
valid under another dialect says so, and without the option GA's output is exactly what it was."""

from __future__ import annotations

import json
from pathlib import Path

from conformance.live.reference_server import ReferenceServer, ServerOptions

from .cli import run
from .live_client import nothing_left_behind

ROOT = Path(__file__).resolve().parents[1]
PING = {"type": "ping", "event_id": "e1", "timestamp": 1764096000}


def _events(tmp_path: Path, *events: dict) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(event) + "\n" for event in events))
    return path


def test_validate_under_a_dialect_names_it_and_points_elsewhere(tmp_path: Path) -> None:
    path = _events(tmp_path, PING)
    ga = run("validate", path)
    assert ga.code == 1 and f"{path}:1  ping  unknown-type\n" in ga.out and " under " not in ga.out and "note" not in ga.out
    beta = run("validate", "--dialect", "beta", path)
    assert beta.code == 1 and f"{path}:1  ping  unknown-type under beta\n" in beta.out and "    note: valid under xai, inworld\n" in beta.out
    xai = run("validate", "--dialect", "xai", path)
    assert xai.code == 0 and f"{path}:1  ping  valid under xai\n" in xai.out


def test_validate_json_gains_the_dialect_only_when_one_is_asked_for(tmp_path: Path) -> None:
    path = _events(tmp_path, PING)
    (plain,) = run("validate", "--format", "json", path).json()
    assert "dialect" not in plain
    (under,) = run("validate", "--format", "json", "--dialect", "inworld", path).json()
    assert (under["dialect"], under["verdict"], under["note"]) == ("inworld", "valid", None)


def test_validate_refuses_an_unknown_dialect(tmp_path: Path) -> None:
    done = run("validate", "--dialect", "grok", _events(tmp_path, PING))
    assert done.code == 2 and "invalid choice: 'grok'" in done.err


def test_session_reads_the_dialect_from_the_header_or_the_option() -> None:
    path = ROOT / "fixtures" / "beta" / "sessions" / "beta-spoken-audio-response.jsonl"
    own = run("session", path)
    assert own.code == 0 and own.out.rstrip().endswith("complete (under beta)")
    forced = run("session", "--dialect", "ga", "--format", "json", path)
    (result,) = forced.json()
    assert forced.code == 1 and "dialect" not in result and result["verdicts"]["beta-name"] >= 1


def test_probe_under_a_dialect_against_that_dialects_reference_server(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    with nothing_left_behind(), ReferenceServer(ServerOptions(pace=0.0, dialect="xai")) as server:
        done = run("probe", server.url, "--header", "Authorization: Bearer conformance", "--dialect", "xai",
                   "--scenario", "text-response", "--scenario", "function-call", "--transport-timeout", "5", "--conformance-report", report)
        as_ga = run("probe", server.url, "--header", "Authorization: Bearer conformance", "--scenario", "text-response", "--transport-timeout", "5")
    assert done.code == 0, done.out
    assert "under xai" in done.out.splitlines()[0]
    written = json.loads(report.read_text())
    assert written["implementation"]["dialect"] == "xai"
    assert {check["id"].split("/")[-1] for check in written["checks"]} == {"runs", "events-valid", "events-known", "session-rules", "session-rules-should"}
    assert as_ga.code == 1 and "events-valid [MUST] fail" in as_ga.out  # a GA probe finds an xAI server invalid
