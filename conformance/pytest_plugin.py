"""The pytest plugin: runs the conformance checks against the implementation under test.

    pytest --pyargs conformance --realtime-impl pipecat --conformance-report report.json

Options: ``--realtime-impl`` (``reference`` by default; a built-in name, a name registered under
the ``realtime_conformance.adapters`` entry points, or ``module:attribute``); ``--strict`` (pytest's
own flag) or ``--conformance-strict`` make SHOULD checks fail too; ``--baseline PATH`` replaces the
implementation's shipped list of known failures (``--baseline=`` runs without one);
``--conformance-report PATH`` writes the JSON report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .checks import DEFAULT_CALL_TIMEOUT, Check, Driver, run_check
from .implementations import AdapterLoadError, load_adapter
from .implementations.adapter import Adapter
from .outcomes import Baseline, decide
from .reports.json import CheckRecord, document, write

BASELINES = Path(__file__).resolve().parent / "implementations" / "baselines"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("realtime-conformance", "OpenAI Realtime protocol conformance")
    group.addoption("--realtime-impl", default="reference", metavar="NAME", help="implementation under test (default: reference)")
    group.addoption("--conformance-strict", action="store_true", help="SHOULD checks fail too (as does pytest's --strict)")
    group.addoption("--baseline", default=None, metavar="PATH", help="known failures of the implementation (default: its shipped baseline; empty for none)")
    group.addoption("--conformance-report", default=None, metavar="PATH", help="write the JSON compliance report here")
    group.addoption("--call-timeout", type=float, default=DEFAULT_CALL_TIMEOUT, metavar="SECONDS", help="how long one call into the implementation may take")


def pytest_configure(config: pytest.Config) -> None:
    try:
        from . import profiles
    except ImportError:  # hypothesis is not installed: only the property family needs it
        pass
    else:
        profiles.register(load=config.getoption("hypothesis_profile", default=None) is None)
    config.addinivalue_line("markers", "conformance: a conformance check run against the implementation under test")
    config.stash[_RUN] = ConformanceRun(config)


@dataclass
class ConformanceRun:
    config: pytest.Config
    records: list[CheckRecord] = field(default_factory=list)
    _adapter: Adapter | None = None
    _baseline: Baseline | None = None

    @property
    def strict(self) -> bool:
        return bool(self.config.getoption("conformance_strict") or getattr(self.config.option, "strict", False))

    @property
    def adapter(self) -> Adapter:
        if self._adapter is None:
            self.load()
        assert self._adapter is not None
        return self._adapter

    def load(self) -> None:
        name = self.config.getoption("realtime_impl")
        try:
            self._adapter = load_adapter(name)
        except AdapterLoadError as error:
            raise pytest.UsageError(str(error)) from error
        self._baseline = self._load_baseline(self._adapter.name)

    def _load_baseline(self, name: str) -> Baseline | None:
        option = self.config.getoption("baseline")
        path = (BASELINES / f"{name}.json") if option is None else (Path(option) if option else None)
        if path is None or (option is None and not path.exists()):
            return None
        try:
            return Baseline.load(path)
        except (OSError, ValueError) as error:
            raise pytest.UsageError(f"cannot read the baseline {path}: {error}") from error

    @property
    def baseline(self) -> Baseline | None:
        self.adapter  # noqa: B018 - loads the baseline with the adapter
        return self._baseline

    def settle(self, check: Check) -> None:
        """Run one check and turn its result into an outcome, a report record and a test result."""
        driver = Driver(self.adapter, self.config.getoption("call_timeout"))
        passed, message, applicable = run_check(check, driver)
        known = self.baseline.known_failures if self.baseline else {}
        listed = check.id in known
        outcome, failing = decide(passed=passed, level=check.level, listed=listed, strict=self.strict, applicable=applicable)
        if outcome == "unexpected-pass":
            message = f"passes, but the baseline lists it as a known failure ({known[check.id]!r}): remove the stale entry"
        elif outcome == "not-applicable" and listed:
            message = f"does not apply ({message}), but the baseline lists it as a known failure ({known[check.id]!r}): remove the stale entry"
        self.records.append(CheckRecord(check.id, check.family, check.event_type, check.level, outcome, message, check.source))
        where = f"\n  input: {check.source}" if check.source else ""
        if failing:
            pytest.fail(f"{check.id} [{check.level}] {outcome} for {self.adapter.name}: {message}{where}", pytrace=False)
        if outcome == "expected-fail":
            pytest.xfail(f"known departure: {known[check.id]}")
        if outcome == "not-implemented":
            pytest.skip(f"{check.level} check not implemented: {message}")
        if outcome == "not-applicable":
            pytest.skip(f"not applicable: {message}")


_RUN = pytest.StashKey[ConformanceRun]()


@pytest.fixture(scope="session")
def conformance_run(request: pytest.FixtureRequest) -> ConformanceRun:
    return request.config.stash[_RUN]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not any(item.get_closest_marker("conformance") for item in items):
        return
    run = config.stash[_RUN]
    run.load()  # fail fast, with a clear message, on an unknown implementation
    if config.getoption("update_snapshots", default=False) and run.adapter.name != "reference":
        raise pytest.UsageError(
            f"--snapshot-update with --realtime-impl {config.getoption('realtime_impl')} is refused: snapshots hold the "
            "reference implementation's wire JSON, and every implementation is compared with them. "
            "Update them with --realtime-impl reference."
        )


def pytest_report_header(config: pytest.Config) -> str | None:
    run = config.stash.get(_RUN, None)
    if run is None or run._adapter is None:
        return None
    baseline = run.baseline.path if run.baseline else "none"
    return f"realtime-conformance: implementation {run.adapter.name} {run.adapter.version}; baseline {baseline}; strict {run.strict}"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    run = config.stash.get(_RUN, None)
    if run is None or not run.records:
        return
    counts: dict[str, int] = {}
    for record in run.records:
        counts[record.outcome] = counts.get(record.outcome, 0) + 1
    terminalreporter.section("realtime conformance")
    terminalreporter.write_line(f"{run.adapter.name} {run.adapter.version}: " + ", ".join(f"{n} {o}" for o, n in sorted(counts.items())))
    quiet_failures = [r for r in run.records if r.outcome == "fail" and r.level != "MUST" and not run.strict]
    if quiet_failures:
        terminalreporter.write_line(f"{len(quiet_failures)} SHOULD/INFO check(s) failed without failing the run (see the report, or use --strict)")
    if any(record.family == "snapshot" for record in run.records):
        _report_unused_snapshots(terminalreporter, config)


def _report_unused_snapshots(terminalreporter, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    from .families import snapshots

    stale = snapshots.unused()
    if not stale:
        return
    if config.getoption("update_snapshots", default=False):
        for path in stale:
            path.unlink()
        terminalreporter.write_line(f"deleted {len(stale)} unused snapshot(s): {', '.join(p.name for p in stale)}")
    else:
        terminalreporter.write_line(f"{len(stale)} unused snapshot(s), which no scenario uses: {', '.join(p.name for p in stale)} (--snapshot-update deletes them)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(_RUN, None)
    path = session.config.getoption("conformance_report")
    if run is None or not path or run._adapter is None or exitstatus in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERRUPTED):
        return
    baseline = str(run.baseline.path) if run.baseline and run.baseline.path else None
    write(Path(path), document(run.adapter.describe(), run.records, strict=run.strict, baseline=baseline))
