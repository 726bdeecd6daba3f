"""The pytest plugin: runs the conformance checks against the implementation under test.

    pytest --pyargs conformance --realtime-impl pipecat --conformance-report report.json

Options: ``--realtime-impl`` (``reference`` by default; a built-in name, a name registered under
the ``realtime_conformance.adapters`` entry points, or ``module:attribute``); ``--strict`` (pytest's
own flag) or ``--conformance-strict`` make SHOULD checks fail too; ``--baseline PATH`` replaces the
implementation's shipped list of known failures (``--baseline=`` runs without one);
``--conformance-report PATH`` writes the JSON report; ``--dialect NAME`` judges under a dialect
(default: the implementation's own), running that dialect's corpus and session checks and no other's
(the terminal summary says how many it left out, and why; the wire checks run under every dialect).

Every collected check leaves a record in the report, whatever escapes it (Hypothesis's
``FlakyFailure``, say): a ``fail`` with the exception's message.

With pytest-xdist (``-n auto``) the checks run in worker processes: each worker sends the records
of its checks to the controller when it is done (``workeroutput``), and the controller writes the
one report, the same as a serial run's (records are sorted by check id).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field
from pathlib import Path

import pytest

from .checks import DEFAULT_CALL_TIMEOUT, Check, Driver
from .adapters import AdapterLoadError, load_adapter
from .adapters.adapter import Adapter
from .adapters.isolation import ISOLATIONS, IsolatedAdapter, in_a_worker
from .adapters.registry import baseline_path
from .implementations.reference.dialects import DialectReferenceAdapter
from .implementations.reference.adapter import ReferenceAdapter
from .protocol.dialects import NAMES as DIALECTS
from .outcomes import Baseline
from .findings import group, headline
from .records import CheckRecord, document, write
from .settling import settle

def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("realtime-conformance", "OpenAI Realtime protocol conformance")
    group.addoption("--realtime-impl", default="reference", metavar="NAME", help="implementation under test (default: reference)")
    group.addoption("--conformance-strict", action="store_true", help="SHOULD checks fail too (as does pytest's --strict)")
    group.addoption("--baseline", default=None, metavar="PATH", help="known failures of the implementation (default: its shipped baseline; empty for none)")
    group.addoption("--conformance-report", default=None, metavar="PATH", help="write the JSON compliance report here")
    group.addoption("--call-timeout", type=float, default=DEFAULT_CALL_TIMEOUT, metavar="SECONDS", help="how long one call into the implementation may take")
    group.addoption("--isolation", default="process", choices=ISOLATIONS,
                    help="where an in-process (Python) adapter runs: process (default: its parse-level calls in a worker process that "
                    "a crash or a hang costs one check, the wire family in this process), full (each wire scenario in a worker too), "
                    "or none (everything in this process: a hard crash ends the run)")
    group.addoption("--dialect", default=None, choices=DIALECTS, help="the protocol dialect to judge under (default: the implementation's own, ga for most)")


@pytest.hookimpl(tryfirst=True)  # before Hypothesis's own, which loads --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    try:
        from . import profiles
    except ImportError:  # hypothesis is not installed: only the property family needs it
        pass
    else:
        profiles.register(load=config.getoption("hypothesis_profile", default=None) is None)
    config.addinivalue_line("markers", "conformance: a conformance check run against the implementation under test")
    config.addinivalue_line("markers", "realtime_dialect(name): a conformance check of one dialect's corpus or sessions (unmarked: ga)")
    config.stash[_RUN] = ConformanceRun(config)


@dataclass
class ConformanceRun:
    config: pytest.Config
    records: list[CheckRecord] = field(default_factory=list)
    #: On an xdist controller: what the workers said of the implementation, the baseline and the
    #: dialect (the controller runs no check, and loads no implementation).
    from_workers: dict | None = None
    _adapter: Adapter | None = None
    _baseline: Baseline | None = None
    #: The dialect checks are judged under (settled when the implementation is loaded).
    dialect: str = "ga"
    #: The test running now, whose JUnit properties settle() records.
    current_item: pytest.Item | None = None
    #: Checks of other dialects left out at collection, by dialect.
    deselected: dict[str, int] = field(default_factory=dict)

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
        isolation = self.config.getoption("isolation")
        try:
            if name != "reference" and in_a_worker(name, isolation):  # the reference is our own models: nothing to contain
                self._adapter = IsolatedAdapter(name, isolation, timeout=self.config.getoption("call_timeout"))
            else:
                self._adapter = load_adapter(name)
        except AdapterLoadError as error:
            raise pytest.UsageError(str(error)) from error
        self._adapter.loaded_as = name  # type: ignore[attr-defined]  # replay hints name it as the user did
        if hasattr(self._adapter, "timeout"):  # an adapter with a clock of its own (a harness process) keeps --call-timeout too
            self._adapter.timeout = self.config.getoption("call_timeout")
        own = getattr(self._adapter, "dialect", "ga")
        self.dialect = self.config.getoption("dialect") or own
        if self.dialect != "ga" and type(self._adapter) is ReferenceAdapter:
            self._adapter = DialectReferenceAdapter(self.dialect)  # the reference of the dialect asked for
            own = self.dialect
        # A shipped baseline lists departures from the implementation's own dialect; under another
        # one there is none unless --baseline names it.
        self._baseline = self._load_baseline(self._adapter.name, shipped=self.dialect == own)

    def _load_baseline(self, name: str, shipped: bool = True) -> Baseline | None:
        option = self.config.getoption("baseline")
        if option is None and not shipped:
            return None
        path = baseline_path(name) if option is None else (Path(option) if option else None)
        if path is None or (option is None and not path.exists()):
            return None
        try:
            return Baseline.load(path)
        except (OSError, ValueError) as error:
            raise pytest.UsageError(f"cannot read the baseline {path}: {error}") from error

    def reasons(self) -> dict[str, str]:
        """The baseline's reason per finding id (and per check id), for the report's findings."""
        if self.from_workers is not None:
            return dict(self.from_workers.get("reasons") or {})
        return self.baseline.reasons() if self._adapter is not None and self.baseline is not None else {}

    @property
    def baseline(self) -> Baseline | None:
        self.adapter  # noqa: B018 - loads the baseline with the adapter
        return self._baseline

    def settle(self, check: Check) -> None:
        """Run one check at its level for the implementation's class and scope, and turn its result
        into an outcome, a report record and a test result. Whatever escapes (an exception a check
        did not expect, such as Hypothesis's ``FlakyFailure``) still leaves a record: a fail."""
        recorded = len(self.records)
        try:
            self._settle(check)
        except Exception as error:
            if len(self.records) == recorded:
                text = str(error).strip().splitlines()
                message = f"the check raised {type(error).__name__}: {text[0][:500] if text else '(no message)'}"
                record = CheckRecord(check.id, check.family, check.event_type, check.level, "fail", message, check.source, check.id, "")
                self.records.append(record)
                self._junit(record)
            raise

    def _settle(self, check: Check) -> None:
        baseline = self.baseline
        listed = baseline is not None and check.id in baseline.known_failures
        driver = Driver(self.adapter, self.config.getoption("call_timeout"), failure_expected=listed)
        settled = settle(check, driver, baseline, strict=self.strict)
        record = settled.record
        self.records.append(record)
        self._junit(record)
        where = f"\n  input: {check.source}" if check.source else ""
        if settled.failing:
            pytest.fail(f"{check.id} [{record.level}] {record.outcome} for {self.adapter.name}: {record.message}{where}\n  cause: {record.cause}", pytrace=False)
        if record.outcome == "expected-fail":
            pytest.xfail(f"known departure ({record.cause}): {settled.known}")
        if record.outcome == "not-implemented":
            pytest.skip(f"{record.level} check not implemented: {record.message}")
        if record.outcome == "not-applicable":
            pytest.skip(f"not applicable: {record.message}")

    def _junit(self, record: CheckRecord) -> None:
        """For ``--junitxml``: the check's id, level, outcome and message become the test case's
        properties, and its name is the permanent check id (its class: implementation.family)."""
        item = self.current_item
        if item is None:
            return
        details = {"check_id": record.id, "level": record.level, "outcome": record.outcome, "message": record.message, "input": record.source}
        item.user_properties.extend((name, value) for name, value in details.items() if value)
        xml = self.config.stash.get(_JUNIT_XML, None) if _JUNIT_XML is not None else None
        if xml is not None:  # None on xdist workers: their properties still reach the controller's XML
            reporter = xml.node_reporter(item.nodeid)
            reporter.add_attribute("name", record.id)
            reporter.add_attribute("classname", ".".join(filter(None, [xml.prefix, self.adapter.name, record.family])))


#: pytest's --junitxml writer; private in pytest (its record_xml_attribute fixture is the public,
#: experimental face), so looked up defensively: without it the test cases keep pytest's names.
try:
    from _pytest.junitxml import xml_key as _JUNIT_XML
except ImportError:  # pragma: no cover - a pytest without it
    _JUNIT_XML = None

_RUN = pytest.StashKey[ConformanceRun]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    run = item.config.stash.get(_RUN, None)
    if run is not None:
        run.current_item = item


@pytest.fixture(scope="session")
def conformance_run(request: pytest.FixtureRequest) -> ConformanceRun:
    return request.config.stash[_RUN]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not any(item.get_closest_marker("conformance") for item in items):
        return
    run = config.stash[_RUN]
    run.load()  # fail fast, with a clear message, on an unknown implementation
    _keep_dialect(config, items, run.dialect)
    if config.getoption("update_snapshots", default=False) and run.adapter.name != "reference":
        raise pytest.UsageError(
            f"--snapshot-update with --realtime-impl {config.getoption('realtime_impl')} is refused: snapshots hold the "
            "reference implementation's wire JSON, and every implementation is compared with them. "
            "Update them with --realtime-impl reference."
        )


def _keep_dialect(config: pytest.Config, items: list[pytest.Item], dialect: str) -> None:
    """Deselect the conformance checks of every dialect but ``dialect`` (unmarked corpus, snapshot,
    property and session checks are GA's), and count them by dialect for the summary. An unmarked
    wire check is every dialect's: a live client is judged whatever it speaks."""
    kept, dropped = [], []
    by_dialect: dict[str, int] = {}
    for item in items:
        of = _dialect_of(item)
        if of in (None, dialect):
            kept.append(item)
        else:
            dropped.append(item)
            by_dialect[of] = by_dialect.get(of, 0) + 1
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
        config.stash[_RUN].deselected = by_dialect


def _dialect_of(item: pytest.Item) -> str | None:
    """The dialect a collected item's check belongs to; ``None``: every dialect's (or not a check)."""
    marker = item.get_closest_marker("realtime_dialect")
    if marker:  # realtime_dialect(None): every dialect's (the wire family's)
        return None if marker.args[0] is None else str(marker.args[0])
    if not item.get_closest_marker("conformance"):
        return None
    check = getattr(item, "callspec", None) and item.callspec.params.get("check")  # type: ignore[attr-defined]
    return None if getattr(check, "family", None) == "wire" else "ga"


def deselection_line(deselected: dict[str, int], dialect: str) -> str | None:
    """What a dialect choice left out, and why, in one line (``None`` when nothing was)."""
    if not deselected:
        return None
    total = sum(deselected.values())
    parts = ", ".join(f"{name} {count}" for name, count in sorted(deselected.items()))
    return f"deselected {total} checks of other dialects ({parts}): judged under {dialect}; --dialect NAME runs a dialect's own corpus and sessions"


def pytest_report_header(config: pytest.Config) -> str | None:
    run = config.stash.get(_RUN, None)
    if run is None or run._adapter is None:
        return None
    baseline = run.baseline.path if run.baseline else "none"
    dialect = f"; dialect {run.dialect}" if run.dialect != "ga" else ""
    return f"realtime-conformance: implementation {run.adapter.name} {run.adapter.version} (class {run.adapter.conformance_class}); baseline {baseline}; strict {run.strict}{dialect}"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    run = config.stash.get(_RUN, None)
    if run is None:
        return
    deselected = run.from_workers.get("deselected") if run.from_workers else run.deselected
    dialect = run.from_workers["implementation"].get("dialect", "ga") if run.from_workers else run.dialect
    line = deselection_line(deselected or {}, dialect)
    if line and not run.records:
        terminalreporter.section("realtime conformance")
    if not run.records:
        if line:
            terminalreporter.write_line(line)
        return
    counts: dict[str, int] = {}
    for record in run.records:
        counts[record.outcome] = counts.get(record.outcome, 0) + 1
    terminalreporter.section("realtime conformance")
    described = run.from_workers["implementation"] if run.from_workers else run.adapter.describe()
    findings, _ = group(run.records, run.reasons())
    terminalreporter.write_line(headline(f"{described['name']} {described['version']} ({described.get('class', 'model')})", findings))
    for finding in findings:
        if finding.level != "INFO":
            state = "known" if finding.known else "NEW"
            terminalreporter.write_line(f"  [{finding.level}] {finding.id} ({state}, {len(finding.checks)} check(s)): {finding.impact}")
    terminalreporter.write_line("checks: " + ", ".join(f"{n} {o}" for o, n in sorted(counts.items())))
    if line:
        terminalreporter.write_line(line)
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
    if run is None:
        return
    if run._adapter is not None:  # a worker or harness process, and whatever it started, goes now
        getattr(run._adapter, "close", lambda: None)()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller writes the report
        if run._adapter is not None:
            workeroutput[_WORKER_KEY] = _for_controller(run)
        return
    path = session.config.getoption("conformance_report")
    if not path or exitstatus in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERRUPTED):
        return
    if run.from_workers is not None:
        facts = run.from_workers
        write(Path(path), document(facts["implementation"], run.records, strict=facts["strict"], baseline=facts["baseline"], reasons=facts.get("reasons")))
        return
    if run._adapter is None:
        return
    baseline = str(run.baseline.path) if run.baseline and run.baseline.path else None
    write(Path(path), document({**run.adapter.describe(), "dialect": run.dialect}, run.records, strict=run.strict, baseline=baseline, reasons=run.reasons()))


# --- pytest-xdist: the workers' records reach the controller ----------------------------------------

_WORKER_KEY = "realtime_conformance"


def _for_controller(run: ConformanceRun) -> dict:
    """What a worker sends: plain data, as execnet carries it."""
    baseline = str(run.baseline.path) if run.baseline and run.baseline.path else None
    return {
        "implementation": {**run.adapter.describe(), "dialect": run.dialect},
        "strict": run.strict,
        "baseline": baseline,
        "reasons": run.reasons(),
        "deselected": run.deselected,
        "records": [astuple(record) for record in run.records],
    }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # type: ignore[no-untyped-def]
    """xdist's controller, as a worker finishes: take its records."""
    sent = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    run = node.config.stash.get(_RUN, None)
    if sent is None or run is None:
        return
    run.records.extend(CheckRecord(*fields) for fields in sent["records"])
    if run.from_workers is None:
        run.from_workers = {key: value for key, value in sent.items() if key != "records"}
