"""The shipped baselines: every entry is a check that exists, and its reason names the real cause
with the file and line in the library that shows it (issue 15: one entry in five was a false alarm
when reasons were the check's own message)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.detection import all_checks, dialect_checks
from conformance.outcomes import Baseline, weak_reasons
from conformance.adapters.registry import built_in

SHIPPED = sorted(i.baseline for i in built_in().values() if i.baseline.exists())
STATIC_FAMILIES = ("corpus", "snapshot", "property", "session")
KNOWN = set(all_checks()) | set(dialect_checks())


@pytest.mark.parametrize("path", SHIPPED, ids=[path.parent.name for path in SHIPPED])
def test_every_reason_names_its_cause_and_where_the_library_shows_it(path: Path) -> None:
    assert weak_reasons(Baseline.load(path)) == []


@pytest.mark.parametrize("path", SHIPPED, ids=[path.parent.name for path in SHIPPED])
def test_every_entry_is_a_check_that_exists(path: Path) -> None:
    baseline = Baseline.load(path)
    unknown = [check_id for check_id in baseline.known_failures if check_id.split("/")[0] in STATIC_FAMILIES and check_id not in KNOWN]
    assert unknown == []
    assert built_in()[baseline.implementation].folder == path.parent


def test_a_generic_or_unsourced_reason_is_refused() -> None:
    baseline = Baseline("lib", {
        "corpus/a/rejects": "accepted an invalid payload (audio must be base64)",
        "corpus/b/parses": "",
        "corpus/c/lossless-dump": "RealtimeError.code defaults to an empty string",
        "corpus/d/lossless-dump": "RealtimeError.code defaults to \"\" (pipecat/services/openai/realtime/events.py:358)",
    })
    problems = weak_reasons(baseline)
    assert [problem.split(":")[0] for problem in problems] == ["corpus/a/rejects", "corpus/b/parses", "corpus/c/lossless-dump"]
    assert "restates the outcome" in problems[0] and "is empty" in problems[1] and "names no file and line" in problems[2]


LEDGER_START, LEDGER_END = "<!-- ledger:start -->", "<!-- ledger:end -->"


def test_the_readme_ledger_is_the_generated_one() -> None:
    from conformance.commands.baseline import shipped_ledger

    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text()
    assert LEDGER_START in text and LEDGER_END in text, "README.md lost its precision ledger"
    published = text.split(LEDGER_START, 1)[1].split(LEDGER_END, 1)[0].strip()
    assert published == shipped_ledger().strip(), "regenerate it: realtime-conformance baseline --ledger"
