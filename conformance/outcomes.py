"""From a check's result to its outcome, given its level, the options and the baseline.

| result            | in the baseline | outcome          | fails the run                  |
|-------------------|-----------------|------------------|--------------------------------|
| passed            | no              | pass             | no                             |
| passed            | yes             | unexpected-pass  | yes: the entry is stale        |
| failed            | yes             | expected-fail    | no                             |
| failed            | no              | fail             | MUST always, SHOULD with --strict, INFO never |
| capability absent | –               | not-implemented  | as a failure of its level      |
| does not apply    | no              | not-applicable   | no                             |
| does not apply    | yes             | not-applicable   | yes: the entry is stale        |

A check does not apply when it cannot concern the implementation whatever it does: an event that
only another transport carries, a capability of the other side of the connection.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .checks import Level

Outcome = Literal["pass", "fail", "expected-fail", "unexpected-pass", "not-implemented", "not-applicable"]
OUTCOMES: tuple[Outcome, ...] = ("pass", "fail", "expected-fail", "unexpected-pass", "not-implemented", "not-applicable")


def fails_run(level: Level, strict: bool) -> bool:
    """Whether a failing check of this level fails the run."""
    return level == "MUST" or (level == "SHOULD" and strict)


def decide(*, passed: bool | None, level: Level, listed: bool, strict: bool, applicable: bool = True) -> tuple[Outcome, bool]:
    """The outcome and whether it fails the run. ``passed`` is ``None`` for a missing capability."""
    if not applicable:
        return "not-applicable", listed
    if passed is None:
        return "not-implemented", fails_run(level, strict) and not listed
    if passed:
        return ("unexpected-pass", True) if listed else ("pass", False)
    if listed:
        return "expected-fail", False
    return "fail", fails_run(level, strict)


@dataclass
class Known:
    """One finding a baseline knows: why (from the library's source), the checks it explains, and its
    level when the baseline was written (the highest of its checks' for that implementation)."""

    reason: str
    checks: list[str]
    level: str = ""


@dataclass
class Baseline:
    """An implementation's known departures, as findings: finding id (a cause, :mod:`conformance.findings`)
    -> the reason, written from the library's source with its file and line, and the checks it
    explains. A failing check is known when the baseline lists it, or when its cause is a known
    finding (a new fixture that fails for a known reason is that finding again, not a new one).

    The file is ``{"implementation", "findings": {id: {"reason", "checks"}}}``; the older
    ``{"implementation", "known_failures": {check id: reason}}`` is read as one finding per check.
    """

    implementation: str
    known_failures: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    #: Finding id -> what it knows of it. Built from ``known_failures`` (one per check) when not given.
    findings: dict[str, Known] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.findings:
            self.findings = {check_id: Known(reason, [check_id]) for check_id, reason in self.known_failures.items()}
        if not self.known_failures:
            self.known_failures = {check_id: known.reason for known in self.findings.values() for check_id in known.checks}

    @classmethod
    def load(cls, path: Path) -> Baseline:
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a baseline is an object with 'implementation' and 'findings'")
        if isinstance(data.get("findings"), dict):
            findings: dict[str, Known] = {}
            for finding_id, entry in data["findings"].items():
                if not isinstance(entry, dict) or not isinstance(entry.get("checks", []), list):
                    raise ValueError(f"{path}: findings[{finding_id!r}] must be an object with 'reason' and a list of 'checks'")
                findings[finding_id] = Known(str(entry.get("reason") or ""), [str(check) for check in entry.get("checks", [])], str(entry.get("level") or ""))
            return cls(data.get("implementation", ""), path=path, findings=findings)
        if not isinstance(data.get("known_failures"), dict):
            raise ValueError(f"{path}: a baseline is an object with 'implementation' and 'findings' (or the older 'known_failures')")
        return cls(data.get("implementation", ""), dict(data["known_failures"]), path)

    def knows(self, check_id: str, cause: str | None = None) -> str | None:
        """The reason the baseline gives for this check failing, or ``None``: listed by id, or failing
        for a cause the baseline names as a finding."""
        if check_id in self.known_failures:
            return self.known_failures[check_id]
        if cause and cause in self.findings:
            return self.findings[cause].reason
        return None

    def reasons(self) -> dict[str, str]:
        """Finding id -> reason, and check id -> its finding's reason."""
        return {**{finding_id: known.reason for finding_id, known in self.findings.items()}, **self.known_failures}

    def to_json(self) -> dict[str, Any]:
        return {
            "implementation": self.implementation,
            "findings": {
                finding_id: {"level": known.level, "reason": known.reason, "checks": sorted(known.checks)} if known.level else {"reason": known.reason, "checks": sorted(known.checks)}
                for finding_id, known in sorted(self.findings.items())
            },
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")


#: Where in a library's source a departure shows: ``path/to/file.py:123`` (or ``.ts``, ``.mjs``, …).
SOURCE_LOCATION = re.compile(r"[\w.-]+(?:/[\w.-]+)*\.(?:py|pyi|ts|mts|js|mjs|cjs|go|rs):\d+")
#: Reasons that only restate the outcome; a reason must say what in the library causes it.
_GENERIC = re.compile(r"^(fails|failed|rejected|ignored|not implemented|accepted an invalid (payload|event))\b", re.IGNORECASE)


def weak_reasons(baseline: Baseline) -> list[str]:
    """The findings whose reason does not name the real cause: empty, a generic restatement of the
    outcome, or without the file and line in the library that shows the departure."""
    problems = []
    for finding_id, known in sorted(baseline.findings.items()):
        text = (known.reason or "").strip()
        if not text:
            problems.append(f"{finding_id}: the reason is empty")
        elif _GENERIC.match(text) and not SOURCE_LOCATION.search(text):
            problems.append(f"{finding_id}: {text!r} restates the outcome; say which member or behaviour of the library causes it, and where")
        elif not SOURCE_LOCATION.search(text):
            problems.append(f"{finding_id}: {text!r} names no file and line in the library (e.g. 'events.py:358') that shows the departure")
    return problems


def regenerate(report: dict[str, Any], previous: Baseline | None = None) -> Baseline:
    """The baseline a run's report implies: one entry per finding of MUST or SHOULD level, with the
    checks it explains. A reason already written is kept: the finding's own, else the reason the
    previous baseline gave one of its checks; a new finding gets its first check's message, for a
    human to replace with the cause in the library's source."""
    kept = previous.findings if previous else {}
    by_check = previous.known_failures if previous else {}
    findings: dict[str, Known] = {}
    for finding in report.get("findings", []):
        if finding["level"] == "INFO":
            continue
        checks = list(finding["checks"])
        reason = (kept[finding["id"]].reason if finding["id"] in kept else "") or next((by_check[c] for c in checks if by_check.get(c)), "")
        if not reason:
            first = next((c for c in report["checks"] if c["id"] in checks), None)
            reason = _reason(first["message"]) if first else "fails"
        findings[finding["id"]] = Known(reason, checks, finding["level"])
    missing = [
        check for check in report["checks"]
        if check["outcome"] == "not-implemented" and check["level"] != "INFO"
    ]
    for check in missing:  # a missing capability has no cause of its own: one entry per check
        findings[check["id"]] = Known(by_check.get(check["id"]) or _reason(check["message"]), [check["id"]], check["level"])
    return Baseline(report["implementation"]["name"], path=None, findings=findings)


def _reason(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "fails"
    return line[:200]


def ledger(baselines: list[Baseline], levels: dict[str, Level]) -> str:
    """The precision ledger: per implementation, its baseline's findings by level (a finding's level
    is the one the baseline records, the highest of its checks' for that implementation), the checks
    they explain, and how many findings cite the file and line in the library that shows the
    departure (read there by hand). ``levels`` maps check ids to their own level, for a finding the
    baseline records no level for; one none of whose checks it knows counts under ``?``."""
    lines = [
        "| implementation | MUST findings | SHOULD findings | INFO findings | checks they explain | citing the library's source |",
        "|---|---|---|---|---|---|",
    ]
    order = {"MUST": 0, "SHOULD": 1, "INFO": 2}
    for baseline in sorted(baselines, key=lambda b: b.implementation):
        counts = {"MUST": 0, "SHOULD": 0, "INFO": 0, "?": 0}
        cited = explained = 0
        for known in baseline.findings.values():
            seen = [known.level] if known.level else [levels[check] for check in known.checks if check in levels]
            counts[min(seen, key=order.__getitem__) if seen else "?"] += 1
            cited += bool(SOURCE_LOCATION.search(known.reason or ""))
            explained += len(known.checks)
        unknown = f" (+{counts['?']} of unknown level)" if counts["?"] else ""
        lines.append(f"| {baseline.implementation} | {counts['MUST']} | {counts['SHOULD']} | {counts['INFO']}{unknown} | {explained} | {cited} |")
    return "\n".join(lines)
