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
