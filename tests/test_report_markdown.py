"""The Markdown summary: failures by family and level, and the most telling ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.reports import markdown, reading

from .test_report_html import check, report
from .test_report_runs import real_runs


def test_telling_means_must_first_then_new_before_known_then_one_per_event_type(tmp_path: Path) -> None:
    checks = [
        check("corpus/a1/parses", "expected-fail", "MUST", "error"),
        check("corpus/a2/parses", "fail", "SHOULD", "response.done"),
        check("corpus/a3/parses", "fail", "MUST", "error"),
        check("corpus/a4/lossless-dump", "fail", "MUST", "error"),  # same event type: left out
        check("corpus/a5/parses", "not-implemented", "MUST", "session.update"),
        check("corpus/a6/parses", "expected-fail", "MUST", "response.create"),
        check("corpus/a7/parses", "fail", "INFO", "rate_limits.updated"),  # INFO is not a failure
        check("corpus/a8/parses", "unexpected-pass", "MUST", "response.cancel"),  # stale, not a failure
        check("session/barge-in/cancels", "fail", "MUST", "response.cancel"),
        check("session/barge-in/ids-unique", "fail", "MUST", "response.cancel"),  # same scenario: left out
        check("session/long-turn/ids-unique", "expected-fail", "MUST", "response.cancel"),
    ]
    chosen = [c.id for c in markdown.telling(report("lib", checks, tmp_path))]
    assert chosen == [
        "corpus/a3/parses",  # MUST, new, error
        "corpus/a5/parses",  # MUST, new (not implemented), session.update
        "session/barge-in/cancels",  # MUST, new, a session family row (after corpus)
        "corpus/a6/parses",  # MUST, known, response.create (error already shown)
        "session/long-turn/ids-unique",  # MUST, known, another session
        "corpus/a2/parses",  # SHOULD, new
    ]


def test_at_most_ten(tmp_path: Path) -> None:
    checks = [check(f"property/type-{n}/lossless-round-trip", "fail", "MUST", f"type.{n}") for n in range(15)]
    assert len(markdown.telling(report("lib", checks, tmp_path))) == markdown.TELLING == 10


def test_the_summary_of_real_runs(tmp_path_factory: pytest.TempPathFactory) -> None:
    runs = real_runs(tmp_path_factory)
    reports = [reading.load(runs[name].report) for name in ("reference", "drops-name")]
    text = markdown.summary(reports)
    lines = text.splitlines()
    assert lines[0] == "## Realtime API conformance"
    assert any(line.startswith("| reference 0.1.0 |") and "| 0 / 0 |" in line for line in lines)
    # drops-name: the property and one corpus failure are new, one corpus failure is baselined
    row = next(line for line in lines if line.startswith("| broken:drops-function-call-name 0.1.0 |"))
    assert "| 2 / 1 ❌ |" in row
    assert "| corpus | 1 | 1 | 0 | 0 |" in lines
    assert "| property | 1 | 0 | 0 | 0 |" in lines
    numbered = [line for line in lines if line[:3] in ("1. ", "2. ")]
    assert numbered[0].startswith("1. **MUST** fail: `corpus/function-call-arguments-done/lossless-dump`")
    assert "$.name" in numbered[0]
    assert "No MUST or SHOULD check failed." in text  # the reference


def test_messages_cannot_break_the_markdown(tmp_path: Path) -> None:
    hostile = "a | b <img src=x> *bold* [link](http://x) `code` _em_ snake_case\nsecond line"
    text = markdown.summary([report("lib|x", [check("corpus/a/parses", "fail", "MUST", "error", message=hostile)], tmp_path)])
    line = next(line for line in text.splitlines() if line.startswith("1. "))
    assert r"a \| b \<img src=x\> \*bold\* \[link\](http://x) \`code\` \_em\_ snake_case" in line
    assert "second line" not in text
    assert r"| lib\|x 1.0 |" in text


def test_stale_baseline_entries_are_counted_and_named(tmp_path: Path) -> None:
    text = markdown.summary([report("lib", [check("corpus/a/parses", "unexpected-pass"), check("corpus/b/parses")], tmp_path)])
    assert "| lib 1.0 | 2 | 1 | 0 / 0 | 0 / 0 | 1 ❌ | 0 |" in text
    assert "1 stale baseline entry (listed as known failures, yet passing): `corpus/a/parses`" in text
