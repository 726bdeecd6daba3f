"""The HTML compliance report: a static site built from JSON reports with Jinja2.

``index.html`` is the compliance page: the date and the suite's version; a table of findings, one
row per implementation (class, version, language, dialect, MUST / SHOULD / INFO findings, new and
known); a table of families, one row per implementation and a column per family
(:mod:`.overview`); then the matrix (rows: families and event types or scenarios; columns:
implementations). ``impl-<name>.html`` lists one implementation's findings by level, with the
checks they explain; then what was not judged and why (:mod:`.not_judged`); then its non-passing
checks with their messages, baseline reasons and inputs. No script: the level and family filters
are plain links to ``:target`` views, so the pages work from ``file://``, from a CI artifact and
with scripts off. Every text from a report is escaped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .. import __version__
from ..findings import Finding
from ..outcomes import SOURCE_LOCATION
from ..records import CheckRecord
from . import inputs, matrix, not_judged, overview
from .reading import NOT_PASSING, Implementation, Report

STYLESHEET = "report.css"


@dataclass(frozen=True)
class View:
    """One combination of the filters: a level (or all) and a family (or all)."""

    level: str
    family: str

    @property
    def id(self) -> str:
        return f"only-{self.level}-{css_name(self.family)}"

    @property
    def is_default(self) -> bool:
        return self.level == "all" and self.family == "all"


@dataclass(frozen=True)
class Column:
    report: Report
    href: str

    @property
    def implementation(self) -> Implementation:
        return self.report.implementation


@dataclass(frozen=True)
class Entry:
    """One non-passing check on a detail page."""

    check: CheckRecord
    reason: str
    input: inputs.Input | None
    status: matrix.Status

    @property
    def open(self) -> bool:
        """Inputs of failures nobody has explained yet are shown at once; known ones on a click."""
        return self.check.outcome in ("fail", "not-implemented", "unexpected-pass")


@dataclass(frozen=True)
class FindingEntry:
    """One finding on a detail page: its reason, and each check it explains with its outcome
    (``None`` for a check the report does not list)."""

    finding: Finding
    reason: str
    checks: tuple[tuple[str, str | None], ...]

    @property
    def anchor(self) -> str:
        return finding_anchor(self.finding.id)


def finding_anchor(finding_id: str) -> str:
    """The id of a finding's entry (a finding may be named after a check, whose entry has its id)."""
    return f"finding:{finding_id}"


def css_name(text: str) -> str:
    """``text`` as a CSS class or id fragment."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


def breakable(name: str) -> Markup:
    """A row or check name that may wrap after its dots, slashes and underscores on a narrow
    screen; a name with surrounding spaces (a fixture's deliberately odd event type) is quoted."""
    shown = json.dumps(name, ensure_ascii=False) if name != name.strip() or not name else name
    return Markup(re.sub(r"([./_:])", r"\1<wbr>", str(escape(shown))))


def cited(text: str) -> Markup:
    """A reason with the file and line in the library it cites (``events.py:358``) set as code."""
    return Markup(SOURCE_LOCATION.sub(lambda found: f"<code>{found[0]}</code>", str(escape(text))))


def page_names(reports: list[Report]) -> list[str]:
    """A distinct file name per implementation: its name, then its version, then a number."""
    names: list[str] = []
    for report in reports:
        base = f"impl-{_file_name(report.implementation.name)}"
        name = base if f"{base}.html" not in names else f"{base}-{_file_name(report.implementation.version)}"
        number = 2
        while f"{name}.html" in names:
            name, number = f"{base}-{number}", number + 1
        names.append(f"{name}.html")
    return names


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("conformance.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["css"] = css_name
    environment.filters["breakable"] = breakable
    environment.filters["cited"] = cited
    environment.globals["finding_anchor"] = finding_anchor
    return environment


def write(reports: list[Report], out: Path, title: str = "Realtime API conformance") -> list[Path]:
    """Write the site into ``out``; returns the pages written, the matrix first."""
    out.mkdir(parents=True, exist_ok=True)
    environment = _environment()
    names = page_names(reports)
    columns = [Column(report, name) for report, name in zip(reports, names)]
    blocks = matrix.build(reports)
    families = [block.family for block in blocks]
    levels = matrix.levels_present(reports)
    common = {
        "title": title,
        "stylesheet": STYLESHEET,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "suite_version": __version__,
        "level_choices": ["all", *levels],
        "family_choices": ["all", *families],
        "views": _views(levels, families),
        "statuses": list(matrix.STATUSES.values()),
        "count_labels": matrix.COUNT_LABELS,
        "levels": matrix.LEVEL_ORDER,
    }
    (out / STYLESHEET).write_text(files("conformance.reports").joinpath("templates", STYLESHEET).read_text(encoding="utf-8"), encoding="utf-8")
    index = out / "index.html"
    table = list(zip(columns, overview.rows(reports, families)))
    older = not all(report.findings_recorded for report in reports)
    front = environment.get_template("index.html.j2").render(columns=columns, blocks=blocks, table=table, families=families, older=older, **common)
    index.write_text(front, encoding="utf-8")
    written = [index]
    for column in columns:
        page = out / column.href
        page.write_text(_detail(environment, column, families, common), encoding="utf-8")
        written.append(page)
    return written


def _views(levels: list[str], families: list[str]) -> list[View]:
    return [View(level, family) for level in ["all", *levels] for family in ["all", *families]]


def _detail(environment: Environment, column: Column, families: list[str], common: dict) -> str:
    report = column.report
    reasons = report.baseline_reasons()
    report_dir = report.path.parent
    sections = []
    for block in matrix.build([report]):
        groups = []
        for row in block.rows:
            entries = [
                Entry(check, reasons.get(check.id) or reasons.get(check.finding, ""), inputs.describe(check, report_dir), matrix.STATUSES[check.outcome])
                for check in report.checks
                if check.family == block.family and matrix.row_of(check) == row.name and check.outcome in NOT_PASSING
            ]
            if entries:
                groups.append((row, sorted(entries, key=_entry_order)))
        sections.append((block, groups))
    by_level = [(level, _finding_entries(report, level)) for level in matrix.LEVEL_ORDER]
    return environment.get_template("implementation.html.j2").render(
        column=column, report=report, sections=sections, findings=by_level, not_judged=not_judged.of(report), **common
    )


def _finding_entries(report: Report, level: str) -> list[FindingEntry]:
    outcomes = {check.id: check.outcome for check in report.checks}
    return [
        FindingEntry(finding, report.reason_of(finding), tuple((check, outcomes.get(check)) for check in sorted(finding.checks)))
        for finding in sorted(report.at_level(level), key=lambda f: (f.known, f.id))  # new ones first
    ]


def _entry_order(entry: Entry) -> tuple[int, int, str]:
    return (matrix.LEVEL_ORDER.index(entry.check.level), matrix.SEVERITY.index(entry.check.outcome), entry.check.id)

