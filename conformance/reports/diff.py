"""What changed between two runs of one implementation: a new version of the library, or of the
suite. ``realtime-conformance report --compare OLD.json NEW.json`` prints it and exits 1 when a
MUST finding is new (or rose to MUST), or a MUST check newly fails, so that it can guard a release.

First the findings (:mod:`.finding_changes`): new, fixed, changed level, matched by their id (the
cause), or by their checks when one side is a report older than findings. Then the checks.

A check *newly fails* when it did not fail before (it passed, passed against a stale baseline
entry, or did not apply) and now does not meet its requirement (``fail``, ``expected-fail`` or
``not-implemented``). A failure that a new baseline lists is still news here: a release that
baselines a regression has regressed. It *newly passes* the other way round. Other changes of
outcome (``expected-fail`` to ``fail`` when a baseline entry goes, ``pass`` to
``not-applicable``) are listed as such, and so is a changed message on an unchanged outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import CheckRecord
from .finding_changes import FindingChange, FindingChanges, compare_findings
from .mdtext import code, plain
from .reading import PASSED, UNMET, Report


@dataclass(frozen=True)
class Change:
    id: str
    level: str
    old: CheckRecord | None
    new: CheckRecord | None


@dataclass
class Comparison:
    old: Report
    new: Report
    newly_failing: list[Change] = field(default_factory=list)
    newly_passing: list[Change] = field(default_factory=list)
    other_outcomes: list[Change] = field(default_factory=list)
    changed_messages: list[Change] = field(default_factory=list)
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    findings: FindingChanges = field(default_factory=FindingChanges)

    @property
    def must_regressions(self) -> list[Change]:
        return [change for change in self.newly_failing if change.level == "MUST"]

    @property
    def regressed(self) -> bool:
        """Whether the release guard trips: a new MUST finding (or one risen to MUST), or a MUST
        check newly failing (a new fixture failing for a known cause is no new finding, yet fails)."""
        return bool(self.findings.new_must or self.must_regressions)

    @property
    def unchanged(self) -> bool:
        checks = (self.newly_failing, self.newly_passing, self.other_outcomes, self.changed_messages, self.added, self.removed)
        return self.findings.empty and not any(checks)

    def sections(self) -> list[tuple[str, list[Change]]]:
        return [
            ("checks newly failing", self.newly_failing),
            ("checks newly passing", self.newly_passing),
            ("other changes of outcome", self.other_outcomes),
            ("changed messages", self.changed_messages),
            ("new checks", self.added),
            ("removed checks", self.removed),
        ]


def compare(old: Report, new: Report) -> Comparison:
    result = Comparison(old, new, findings=compare_findings(old, new))
    before, after = old.by_id(), new.by_id()
    for check_id in sorted(before.keys() | after.keys()):
        was, now = before.get(check_id), after.get(check_id)
        change = Change(check_id, (now or was).level, was, now)  # type: ignore[union-attr]
        if was is None:
            result.added.append(change)
        elif now is None:
            result.removed.append(change)
        elif was.outcome != now.outcome:
            if was.outcome not in UNMET and now.outcome in UNMET:
                result.newly_failing.append(change)
            elif was.outcome in UNMET and now.outcome in PASSED:
                result.newly_passing.append(change)
            else:
                result.other_outcomes.append(change)
        elif was.message != now.message:
            result.changed_messages.append(change)
    return result


def render_text(comparison: Comparison) -> str:
    old, new = comparison.old.implementation, comparison.new.implementation
    lines = [f"{old.label} ({comparison.old.path}) -> {new.label} ({comparison.new.path})"]
    if old.name != new.name:
        lines.append(f"note: these are runs of two different implementations ({old.name}, {new.name})")
    lines += [f"note: {note}" for note in _older(comparison)]
    for title, found in comparison.findings.sections():
        if found:
            lines += ["", f"{title} ({len(found)}):"]
            lines += [_text_finding(change) for change in found]
    for title, changes in comparison.sections():
        if not changes:
            continue
        lines += ["", f"{title} ({len(changes)}):"]
        for change in changes:
            lines += _text_change(title, change)
    lines += ["", verdict(comparison)]
    return "\n".join(lines) + "\n"


def _older(comparison: Comparison) -> list[str]:
    """Which side is older than findings, and how its findings were matched."""
    sides = [(name, report) for name, report in (("OLD", comparison.old), ("NEW", comparison.new)) if not report.findings_recorded]
    return [
        f"{name} ({report.path.name}) is a report of version {report.version}, older than findings: each of its failing checks "
        "counts as a finding, matched to the other side's findings by the checks they explain"
        for name, report in sides
    ]


def _text_finding(change: FindingChange) -> str:
    if change.old is not None and change.new is not None:
        moved = f"{change.old.level} -> {change.new.level}" + (f" (was {change.old.id})" if change.old.id != change.new.id else "")
        return f"  {change.id}: {moved}"
    finding = change.new or change.old
    assert finding is not None
    checks = f" [{len(finding.checks)} check{'s' if len(finding.checks) != 1 else ''}]"
    return f"  {finding.level} {finding.id}" + (f": {_first_line(finding.impact)}" if finding.impact else "") + checks


def _text_change(section: str, change: Change) -> list[str]:
    was, now = change.old, change.new
    if was is None and now is not None:
        return [f"  {change.level} {change.id}: {now.outcome}" + _indented(now.message)]
    if now is None and was is not None:
        return [f"  {change.level} {change.id}: was {was.outcome}"]
    assert was is not None and now is not None
    if section == "changed messages":
        return [f"  {change.level} {change.id}: {now.outcome}", f"    was: {_first_line(was.message)}", f"    now: {_first_line(now.message)}"]
    return [f"  {change.level} {change.id}: {was.outcome} -> {now.outcome}" + _indented(now.message if now.outcome in UNMET else "")]


def _indented(message: str) -> str:
    return f"\n    {_first_line(message)}" if message.strip() else ""


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:240] if message.strip() else "(no message)"


def verdict(comparison: Comparison) -> str:
    findings, regressions = comparison.findings.new_must, comparison.must_regressions
    said = []
    if findings:
        said.append(f"{len(findings)} new MUST finding{'s' if len(findings) != 1 else ''}")
    if regressions:
        said.append(f"{len(regressions)} MUST check{'s' if len(regressions) != 1 else ''} newly fail{'s' if len(regressions) == 1 else ''}")
    if said:
        return "; ".join(said) + "."
    if comparison.unchanged:
        return "No change."
    return "No new MUST finding, and no MUST check newly fails."


def render_markdown(comparison: Comparison) -> str:
    old, new = comparison.old.implementation, comparison.new.implementation
    lines = [f"## {plain(old.label)} → {plain(new.label)}", "", f"**{verdict(comparison)}**"]
    lines += [f"\nNote: {plain(note)}." for note in _older(comparison)]
    for title, found in comparison.findings.sections():
        if not found:
            continue
        lines += ["", f"### {title.capitalize()} ({len(found)})", ""]
        for change in found:
            if change.old is not None and change.new is not None:
                lines.append(f"- {code(change.id)}: {change.old.level} → {change.new.level}")
            else:
                finding = change.new or change.old
                assert finding is not None
                impact = f": {plain(_first_line(finding.impact))}" if finding.impact else ""
                lines.append(f"- **{finding.level}** {code(finding.id)}{impact} ({len(finding.checks)} check{'s' if len(finding.checks) != 1 else ''})")
    for title, changes in comparison.sections():
        if not changes:
            continue
        lines += ["", f"### {title.capitalize()} ({len(changes)})", ""]
        for change in changes:
            was, now = change.old, change.new
            moved = f"{was.outcome if was else 'new'} → {now.outcome if now else 'removed'}"
            message = now.message if now and now.outcome in UNMET else ""
            lines.append(f"- **{change.level}** {code(change.id)}: {moved}" + (f": {plain(_first_line(message))}" if message.strip() else ""))
    return "\n".join(lines) + "\n"
