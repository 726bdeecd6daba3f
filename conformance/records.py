"""The compliance report: one JSON document per run, listing every check that ran and the findings
they come to (:mod:`conformance.findings`)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .findings import counts, group
from .outcomes import OUTCOMES, Outcome

#: 2: implementations describe their language, dialect, sides and transports; checks carry the
#: input they ran on (``source``); the outcome ``not-applicable``.
#: 3: findings (one per cause) and each failing check's ``cause``, ``impact`` and ``finding``; the
#: implementation's conformance ``class`` and ``scope``.
SCHEMA_VERSION = 3


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
    #: Why it failed: the cause's stable id (empty for a check that did not fail).
    cause: str = ""
    #: What the cause breaks for an application.
    impact: str = ""
    #: The finding it belongs to, once the run's records are grouped.
    finding: str = ""


def document(implementation: dict[str, Any], records: list[CheckRecord], *, strict: bool, baseline: str | None, reasons: dict[str, str] | None = None) -> dict[str, Any]:
    """The report. ``reasons``: the baseline's reason per finding id, so that a finding it names is known."""
    findings, membership = group(records, reasons)
    checked = [replace(record, finding=membership.get(record.id, "")) for record in sorted(records, key=lambda r: r.id)]
    tally = Counter(record.outcome for record in records)
    return {
        "report_version": SCHEMA_VERSION,
        "implementation": implementation,
        "options": {"strict": strict, "baseline": baseline},
        "summary": {outcome: tally[outcome] for outcome in OUTCOMES},
        "findings_summary": counts(findings),
        "findings": [finding.to_json() for finding in findings],
        "checks": [asdict(record) for record in checked],
    }


def write(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
