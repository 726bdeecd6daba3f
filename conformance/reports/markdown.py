"""The Markdown summary: what a pull request or ``$GITHUB_STEP_SUMMARY`` shows of a run.

Per implementation: the MUST and SHOULD checks that did not meet their requirement, by family,
split into new ones (``fail``, ``not-implemented``: nobody has explained them yet) and known ones
(``expected-fail``: listed in the baseline with a reason); then its ten most telling failures.

*Telling* means, in this order: MUST before SHOULD (INFO findings are not failures); unexpected
before baselined (a new failure is news, a known one is not); and one per event type (or, in
families grouped by scenario, one per scenario), so that ten lines show ten different problems
rather than ten fixtures of the same one.
"""

from __future__ import annotations

import re
from collections import Counter

from . import matrix
from ..records import CheckRecord
from .reading import Report

TELLING = 10
#: Failures that nobody has explained yet, and failures the baseline explains.
NEW = ("fail", "not-implemented")
KNOWN = ("expected-fail",)
#: The longest message line a summary shows.
MESSAGE_CHARS = 240
#: What Markdown would read as markup in running text (an underscore only at a word's edge).
_SPECIAL = re.compile(r"[\\`*\[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def telling(report: Report, limit: int = TELLING) -> list[CheckRecord]:
    """The ``limit`` most telling failures of a run (see the module's docstring)."""
    candidates = sorted(
        (check for check in report.checks if check.level in ("MUST", "SHOULD") and check.outcome in NEW + KNOWN),
        key=lambda check: (
            check.level != "MUST",
            check.outcome in KNOWN,
            matrix.family_rank(check.family),
            check.id,
        ),
    )
    chosen: list[CheckRecord] = []
    seen: set[tuple[str, str]] = set()
    for check in candidates:
        topic = (check.family if check.family not in matrix.BY_EVENT_TYPE else "", matrix.row_of(check))
        if topic in seen:
            continue
        seen.add(topic)
        chosen.append(check)
        if len(chosen) == limit:
            break
    return chosen


def summary(reports: list[Report], title: str = "Realtime API conformance") -> str:
    lines = [f"## {title}", ""]
    lines += [
        "| implementation | checks | pass | MUST failing (new / known) | SHOULD failing (new / known) | stale baseline entries | not applicable |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for report in reports:
        counts = Counter(check.outcome for check in report.checks)
        stale = f"{counts['unexpected-pass']} ❌" if counts["unexpected-pass"] else "0"
        lines.append(
            f"| {_cell(report.implementation.label)} | {len(report.checks)} | {counts['pass']} | "
            f"{_failing(report.checks, 'MUST')} | {_failing(report.checks, 'SHOULD')} | {stale} | {counts['not-applicable']} |"
        )
    for report in reports:
        lines += ["", *_implementation(report)]
    return "\n".join(lines) + "\n"


def _failing(checks: list[CheckRecord], level: str) -> str:
    at_level = [check for check in checks if check.level == level]
    new = sum(1 for check in at_level if check.outcome in NEW)
    known = sum(1 for check in at_level if check.outcome in KNOWN)
    mark = " ❌" if new and level == "MUST" else ""
    return f"{new} / {known}{mark}"


def _implementation(report: Report) -> list[str]:
    implementation = report.implementation
    lines = [f"### {plain(implementation.label)} ({plain(implementation.language)}, {plain(implementation.dialect)})", ""]
    families = matrix.sort_families(check.family for check in report.checks)
    lines += ["| family | MUST new | MUST known | SHOULD new | SHOULD known |", "|---|---:|---:|---:|---:|"]
    for family in families:
        checks = [check for check in report.checks if check.family == family]
        cells = [sum(1 for c in checks if c.level == level and c.outcome in group) for level in ("MUST", "SHOULD") for group in (NEW, KNOWN)]
        lines.append(f"| {_cell(family)} | " + " | ".join(str(n) for n in cells) + " |")
    stale = [check for check in report.checks if check.outcome == "unexpected-pass"]
    if stale:
        lines += ["", f"{len(stale)} stale baseline entr{'y' if len(stale) == 1 else 'ies'} (listed as known failures, yet passing): "
                  + ", ".join(code(check.id) for check in stale[:5]) + (" …" if len(stale) > 5 else "")]
    chosen = telling(report)
    if not chosen:
        lines += ["", "No MUST or SHOULD check failed."]
        return lines
    lines += ["", f"The {len(chosen)} most telling failures (MUST first, new before known, one per event type):", ""]
    for number, check in enumerate(chosen, start=1):
        where = f" ({code(check.event_type)})" if check.event_type and check.event_type.strip() else ""
        known = "known" if check.outcome in KNOWN else check.outcome
        lines.append(f"{number}. **{check.level}** {known}: {code(check.id)}{where}: {plain(_first_line(check.message))}")
    return lines


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "(no message)"
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def plain(text: str) -> str:
    """Plain text that Markdown shows as written: no emphasis, links, HTML or table breaks."""
    return _SPECIAL.sub(r"\\\g<0>", text)


def code(text: str) -> str:
    """An inline code span that shows ``text`` as written, whatever backticks it holds (CommonMark:
    the fence is one backtick longer than any run inside, and a space pads text that starts or
    ends with one). Inside a code span nothing is markup, HTML included; a line break becomes a space."""
    text = " ".join(text.split("\n")).replace("\r", " ")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    return plain(text).replace("\n", " ")
