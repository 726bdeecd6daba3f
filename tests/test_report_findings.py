"""Findings and scope in the HTML site: the front page leads with findings per implementation (then
the families), each implementation page lists its findings by level, then what was not judged."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from conformance import __version__
from conformance.findings import group
from conformance.records import CheckRecord
from conformance.reports import html

from .test_report_html import Page, check, finding, report, text_of

SCOPE = {
    "consumes": ["response.done", "error"],
    "sends": ["text-input"],
    "cannot_send": ["mcp", "function-calls"],
    "why": {"mcp": "the service builds no MCP tool (service.py:88)"},
}


class Tables(HTMLParser):
    """Each table's rows (cell texts) by the table's class."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("class") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def two_findings(tmp_path: Path):
    """One implementation, one MUST finding (new, two checks in two families) and one SHOULD
    finding (known), listed SHOULD first in the JSON."""
    checks = [
        check("corpus/a/parses", "fail", event_type="response.done", message="refused"),
        check("property/response.done/lossless-round-trip", "fail", event_type="response.done"),
        check("corpus/b/rejects", "expected-fail", "SHOULD", event_type="error"),
        check("corpus/c/parses"),
        check("wire/mcp-tools/sends", "not-implemented", "INFO", message="mylib cannot send mcp (its scope)"),
        check("wire/mcp-list/reaches-app", "not-applicable", message="only mcp make(s) a server send this, and mylib cannot send it"),
        check("wire/mcp-call/reaches-app", "not-applicable", message="only mcp make(s) a server send this, and mylib cannot send it"),
    ]
    findings = [
        finding("accepts-invalid-events", "SHOULD", ["corpus/b/rejects"], known=True, impact="invalid events reach the application", reason="no validation (models.py:12)"),
        finding("unmodelled-type/response.done", "MUST", ["corpus/a/parses", "property/response.done/lossless-round-trip"], impact="the application never gets response.done events"),
    ]
    return report("mylib", checks, tmp_path, findings=findings, language="python", dialect="ga", **{"class": "client", "scope": SCOPE})


def test_the_front_page_leads_with_findings_per_implementation_by_level(tmp_path: Path) -> None:
    (tmp_path / "older").mkdir()
    older = report("oldlib", [check("corpus/a/parses", "fail"), check("corpus/b/parses", "expected-fail"), check("corpus/c/parses", "fail", "SHOULD")], tmp_path / "older")
    pages = html.write([two_findings(tmp_path), older], tmp_path / "site")
    text = pages[0].read_text()
    assert text.index('class="findings"') < text.index('class="families"') < text.index('class="matrix"')
    rows = Tables(text).tables["findings"]
    assert rows[0] == ["Implementation", "Class", "Version", "Language", "Dialect", "MUST findings", "SHOULD findings", "INFO findings"]
    assert rows[1] == ["mylib", "client", "1.0", "python", "ga", "1 1 new", "1 1 known", "0"]
    # A report older than findings: each failing check is a finding, known when baselined; marked †.
    assert rows[2] == ["oldlib †", "unknown", "1.0", "unknown", "unknown", "2 1 new · 1 known", "1 1 new", "0"]
    assert "impl-mylib.html#findings-MUST" in Page(text).links


def test_the_date_and_the_suites_version_are_on_the_front_page(tmp_path: Path) -> None:
    pages = html.write([two_findings(tmp_path)], tmp_path / "site")
    stamp = re.search(r'<p class="stamp">(.*?)</p>', pages[0].read_text(), re.DOTALL)
    assert stamp is not None
    assert f"realtime-conformance {__version__}" in stamp[1]
    assert re.search(r"<time>\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>", stamp[1])


def test_a_family_cell_counts_the_findings_of_its_checks(tmp_path: Path) -> None:
    pages = html.write([two_findings(tmp_path)], tmp_path / "site")
    rows = Tables(pages[0].read_text()).tables["families"]
    header, mylib = rows
    cells = dict(zip(header[1:], mylib[1:]))
    # The MUST finding spans corpus and property and counts in both; the SHOULD one is corpus only.
    assert "2 findings: 1 MUST, 1 SHOULD · 3 checks" in cells["corpus"]
    assert "1 finding: 1 MUST · 1 check" in cells["property"]
    assert "no findings · 3 checks" in cells["wire"]
    assert "✗ fails" in cells["corpus"] and "✓ passes" not in cells["corpus"]


def test_an_implementation_page_lists_findings_by_level_with_their_checks(tmp_path: Path) -> None:
    pages = html.write([two_findings(tmp_path)], tmp_path / "site")
    page = pages[1].read_text()
    must, should = page.index('id="finding:unmodelled-type/response.done"'), page.index('id="finding:accepts-invalid-events"')
    assert page.index('id="findings"') < must < should < page.index('id="scope"') < page.index('id="summary-heading"')
    text = text_of(pages[1])
    assert "MUST findings (1, 1 new)" in text and "SHOULD findings (1)" in text
    assert "Impact: the application never gets response.done events" in text
    assert "Reason: none recorded yet" in text  # the new one
    assert "<code>models.py:12</code>" in page  # the known one's reason, its file and line as code
    parsed = Page(page)
    for target in ("#corpus/a/parses", "#property/response.done/lossless-round-trip", "#corpus/b/rejects"):
        assert target in parsed.links and target[1:] in parsed.ids  # a link to the check's details and input


def test_the_scope_says_what_was_not_judged_and_why(tmp_path: Path) -> None:
    pages = html.write([two_findings(tmp_path)], tmp_path / "site")
    section = pages[1].read_text().split('id="scope"', 1)[1].split("</section>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert "Class client" in text and "what an application builds on" in text
    assert "2: response.done , error" in text and 'judged at INFO ("not used")' in text
    assert "mcp (MCP tools and approval responses): the service builds no MCP tool ( service.py:88 )" in text
    assert "function-calls (function tools, and function call outputs sent back): no reason given" in text
    rows = Tables(section + "</table>").tables["not-judged"]
    assert ["not-applicable", "only mcp make(s) a server send this, and mylib cannot send it", "2: wire/mcp-call/reaches-app, wire/mcp-list/reaches-app"] in rows
    assert any(row[0] == "not-implemented" and row[2].startswith("1:") for row in rows)


def test_an_older_report_says_it_has_no_class_or_scope(tmp_path: Path) -> None:
    pages = html.write([report("oldlib", [check("corpus/a/parses", "fail")], tmp_path)], tmp_path / "site")
    text = text_of(pages[1])
    assert "is older than findings: each failing check is shown as a finding of its own" in text
    assert "older than conformance classes and scopes" in text
    assert 'id="finding:corpus/a/parses"' in pages[1].read_text()


def test_text_of_findings_and_scope_is_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    checks = [check("corpus/a/parses", "fail")]
    scope = {"consumes": [hostile], "sends": [], "cannot_send": ["<b>x</b>"], "why": {"<b>x</b>": hostile + " a.py:1"}}
    loaded = report("lib", checks, tmp_path, findings=[finding(hostile, "MUST", ["corpus/a/parses", hostile], impact=hostile, reason=hostile + " b.py:2")], **{"class": hostile, "scope": scope})
    html.write([loaded], tmp_path / "site")
    for page in (tmp_path / "site").glob("*.html"):
        text = page.read_text()
        assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <code>b.py:2</code>" in (tmp_path / "site" / "impl-lib.html").read_text()


def test_a_probe_transcript_recorded_by_an_absolute_path_is_shown(tmp_path: Path) -> None:
    recorded = tmp_path / "elsewhere" / "probe" / "text-turn.jsonl"
    recorded.parent.mkdir(parents=True)
    lines = [{"transcript": {"protocol": "ga"}}, {"dir": "client", "event": {"type": "session.update"}}, {"dir": "server", "event": {"type": "error"}}]
    recorded.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    not_a_transcript = tmp_path / "elsewhere" / "secret.jsonl"
    not_a_transcript.write_text('{"token": "hunter2"}\n')
    (tmp_path / "reports").mkdir()
    checks = [check("probe/text-turn/keeps-order", "fail", source=f"{recorded}:3"), check("probe/other/keeps-order", "fail", source=str(not_a_transcript))]
    html.write([report("server", checks, tmp_path / "reports")], tmp_path / "site")
    text = (tmp_path / "site" / "impl-server.html").read_text()
    shown = text.split('id="probe/text-turn/keeps-order"', 1)[1].split("</article>", 1)[0]
    assert "not in this installation" not in shown and "line 3, the line this check is about" in shown
    refused = text.split('id="probe/other/keeps-order"', 1)[1].split("</article>", 1)[0]
    assert "hunter2" not in refused and "is not a transcript" in refused


def test_a_finding_whose_checks_a_per_check_baseline_all_lists_is_known() -> None:
    def record(check_id: str, outcome: str, cause: str) -> CheckRecord:
        return CheckRecord(check_id, "corpus", "response.done", "MUST", outcome, "", cause=cause)  # type: ignore[arg-type]

    records = [
        record("corpus/a/lossless-dump", "expected-fail", "loses-member/Response.x"),
        record("corpus/b/lossless-dump", "expected-fail", "loses-member/Response.x"),
        record("corpus/c/lossless-dump", "fail", "loses-member/Response.y"),  # a fixture the baseline does not list yet
        record("corpus/d/lossless-dump", "expected-fail", "loses-member/Response.y"),
    ]
    reasons = {"corpus/a/lossless-dump": "drops x (models.py:3)", "corpus/b/lossless-dump": "drops x", "corpus/d/lossless-dump": "drops y"}
    found = {f.id: (f.known, f.reason) for f in group(records, reasons)[0]}
    assert found == {"loses-member/Response.x": (True, "drops x (models.py:3)"), "loses-member/Response.y": (False, None)}
