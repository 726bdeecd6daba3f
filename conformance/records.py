"""The compliance report: one JSON document per run, listing every check that ran."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .outcomes import OUTCOMES, Outcome

#: 2: implementations describe their language, dialect, sides and transports; checks carry the
#: input they ran on (``source``); the outcome ``not-applicable``.
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class CheckRecord:
    id: str
    family: str
    event_type: str | None
    level: str
    outcome: Outcome
    message: str
    #: The input the check ran on: a fixture file, a scenario's snapshot, a transcript and line.
    source: str = ""


def document(implementation: dict[str, Any], records: list[CheckRecord], *, strict: bool, baseline: str | None) -> dict[str, Any]:
    counts = Counter(record.outcome for record in records)
    return {
        "report_version": SCHEMA_VERSION,
        "implementation": implementation,
        "options": {"strict": strict, "baseline": baseline},
        "summary": {outcome: counts[outcome] for outcome in OUTCOMES},
        "checks": [asdict(record) for record in sorted(records, key=lambda r: r.id)],
    }


def write(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
