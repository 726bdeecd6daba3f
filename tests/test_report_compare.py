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
from .test_report_html import check, finding, report
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
    # Findings first, by cause: the name 1.1 drops is new, the previous_item_id 1.0 dropped is fixed.
    assert "new findings (1):\n  MUST loses-member/response.function_call_arguments.done.name: " in out
    assert "fixed findings (1):\n  MUST loses-member/conversation.item.added.previous_item_id: " in out
    assert out.index("new findings") < out.index("fixed findings") < out.index("checks newly failing")
    section = out.split("checks newly failing (1):\n", 1)[1].split("\n\n", 1)[0]
    assert "MUST corpus/function-call-arguments-done/lossless-dump: pass -> fail" in section
    assert "$.name" in section
    assert "checks newly passing (1):\n  MUST corpus/conversation-item-added-user-text/lossless-dump: fail -> pass" in out
    assert out.rstrip().endswith("1 new MUST finding; 1 MUST check newly fails.")


def test_the_same_run_twice_is_no_change(releases: tuple[Path, Path, Path]) -> None:
    old, _, _ = releases
    code, out, _ = run_cli("report", "--compare", str(old), str(old))
    assert (code, out.rstrip().splitlines()[-1]) == (0, "No change.")


def test_a_fix_exits_0_and_the_markdown_says_what_changed(releases: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, regressed, fixed = releases
    summary = tmp_path / "compare.md"
    code, out, _ = run_cli("report", "--compare", str(regressed), str(fixed), "--markdown", str(summary))
    assert code == 0 and out.rstrip().endswith("No new MUST finding, and no MUST check newly fails."), out
    text = summary.read_text()
    assert text.startswith("## mylib 1.1 → mylib 1.2")
    assert "### Fixed findings (1)\n\n- **MUST** `loses-member/response.function_call_arguments.done.name`: " in text
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
        "checks newly failing": ["corpus/a/parses", "corpus/d/parses", "corpus/e/parses"],
        "checks newly passing": [],
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


# --- findings -------------------------------------------------------------------------------------


def two_runs(tmp_path: Path, old_findings: list[dict] | None, new_findings: list[dict] | None, old_checks: list[dict], new_checks: list[dict]) -> tuple[reading.Report, reading.Report]:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    return report("lib", old_checks, tmp_path / "old", findings=old_findings), report("lib", new_checks, tmp_path / "new", findings=new_findings)


def test_findings_new_fixed_and_changed_level_by_id(tmp_path: Path) -> None:
    old, new = two_runs(
        tmp_path,
        [finding("loses-member/A.x", "MUST", ["corpus/a/dump"]), finding("accepts-invalid-events", "SHOULD", ["corpus/b/rejects"]), finding("gone", "SHOULD", ["corpus/g/parses"])],
        [finding("loses-member/A.x", "MUST", ["corpus/a/dump", "corpus/a2/dump"]), finding("accepts-invalid-events", "MUST", ["corpus/b/rejects"]), finding("crashes/parse", "SHOULD", ["corpus/c/parses"])],
        [check("corpus/a/dump", "fail"), check("corpus/b/rejects", "fail", "SHOULD"), check("corpus/g/parses", "fail", "SHOULD"), check("corpus/c/parses")],
        [check("corpus/a/dump", "fail"), check("corpus/a2/dump", "fail"), check("corpus/b/rejects", "fail"), check("corpus/g/parses"), check("corpus/c/parses", "fail", "SHOULD")],
    )
    changes = diff.compare(old, new).findings
    assert [(c.id, c.level) for c in changes.new] == [("crashes/parse", "SHOULD")]
    assert [(c.id, c.level) for c in changes.fixed] == [("gone", "SHOULD")]
    assert [(c.id, c.old.level, c.new.level) for c in changes.changed_level] == [("accepts-invalid-events", "SHOULD", "MUST")]  # type: ignore[union-attr]
    assert not changes.by_checks
    text = diff.render_text(diff.compare(old, new))
    assert "findings that changed level (1):\n  accepts-invalid-events: SHOULD -> MUST" in text


def test_a_finding_that_rises_to_must_exits_1_though_no_check_newly_fails(tmp_path: Path) -> None:
    old, new = two_runs(
        tmp_path,
        [finding("accepts-invalid-events", "SHOULD", ["corpus/b/rejects"])],
        [finding("accepts-invalid-events", "MUST", ["corpus/b/rejects"])],
        [check("corpus/b/rejects", "fail", "SHOULD")],
        [check("corpus/b/rejects", "fail", "MUST")],
    )
    assert not diff.compare(old, new).must_regressions
    code, out, _ = run_cli("report", "--compare", str(old.path), str(new.path))
    assert code == 1 and out.rstrip().endswith("1 new MUST finding."), out


def test_a_new_should_finding_alone_exits_0(tmp_path: Path) -> None:
    old, new = two_runs(tmp_path, [], [finding("crashes/parse", "SHOULD", ["corpus/c/parses"])], [check("corpus/c/parses", level="SHOULD")], [check("corpus/c/parses", "fail", "SHOULD")])
    code, out, _ = run_cli("report", "--compare", str(old.path), str(new.path))
    assert code == 0 and "new findings (1):\n  SHOULD crashes/parse [1 check]" in out, out


def test_an_old_format_side_is_matched_by_the_checks_findings_explain(tmp_path: Path) -> None:
    old_checks = [check("corpus/a/dump", "expected-fail"), check("corpus/a2/dump", "fail"), check("corpus/f/parses", "fail"), check("corpus/n/parses")]
    new_checks = [check("corpus/a/dump", "fail"), check("corpus/a2/dump", "fail"), check("corpus/f/parses"), check("corpus/n/parses", "fail", "SHOULD")]
    old, new = two_runs(
        tmp_path,
        None,  # version 2: each failing check is a finding named after it
        [finding("loses-member/A.x", "MUST", ["corpus/a/dump", "corpus/a2/dump"]), finding("crashes/parse", "SHOULD", ["corpus/n/parses"])],
        old_checks,
        new_checks,
    )
    comparison = diff.compare(old, new)
    assert comparison.findings.by_checks
    assert [c.id for c in comparison.findings.new] == ["crashes/parse"]  # its check passed before
    assert [c.id for c in comparison.findings.fixed] == ["corpus/f/parses"]  # no finding explains it now
    assert comparison.findings.changed_level == []  # loses-member/A.x is the two checks that failed before
    code, out, _ = run_cli("report", "--compare", str(old.path), str(new.path))
    assert code == 0 and "note: OLD (report.json) is a report of version 2, older than findings" in out, out
    code, out, _ = run_cli("report", "--compare", str(new.path), str(old.path))  # and the other way round
    assert code == 1 and "new findings (1):\n  MUST corpus/f/parses [1 check]" in out and "note: NEW (report.json)" in out, out
