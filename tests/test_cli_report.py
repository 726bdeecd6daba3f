"""``realtime-conformance report`` as a user runs it (and as ``tox -e report`` does)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .cli import run
from .test_report_runs import real_runs


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reports/ folder as the tox envs leave it: one JSON report per implementation."""
    folder = tmp_path_factory.mktemp("reports")
    for name, found in real_runs(tmp_path_factory).items():
        shutil.copy(found.report, folder / f"{name}.json")
    return folder


def test_a_directory_of_reports_gives_the_site_and_the_summary(reports_dir: Path, tmp_path: Path) -> None:
    done = run("report", reports_dir, "--html", tmp_path / "html", "--markdown", tmp_path / "summary.md")
    assert done.code == 0, done.err
    assert sorted(page.name for page in (tmp_path / "html").iterdir()) == [
        "impl-broken-drops-function-call-name.html", "impl-broken-numbers-as-strings-on-send.html", "impl-reference.html", "index.html", "report.css",
    ]  # fmt: skip
    assert "the compliance page of 3 implementation(s)" in done.err
    summary = (tmp_path / "summary.md").read_text()
    assert summary.count("\n### ") == 3 and done.out == ""


def test_without_outputs_the_summary_is_printed(reports_dir: Path) -> None:
    done = run("report", reports_dir / "reference.json")
    assert done.code == 0 and done.out.startswith("## Realtime API conformance\n")
    assert run("report", reports_dir / "reference.json", "--markdown", "-", "--title", "Nightly").out.startswith("## Nightly\n")


def test_no_report_is_a_usage_error(tmp_path: Path) -> None:
    done = run("report", tmp_path)
    assert done.code == 2 and "no reports" in done.err and "tox -e reference" in done.err
    assert not any(tmp_path.iterdir())


def test_an_unreadable_report_is_named(tmp_path: Path) -> None:
    (tmp_path / "truncated.json").write_text('{"implementation": {"name": "x"}, "checks": [')
    done = run("report", tmp_path, "--html", tmp_path / "html")
    assert done.code == 2 and f"{tmp_path / 'truncated.json'}: not JSON" in done.err
    assert not (tmp_path / "html").exists()
