"""Reading JSON reports back, for the views built from them (HTML, Markdown, comparisons).

Reports of every version so far are read. Version 1 lacks an implementation's language, dialect,
sides and transports and each check's ``source``, which read as unknown; versions 1 and 2 lack
findings, conformance classes and scopes: each of their failing checks is read as a finding of its
own (:func:`from_checks`), and their class as unknown. A file that is not a report — not JSON,
nested too deeply, or a member of the wrong type anywhere — is refused with the file, the JSON path
and what was expected (:mod:`.fields`), never half-read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..adapters.registry import baseline_path
from ..checks import LEVELS
from ..findings import LEVEL_ORDER, Finding
from ..outcomes import OUTCOMES, Baseline
from ..records import SCHEMA_VERSION, CheckRecord
from .fields import Fields, ReportError

__all__ = ["FAILED", "NOT_PASSING", "PASSED", "UNMET", "Implementation", "Report", "ReportError", "ScopeFacts", "collect", "from_checks", "load", "parse"]

#: Outcomes whose check met its requirement.
PASSED = frozenset({"pass", "unexpected-pass"})
#: Outcomes whose check did not meet its requirement: new, known (baselined) or missing capability.
UNMET = frozenset({"fail", "expected-fail", "not-implemented"})
#: Outcomes of checks that make findings: they ran and failed (a missing capability has no cause).
FAILED = frozenset({"fail", "expected-fail"})
#: Outcomes that need a reader's attention: everything but a plain pass.
NOT_PASSING = frozenset(OUTCOMES) - {"pass"}


@dataclass(frozen=True)
class ScopeFacts:
    """A client's scope as its report states it (:class:`conformance.adapters.scope.Scope`);
    ``None`` means all of it. Kept as read: a newer suite's feature ids are shown, not refused."""

    consumes: tuple[str, ...] | None = None
    sends: tuple[str, ...] | None = None
    cannot_send: tuple[str, ...] | None = None
    why: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Implementation:
    name: str
    version: str
    language: str = "unknown"
    dialect: str = "unknown"
    sides: tuple[str, ...] = ()
    transports: tuple[str, ...] = ()
    #: Its conformance class (``model``, ``client``, ``model+client``, ...); unknown before version 3.
    klass: str = "unknown"
    #: What it uses of the protocol; ``None`` before version 3.
    scope: ScopeFacts | None = None

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


@dataclass
class Report:
    path: Path
    version: int
    implementation: Implementation
    checks: list[CheckRecord]
    strict: bool = False
    #: The baseline file the run used, as the report names it (it may not exist on this machine).
    baseline: str | None = None
    #: One per cause, MUST first (:mod:`conformance.findings`).
    findings: list[Finding] = field(default_factory=list)
    #: Whether the report lists its findings (version 3), or they were read from its failing checks.
    findings_recorded: bool = True
    _reasons: dict[str, str] | None = field(default=None, repr=False)
    baseline_read: Path | None = field(default=None, repr=False)

    def by_id(self) -> dict[str, CheckRecord]:
        return {check.id: check for check in self.checks}

    def at_level(self, level: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.level == level]

    def baseline_reasons(self) -> dict[str, str]:
        """The baseline's reason per finding id and per check id: from the file the report names
        when it is here, else from the baseline of the same name shipped with this installation,
        else none."""
        if self._reasons is None:
            self._reasons = {}
            for candidate in _baseline_candidates(self.baseline, self.implementation.name):
                try:
                    reasons = Baseline.load(candidate).reasons()
                except (OSError, ValueError, RecursionError):
                    continue
                self._reasons = {key: reason for key, reason in reasons.items() if isinstance(reason, str)}
                self.baseline_read = candidate
                break
        return self._reasons

    def reason_of(self, finding: Finding) -> str:
        """Why the finding is there, as the baseline says: the report's own, else the baseline's for
        the finding or for one of its checks; empty when nobody has written it down yet."""
        if finding.reason:
            return finding.reason
        reasons = self.baseline_reasons()
        return reasons.get(finding.id) or next((reasons[check] for check in finding.checks if reasons.get(check)), "")


def _baseline_candidates(named: str | None, implementation: str) -> list[Path]:
    """The file the report names, then the baseline of the implementation shipped with this installation."""
    if not named:
        return []
    shipped = baseline_path(implementation)
    return [Path(named), *([shipped] if shipped is not None else [])]


def load(path: Path) -> Report:
    try:
        data = json.loads(path.read_bytes())
    except OSError as error:
        raise ReportError(f"{path}: cannot read it: {error.strerror or error}") from error
    except RecursionError:
        raise ReportError(f"{path}: $: nested too deeply to read (a report is a few levels deep)") from None
    except ValueError as error:
        raise ReportError(f"{path}: not JSON: {error}") from error
    except RecursionError:
        raise ReportError(f"{path}: not a conformance report: its JSON is nested deeper than Python's JSON reader goes") from None
    return parse(data, path)


def parse(data: Any, path: Path) -> Report:
    """A report from its JSON value; ``path`` is only for messages and for finding inputs."""
    read = Fields(str(path))
    document = read.object(data, "$", "a JSON object (a conformance report)")
    version = document.get("report_version", 1)
    if not (isinstance(version, int) and not isinstance(version, bool) and 1 <= version <= SCHEMA_VERSION):
        raise read.fail("$.report_version", f"a report version from 1 to {SCHEMA_VERSION}", version)
    implementation = _implementation(read, document.get("implementation"))
    checks = [_check(read, item, f"$.checks[{index}]") for index, item in enumerate(read.list(document.get("checks"), "$.checks", "a list of checks"))]
    options = {} if document.get("options") is None else read.object(document["options"], "$.options")
    recorded = document.get("findings") is not None
    findings = [_finding(read, item, f"$.findings[{index}]") for index, item in enumerate(read.list(document["findings"], "$.findings"))] if recorded else from_checks(checks)
    return Report(
        path=path,
        version=version,
        implementation=implementation,
        checks=checks,
        strict=read.boolean(options, "strict", "$.options"),
        baseline=read.optional_string(options, "baseline", "$.options"),
        findings=findings,
        findings_recorded=recorded,
    )


def _implementation(read: Fields, value: Any) -> Implementation:
    described = read.object(value, "$.implementation", "an object with a name")
    name = read.string(described, "name", "$.implementation")
    if not name:
        raise read.fail("$.implementation.name", "a name", name)
    version = described.get("version")
    if version is not None and (not isinstance(version, (str, int, float)) or isinstance(version, bool)):
        raise read.fail("$.implementation.version", "a version (a string)", version)
    scope = described.get("scope")
    return Implementation(
        name=name,
        version="unknown" if version is None else str(version),
        language=read.string(described, "language", "$.implementation", "unknown") or "unknown",
        dialect=read.string(described, "dialect", "$.implementation", "unknown") or "unknown",
        sides=read.strings(described, "sides", "$.implementation") or (),
        transports=read.strings(described, "transports", "$.implementation") or (),
        klass=read.string(described, "class", "$.implementation", "unknown") or "unknown",
        scope=None if scope is None else _scope(read, scope, "$.implementation.scope"),
    )


def _scope(read: Fields, value: Any, path: str) -> ScopeFacts:
    scope = read.object(value, path)
    return ScopeFacts(
        consumes=read.strings(scope, "consumes", path),
        sends=read.strings(scope, "sends", path),
        cannot_send=read.strings(scope, "cannot_send", path),
        why=read.text_map(scope, "why", path),
    )


def _check(read: Fields, item: Any, path: str) -> CheckRecord:
    check = read.object(item, path, "a check object")
    for key in ("id", "family"):
        read.string(check, key, path)
    return CheckRecord(
        id=check["id"],
        family=check["family"],
        event_type=read.optional_string(check, "event_type", path),
        level=read.string(check, "level", path, one_of=LEVELS),
        outcome=read.string(check, "outcome", path, one_of=OUTCOMES),  # type: ignore[arg-type]
        message=read.string(check, "message", path, ""),
        source=read.string(check, "source", path, ""),
        cause=read.string(check, "cause", path, ""),
        impact=read.string(check, "impact", path, ""),
        finding=read.string(check, "finding", path, ""),
    )


def _finding(read: Fields, item: Any, path: str) -> Finding:
    finding = read.object(item, path, "a finding object")
    identifier = read.string(finding, "id", path)
    if not identifier:
        raise read.fail(f"{path}.id", "a finding id", identifier)
    return Finding(
        id=identifier,
        level=read.string(finding, "level", path, one_of=LEVELS),
        impact=read.string(finding, "impact", path, ""),
        checks=list(read.strings(finding, "checks", path) or ()),
        reason=read.optional_string(finding, "reason", path),
        input=read.string(finding, "input", path, ""),
        known=read.boolean(finding, "known", path),
    )


def from_checks(checks: list[CheckRecord]) -> list[Finding]:
    """The findings of a report that predates them (version 1 and 2): each failing check is a
    finding of its own, known when the baseline listed it."""
    findings = [
        Finding(check.id, check.level, "", [check.id], input=check.source, known=check.outcome == "expected-fail")
        for check in checks
        if check.outcome in FAILED
    ]
    return sorted(findings, key=lambda finding: (LEVEL_ORDER.get(finding.level, 3), finding.id))


def collect(paths: list[Path]) -> list[Path]:
    """Report files from files and directories (a directory gives its ``*.json`` files, sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(candidate for candidate in path.glob("*.json") if candidate.is_file()))
        else:
            found.append(path)
    return found
