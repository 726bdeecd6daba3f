"""Reading JSON reports back, for the views built from them (HTML, Markdown, comparisons).

Reports of every version so far are read: version 1 lacks an implementation's language, dialect,
sides and transports and each check's ``source``, which read as unknown. A file that is not a
report is refused with the file and the JSON path of what is wrong, never half-read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks import LEVELS
from ..adapters.registry import baseline_path
from ..outcomes import OUTCOMES, Baseline
from ..records import SCHEMA_VERSION, CheckRecord

#: Outcomes whose check met its requirement.
PASSED = frozenset({"pass", "unexpected-pass"})
#: Outcomes whose check did not meet its requirement: new, known (baselined) or missing capability.
UNMET = frozenset({"fail", "expected-fail", "not-implemented"})
#: Outcomes that need a reader's attention: everything but a plain pass.
NOT_PASSING = frozenset(OUTCOMES) - {"pass"}


class ReportError(Exception):
    """A file that cannot be read as a conformance report; the message names the file and where."""


@dataclass(frozen=True)
class Implementation:
    name: str
    version: str
    language: str = "unknown"
    dialect: str = "unknown"
    sides: tuple[str, ...] = ()
    transports: tuple[str, ...] = ()

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
    _reasons: dict[str, str] | None = field(default=None, repr=False)
    baseline_read: Path | None = field(default=None, repr=False)

    def by_id(self) -> dict[str, CheckRecord]:
        return {check.id: check for check in self.checks}

    def baseline_reasons(self) -> dict[str, str]:
        """The baseline's reason per check id: from the file the report names when it is here,
        else from the baseline of the same name shipped with this installation, else none."""
        if self._reasons is None:
            self._reasons = {}
            for candidate in _baseline_candidates(self.baseline, self.implementation.name):
                try:
                    self._reasons = Baseline.load(candidate).known_failures
                except (OSError, ValueError):
                    continue
                self.baseline_read = candidate
                break
        return self._reasons


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
    except ValueError as error:
        raise ReportError(f"{path}: not JSON: {error}") from error
    except RecursionError:
        raise ReportError(f"{path}: not a conformance report: its JSON is nested deeper than Python's JSON reader goes") from None
    return parse(data, path)


def parse(data: Any, path: Path) -> Report:
    """A report from its JSON value; ``path`` is only for messages and for finding inputs."""
    where = str(path)
    _expect(isinstance(data, dict), where, "$", "a JSON object (a conformance report)", data)
    version = data.get("report_version", 1)
    _expect(isinstance(version, int) and 1 <= version <= SCHEMA_VERSION, where, "$.report_version", f"a report version from 1 to {SCHEMA_VERSION}", version)
    described = data.get("implementation")
    _expect(isinstance(described, dict) and isinstance(described.get("name"), str) and described["name"] != "", where, "$.implementation", "an object with a name", described)
    checks = data.get("checks")
    _expect(isinstance(checks, list), where, "$.checks", "a list of checks", checks)
    for member in ("sides", "transports"):
        listed = described.get(member)
        _expect(listed is None or (isinstance(listed, list) and all(isinstance(item, str) for item in listed)),
                where, f"$.implementation.{member}", "a list of strings", listed)
    options = data.get("options") if isinstance(data.get("options"), dict) else {}
    return Report(
        path=path,
        version=version,
        implementation=Implementation(
            name=described["name"],
            version=str(described.get("version", "unknown")),
            language=str(described.get("language") or "unknown"),
            dialect=str(described.get("dialect") or "unknown"),
            sides=tuple(described.get("sides") or ()),
            transports=tuple(described.get("transports") or ()),
        ),
        checks=[_check(item, where, f"$.checks[{index}]") for index, item in enumerate(checks)],
        strict=bool(options.get("strict", False)),
        baseline=options.get("baseline") if isinstance(options.get("baseline"), str) else None,
    )


def _check(item: Any, where: str, path: str) -> CheckRecord:
    _expect(isinstance(item, dict), where, path, "a check object", item)
    for key in ("id", "family", "level", "outcome"):
        _expect(isinstance(item.get(key), str), where, f"{path}.{key}", "a string", item.get(key))
    _expect(item["outcome"] in OUTCOMES, where, f"{path}.outcome", "one of " + ", ".join(OUTCOMES), item["outcome"])
    _expect(item["level"] in LEVELS, where, f"{path}.level", "one of " + ", ".join(LEVELS), item["level"])
    event_type = item.get("event_type")
    return CheckRecord(
        id=item["id"],
        family=item["family"],
        event_type=event_type if isinstance(event_type, str) else None,
        level=item["level"],
        outcome=item["outcome"],
        message=item.get("message") if isinstance(item.get("message"), str) else "",
        source=item.get("source") if isinstance(item.get("source"), str) else "",
    )


def _expect(condition: bool, where: str, path: str, expected: str, got: Any) -> None:
    if not condition:
        try:
            shown = "absent" if got is None else json.dumps(got, ensure_ascii=False)[:80]
        except (ValueError, RecursionError):
            shown = f"a {type(got).__name__}"
        raise ReportError(f"{where}: {path}: expected {expected}, got {shown}")


def collect(paths: list[Path]) -> list[Path]:
    """Report files from files and directories (a directory gives its ``*.json`` files, sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(candidate for candidate in path.glob("*.json") if candidate.is_file()))
        else:
            found.append(path)
    return found
