"""--baseline: known failures are expected-fail, stale entries and unlisted failures fail the run."""

from __future__ import annotations

import pytest

from .conftest import baseline, outcomes, write_adapter

LAX = """
from conformance.implementations.reference.adapter import ReferenceAdapter
from conformance.adapters.adapter import Parsed

class Adapter(ReferenceAdapter):
    name = "lax"

    def parse(self, direction, text):
        parsed = super().parse(direction, text)
        if parsed.outcome == "rejected":  # coerces instead of rejecting
            return Parsed("accepted", parsed.event_type, None)
        return parsed
"""
CHECK = "corpus/invalid-speech-started-ms-as-string/rejects"


def test_a_listed_failure_is_expected(run_suite, pytester) -> None:
    path = baseline(pytester.path / "lax.json", "lax", {CHECK: "coerces numeric strings"})
    result, report = run_suite("--realtime-impl", write_adapter(pytester, LAX), "--baseline", path, "--strict")
    result.assert_outcomes(passed=4, xfailed=1)
    assert outcomes(report)[CHECK] == "expected-fail"
    assert report["options"]["baseline"] == path


def test_removing_the_entry_makes_the_run_fail_naming_check_and_payload(run_suite, pytester) -> None:
    path = baseline(pytester.path / "lax.json", "lax", {})
    result, report = run_suite("--realtime-impl", write_adapter(pytester, LAX), "--baseline", path, "--strict")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"*{CHECK} [[]SHOULD] fail for lax: accepted an invalid payload*", "*input: fixtures/server/*/invalid-speech-started-ms-as-string.json*"])
    assert outcomes(report)[CHECK] == "fail"


def test_a_stale_entry_fails_the_run(run_suite, pytester) -> None:
    path = baseline(pytester.path / "stale.json", "reference", {"corpus/speech-started/parses": "was broken once"})
    result, report = run_suite("--baseline", path)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*corpus/speech-started/parses*unexpected-pass*remove the stale entry*"])
    assert outcomes(report)["corpus/speech-started/parses"] == "unexpected-pass"


def test_the_shipped_baseline_is_the_default_and_can_be_switched_off(run_suite) -> None:
    result, report = run_suite("--realtime-impl", "openai", "--baseline=", selection="unknown-type-xai-ping")
    if report is None:
        pytest.skip("the openai SDK is not installed here")
    assert report["options"]["baseline"] is None
    assert outcomes(report) == {"corpus/unknown-type-xai-ping/tolerates-unknown-type": "fail"}
    result, report = run_suite("--realtime-impl", "openai", selection="unknown-type-xai-ping")
    assert outcomes(report) == {"corpus/unknown-type-xai-ping/tolerates-unknown-type": "expected-fail"}


def test_an_unreadable_baseline_is_a_usage_error(run_suite, pytester) -> None:
    (pytester.path / "bad.json").write_text("[1, 2]")
    result, _ = run_suite("--baseline", str(pytester.path / "bad.json"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cannot read the baseline*findings*"])
