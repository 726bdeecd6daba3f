"""The probe family: the suite as a client, against a live server.

Each scenario (:mod:`.probe_scenarios`, data with permanent ids registered under ``probe_scenarios``
in ``conformance/data/ids.json``) is played on a fresh connection by :func:`conformance.live.probe.play`.
Its record is then judged three ways, each a check with a permanent id ``probe/<scenario>/<check>``:

* **every scenario** — ``runs`` (MUST: the server answered every step in time, did not close the
  connection or flood it), ``events-valid`` (MUST: every server event is valid under the reference
  models; a beta name in a GA session is not), ``events-known`` (SHOULD: no event type outside GA),
  ``session-rules`` (MUST: no MUST finding of the session rules on a server frame) and
  ``session-rules-should`` (SHOULD: no SHOULD finding);
* **the scenario's own expectations** — the request answered, the configuration echoed, the error
  echoing the ``event_id``, each with its level and the session-rules.md rule that makes it one.

Findings on the probe's own frames are never held against the server: two scenarios send an
unknown and an invalid client event on purpose.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks import PASS, Level, Result, fail
from ..findings import Cause, group, headline
from ..live.probe import Limits, ProbeRun, Target, play, public_url, scrub_text
from ..outcomes import Baseline, decide
from ..records import CheckRecord, document, write
from ..verdict import judge_value
from .probe_scenarios import SCENARIOS, SCENARIOS_BY_ID, Observed, ProbeScenario, ScenarioCheck, contained, scenario_check

__all__ = ["COMMON", "SCENARIOS", "SCENARIOS_BY_ID", "CheckResult", "Observed", "ProbeScenario", "ScenarioCheck", "Settler", "check_ids", "contained", "judge_run", "observe", "probe"]

FAMILY = "probe"

# --- checks every scenario gets -----------------------------------------------------------------


def _runs(observed: Observed) -> Result:
    run = observed.run
    if not run.failure:
        return PASS
    return fail(run.failure_message, Cause(f"server-fails/{run.failure}", f"the server fails the probe's scenarios ({run.failure}), so clients cannot complete them"))


def _events_valid(observed: Observed) -> Result:
    for line, verdict in sorted(observed.verdicts.items()):
        if verdict.verdict in ("invalid", "beta-name", "not-json"):
            error = verdict.errors[0] if verdict.errors else None
            why = f"{error.path}: expected {error.expected}; got {error.got}" if error else verdict.verdict
            where = f"{verdict.type}:{error.path}" if error else f"{verdict.type or 'frame'}:{verdict.verdict}"
            return fail(f"{verdict.type or 'a server frame'} at {observed.run.where(line)} is {verdict.verdict}: {why}",
                        Cause(f"server-sends-invalid/{where}", f"the server sends {verdict.type or 'frames'} that clients following the schema refuse ({why})"))
    for frame in observed.run.server_frames():
        if frame.binary is not None:
            return fail(f"a binary frame at {observed.run.where(frame.line)}: GA events are JSON text frames", Cause("server-sends-binary", "the server sends binary frames, which clients do not read"))
        if frame.raw is not None:
            return fail(f"a text frame that is not JSON at {observed.run.where(frame.line)}", Cause("server-sends-not-json", "the server sends text frames that are not JSON"))
    return PASS


def _events_known(observed: Observed) -> Result:
    unknown = [(line, verdict.type) for line, verdict in sorted(observed.verdicts.items()) if verdict.verdict == "unknown-type"]
    if unknown:
        line, kind = unknown[0]
        return fail(f"{kind!r} at {observed.run.where(line)} is not a GA server event type ({len(unknown)} such frame(s))",
                    Cause(f"server-sends-unknown/{kind}", f"the server sends {kind}, which no GA client knows"))
    return PASS


def _rules(level: str) -> Callable[[Observed], Result]:
    def judge(observed: Observed) -> Result:
        if observed.rules_error:
            return fail(f"the session rules could not judge the session: {observed.rules_error}")
        found = [finding for finding in observed.findings if finding.level == level]
        if not found:
            return PASS
        shown = "; ".join(f"[{f.rule}] {f.message}" for f in found[:3])
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        return fail(f"{len(found)} {level} finding(s) on server frames: {shown}{more}",
                    Cause(f"breaks-session-rule/{found[0].rule}", f"the server breaks the session rule {found[0].rule} (session-rules.md)"))

    return judge


COMMON: tuple[ScenarioCheck, ...] = (
    scenario_check("runs", "MUST", "every step answered within the transport timeout, the connection not closed by the server and not flooded (rule 6: an error does not end a session)", _runs),
    scenario_check("events-valid", "MUST", "every server event valid under the reference models; a beta name in a GA session is not", _events_valid),
    scenario_check("events-known", "SHOULD", "GA has a closed set of server event types; a new one may be protocol evolution, so SHOULD", _events_known),
    scenario_check("session-rules", "MUST", "session-rules.md: no MUST finding on a server frame", _rules("MUST")),
    scenario_check("session-rules-should", "SHOULD", "session-rules.md: no SHOULD finding on a server frame", _rules("SHOULD")),
)


def check_ids(scenarios: Iterable[ProbeScenario] = SCENARIOS) -> list[str]:
    return [f"{FAMILY}/{scenario.id}/{check.name}" for scenario in scenarios for check in (*COMMON, *scenario.checks)]


def levels(scenarios: Iterable[ProbeScenario] = SCENARIOS) -> dict[str, Level]:
    return {f"{FAMILY}/{scenario.id}/{check.name}": check.level for scenario in scenarios for check in (*COMMON, *scenario.checks)}


# --- judging a played scenario ------------------------------------------------------------------


def observe(run: ProbeRun) -> Observed:
    verdicts = {frame.line: judge_value(frame.event, "server") for frame in run.server_frames() if frame.has_event}
    findings: list[Any] = []
    rules_error = None
    try:
        from ..sessions.rules import check_frames
    except ImportError as error:  # the session rules are a separate module; say so, never pass quietly
        rules_error = f"conformance.sessions.rules is not available ({error})"
    else:
        server_lines = {frame.line for frame in run.server_frames()}
        try:
            result = check_frames(run.frames, transport="websocket", excerpt=False)
        except Exception as error:  # noqa: BLE001 - a checker bug costs these two checks, not the run
            rules_error = f"the session checker failed: {type(error).__name__}: {error}"
        else:
            findings = [finding for finding in result.findings if finding.line in server_lines]
    return Observed(run, verdicts, findings, rules_error)


@dataclass(frozen=True)
class CheckResult:
    id: str
    level: Level
    passed: bool
    message: str
    source: str
    cause: Cause | None = None


def judge_run(scenario: ProbeScenario, run: ProbeRun) -> list[CheckResult]:
    observed = observe(run)
    source = str(run.transcript) if run.transcript else f"probe scenario {scenario.id}"
    results = []
    for check in (*COMMON, *scenario.checks):
        try:
            result = check.judge(observed)
        except Exception as error:  # noqa: BLE001 - a surprising event shape fails this check only
            result = fail(f"the check could not read what the server sent: {type(error).__name__}: {error}")
        results.append(CheckResult(f"{FAMILY}/{scenario.id}/{check.name}", check.level, result.passed, result.message, source, result.cause))
    return results


async def probe(
    target: Target,
    scenarios: Iterable[ProbeScenario] = SCENARIOS,
    limits: Limits = Limits(),
    record_dir: Path | None = None,
    on_run: Callable[[ProbeScenario, ProbeRun, list[CheckResult]], None] | None = None,
) -> list[CheckResult]:
    """Play each scenario on its own connection and judge it; never raises for what the server does."""
    results: list[CheckResult] = []
    for scenario in scenarios:
        run = await play(scenario.id, scenario.steps, target, limits, record_dir)
        judged = judge_run(scenario, run)
        results.extend(judged)
        if on_run is not None:
            on_run(scenario, run, judged)
    return results


def probe_sync(target: Target, scenarios: Iterable[ProbeScenario] = SCENARIOS, limits: Limits = Limits(), record_dir: Path | None = None) -> list[CheckResult]:
    return asyncio.run(probe(target, scenarios, limits, record_dir))


# --- outcomes and the report --------------------------------------------------------------------


class Settler:
    """Turns check results into outcomes (conformance/outcomes.py :func:`decide`, as the pytest
    plugin does), collects the report records, and knows whether the run failed."""

    def __init__(self, target: Target, baseline: Baseline | None = None, strict: bool = False) -> None:
        self.target = target
        self.baseline = baseline
        self.strict = strict
        self.records: list[CheckRecord] = []
        self.failing: list[CheckRecord] = []

    def settle(self, results: Iterable[Any]) -> list[CheckRecord]:
        """``results``: :class:`CheckResult` s, or anything with their fields (the proxy checks')."""
        settled = []
        for result in results:
            cause = getattr(result, "cause", None)
            cause_id = (cause.id if cause else result.id) if not result.passed else ""
            listed = self.baseline is not None and result.id in self.baseline.known_failures
            known = self.baseline.knows(result.id, cause_id) if self.baseline is not None and not result.passed else None
            outcome, failing = decide(passed=result.passed, level=result.level, listed=listed if result.passed else known is not None, strict=self.strict)
            message = result.message
            if outcome == "unexpected-pass":
                message = f"passes, but the baseline lists it as a known failure ({self.baseline.known_failures[result.id]!r}): remove the stale entry"  # type: ignore[union-attr]
            impact = cause.impact if cause and not result.passed else ""
            record = CheckRecord(result.id, FAMILY, None, result.level, outcome, scrub_text(message, self.target.secrets), result.source, cause_id, impact)
            settled.append(record)
            if failing:
                self.failing.append(record)
        self.records.extend(settled)
        return settled

    def fails(self, record: CheckRecord) -> bool:
        return record in self.failing

    def summary(self) -> str:
        counts = Counter(record.outcome for record in self.records)
        shown = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
        verdict = f"{len(self.failing)} check(s) fail the run" if self.failing else "no check fails the run"
        findings, _ = group(self.records, self.baseline.reasons() if self.baseline is not None else None)
        return f"{headline(self.target.display_name, findings)}; checks: {shown}; {verdict}"

    def implementation(self) -> dict[str, Any]:
        return {
            "name": self.target.display_name,
            "version": "",
            "language": "",
            "dialect": "ga",
            "sides": ["server"],
            "transports": ["websocket"],
            "class": "server",
            "url": public_url(self.target.url),
        }

    def report(self) -> dict[str, Any]:
        path = self.baseline.path if self.baseline is not None else None
        reasons = self.baseline.reasons() if self.baseline is not None else None
        return document(self.implementation(), self.records, strict=self.strict, baseline=str(path) if path else None, reasons=reasons)

    def write(self, path: Path) -> None:
        write(path, self.report())
