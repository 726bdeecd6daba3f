"""Running checks outside pytest, and the detection matrix: which family catches which broken
implementation. A check catches a defect when it fails against it; a broken implementation is
*detected as catalogued* when every check it names in ``caught_by`` fails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .checks import Check, Driver, Result, run_check
from .families import corpus, properties, sessions, snapshots
from .adapters.adapter import Adapter
from .broken.parsers import BROKEN, Broken

FAMILIES = ("corpus", "snapshot", "property", "session")


def all_checks(families: Iterable[str] = FAMILIES) -> dict[str, Check]:
    makers = {"corpus": corpus.checks, "snapshot": snapshots.checks, "property": properties.checks, "session": sessions.checks}
    return {check.id: check for family in families for check in makers[family]()}


def run(adapter: Adapter, checks: Iterable[Check], timeout: float = 2.0) -> dict[str, Result]:
    """Each check's result; a crash, a hang or a missing capability is a failed result, and a check
    that does not apply is left out."""
    driver = Driver(adapter, timeout)
    results = {}
    for check in checks:
        passed, message, applicable = run_check(check, driver)
        if applicable:
            results[check.id] = Result(bool(passed), message)
    return results


@dataclass(frozen=True)
class Row:
    broken: Broken
    #: family -> how many of its checks failed
    caught: dict[str, int]
    #: the catalogued checks that did *not* fail (empty when detected as catalogued)
    missed: tuple[str, ...]


def matrix(families: Iterable[str] = FAMILIES, catalogue: Iterable[Broken] = BROKEN, timeout: float = 0.5) -> list[Row]:
    families = tuple(families)
    checks = all_checks(families)
    rows = []
    for broken in catalogue:
        adapter = broken.adapter()
        try:
            # A broken harness process (broken_harnesses.py) brings a driver timeout longer than its
            # adapter's own, so that the adapter kills and restarts a hang; it is stopped after its row.
            results = run(adapter, checks.values(), getattr(broken, "call_timeout", timeout))
        finally:
            getattr(adapter, "close", lambda: None)()
        caught = {family: sum(1 for check_id, result in results.items() if not result.passed and checks[check_id].family == family) for family in families}
        missed = tuple(check_id for check_id in broken.caught_by if check_id in checks and (check_id not in results or results[check_id].passed))
        rows.append(Row(broken, caught, missed))
    return rows


def render(rows: list[Row], families: Iterable[str] = FAMILIES) -> str:
    families = tuple(families)
    lines = [
        "| broken implementation | defect | " + " | ".join(families) + " | caught where catalogued |",
        "|---|---|" + "---|" * len(families) + "---|",
    ]
    for row in rows:
        cells = " | ".join(str(row.caught[family]) if row.caught[family] else "–" for family in families)
        verdict = "yes" if not row.missed else "**no**: " + ", ".join(row.missed)
        lines.append(f"| `{row.broken.name}` | {row.broken.defect} | {cells} | {verdict} |")
    lines.append("")
    lines.append("Cells count the failing checks of each family; – means the family did not notice the defect.")
    return "\n".join(lines)


# --- live catalogues: broken servers against the probe, broken clients against the wire family ----
# A broken server is a live process and a broken client a live client, not parse-level adapters:
# each plays its family's scenarios on 127.0.0.1. A row counts the checks that fail against it; it
# is *detected as catalogued* when every check it names in ``caught_by`` fails.


@dataclass(frozen=True)
class LiveRow:
    broken: object
    #: how many checks of the family failed against it
    failing: int
    #: the catalogued checks that did *not* fail (empty when detected as catalogued)
    missed: tuple[str, ...]


def _live_row(broken: object, results: dict[str, Any]) -> LiveRow:
    failing = sum(1 for result in results.values() if not result.passed)
    missed = tuple(check_id for check_id in broken.caught_by if check_id not in results or results[check_id].passed)  # type: ignore[attr-defined]
    return LiveRow(broken, failing, missed)


def server_matrix(catalogue: Iterable[object] | None = None, scenarios: Iterable[str] | None = None, timeout: float = 2.0, pace: float = 0.05) -> list[LiveRow]:
    """Play the probe scenarios (all by default) against each broken server (the whole catalogue
    by default). ``timeout`` bounds each wait for a server, ``pace`` its audio pacing."""
    import asyncio

    from .families.probe import SCENARIOS, SCENARIOS_BY_ID, probe
    from .broken.servers import BROKEN_SERVERS
    from .live.probe import Limits, Target
    from .live.reference_server import ServerOptions

    chosen = [SCENARIOS_BY_ID[name] for name in scenarios] if scenarios is not None else list(SCENARIOS)
    rows = []
    for broken in catalogue if catalogue is not None else BROKEN_SERVERS:
        with broken.server(ServerOptions(pace=pace)) as server:  # type: ignore[attr-defined]
            target = Target(server.url, (("Authorization", "Bearer conformance-matrix"),))
            results = {result.id: result for result in asyncio.run(probe(target, chosen, Limits(timeout=timeout, settle=0.1)))}
        rows.append(_live_row(broken, results))
    return rows


def client_matrix(catalogue: Iterable[object] | None = None, scenarios: Iterable[str] | None = None) -> list[LiveRow]:
    """Play the wire scenarios (all by default; each once per client) against each broken client
    (the whole catalogue by default; broken wire harnesses, :data:`conformance.broken.harnesses.BROKEN_WIRE_HARNESSES`,
    fit it too)."""
    from .families import wire
    from .broken.clients import BROKEN_CLIENTS

    chosen = [wire.SCENARIOS_BY_ID[name] for name in scenarios] if scenarios is not None else list(wire.SCENARIOS)
    checks = wire.checks(chosen)
    rows = []
    for broken in catalogue if catalogue is not None else BROKEN_CLIENTS:
        adapter = broken.adapter()  # type: ignore[attr-defined]
        try:
            rows.append(_live_row(broken, run(adapter, checks)))
        finally:
            getattr(adapter, "close", lambda: None)()  # a broken harness's parse process
    return rows


def render_live(rows: list[LiveRow], what: str, family: str) -> str:
    """The matrix of one live catalogue: ``what`` names its entries (server, client)."""
    lines = [f"| broken {what} | defect | {family} | caught where catalogued |", "|---|---|---|---|"]
    for row in rows:
        verdict = "yes" if not row.missed else "**no**: " + ", ".join(row.missed)
        lines.append(f"| `{row.broken.name}` | {row.broken.defect} | {row.failing or '–'} | {verdict} |")  # type: ignore[attr-defined]
    lines.append("")
    lines.append(f"The {family} column counts the {family} checks that fail against each {what}; – means none did.")
    return "\n".join(lines)


def render_servers(rows: list[LiveRow]) -> str:
    return render_live(rows, "server", "probe")


def render_clients(rows: list[LiveRow]) -> str:
    return render_live(rows, "client", "wire")


# --- dialects: each dialect's corpus and sessions against the broken dialect implementations ---------
# A broken dialect implementation is that dialect's reference with one departure
# (broken/dialects.py); its row counts the failing checks of its own dialect's
# corpus and session families, and it is *detected as catalogued* when every check it names fails.

DIALECT_FAMILIES = ("corpus", "session")


def dialect_checks(dialect: str | None = None) -> dict[str, Check]:
    """The corpus and session checks of one dialect other than GA, or of all of them."""
    from .protocol.dialects import NAMES

    chosen = [dialect] if dialect else [name for name in NAMES if name != "ga"]
    return {check.id: check for name in chosen for check in (*corpus.checks(dialect=name), *sessions.checks(dialect=name))}


@dataclass(frozen=True)
class DialectRow:
    broken: object
    #: family -> how many of the dialect's checks of that family failed
    caught: dict[str, int]
    missed: tuple[str, ...]


def dialect_matrix(catalogue: Iterable[object] | None = None, timeout: float = 0.5) -> list[DialectRow]:
    from .broken.dialects import BROKEN_DIALECTS

    rows = []
    for broken in catalogue if catalogue is not None else BROKEN_DIALECTS:
        checks = dialect_checks(broken.dialect)  # type: ignore[attr-defined]
        results = run(broken.adapter(), checks.values(), timeout)  # type: ignore[attr-defined]
        caught = {family: sum(1 for check_id, result in results.items() if not result.passed and checks[check_id].family == family) for family in DIALECT_FAMILIES}
        missed = tuple(check_id for check_id in broken.caught_by if check_id not in results or results[check_id].passed)  # type: ignore[attr-defined]
        rows.append(DialectRow(broken, caught, missed))
    return rows


def render_dialects(rows: list[DialectRow]) -> str:
    lines = ["| broken dialect implementation | dialect | defect | corpus | session | caught where catalogued |", "|---|---|---|---|---|---|"]
    for row in rows:
        cells = " | ".join(str(row.caught[family]) if row.caught[family] else "–" for family in DIALECT_FAMILIES)
        verdict = "yes" if not row.missed else "**no**: " + ", ".join(row.missed)
        lines.append(f"| `{row.broken.name}` | {row.broken.dialect} | {row.broken.defect} | {cells} | {verdict} |")  # type: ignore[attr-defined]
    lines.append("")
    lines.append("Cells count the failing checks of the dialect's own corpus and session families; – means none failed.")
    return "\n".join(lines)
