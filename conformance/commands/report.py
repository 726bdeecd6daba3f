"""``realtime-conformance report``: the views people read, built from JSON reports.

    realtime-conformance report reports/*.json --html site/ --markdown summary.md
    realtime-conformance report --compare old.json new.json

Without ``--html`` or ``--markdown`` the Markdown summary is printed. Exit status: 0; with
``--compare``, 1 when a MUST finding is new (or rose to MUST) or a MUST check newly fails; 2 for
usage errors and for a file that is not a report (named with the JSON path of what is wrong).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import EXIT_FAILED, EXIT_OK, paths


def register(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="build the HTML compliance report and the Markdown summary, or compare two runs",
        description="Read JSON reports (written with --conformance-report; a directory gives every "
        "*.json in it) and write a static HTML compliance report (--html), a Markdown summary "
        "(--markdown; printed when neither is given), or, with --compare OLD NEW, what changed "
        "between two runs: findings new, fixed and changed level, then checks (exit status 1 when a MUST "
        "finding is new or a MUST check newly fails).",
    )
    report.add_argument("reports", nargs="*", type=Path, metavar="REPORT", help="report files or directories of them")
    report.add_argument("--html", type=Path, metavar="DIR", help="write the HTML report into this directory")
    report.add_argument("--markdown", metavar="PATH", help="write the Markdown summary (or, with --compare, the comparison) here; - for standard output")
    report.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"), help="compare two reports of one implementation")
    report.add_argument("--title", default="Realtime API conformance", help="the pages' title")
    report.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..reports import reading

    if args.compare:
        if args.reports or args.html:
            parser.error("--compare takes exactly two reports and writes no HTML")
        old, new = _load(list(args.compare), parser)
        return _compare(old, new, args.markdown)
    files = reading.collect(args.reports)
    if not files:
        parser.error("no reports: give report files or a directory holding them (run `tox -e reference` to write reports/reference.json)")
    reports = _load(files, parser)
    if args.html:
        from ..reports import html

        pages = html.write(reports, args.html, title=args.title)
        print(f"{pages[0]}: the compliance page of {len(reports)} implementation(s); {len(pages) - 1} detail page(s)", file=sys.stderr)
    if args.markdown or not args.html:
        from ..reports import markdown

        _emit(markdown.summary(reports, title=args.title), args.markdown or "-")
    return EXIT_OK


def _load(files: list[Path], parser: argparse.ArgumentParser) -> list[Any]:
    from ..reports import reading

    unreadable = paths.problems(files)
    if unreadable:
        parser.error(unreadable)
    try:
        return [reading.load(path) for path in files]
    except reading.ReportError as error:
        parser.error(paths.shown(str(error)))  # one line: a newline in a file name is shown escaped


def _compare(old: Any, new: Any, markdown_path: str | None) -> int:
    from ..reports import diff

    comparison = diff.compare(old, new)
    sys.stdout.write(diff.render_text(comparison))
    if markdown_path:
        _emit(diff.render_markdown(comparison), markdown_path)
    return EXIT_FAILED if comparison.regressed else EXIT_OK


def _emit(text: str, path: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Appending would suit $GITHUB_STEP_SUMMARY, but a plain file is expected to hold one summary;
    # the Action appends on its own.
    target.write_text(text, encoding="utf-8")
