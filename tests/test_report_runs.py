"""Real run output for the report tests: the suite run as a user runs it (a child pytest with
``--pyargs conformance``) against the reference and against two deliberately broken
implementations, on a slice of every family. The reports, JUnit XML and baseline it writes are
what the HTML, Markdown, comparison and browser tests read.

This module also checks that the runs wrote what the reports are built from: each check's
source, and the check id, level and message in the JUnit XML.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

import conformance

#: The source tree (or installation) the tests import, so that the child run uses the same code.
PACKAGE_PARENT = Path(conformance.__file__).resolve().parents[1]
#: A slice of each family: the function-call fixtures (corpus), the truncate and cancel scenarios (snapshot)
#: and the round trip of response.function_call_arguments.done (property).
SLICE = (
    "corpus/function-call-arguments-done/ or corpus/function-call-arguments-done-empty-object/"
    " or snapshot/item-truncate/ or snapshot/response-cancel or property/response.function_call_arguments.done/lossless"
)

BROKEN_MODULE = '''
from conformance.broken.parsers import BROKEN

def by_name(name):
    return lambda: next(b for b in BROKEN if b.name == name).adapter()

drops_name = by_name("drops-function-call-name")
numbers_as_strings = by_name("numbers-as-strings-on-send")
'''

#: A baseline for drops-function-call-name: one of its failures is known, the others are news.
KNOWN = "corpus/function-call-arguments-done-empty-object/lossless-dump"


@dataclass(frozen=True)
class Run:
    name: str
    report: Path
    junit: Path
    status: int
    output: str

    def load(self) -> dict:
        return json.loads(self.report.read_text())


def run_suite(folder: Path, name: str, implementation: str, *extra: str, selection: str = SLICE) -> Run:
    """The conformance suite in a child process, from an empty folder, as a user runs it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken_impls.py").write_text(BROKEN_MODULE)
    report, junit = folder / f"{name}.json", folder / f"{name}.xml"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PACKAGE_PARENT), str(folder)]), "HYPOTHESIS_PROFILE": "ci"}
    command = [
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--pyargs", "conformance",
        "--realtime-impl", implementation, "--conformance-report", str(report), "--junitxml", str(junit),
        "-k", selection, *extra,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    return Run(name, report, junit, done.returncode, done.stdout + done.stderr)


_RUNS: dict[str, dict[str, Run]] = {}


def real_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Three runs, made once per session: reference, broken:drops-function-call-name (with a
    baseline listing one of its failures) and broken:numbers-as-strings-on-send."""
    if "runs" not in _RUNS:
        folder = tmp_path_factory.mktemp("real-runs")
        baseline = folder / "drops-name-baseline.json"
        baseline.write_text(json.dumps({"implementation": "broken:drops-function-call-name", "known_failures": {KNOWN: "drops name (the beta shape)"}}))
        _RUNS["runs"] = {
            "reference": run_suite(folder, "reference", "reference"),
            "drops-name": run_suite(folder, "drops-name", "broken_impls:drops_name", "--baseline", str(baseline)),
            "numbers": run_suite(folder, "numbers", "broken_impls:numbers_as_strings"),
        }
    return _RUNS["runs"]


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    return real_runs(tmp_path_factory)


def test_the_runs_fail_where_the_implementations_are_broken(runs: dict[str, Run]) -> None:
    assert runs["reference"].status == 0, runs["reference"].output
    for name in ("drops-name", "numbers"):
        assert runs[name].status == 1, runs[name].output
        assert runs[name].report.exists()
    outcomes = {check["id"]: check["outcome"] for check in runs["drops-name"].load()["checks"]}
    assert outcomes[KNOWN] == "expected-fail"
    assert outcomes["corpus/function-call-arguments-done/lossless-dump"] == "fail"


def test_every_check_names_its_input(runs: dict[str, Run]) -> None:
    report = runs["drops-name"].load()
    assert report["report_version"] == 3
    families = {check["family"] for check in report["checks"]}
    assert families == {"corpus", "snapshot", "property"}
    assert all(check["source"] for check in report["checks"])


def test_junit_names_each_test_case_by_its_check_id_with_level_and_message(runs: dict[str, Run]) -> None:
    report = runs["drops-name"].load()
    cases = {case.get("name"): case for case in ET.parse(runs["drops-name"].junit).iter("testcase")}
    assert set(cases) == {check["id"] for check in report["checks"]}
    failing = cases["corpus/function-call-arguments-done/lossless-dump"]
    properties = {prop.get("name"): prop.get("value") for prop in failing.iter("property")}
    assert properties["level"] == "MUST"
    assert properties["outcome"] == "fail"
    assert "$.name" in properties["message"]
    assert properties["input"].startswith("fixtures/server/response.function_call_arguments.done/")
    assert failing.get("classname") == "broken:drops-function-call-name.corpus"
    assert failing.find("failure") is not None
    known = {prop.get("name"): prop.get("value") for prop in cases[KNOWN].iter("property")}
    assert known["outcome"] == "expected-fail"


def test_junit_keeps_a_prefix_given_with_junit_prefix(tmp_path: Path) -> None:
    run = run_suite(tmp_path, "prefixed", "reference", "--junit-prefix", "rt", selection="corpus/function-call-arguments-done/parses")
    (case,) = ET.parse(run.junit).iter("testcase")
    assert (case.get("classname"), case.get("name")) == ("rt.reference.corpus", "corpus/function-call-arguments-done/parses")
