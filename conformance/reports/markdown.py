"""The Markdown summary: what a pull request or ``$GITHUB_STEP_SUMMARY`` shows of a run.

It leads with the findings — one per cause (:mod:`conformance.findings`) — per implementation
("pipecat 1.14.0: 12 MUST findings, 4 SHOULD (2 new)"), then the checks per implementation; then,
per implementation, its MUST and SHOULD findings (id, new or known, impact, reason, the checks
they explain), its failing checks by family, split into new ones (``fail``, ``not-implemented``:
nobody has explained them yet) and known ones (``expected-fail``: listed in the baseline with a
reason), and its ten most telling failures.

*Telling* means, in this order: MUST before SHOULD (INFO findings are not failures); unexpected
before baselined (a new failure is news, a known one is not); and one per event type (or, in
families grouped by scenario, one per scenario), so that ten lines show ten different problems
rather than ten fixtures of the same one.

Every text from a report is escaped (:mod:`.mdtext`), ids in code spans that no backtick can break.
"""

from __future__ import annotations

from collections import Counter

from ..findings import Finding, headline
from ..records import CheckRecord
from . import matrix
from .mdtext import cell as _cell
from .mdtext import code, plain
from .reading import Report

__all__ = ["KNOWN", "NEW", "TELLING", "code", "headlines", "plain", "summary", "telling"]

TELLING = 10
#: Failures that nobody has explained yet, and failures the baseline explains.
NEW = ("fail", "not-implemented")
KNOWN = ("expected-fail",)
#: The longest message line a summary shows.
MESSAGE_CHARS = 240
#: Findings listed per level and implementation; the rest are counted.
FINDINGS_LISTED = 10
#: Checks named per finding; the rest are counted.
CHECKS_NAMED = 3


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


def headlines(reports: list[Report]) -> list[str]:
    """One line per implementation: ``pipecat 1.14.0 (client): 12 MUST findings, 4 SHOULD (2 new)``."""
    lines = []
    for report in reports:
        implementation = report.implementation
        klass = f" ({plain(implementation.klass)})" if implementation.klass != "unknown" else ""
        older = "" if report.findings_recorded else f" (an older report, version {report.version}: each failing check counted as a finding)"
        lines.append(headline(f"**{plain(implementation.label)}**{klass}", report.findings) + older)
    return lines


def summary(reports: list[Report], title: str = "Realtime API conformance") -> str:
    lines = [f"## {plain(title)}", "", "Findings, one per cause (new: not in the baseline):", ""]
    lines += [f"- {line}" for line in headlines(reports)]
    lines += [
        "",
        "Checks:",
        "",
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


def _findings(report: Report) -> list[str]:
    lines: list[str] = []
    for level in ("MUST", "SHOULD"):
        found = sorted(report.at_level(level), key=lambda finding: (finding.known, finding.id))
        if not found:
            continue
        new = sum(1 for finding in found if not finding.known)
        lines += [f"**{level} findings** ({len(found)}{f', {new} new' if new else ''}):", ""]
        lines += [f"- {_finding(report, finding)}" for finding in found[:FINDINGS_LISTED]]
        if len(found) > FINDINGS_LISTED:
            lines.append(f"\n… and {len(found) - FINDINGS_LISTED} more {level} findings (the HTML report lists them all).")
        lines.append("")
    info = len(report.at_level("INFO"))
    if info:
        lines += [f"{info} INFO finding{'s' if info != 1 else ''} (not failures; the HTML report lists them).", ""]
    return lines


def _finding(report: Report, finding: Finding) -> str:
    parts = [f"{code(finding.id)} {'known' if finding.known else '**new**'}"]
    if finding.impact:
        parts.append(f": {plain(_first_line(finding.impact))}")
    reason = report.reason_of(finding)
    if reason:
        parts.append(f". Reason: {plain(_first_line(reason))}")
    if not (len(finding.checks) == 1 and finding.checks[0] == finding.id):
        named = ", ".join(code(check) for check in sorted(finding.checks)[:CHECKS_NAMED])
        more = f" and {len(finding.checks) - CHECKS_NAMED} more" if len(finding.checks) > CHECKS_NAMED else ""
        parts.append(f". Checks ({len(finding.checks)}): {named}{more}")
    return "".join(parts)


def _failing(checks: list[CheckRecord], level: str) -> str:
    at_level = [check for check in checks if check.level == level]
    new = sum(1 for check in at_level if check.outcome in NEW)
    known = sum(1 for check in at_level if check.outcome in KNOWN)
    mark = " ❌" if new and level == "MUST" else ""
    return f"{new} / {known}{mark}"


def _implementation(report: Report) -> list[str]:
    implementation = report.implementation
    klass = f"; class {plain(implementation.klass)}" if implementation.klass != "unknown" else ""
    lines = [f"### {plain(implementation.label)} ({plain(implementation.language)}, {plain(implementation.dialect)}{klass})", ""]
    lines += _findings(report)
    families = matrix.sort_families(check.family for check in report.checks)
    lines += ["Failing checks by family:", "", "| family | MUST new | MUST known | SHOULD new | SHOULD known |", "|---|---:|---:|---:|---:|"]
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
        where = f" ({code(check.event_type.strip())})" if check.event_type and check.event_type.strip() else ""
        known = "known" if check.outcome in KNOWN else check.outcome
        lines.append(f"{number}. **{check.level}** {known}: {code(check.id)}{where}: {plain(_first_line(check.message))}")
    return lines


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "(no message)"
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"
