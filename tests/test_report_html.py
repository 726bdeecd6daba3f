"""The HTML report's pages, read as HTML (the browser test reads them rendered): the matrix's
rows for any family, its cells, the detail pages' inputs, and what a hostile report cannot do."""

from __future__ import annotations

import html as html_module
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conformance.reports import html, inputs, matrix, reading
from conformance.records import CheckRecord

from .test_report_runs import real_runs


def report(name: str, checks: list[dict[str, Any]], tmp_path: Path, findings: list[dict[str, Any]] | None = None, **implementation: Any) -> reading.Report:
    """A report read back from disk: version 2 (no findings) unless ``findings`` are given."""
    data: dict[str, Any] = {"report_version": 2, "implementation": {"name": name, "version": "1.0", **implementation}, "options": {}, "checks": checks}
    if findings is not None:
        data.update(report_version=3, findings=findings)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data))
    return reading.load(path)


def check(check_id: str, outcome: str = "pass", level: str = "MUST", event_type: str | None = None, message: str = "", source: str = "") -> dict[str, Any]:
    return {"id": check_id, "family": check_id.split("/")[0], "event_type": event_type, "level": level, "outcome": outcome, "message": message, "source": source}


def finding(finding_id: str, level: str, checks: list[str], known: bool = False, impact: str = "", reason: str | None = None) -> dict[str, Any]:
    return {"id": finding_id, "level": level, "impact": impact, "reason": reason, "input": "", "known": known, "checks": checks}


def text_of(page: Path) -> str:
    """A page's text as a reader sees it, tags removed and spaces collapsed."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page.read_text())).split())


class Page(HTMLParser):
    """The parts of a page the tests look at: links, element ids, table header scopes, scripts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scopes: list[str | None] = []
        self.scripts = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])  # type: ignore[arg-type]
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])  # type: ignore[arg-type]
        if tag == "th":
            self.scopes.append(attributes.get("scope"))
        if tag == "script":
            self.scripts += 1


def test_rows_come_from_the_family_and_the_id_so_new_families_need_no_code(tmp_path: Path) -> None:
    checks = [
        check("corpus/speech-started/parses", event_type="input_audio_buffer.speech_started"),
        check("corpus/speech-started-extra/parses", event_type="input_audio_buffer.speech_started"),
        check("session/barge-in-midway/response-cancelled", "fail", event_type="response.cancel", source="fixtures/sessions/barge-in-midway.jsonl:7"),
        check("session/barge-in-midway/ids-unique"),
        check("probe/slow-consumer/keeps-order", "expected-fail"),
        check("wire/ping-pong/answers", "not-implemented"),
        check("future/some-scenario/some-rule", "not-applicable"),
    ]
    blocks = matrix.build([report("lib", checks, tmp_path)])
    rows = {block.family: [row.name for row in block.rows] for block in blocks}
    assert rows == {
        "corpus": ["input_audio_buffer.speech_started"],  # by event type: two fixtures, one row
        "session": ["barge-in-midway"],  # by the id's second segment, not its event type
        "probe": ["slow-consumer"],
        "wire": ["ping-pong"],
        "future": ["some-scenario"],
    }
    assert [block.family for block in blocks] == ["corpus", "session", "probe", "wire", "future"]


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        ((("pass", "MUST"), ("fail", "MUST"), ("expected-fail", "MUST")), "fails"),
        ((("pass", "MUST"), ("unexpected-pass", "MUST")), "stale baseline"),
        ((("expected-fail", "MUST"), ("not-implemented", "MUST")), "not implemented"),
        ((("pass", "MUST"), ("expected-fail", "MUST"), ("fail", "SHOULD")), "known failure"),  # only MUST colours
        ((("pass", "MUST"), ("not-applicable", "MUST")), "passes"),
        ((("not-applicable", "MUST"),), "not applicable"),
        ((("fail", "SHOULD"),), "no MUST checks"),
    ],
)
def test_a_cell_is_named_after_its_worst_must_outcome(outcomes: tuple[tuple[str, str], ...], status: str) -> None:
    cell = matrix.Cell()
    for number, (outcome, level) in enumerate(outcomes):
        cell.add(CheckRecord(f"corpus/x{number}/parses", "corpus", "error", level, outcome, ""))  # type: ignore[arg-type]
    assert cell.status().word == status
    assert cell.status().symbol or status == "not run"


def test_every_outcome_has_a_status_a_symbol_and_a_count_label() -> None:
    from conformance.outcomes import OUTCOMES

    assert set(matrix.STATUSES) == set(matrix.COUNT_LABELS) == set(matrix.SEVERITY) == set(OUTCOMES)
    assert len({status.key for status in matrix.STATUSES.values()}) == len(OUTCOMES)


def test_the_site_from_real_runs_links_every_non_passing_cell_to_its_section(tmp_path_factory: pytest.TempPathFactory) -> None:
    runs = real_runs(tmp_path_factory)
    reports = [reading.load(runs[name].report) for name in ("reference", "drops-name", "numbers")]
    out = tmp_path_factory.mktemp("site")
    pages = html.write(reports, out)
    assert [page.name for page in pages] == ["index.html", "impl-reference.html", "impl-broken-drops-function-call-name.html", "impl-broken-numbers-as-strings-on-send.html"]
    index = Page(pages[0].read_text())
    assert index.scripts == 0 and set(index.scopes) == {"col", "row"}
    targets = {page.name: Page(page.read_text()).ids for page in pages[1:]}
    fragment_links = [link for link in index.links if "#" in link and not link.startswith("#")]
    assert "impl-broken-drops-function-call-name.html#corpus:response.function_call_arguments.done" in fragment_links
    for link in fragment_links:
        name, fragment = link.split("#", 1)
        assert fragment in targets[name], f"{link} leads nowhere"
    for link in (link for link in index.links if link.startswith("#")):
        assert link[1:] in index.ids or link == "#top"
    # Every non-passing check of every report is on its page, with its id as the anchor.
    for report_, page in zip(reports, pages[1:]):
        listed = Page(page.read_text()).ids
        assert {c.id for c in report_.checks if c.outcome != "pass"} <= listed


def test_a_version_1_report_is_read_and_shown(tmp_path: Path) -> None:
    old = {"report_version": 1, "implementation": {"name": "pipecat", "version": "1.14.0"}, "options": {"strict": False, "baseline": None},
           "checks": [{"id": "corpus/x/parses", "family": "corpus", "event_type": "error", "level": "MUST", "outcome": "expected-fail", "message": "m"}]}  # fmt: skip
    path = tmp_path / "pipecat.json"
    path.write_text(json.dumps(old))
    loaded = reading.load(path)
    assert (loaded.implementation.language, loaded.checks[0].source) == ("unknown", "")
    html.write([loaded], tmp_path / "site")
    assert "corpus/x/parses" in (tmp_path / "site" / "impl-pipecat.html").read_text()


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ([], "$: expected a JSON object"),
        ({"implementation": {"name": "x"}, "checks": {}}, "$.checks: expected a list"),
        ({"implementation": {}, "checks": []}, "$.implementation.name: expected a string, got absent"),
        ({"implementation": {"name": "x"}, "checks": [{"id": "a/b/c", "family": "a", "level": "MUST", "outcome": "great"}]}, "$.checks[0].outcome: expected one of pass"),
        ({"report_version": 99, "implementation": {"name": "x"}, "checks": []}, "$.report_version: expected a report version"),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_with_where(tmp_path: Path, data: Any, complaint: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(reading.ReportError, match=re.escape(f"{path}: {complaint}")):
        reading.load(path)


def test_text_from_a_report_is_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    loaded = report(hostile, [check("corpus/<b>x</b>/parses", "fail", event_type="<img src=x>", message=hostile)], tmp_path)
    html.write([loaded], tmp_path / "site")
    for page in (tmp_path / "site").glob("*.html"):
        text = page.read_text()
        assert "<script>" not in text and "<img" not in text and "<b>x" not in text
        assert "&lt;script&gt;" in text


def test_two_reports_of_one_name_get_their_own_pages(tmp_path: Path) -> None:
    first = report("lib", [check("corpus/a/parses")], tmp_path)
    (tmp_path / "v2").mkdir()
    second = report("lib", [check("corpus/a/parses")], tmp_path / "v2")
    second.implementation = reading.Implementation("lib", "2.0")
    # by name, then by version, then numbered
    assert html.page_names([first, second, first, first]) == ["impl-lib.html", "impl-lib-2.0.html", "impl-lib-1.0.html", "impl-lib-2.html"]


# --- inputs -------------------------------------------------------------------------------------


def record(source: str, message: str = "") -> CheckRecord:
    return CheckRecord("x/y/z", "x", None, "MUST", "fail", message, source)


def test_a_fixture_shows_its_payload_and_where_it_came_from() -> None:
    shown = inputs.describe(record("fixtures/server/response.function_call_arguments.done/function-call-arguments-done.json"))
    assert shown is not None and shown.kind == "fixture"
    assert json.loads(shown.json)["name"] == "lookup_order"
    assert dict(shown.facts)["the reference's verdict"] == "valid"


def test_a_snapshot_shows_the_scenario_and_its_wire_json() -> None:
    shown = inputs.describe(record("snapshots/item-truncate.json"))
    assert shown is not None and shown.kind == "snapshot"
    assert json.loads(shown.json)["type"] == "conversation.item.truncate"
    assert "scenario" in dict(shown.facts)


def test_a_generated_event_comes_from_the_message() -> None:
    message = 'the dump differs\n  minimal event: {"type": "error", "error": {"type": "x"}}\n  replay: pytest ...'
    shown = inputs.describe(record("events generated from the reference schema of error", message))
    assert shown is not None and shown.kind == "generated"
    assert json.loads(shown.json) == {"type": "error", "error": {"type": "x"}}


def test_a_transcript_excerpt_marks_the_line(tmp_path: Path) -> None:
    lines = [json.dumps({"dir": "server", "event": {"type": "response.output_audio.delta", "delta": "A" * 2000, "n": n}}) for n in range(1, 21)]
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sessions" / "long.jsonl").write_text("\n".join(lines) + "\n")
    shown = inputs.describe(record("sessions/long.jsonl:12"), report_dir=tmp_path)
    assert shown is not None and shown.kind == "transcript"
    assert [line.number for line in shown.lines] == list(range(9, 16))
    assert [line.number for line in shown.lines if line.marked] == [12]
    assert all(len(line.text) < 400 for line in shown.lines)  # audio is shortened, the rest kept
    assert [line.text for line in shown.lines if line.marked][0].endswith('(2000 characters)", "n": 12}}')
    beyond = inputs.describe(record("sessions/long.jsonl:99"), report_dir=tmp_path)
    assert beyond is not None and "line 99 is not among them" in beyond.note


@pytest.mark.parametrize("source", ["../../etc/passwd.json", "/etc/hostname.json", "fixtures/../../pyproject.json", "fixtures/server/nope/absent.json", "sessions/absent.jsonl:3"])
def test_an_input_outside_the_data_or_absent_is_named_not_read(source: str, tmp_path: Path) -> None:
    shown = inputs.describe(record(source), report_dir=tmp_path)
    assert shown is not None and shown.kind == "missing" and not shown.json and not shown.lines


def test_long_strings_are_shortened_on_the_page() -> None:
    text = inputs.pretty({"audio": "QUJD" * 1000, "short": "ok"})
    assert "(4000 characters)" in text and '"short": "ok"' in text and len(text) < 400
