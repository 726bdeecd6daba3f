"""Settling one check: run it at its level for the implementation (its class and scope), then decide
its outcome against the baseline, as the pytest plugin and the runs outside pytest both do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .adapters.adapter import Adapter
from .checks import DEFAULT_CALL_TIMEOUT, Check, Driver, evaluate
from .outcomes import Baseline, decide
from .records import CheckRecord


@dataclass(frozen=True)
class Settled:
    record: CheckRecord
    #: Whether the outcome fails the run.
    failing: bool
    #: The baseline's reason, for a failure it knows.
    known: str | None = None


def settle(check: Check, driver: Driver, baseline: Baseline | None = None, *, strict: bool = False) -> Settled:
    """``driver``'s ``failure_expected`` should say whether the baseline lists the check (a known
    property failure is then not shrunk)."""
    listed = baseline is not None and check.id in baseline.known_failures
    ran = evaluate(check, driver)
    cause = ran.cause.id if ran.cause else (check.id if ran.passed is False else "")
    known = baseline.knows(check.id, cause) if baseline is not None and ran.passed is False else None
    outcome, failing = decide(passed=ran.passed, level=ran.level, listed=listed if ran.passed is not False else known is not None, strict=strict, applicable=ran.applicable)
    message = ran.message
    if outcome == "unexpected-pass":
        message = f"passes, but the baseline lists it as a known failure ({baseline.known_failures[check.id]!r}): remove the stale entry"  # type: ignore[union-attr]
    elif outcome == "not-applicable" and listed:
        message = f"does not apply ({message}), but the baseline lists it as a known failure ({baseline.known_failures[check.id]!r}): remove the stale entry"  # type: ignore[union-attr]
    impact = (ran.cause.impact if ran.cause and ran.cause.impact else _first_sentence(message)) if ran.passed is False else ""
    record = CheckRecord(check.id, check.family, check.event_type, ran.level, outcome, message, check.source, cause if ran.passed is False else "", impact)
    return Settled(record, failing, known)


def settle_all(adapter: Adapter, checks: Iterable[Check], baseline: Baseline | None = None, *, strict: bool = False, timeout: float = DEFAULT_CALL_TIMEOUT) -> list[CheckRecord]:
    """Every check's record against ``adapter``, each through a driver of its own, as a run makes them."""
    found = []
    for check in checks:
        listed = baseline is not None and check.id in baseline.known_failures
        found.append(settle(check, Driver(adapter, timeout, failure_expected=listed), baseline, strict=strict).record)
    return found


def _first_sentence(message: str) -> str:
    """What a check without a cause of its own breaks, in its own words: its message's first line."""
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line[:200]
