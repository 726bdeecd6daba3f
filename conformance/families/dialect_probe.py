"""The probe against a server that speaks another dialect (``realtime-conformance probe --dialect``).

The probe scenarios are written in GA. Under a dialect each client event goes out as the dialect
sends it (``Dialect.from_ga``), each wait accepts the dialect's names for the events it waits for,
and the scenarios' own conditions read the run as GA (``Dialect.to_ga``); so the same scenarios
drive a beta, xAI, Inworld or Azure preview server. Every server frame is then judged *as sent*,
under the dialect, with the checks every scenario gets (``runs``, ``events-valid``,
``events-known``, ``session-rules``, ``session-rules-should``, the session rules applying the
dialect's ordering). The scenarios' GA-specific expectations (an echo of GA's session shape, GA's
error codes) are not carried over: what a dialect's server must echo is not documented alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..checks import PASS, Level, Result, fail
from .probe import FAMILY, CheckResult, ProbeScenario, Settler
from ..protocol import dialects
from ..verdict import judge_value
from ..live.probe import Expect, Limits, ProbeRun, Send, Step, Target, play

CHECKS: tuple[tuple[str, Level], ...] = (("runs", "MUST"), ("events-valid", "MUST"), ("events-known", "SHOULD"),
                                         ("session-rules", "MUST"), ("session-rules-should", "SHOULD"))


def check_ids(scenarios: Iterable[ProbeScenario]) -> list[str]:
    return [f"{FAMILY}/{scenario.id}/{name}" for scenario in scenarios for name, _ in CHECKS]


class _GAView:
    """The run as GA, rebuilt only when frames have arrived since the last look."""

    def __init__(self, dialect: str) -> None:
        self.profile = dialects.get(dialect)
        self._seen = -1
        self._view: ProbeRun | None = None

    def event(self, event: Any) -> Any:
        translated = self.profile.to_ga(event, "server") if isinstance(event, dict) else None
        return translated if translated is not None else event

    def of(self, run: ProbeRun) -> ProbeRun:
        if self._view is None or self._seen != len(run.frames):
            frames = [dataclasses.replace(frame, event=self.event(frame.event)) if frame.has_event and frame.dir == "server" else frame for frame in run.frames]
            by_line = {frame.line: frame for frame in frames}
            view = ProbeRun(run.scenario, frames=frames, labels={label: by_line.get(frame.line, frame) for label, frame in run.labels.items()})
            view._last_sent = run._last_sent
            self._view, self._seen = view, len(run.frames)
        return self._view


def translated(steps: tuple[Step, ...], dialect: str) -> tuple[Step, ...]:
    """A scenario's steps as a client of ``dialect`` plays them."""
    profile = dialects.get(dialect)
    view = _GAView(dialect)
    names = {ga: own for ga, own in profile.spellings.items()}
    out: list[Step] = []
    for step in steps:
        if isinstance(step, Send):
            out.append(Send(_sent(step.event, profile, view), step.label))
        elif isinstance(step, Expect):
            types = tuple(dict.fromkeys((*step.types, *(names[t] for t in step.types if t in names))))
            where = step.where
            # A wait for events the dialect does not have ends the scenario there; it is no hang.
            required = step.required and any(kind in profile.server for kind in types)
            out.append(dataclasses.replace(step, types=types, required=required, where=None if where is None else _read_as_ga(where, view)))
        else:
            out.append(step)
    return tuple(out)


def _sent(event: Any, profile: Any, view: _GAView) -> Any:
    def build(run: ProbeRun) -> dict[str, Any]:
        ga = event(view.of(run)) if callable(event) else event
        own = profile.from_ga(ga, "client")
        return own if own is not None else ga

    return build


def _read_as_ga(where: Any, view: _GAView) -> Any:
    return lambda event, run: where(view.event(event), view.of(run))


def judge_run(scenario: ProbeScenario, run: ProbeRun, dialect: str) -> list[CheckResult]:
    verdicts = {frame.line: judge_value(frame.event, "server", dialect) for frame in run.server_frames() if frame.has_event}
    findings: list[Any] = []
    rules_error = None
    try:
        from ..sessions.rules import check_frames

        server_lines = {frame.line for frame in run.server_frames()}
        findings = [f for f in check_frames(run.frames, transport="websocket", dialect=dialect).findings if f.line in server_lines]
    except Exception as error:  # noqa: BLE001 - a checker bug costs the two rule checks, not the run
        rules_error = f"the session checker failed: {type(error).__name__}: {error}"
    source = str(run.transcript) if run.transcript else f"probe scenario {scenario.id} under {dialect}"
    judged = {
        "runs": fail(run.failure_message) if run.failure else PASS,
        "events-valid": _valid(run, verdicts, dialect),
        "events-known": _known(run, verdicts, dialect),
        "session-rules": _rules(findings, rules_error, "MUST"),
        "session-rules-should": _rules(findings, rules_error, "SHOULD"),
    }
    return [CheckResult(f"{FAMILY}/{scenario.id}/{name}", level, judged[name].passed, judged[name].message, source) for name, level in CHECKS]


def _valid(run: ProbeRun, verdicts: dict[int, Any], dialect: str) -> Result:
    for line, verdict in sorted(verdicts.items()):
        if verdict.verdict in ("invalid", "beta-name", "not-json"):
            error = verdict.errors[0] if verdict.errors else None
            why = f"{error.path}: expected {error.expected}; got {error.got}" if error else verdict.verdict
            note = f" ({verdict.note})" if verdict.note else ""
            return fail(f"{verdict.type or 'a server frame'} at {run.where(line)} is {verdict.verdict} under {dialect}: {why}{note}")
    for frame in run.server_frames():
        if frame.binary is not None or frame.raw is not None:
            return fail(f"a frame at {run.where(frame.line)} that is not a JSON text frame")
    return PASS


def _known(run: ProbeRun, verdicts: dict[int, Any], dialect: str) -> Result:
    unknown = [(line, verdict) for line, verdict in sorted(verdicts.items()) if verdict.verdict == "unknown-type"]
    if unknown:
        line, verdict = unknown[0]
        note = f" ({verdict.note})" if verdict.note else ""
        return fail(f"{verdict.type!r} at {run.where(line)} is not a {dialect} server event type{note} ({len(unknown)} such frame(s))")
    return PASS


def _rules(findings: list[Any], rules_error: str | None, level: str) -> Result:
    if rules_error:
        return fail(rules_error)
    found = [finding for finding in findings if finding.level == level]
    if not found:
        return PASS
    shown = "; ".join(f"[{f.rule}] {f.message}" for f in found[:3])
    return fail(f"{len(found)} {level} finding(s) on server frames: {shown}" + (f" (and {len(found) - 3} more)" if len(found) > 3 else ""))


async def probe(target: Target, scenarios: Iterable[ProbeScenario], dialect: str, limits: Limits = Limits(), record_dir: Path | None = None,
                on_run: Any = None) -> list[CheckResult]:
    results: list[CheckResult] = []
    for scenario in scenarios:
        run = await play(scenario.id, translated(scenario.steps, dialect), target, limits, record_dir)
        judged = judge_run(scenario, run, dialect)
        results.extend(judged)
        if on_run is not None:
            on_run(scenario, run, judged)
    return results


class DialectSettler(Settler):
    """The probe's settler, reporting the dialect the server was judged under."""

    def __init__(self, target: Target, dialect: str, baseline: Any = None, strict: bool = False) -> None:
        super().__init__(target, baseline, strict)
        self.dialect = dialect

    def implementation(self) -> dict[str, Any]:
        return {**super().implementation(), "dialect": self.dialect}
