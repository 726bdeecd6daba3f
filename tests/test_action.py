"""The GitHub Action (``action.yml``): its run step, ``python -m conformance.reports.action``, run
here as a runner runs it (inputs as ``INPUT_*`` variables, ``GITHUB_STEP_SUMMARY``,
``GITHUB_OUTPUT`` and ``GITHUB_WORKSPACE`` set), against an adapter that lives in the caller's
checkout as ``module:attribute``; and the action's definition, which must hand over every input
the step reads."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.reports import action

from .test_report_runs import BROKEN_MODULE, PACKAGE_PARENT

ACTION = Path(__file__).resolve().parents[1] / "action.yml"
SLICE = "corpus/function-call-arguments-done/ or corpus/function-call-arguments-done-empty-object/ or snapshot/response-cancel"


def run_step(workspace: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    summary, outputs = workspace.parent / "step-summary.md", workspace.parent / "github-output"
    summary.write_text("## An earlier step's summary\n")
    env = {
        **os.environ,
        "PYTHONPATH": str(PACKAGE_PARENT),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "HYPOTHESIS_PROFILE": "ci",
        **{"INPUT_" + name.upper().replace("-", "_"): value for name, value in inputs.items()},
    }
    done = subprocess.run([sys.executable, "-m", "conformance.reports.action"], cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
    return done, summary, outputs


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The caller's checkout: their adapter is a module in it, not a package."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    (folder / "our_adapter.py").write_text(BROKEN_MODULE)
    # A pytest configuration of the caller's own that would break the suite's run if it applied.
    (folder / "pyproject.toml").write_text('[tool.pytest.ini_options]\naddopts = "--no-such-option"\n')
    return folder


def outputs_of(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def test_must_failures_fail_the_step_with_reports_summary_and_annotations(workspace: Path) -> None:
    done, summary, outputs = run_step(workspace, **{"realtime-impl": "our_adapter:drops_name", "args": f"-k '{SLICE}'"})
    assert done.returncode == 1, done.stdout + done.stderr
    out = workspace / "realtime-conformance-report"
    assert (out / "report.json").exists() and (out / "junit.xml").exists() and (out / "html" / "index.html").exists()
    values = outputs_of(outputs)
    checks = json.loads((out / "report.json").read_text())["checks"]
    new_must = [c["id"] for c in checks if c["level"] == "MUST" and c["outcome"] in ("fail", "not-implemented")]
    assert new_must == ["corpus/function-call-arguments-done-empty-object/lossless-dump", "corpus/function-call-arguments-done/lossless-dump"]
    assert values["must-failures"] == "2" and values["exit-code"] == "1"
    assert values["report"] == str(out / "report.json")
    text = summary.read_text()
    assert text.startswith("## An earlier step's summary\n## Realtime API conformance")  # appended, not replaced
    assert "broken:drops-function-call-name" in text and "| 2 / 0 ❌ |" in text
    # The findings: one cause behind both failing checks, published as a headline and annotated once.
    headline = "broken:drops-function-call-name 0.1.0: 1 MUST finding (1 new)"
    assert text.index("- **broken:drops-function-call-name 0.1.0** (model+client): 1 MUST finding (1 new)") < text.index("| implementation | checks |")
    assert f"::notice title=realtime-conformance findings::{headline}" in done.stdout
    assert values["findings"] == headline and values["must-findings"] == "1"
    declared = re.findall(r"value: \$\{\{ steps\.suite\.outputs\.([a-z-]+) \}\}", ACTION.read_text())
    assert {"findings", "must-findings", "html"} <= set(declared) <= set(values)  # every output the action declares, the step sets
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert errors == [
        "::error title=MUST finding loses-member/response.function_call_arguments.done.name::"
        "response.function_call_arguments.done.name never reaches the application (seen in response.function_call_arguments.done); "
        "2 checks, first corpus/function-call-arguments-done-empty-object/lossless-dump: the dump differs at 1 place: "
        '$.name: expected string "get_opening_hours", got absent (the member was dropped)'
    ]
    assert "::group::realtime-conformance: " in done.stdout


def test_a_conforming_implementation_passes(workspace: Path) -> None:
    done, summary, outputs = run_step(workspace, **{"realtime-impl": "reference", "args": f"-k '{SLICE}'", "output": "out", "title": "Nightly"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs_of(outputs)["must-failures"] == outputs_of(outputs)["must-findings"] == "0"
    assert outputs_of(outputs)["findings"] == "reference 0.1.0: no findings"
    assert "## Nightly" in summary.read_text()
    assert "::error" not in done.stdout


def test_without_an_implementation_the_step_says_what_is_missing(workspace: Path) -> None:
    done, _, _ = run_step(workspace)
    assert done.returncode == 2 and "::error title=realtime-conformance::the input realtime-impl is required" in done.stdout


def test_an_unknown_implementation_fails_with_a_summary(workspace: Path) -> None:
    done, summary, outputs = run_step(workspace, **{"realtime-impl": "no_such_module:Adapter"})
    assert done.returncode != 0
    assert "wrote no report" in summary.read_text() and "cannot import" in done.stdout + done.stderr
    assert outputs_of(outputs)["exit-code"] == str(done.returncode)


def test_the_action_hands_every_input_to_the_step() -> None:
    text = ACTION.read_text()
    declared = set(re.findall(r"^  ([a-z][a-z-]*):\n    description:", text, re.MULTILINE))
    assert set(action.INPUTS) <= declared
    for name in action.INPUTS:
        assert f"INPUT_{name.upper().replace('-', '_')}: ${{{{ inputs.{name} }}}}" in text
    assert "-m conformance.reports.action" in text
    # Inputs reach the scripts only through the environment, never spliced into their text.
    for line in text.splitlines():
        if "${{ inputs." in line:
            assert re.match(r"\s*(-\s)?(INPUT_[A-Z_]+|if|python-version|name|path):", line), line
