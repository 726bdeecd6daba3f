"""The Markdown summary: failures by family and level, and the most telling ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conformance.reports import markdown, reading

from .test_report_html import check, finding, report
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
    # Findings first: drops-name's two failing corpus checks and its property failure are one cause.
    assert lines[4:6] == ["- **reference 0.1.0** (model+client): no findings", "- **broken:drops-function-call-name 0.1.0** (model+client): 1 MUST finding (1 new)"]
    assert any(line.startswith("| reference 0.1.0 |") and "| 0 / 0 |" in line for line in lines)
    # drops-name: the property and one corpus failure are new, one corpus failure is baselined
    row = next(line for line in lines if line.startswith("| broken:drops-function-call-name 0.1.0 |"))
    assert "| 2 / 1 ❌ |" in row
    assert "| corpus | 1 | 1 | 0 | 0 |" in lines
    assert "| property | 1 | 0 | 0 | 0 |" in lines
    numbered = [line for line in lines if line[:3] in ("1. ", "2. ")]  # the most telling failures
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


# --- findings first -------------------------------------------------------------------------------


def test_the_summary_leads_with_findings_per_implementation_by_level(tmp_path: Path) -> None:
    checks = [
        check("corpus/a/parses", "fail", "MUST", "error"),
        check("property/error/lossless-round-trip", "fail", "MUST", "error"),
        check("corpus/b/rejects", "expected-fail", "SHOULD", "error"),
        check("corpus/c/parses", "fail", "INFO", "rate_limits.updated"),
    ]
    findings = [
        finding("accepts-invalid-events", "SHOULD", ["corpus/b/rejects"], known=True, impact="invalid events reach the application", reason="no validation (models.py:12)"),
        finding("unmodelled-type/error", "MUST", ["corpus/a/parses", "property/error/lossless-round-trip"], impact="the application never gets error events"),
        finding("unmodelled-type/rate_limits.updated", "INFO", ["corpus/c/parses"]),
    ]
    text = markdown.summary([report("mylib", checks, tmp_path, findings=findings, **{"class": "client"})])
    lines = text.splitlines()
    assert lines[4] == "- **mylib 1.0** (client): 1 MUST finding, 1 SHOULD, 1 INFO (2 new)"
    assert text.index(lines[4]) < text.index("| implementation | checks |") < text.index("### mylib 1.0")
    section = text.split("### mylib 1.0 (unknown, unknown; class client)\n", 1)[1]
    must, should = section.index("**MUST findings** (1, 1 new):"), section.index("**SHOULD findings** (1):")
    assert must < should < section.index("1 INFO finding (not failures") < section.index("Failing checks by family:")
    assert (
        "- `unmodelled-type/error` **new**: the application never gets error events. "
        "Checks (2): `corpus/a/parses`, `property/error/lossless-round-trip`"
    ) in section
    assert "- `accepts-invalid-events` known: invalid events reach the application. Reason: no validation (models.py:12). Checks (1): `corpus/b/rejects`" in section


def test_an_older_report_counts_each_failing_check_as_a_finding(tmp_path: Path) -> None:
    text = markdown.summary([report("oldlib", [check("corpus/a/parses", "fail"), check("corpus/b/parses", "expected-fail"), check("corpus/c/parses")], tmp_path)])
    assert "- **oldlib 1.0**: 2 MUST findings (1 new) (an older report, version 2: each failing check counted as a finding)" in text
    assert "- `corpus/a/parses` **new**" in text and "- `corpus/b/parses` known" in text


def spans(line: str) -> tuple[str, list[str]]:
    """A Markdown line's text outside its code spans, and the spans' contents, as CommonMark reads
    them: a backslash escapes the next character; a run of n backticks opens a span that the next
    run of exactly n closes (unclosed, it is literal); one space is stripped from each end of a
    span that starts and ends with one."""
    outside: list[str] = []
    found: list[str] = []
    index = 0
    while index < len(line):
        if line[index] == "\\" and index + 1 < len(line):
            outside.append(line[index : index + 2])
            index += 2
            continue
        if line[index] != "`":
            outside.append(line[index])
            index += 1
            continue
        run = re.match(r"`+", line[index:])[0]  # type: ignore[index]
        closing = next((m for m in re.finditer(r"`+", line[index + len(run) :]) if len(m[0]) == len(run)), None)
        if closing is None:
            outside.append(run)
            index += len(run)
            continue
        content = line[index + len(run) : index + len(run) + closing.start()]
        if content.startswith(" ") and content.endswith(" ") and content.strip():
            content = content[1:-1]
        found.append(content)
        index += len(run) + closing.end()
    return "".join(outside), found


@pytest.mark.parametrize("hostile", ["corpus/a`<img src=x>`/parses", "corpus/``<b>x</b>``/parses", "`corpus/<i>/parses`", "corpus/a\\`<u>x</u>/parses"])
def test_a_backtick_in_a_check_id_cannot_break_its_code_span(tmp_path: Path, hostile: str) -> None:
    checks = [check(hostile, "fail", "MUST", f"{hostile}.type"), check(hostile.replace("parses", "dump"), "unexpected-pass")]
    text = markdown.summary([report("lib", checks, tmp_path)])
    shown: list[str] = []
    for line in text.splitlines():
        outside, found = spans(line)
        assert not re.search(r"(?<!\\)<", outside), f"raw HTML outside the code spans: {line}"
        shown += found
    assert hostile in shown and hostile.replace("parses", "dump") in shown and f"{hostile}.type" in shown


def test_a_code_span_keeps_its_text_whatever_its_ends() -> None:
    for text in ("plain", "`starts", "ends`", " both ", "a``b`c", "```"):
        outside, found = spans(markdown.code(text))
        assert (outside, found) == ("", [text])
