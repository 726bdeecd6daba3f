"""Malformed report files: refused with the file, the JSON path and what was expected — by the
reader, and by ``realtime-conformance report`` with exit status 2 and no traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conformance.reports import reading

from .cli import run
from .test_report_html import check, finding


def v3(**changes: Any) -> dict[str, Any]:
    """A well-formed version 3 report, with members replaced."""
    data: dict[str, Any] = {
        "report_version": 3,
        "implementation": {"name": "lib", "version": "1.0", "sides": ["client"], "transports": ["websocket"], "class": "client",
                           "scope": {"consumes": None, "sends": ["text-input"], "cannot_send": ["mcp"], "why": {"mcp": "x.py:1"}}},
        "options": {"strict": False, "baseline": None},
        "findings": [finding("unmodelled-type/error", "MUST", ["corpus/a/parses"])],
        "checks": [check("corpus/a/parses", "fail")],
    }  # fmt: skip
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[int(last) if isinstance(target, list) else last] = value
    return data


def test_a_well_formed_report_is_read_with_its_findings_class_and_scope(tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_text(json.dumps(v3()))
    loaded = reading.load(path)
    assert [(f.id, f.level, f.checks) for f in loaded.findings] == [("unmodelled-type/error", "MUST", ["corpus/a/parses"])]
    assert loaded.findings_recorded and loaded.implementation.klass == "client"
    assert loaded.implementation.scope == reading.ScopeFacts(None, ("text-input",), ("mcp",), {"mcp": "x.py:1"})


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"implementation__sides": 5}, "$.implementation.sides: expected a list of strings or null, got 5"),
        ({"implementation__transports": ["websocket", 3]}, "$.implementation.transports[1]: expected a string, got 3"),
        ({"implementation__version": {"major": 1}}, "$.implementation.version: expected a version (a string), got an object with 1 member"),
        ({"implementation__language": ["python"]}, "$.implementation.language: expected a string or null, got a list of 1 item"),
        ({"implementation__class": 7}, "$.implementation.class: expected a string or null, got 7"),
        ({"implementation__scope": "all"}, '$.implementation.scope: expected an object, got "all"'),
        ({"implementation__scope__why": {"mcp": 1}}, '$.implementation.scope.why["mcp"]: expected a string, got 1'),
        ({"options": []}, "$.options: expected an object, got a list of 0 items"),
        ({"options__strict": "yes"}, '$.options.strict: expected true or false, got "yes"'),
        ({"options__baseline": 1}, "$.options.baseline: expected a string or null, got 1"),
        ({"report_version": True}, "$.report_version: expected a report version from 1 to 3, got true"),
        ({"findings": {}}, "$.findings: expected a list, got an object with 0 members"),
        ({"findings__0": "x"}, '$.findings[0]: expected a finding object, got "x"'),
        ({"findings__0__level": "MAY"}, '$.findings[0].level: expected one of MUST, SHOULD, INFO, got "MAY"'),
        ({"findings__0__checks": "corpus/a/parses"}, '$.findings[0].checks: expected a list of strings or null, got "corpus/a/parses"'),
        ({"findings__0__known": "no"}, '$.findings[0].known: expected true or false, got "no"'),
        ({"findings__0__reason": 3}, "$.findings[0].reason: expected a string or null, got 3"),
        ({"checks__0__message": {"text": "x"}}, "$.checks[0].message: expected a string or null, got an object with 1 member"),
        ({"checks__0__event_type": 1}, "$.checks[0].event_type: expected a string or null, got 1"),
        ({"checks__0__cause": []}, "$.checks[0].cause: expected a string or null, got a list of 0 items"),
    ],
)
def test_a_member_of_the_wrong_type_is_named_with_its_path(tmp_path: Path, changes: dict[str, Any], complaint: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(v3(**changes)))
    with pytest.raises(reading.ReportError, match=re.escape(f"{path}: {complaint}")):
        reading.load(path)


def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(reading.ReportError, match=re.escape(f"{path}: $: nested too deeply to read")):
        reading.load(path)
    shallow_enough = tmp_path / "deep-member.json"  # deep, yet within what the JSON reader takes
    shallow_enough.write_text(json.dumps(v3()).replace('"message": ""', '"message": ' + "[" * 500 + "]" * 500, 1))
    with pytest.raises(reading.ReportError, match=re.escape("$.checks[0].message: expected a string or null, got a list of 1 item")):
        reading.load(shallow_enough)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("[" * 100_000 + "]" * 100_000, "$: nested too deeply to read"),
        (json.dumps(v3(implementation__sides=5)), "$.implementation.sides: expected a list of strings or null, got 5"),
        (b"\xff\xfe{", "not JSON"),
        ("", "not JSON"),
    ],
)
def test_the_command_exits_2_with_the_file_and_the_path_never_a_traceback(tmp_path: Path, content: str | bytes, complaint: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    good = tmp_path / "good" / "good.json"
    good.parent.mkdir()
    good.write_text(json.dumps(v3()))
    for args in (("report", path, "--html", tmp_path / "site"), ("report", "--compare", good, path), ("report", "--compare", path, good)):
        done = run(*args)
        assert done.code == 2, done.err
        assert f"{path}: {complaint}" in done.err
        assert "Traceback" not in done.err and done.out == ""
    assert not (tmp_path / "site").exists()


def test_a_baseline_the_report_names_that_is_malformed_gives_no_reasons_not_a_crash(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"implementation": "lib", "findings": ' + "[" * 100_000 + "]" * 100_000 + "}")
    path = tmp_path / "report.json"
    path.write_text(json.dumps(v3(options__baseline=str(baseline))))
    loaded = reading.load(path)
    assert loaded.baseline_reasons() == {} and loaded.reason_of(loaded.findings[0]) == ""
