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
class Baseline:
    """An implementation's known departures: check id -> a short reason."""

    implementation: str
    known_failures: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def load(cls, path: Path) -> Baseline:
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or not isinstance(data.get("known_failures"), dict):
            raise ValueError(f"{path}: a baseline is an object with 'implementation' and 'known_failures'")
        return cls(data.get("implementation", ""), dict(data["known_failures"]), path)

    def to_json(self) -> dict[str, Any]:
        return {"implementation": self.implementation, "known_failures": dict(sorted(self.known_failures.items()))}

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")


#: Where in a library's source a departure shows: ``path/to/file.py:123`` (or ``.ts``, ``.mjs``, …).
SOURCE_LOCATION = re.compile(r"[\w.-]+(?:/[\w.-]+)*\.(?:py|pyi|ts|mts|js|mjs|cjs|go|rs):\d+")
#: Reasons that only restate the outcome; a reason must say what in the library causes it.
_GENERIC = re.compile(r"^(fails|failed|rejected|ignored|not implemented|accepted an invalid (payload|event))\b", re.IGNORECASE)


def weak_reasons(baseline: Baseline) -> list[str]:
    """The entries whose reason does not name the real cause: empty, a generic restatement of the
    outcome, or without the file and line in the library that shows the departure."""
    problems = []
    for check_id, reason in sorted(baseline.known_failures.items()):
        text = (reason or "").strip()
        if not text:
            problems.append(f"{check_id}: the reason is empty")
        elif _GENERIC.match(text) and not SOURCE_LOCATION.search(text):
            problems.append(f"{check_id}: {text!r} restates the outcome; say which member or behaviour of the library causes it, and where")
        elif not SOURCE_LOCATION.search(text):
            problems.append(f"{check_id}: {text!r} names no file and line in the library (e.g. 'events.py:358') that shows the departure")
    return problems


def regenerate(report: dict[str, Any], previous: Baseline | None = None) -> Baseline:
    """The baseline a run's report implies: every MUST or SHOULD check that did not pass, keeping
    the reasons already written for entries that remain."""
    kept = previous.known_failures if previous else {}
    failures = {
        check["id"]: kept.get(check["id"]) or _reason(check["message"])
        for check in report["checks"]
        if check["outcome"] in ("fail", "expected-fail", "not-implemented") and check["level"] != "INFO"
    }
    return Baseline(report["implementation"]["name"], failures)


def _reason(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "fails"
    return line[:200]


def ledger(baselines: list[Baseline], levels: dict[str, Level]) -> str:
    """The precision ledger: per implementation, its baseline entries by family and level, and how
    many cite the file and line in the library that shows the departure (read there by hand).
    ``levels`` maps check ids to their level; an id it does not know counts under ``?``."""
    lines = [
        "| implementation | family | MUST | SHOULD | INFO | entries | citing the library's source |",
        "|---|---|---|---|---|---|---|",
    ]
    for baseline in sorted(baselines, key=lambda b: b.implementation):
        by_family: dict[str, dict[str, int]] = {}
        for check_id, reason in sorted(baseline.known_failures.items()):
            counts = by_family.setdefault(check_id.split("/")[0], {"MUST": 0, "SHOULD": 0, "INFO": 0, "?": 0, "cited": 0})
            counts[levels.get(check_id, "?")] += 1
            counts["cited"] += bool(SOURCE_LOCATION.search(reason or ""))
        for family, counts in by_family.items():
            total = counts["MUST"] + counts["SHOULD"] + counts["INFO"] + counts["?"]
            unknown = f" (+{counts['?']} of unknown level)" if counts["?"] else ""
            lines.append(f"| {baseline.implementation} | {family} | {counts['MUST']} | {counts['SHOULD']} | {counts['INFO']}{unknown} | {total} | {counts['cited']} |")
    return "\n".join(lines)
