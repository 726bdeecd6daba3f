"""The GitHub Action's run step (``action.yml`` at the top of the repository):

    python -m conformance.reports.action

It runs the conformance suite against the caller's implementation, writes the JSON report, the
JUnit XML, the HTML compliance page and the Markdown summary into the output folder, appends the
summary (which leads with the findings) to ``$GITHUB_STEP_SUMMARY``, publishes the findings
headline ("mylib 1.2: 3 MUST findings, 1 SHOULD (2 new)") as a notice and an output, annotates each
new MUST finding (and each MUST check not implemented, which has no finding), sets the step's
outputs, and exits with pytest's status, so that the job fails exactly when the run does (a MUST
failure; SHOULD ones too with ``--strict`` among the arguments).

Why a module and not a shell script: it is one language with the rest of the suite, it runs the
same on Linux, macOS and Windows runners, and the suite's own tests run it as the runner does
(``tests/test_action.py``). Only installing the suite is left to the shell in ``action.yml``,
since that has to happen before this module exists.

Inputs arrive as environment variables, the way ``action.yml`` passes them (never spliced into a
script, so an input cannot inject shell): ``INPUT_REALTIME_IMPL`` (required), ``INPUT_OUTPUT``,
``INPUT_ARGS``, ``INPUT_TITLE``.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the hints only: main() imports the report modules once there is a report
    from ..findings import Finding
    from ..records import CheckRecord
    from . import reading

#: The inputs this step reads, with their defaults; action.yml declares the same names.
INPUTS: dict[str, str | None] = {
    "realtime-impl": None,
    "output": "realtime-conformance-report",
    "args": "",
    "title": "Realtime API conformance",
}
#: At most this many failures become annotations (GitHub shows ten per step anyway).
ANNOTATIONS = 10


def _input(environ: Mapping[str, str], name: str) -> str:
    value = environ.get("INPUT_" + name.upper().replace("-", "_"), "").strip()
    return value or (INPUTS[name] or "")


def main(environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    implementation = _input(environ, "realtime-impl")
    if not implementation:
        print("::error title=realtime-conformance::the input realtime-impl is required (a built-in name, an entry-point name, or module:attribute)")
        return 2
    out = Path(_input(environ, "output")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    report_path, junit_path, summary_path, html_dir = out / "report.json", out / "junit.xml", out / "summary.md", out / "html"
    report_path.unlink(missing_ok=True)  # a report left from an earlier run must not pass for this one

    status = _run_suite(implementation, shlex.split(_input(environ, "args")), report_path, junit_path, environ)
    if not report_path.exists():
        message = f"the conformance run wrote no report (pytest exit status {status}); see the log above"
        print(f"::error title=realtime-conformance::{message}")
        _append(environ.get("GITHUB_STEP_SUMMARY"), f"## Realtime API conformance\n\n{message}\n")
        _outputs(environ, {"exit-code": str(status or 2), "must-failures": ""})
        return status or 2

    from ..findings import headline
    from . import html, markdown, reading

    report = reading.load(report_path)
    title = _input(environ, "title")
    html.write([report], html_dir, title=title)
    summary = markdown.summary([report], title=title)
    summary_path.write_text(summary, encoding="utf-8")
    _append(environ.get("GITHUB_STEP_SUMMARY"), summary)
    findings = headline(report.implementation.label, report.findings)
    print(f"::notice title=realtime-conformance findings::{_escape_data(findings)}")
    new_must = [check for check in report.checks if check.level == "MUST" and check.outcome in markdown.NEW]
    new_must_findings = [finding for finding in report.at_level("MUST") if not finding.known]
    for text, message in _annotations(report, new_must_findings, new_must)[:ANNOTATIONS]:
        print(f"::error title={_escape_property(text)}::{_escape_data(message)}")
    _outputs(
        environ,
        {
            "report": str(report_path),
            "junit": str(junit_path),
            "html": str(html_dir / "index.html"),
            "summary": str(summary_path),
            "findings": findings,
            "must-findings": str(len(new_must_findings)),
            "must-failures": str(len(new_must)),
            "exit-code": str(status),
        },
    )
    print(f"realtime-conformance: {findings}; {len(new_must)} new MUST check failure(s); the compliance page is {html_dir / 'index.html'}")
    return status


def _annotations(report: reading.Report, findings: list[Finding], failing: list[CheckRecord]) -> list[tuple[str, str]]:
    """(title, message) for each new MUST finding, then each new MUST check no finding explains
    (a capability not implemented): what fails the job, one cause a line."""
    by_id = report.by_id()
    found = []
    for finding in findings:
        first = next((by_id[check] for check in sorted(finding.checks) if check in by_id), None)
        seen = f"{len(finding.checks)} check{'s' if len(finding.checks) != 1 else ''}, first {first.id}: {first.message or first.outcome}" if first else ""
        found.append((f"MUST finding {finding.id}", "; ".join(part for part in (finding.impact, seen) if part)))
    explained = {check for finding in findings for check in finding.checks}
    found += [(check.id, check.message or check.outcome) for check in failing if check.id not in explained]
    return found


def _run_suite(implementation: str, extra: list[str], report: Path, junit: Path, environ: Mapping[str, str]) -> int:
    """pytest in an empty folder of its own, so that the caller's pytest configuration (addopts,
    plugins, a conftest.py) cannot change the run; the caller's checkout stays importable, so a
    ``module:attribute`` adapter there works without being packaged."""
    env = dict(environ)
    workspace = environ.get("GITHUB_WORKSPACE") or os.getcwd()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [workspace, environ.get("PYTHONPATH", "")]))
    with tempfile.TemporaryDirectory(prefix="realtime-conformance-") as folder:
        config = Path(folder) / "pytest.ini"
        config.write_text("[pytest]\n")
        command = [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(config), "--rootdir", folder, "-r", "fEs",
            "--pyargs", "conformance", "--realtime-impl", implementation,
            "--conformance-report", str(report), "--junitxml", str(junit), *extra,
        ]  # fmt: skip
        print("::group::realtime-conformance: " + shlex.join(command[1:]), flush=True)
        try:
            return subprocess.call(command, cwd=folder, env=env)
        finally:
            print("::endgroup::", flush=True)


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(text + "\n")


def _outputs(environ: Mapping[str, str], values: dict[str, str]) -> None:
    path = environ.get("GITHUB_OUTPUT")
    if path:
        _append(path, "\n".join(f"{name}={value}" for name, value in values.items()))


def _escape_data(text: str) -> str:
    """A workflow command's message, as GitHub reads it (``%``, CR and LF escaped)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


if __name__ == "__main__":
    sys.exit(main())
