"""``pytest --pyargs conformance --dialect NAME``: a dialect's checks run, and only those; a GA run
keeps exactly GA's checks and check ids; the report names the dialect judged under."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.detection import dialect_checks

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the source tree's package, not an installed copy

    def run(*args: str) -> tuple[pytest.RunResult, dict[str, Any] | None]:
        report = pytester.path / "report.json"
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--pyargs", "conformance", "--conformance-report", str(report), *args)
        return result, (json.loads(report.read_text()) if report.exists() else None)

    return run


def test_a_dialect_run_checks_that_dialect_against_its_reference_and_nothing_else(run_suite) -> None:
    result, report = run_suite("--dialect", "xai", "-k", "corpus/xai- or session/xai-")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert report["implementation"]["dialect"] == "xai" and report["implementation"]["name"] == "reference"
    ids = {check["id"] for check in report["checks"]}
    expected = {check_id for check_id in dialect_checks("xai") if check_id.startswith(("corpus/xai-", "session/xai-"))}
    assert ids == expected and len(ids) >= 20
    assert {check["outcome"] for check in report["checks"]} <= {"pass", "not-applicable"}


def test_a_ga_run_keeps_gas_checks_and_deselects_every_dialects(run_suite) -> None:
    result, report = run_suite("-k", "xai or speech-started")
    assert result.ret == pytest.ExitCode.OK
    ids = {check["id"] for check in report["checks"]}
    assert ids and not ids & set(dialect_checks())
    assert "dialect" not in report["implementation"] or report["implementation"]["dialect"] == "ga"
    result.stdout.fnmatch_lines(["*deselected*"])


def test_an_unknown_dialect_is_a_usage_error(run_suite) -> None:
    result, report = run_suite("--dialect", "grok", "-k", "nothing")
    assert result.ret == pytest.ExitCode.USAGE_ERROR and report is None
