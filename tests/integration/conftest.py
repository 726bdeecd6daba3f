"""Helpers to run the conformance suite in a child pytest (pytester), as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

#: A small slice of the corpus keeps these runs fast; -k selects by check id.
SLICE = "corpus/speech-started/ or invalid-speech-started-ms-as-string or unknown-type-xai-ping"


@pytest.fixture
def run_suite(pytester: pytest.Pytester):
    def run(*args: str, selection: str | None = SLICE) -> tuple[pytest.RunResult, dict[str, Any] | None]:
        report = pytester.path / "report.json"
        extra = ["-k", selection] if selection else []
        # bounded: a run that cannot end (a thread an adapter left running) fails instead of hanging
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--pyargs", "conformance", "--conformance-report", str(report), *extra, *args, timeout=600)
        return result, (json.loads(report.read_text()) if report.exists() else None)

    return run


def write_adapter(pytester: pytest.Pytester, body: str, module: str = "broken_adapter") -> str:
    pytester.makepyfile(**{module: body})
    return f"{module}:Adapter"


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {check["id"]: check["outcome"] for check in report["checks"]}


def baseline(path: Path, implementation: str, known: dict[str, str]) -> str:
    path.write_text(json.dumps({"implementation": implementation, "known_failures": known}))
    return str(path)
