"""The plugin leaves a record for every collected check, whatever escapes it (a check Hypothesis calls
flaky once went missing from report.json while pytest counted its failure), and a dialect choice
says what it deselected and why, and never deselects the wire checks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the source tree's package, not an installed copy
    return pytester


def test_a_check_that_hypothesis_reports_flaky_is_in_the_report_as_a_fail(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_flaky=textwrap.dedent("""
        import pytest
        from hypothesis.errors import FlakyFailure

        from conformance.checks import PASS, Check

        def flaky(driver):
            raise FlakyFailure("Hypothesis test_property produces unreliable results: Falsified on the first call but did not on a subsequent one", [AssertionError("lost")])

        CHECKS = [
            Check(id="property/response.done/lossless-round-trip", family="property", level="MUST", run=flaky, event_type="response.done"),
            Check(id="property/response.created/lossless-round-trip", family="property", level="MUST", run=lambda driver: PASS, event_type="response.created"),
        ]

        @pytest.mark.conformance
        @pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
        def test_check(check, conformance_run):
            conformance_run.settle(check)
    """))
    report = suite.path / "report.json"
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", "--realtime-impl", "reference", "--baseline=", "--conformance-report", str(report))
    result.assert_outcomes(passed=1, failed=1)
    checks = {check["id"]: check for check in json.loads(report.read_text())["checks"]}
    assert set(checks) == {"property/response.done/lossless-round-trip", "property/response.created/lossless-round-trip"}
    flaky = checks["property/response.done/lossless-round-trip"]
    assert flaky["outcome"] == "fail" and flaky["level"] == "MUST"
    assert flaky["message"].startswith("the check raised FlakyFailure: Hypothesis test_property produces unreliable results")
    result.stdout.fnmatch_lines(["checks: 1 fail, 1 pass"])


def test_a_dialect_choice_says_what_it_deselected_and_keeps_the_wire_checks(suite: pytest.Pytester) -> None:
    report = suite.path / "report.json"
    result = suite.runpytest_subprocess(
        "-p", "no:cacheprovider", "--pyargs", "conformance", "--dialect", "xai", "--conformance-report", str(report),
        "--collect-only", "-q", "-k", "corpus/speech-started/ or corpus/xai-input-audio-buffer or wire/connect/",
    )
    collected = result.stdout.str()
    assert "wire/connect/sends-valid-events" in collected, "the wire checks run under every dialect"
    assert "corpus/speech-started/parses" not in collected
    result.stdout.fnmatch_lines(["deselected * checks of other dialects (*, ga *): judged under xai; --dialect NAME runs a dialect's own corpus and sessions"])


def test_a_ga_run_names_the_dialects_it_left_out(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", "--pyargs", "conformance", "-k", "corpus/speech-started/parses")
    assert result.ret == pytest.ExitCode.OK
    line = next(line for line in result.stdout.lines if line.startswith("deselected "))
    for dialect in ("azure-preview", "beta", "inworld", "xai"):
        assert f"{dialect} " in line
    assert "judged under ga" in line
