"""``report --compare``: what changed between two runs, and exit status 1 for a MUST regression.

The regression is real: one library, "mylib", released twice; version 1.1 drops ``name`` from
``response.function_call_arguments.done`` (and stops dropping a field 1.0 dropped), and both are
run through the suite as a user runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.reports import diff, reading

from .cli import run
from .test_report_html import check, report
from .test_report_runs import run_suite


def run_cli(*args: str) -> tuple[int, str, str]:
    done = run(*args)
    return done.code, done.out, done.err

MYLIB = '''
from conformance.implementations.reference.adapter import ReferenceAdapter


def _without(wire, event_type, member):
    if isinstance(wire, dict) and wire.get("type") == event_type:
        wire = {key: value for key, value in wire.items() if key != member}
    return wire


class Release10(ReferenceAdapter):
    name = "mylib"
    version = "1.0"

    def dump(self, direction, obj):  # 1.0 drops the previous_item_id of conversation.item.added
        return _without(super().dump(direction, obj), "conversation.item.added", "previous_item_id")


class Release11(ReferenceAdapter):
    name = "mylib"
    version = "1.1"

    def dump(self, direction, obj):  # 1.1 fixes that, and drops name from the function call (the regression)
        return _without(super().dump(direction, obj), "response.function_call_arguments.done", "name")


class Release12(ReferenceAdapter):  # 1.2 fixes both
    name = "mylib"
    version = "1.2"
'''
SLICE = "corpus/function-call-arguments-done/ or corpus/conversation-item-added-user-text/"


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("mylib")
    (folder / "mylib.py").write_text(MYLIB)
    runs = [run_suite(folder, f"mylib-{version}", f"mylib:Release{version.replace('.', '')}", selection=SLICE) for version in ("1.0", "1.1", "1.2")]
    assert all(run.report.exists() for run in runs), "".join(run.output for run in runs)
    return runs[0].report, runs[1].report, runs[2].report


def test_a_deliberate_regression_exits_1(releases: tuple[Path, Path, Path]) -> None:
    old, new, _ = releases
    code, out, _ = run_cli("report", "--compare", str(old), str(new))
    assert code == 1, out
    assert out.splitlines()[0].startswith("mylib 1.0 (")
    section = out.split("newly failing (1):\n", 1)[1].split("\n\n", 1)[0]
    assert "MUST corpus/function-call-arguments-done/lossless-dump: pass -> fail" in section
    assert "$.name" in section
    assert "newly passing (1):\n  MUST corpus/conversation-item-added-user-text/lossless-dump: fail -> pass" in out
    assert out.rstrip().endswith("1 MUST check newly fails.")


def test_the_same_run_twice_is_no_change(releases: tuple[Path, Path, Path]) -> None:
    old, _, _ = releases
    code, out, _ = run_cli("report", "--compare", str(old), str(old))
    assert (code, out.rstrip().splitlines()[-1]) == (0, "No change.")


def test_a_fix_exits_0_and_the_markdown_says_what_changed(releases: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, regressed, fixed = releases
    summary = tmp_path / "compare.md"
    code, out, _ = run_cli("report", "--compare", str(regressed), str(fixed), "--markdown", str(summary))
    assert code == 0 and out.rstrip().endswith("No MUST check newly fails."), out
    text = summary.read_text()
    assert text.startswith("## mylib 1.1 → mylib 1.2")
    assert "- **MUST** `corpus/function-call-arguments-done/lossless-dump`: fail → pass" in text


def test_every_kind_of_change(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old = report("lib", [
        check("corpus/a/parses", "pass"),
        check("corpus/b/parses", "fail", message="was"),
        check("corpus/c/parses", "expected-fail"),
        check("corpus/d/parses", "pass", "SHOULD"),
        check("corpus/e/parses", "not-applicable"),
        check("corpus/gone/parses"),
        check("corpus/f/parses", "unexpected-pass"),
    ], tmp_path / "old")  # fmt: skip
    new = report("lib", [
        check("corpus/a/parses", "expected-fail"),  # newly failing, though baselined
        check("corpus/b/parses", "fail", message="now"),  # changed message
        check("corpus/c/parses", "fail"),  # other change: the baseline entry went
        check("corpus/d/parses", "fail", "SHOULD"),  # newly failing, but SHOULD
        check("corpus/e/parses", "not-implemented"),  # newly failing: it did not apply before
        check("corpus/new/parses", "fail"),  # a new check: not a regression
        check("corpus/f/parses", "pass"),  # other change: stale entry removed
    ], tmp_path / "new")  # fmt: skip
    comparison = diff.compare(old, new)
    ids = {title: [change.id for change in changes] for title, changes in comparison.sections()}
    assert ids == {
        "newly failing": ["corpus/a/parses", "corpus/d/parses", "corpus/e/parses"],
        "newly passing": [],
        "other changes of outcome": ["corpus/c/parses", "corpus/f/parses"],
        "changed messages": ["corpus/b/parses"],
        "new checks": ["corpus/new/parses"],
        "removed checks": ["corpus/gone/parses"],
    }
    assert [change.id for change in comparison.must_regressions] == ["corpus/a/parses", "corpus/e/parses"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"checks": []}))
    code, _, err = run_cli("report", "--compare", str(broken), str(broken))
    assert code == 2 and f"{broken}: $.implementation" in err
    code, _, err = run_cli("report", "--compare", str(broken), str(tmp_path / "absent.json"))
    assert code == 2
    good = report("lib", [check("corpus/a/parses")], tmp_path)
    code, _, err = run_cli("report", str(good.path), "--compare", str(good.path), str(good.path))
    assert code == 2 and "--compare takes exactly two reports" in err


def test_comparing_two_implementations_says_so(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    one = report("lib", [check("corpus/a/parses")], tmp_path)
    other = report("other", [check("corpus/a/parses")], tmp_path / "b")
    assert "note: these are runs of two different implementations (lib, other)" in diff.render_text(diff.compare(one, other))
    assert isinstance(one, reading.Report)
