"""--conformance-report: one JSON document listing every check that ran."""

from __future__ import annotations

from conformance.families import corpus, properties, sessions, wire
from conformance.corpus.scenarios import SCENARIOS


def test_the_report_lists_every_check_with_its_fields(run_suite) -> None:
    result, report = run_suite(selection=None)
    assert result.ret == 0
    assert report["implementation"] == {
        "name": "reference",
        "version": report["implementation"]["version"],
        "language": "python",
        "dialect": "ga",
        "sides": ["client", "server"],
        "transports": ["websocket", "webrtc", "sip"],
        "class": "model+client",
        "scope": {"consumes": None, "sends": None, "cannot_send": None, "why": {}},
    }
    expected = {check.id for check in corpus.checks() + properties.checks() + sessions.checks() + wire.checks()} | {f"snapshot/{s.id}/wire" for s in SCENARIOS}
    assert {check["id"] for check in report["checks"]} == expected
    assert {check["family"] for check in report["checks"]} == {"corpus", "snapshot", "property", "session", "wire"}
    for check in report["checks"]:
        assert set(check) == {"id", "family", "event_type", "level", "outcome", "message", "source", "cause", "impact", "finding"}
        assert check["source"], check["id"]
        assert check["level"] in ("MUST", "SHOULD", "INFO")
    assert report["summary"]["pass"] == len(report["checks"])
    assert report["findings"] == [] and report["findings_summary"] == {"MUST": 0, "SHOULD": 0, "INFO": 0}


def test_the_baseline_command_regenerates_a_baseline_from_a_report(run_suite, pytester) -> None:
    import json

    from tests.cli import run

    from .conftest import write_adapter
    from .test_option_baseline import CHECK, LAX

    _, report = run_suite("--realtime-impl", write_adapter(pytester, LAX), "--baseline=")
    (pytester.path / "report.json").write_text(json.dumps(report))
    output = pytester.path / "lax-baseline.json"
    output.write_text(json.dumps({"implementation": "lax", "known_failures": {CHECK: "a reason a human wrote"}}))
    done = run("baseline", pytester.path / "report.json", "--output", output)
    assert done.code == 0, done.err
    # the older per-check baseline is read, and written back as findings: the reason stays with the
    # finding its check now belongs to (one policy, accepting invalid events, however many fixtures)
    assert json.loads(output.read_text()) == {
        "implementation": "lax",
        "findings": {"accepts-invalid-events": {"level": "SHOULD", "reason": "a reason a human wrote", "checks": [CHECK]}},
    }
