"""What changed between two runs of one implementation: a new version of the library, or of the
suite. ``realtime-conformance report --compare OLD.json NEW.json`` prints it and exits 1 when a
MUST check newly fails, so that it can guard a release.

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
from .markdown import code, plain
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

    @property
    def must_regressions(self) -> list[Change]:
        return [change for change in self.newly_failing if change.level == "MUST"]

    @property
    def unchanged(self) -> bool:
        return not any((self.newly_failing, self.newly_passing, self.other_outcomes, self.changed_messages, self.added, self.removed))

    def sections(self) -> list[tuple[str, list[Change]]]:
        return [
            ("newly failing", self.newly_failing),
            ("newly passing", self.newly_passing),
            ("other changes of outcome", self.other_outcomes),
            ("changed messages", self.changed_messages),
            ("new checks", self.added),
            ("removed checks", self.removed),
        ]


def compare(old: Report, new: Report) -> Comparison:
    result = Comparison(old, new)
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
    for title, changes in comparison.sections():
        if not changes:
            continue
        lines += ["", f"{title} ({len(changes)}):"]
        for change in changes:
            lines += _text_change(title, change)
    lines += ["", verdict(comparison)]
    return "\n".join(lines) + "\n"


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
    regressions = comparison.must_regressions
    if regressions:
        return f"{len(regressions)} MUST check{'s' if len(regressions) != 1 else ''} newly fail{'s' if len(regressions) == 1 else ''}."
    if comparison.unchanged:
        return "No change."
    return "No MUST check newly fails."


def render_markdown(comparison: Comparison) -> str:
    old, new = comparison.old.implementation, comparison.new.implementation
    lines = [f"## {plain(old.label)} → {plain(new.label)}", "", f"**{verdict(comparison)}**"]
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
