"""Running checks outside pytest, and the detection matrix: which family catches which broken
implementation. A check catches a defect when it fails against it; a broken implementation is
*detected as catalogued* when every check it names in ``caught_by`` fails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .checks import Check, Driver, Result, run_check
from .families import corpus, properties, sessions, snapshots
from .implementations.adapter import Adapter
from .implementations.broken import BROKEN, Broken

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


# --- servers: the probe family against the broken servers ---------------------------------------
# A broken server is a live process, not an adapter: each runs on 127.0.0.1 and the probe plays
# its scenarios against it. Its row counts the probe checks that fail; it is *detected as
# catalogued* when every check it names in ``caught_by`` fails.


@dataclass(frozen=True)
class ServerRow:
    broken: object
    #: how many probe checks failed against it
    failing: int
    #: the catalogued checks that did *not* fail (empty when detected as catalogued)
    missed: tuple[str, ...]


def server_matrix(catalogue: Iterable[object] | None = None, scenarios: Iterable[str] | None = None, timeout: float = 2.0, pace: float = 0.05) -> list[ServerRow]:
    """Play the probe scenarios (all by default) against each broken server (the whole catalogue
    by default). ``timeout`` bounds each wait for a server, ``pace`` its audio pacing."""
    import asyncio

    from .families.probe import SCENARIOS, SCENARIOS_BY_ID, probe
    from .implementations.broken_servers import BROKEN_SERVERS
    from .live.probe import Limits, Target
    from .live.reference_server import ServerOptions

    chosen = [SCENARIOS_BY_ID[name] for name in scenarios] if scenarios is not None else list(SCENARIOS)
    rows = []
    for broken in catalogue if catalogue is not None else BROKEN_SERVERS:
        with broken.server(ServerOptions(pace=pace)) as server:  # type: ignore[attr-defined]
            target = Target(server.url, (("Authorization", "Bearer conformance-matrix"),))
            results = {result.id: result for result in asyncio.run(probe(target, chosen, Limits(timeout=timeout, settle=0.1)))}
        failing = sum(1 for result in results.values() if not result.passed)
        missed = tuple(check_id for check_id in broken.caught_by if check_id not in results or results[check_id].passed)  # type: ignore[attr-defined]
        rows.append(ServerRow(broken, failing, missed))
    return rows


def render_servers(rows: list[ServerRow]) -> str:
    lines = ["| broken server | defect | probe | caught where catalogued |", "|---|---|---|---|"]
    for row in rows:
        verdict = "yes" if not row.missed else "**no**: " + ", ".join(row.missed)
        lines.append(f"| `{row.broken.name}` | {row.broken.defect} | {row.failing or '–'} | {verdict} |")  # type: ignore[attr-defined]
    lines.append("")
    lines.append("The probe column counts the probe checks that fail against each server; – means none did.")
    return "\n".join(lines)


# --- clients: the wire family against the broken clients ----------------------------------------
# A broken client is the reference wire client with one departure (implementations/broken_clients.py).
# Each plays the wire scenarios on a live socket; its row counts the wire checks that fail against it,
# and it is *detected as catalogued* when every check it names in ``caught_by`` fails.


@dataclass(frozen=True)
class ClientRow:
    broken: object
    #: how many wire checks failed against it
    failing: int
    #: the catalogued checks that did *not* fail (empty when detected as catalogued)
    missed: tuple[str, ...]


def client_matrix(catalogue: Iterable[object] | None = None, scenarios: Iterable[str] | None = None) -> list[ClientRow]:
    """Play the wire scenarios (all by default; each once per client) against each broken client
    (the whole catalogue by default)."""
    from .families import wire
    from .implementations.broken_clients import BROKEN_CLIENTS

    chosen = [wire.SCENARIOS_BY_ID[name] for name in scenarios] if scenarios is not None else list(wire.SCENARIOS)
    checks = wire.checks(chosen)
    rows = []
    for broken in catalogue if catalogue is not None else BROKEN_CLIENTS:
        results = run(broken.adapter(), checks)  # type: ignore[attr-defined]
        failing = sum(1 for result in results.values() if not result.passed)
        missed = tuple(check_id for check_id in broken.caught_by if check_id not in results or results[check_id].passed)  # type: ignore[attr-defined]
        rows.append(ClientRow(broken, failing, missed))
    return rows


def render_clients(rows: list[ClientRow]) -> str:
    lines = ["| broken client | defect | wire | caught where catalogued |", "|---|---|---|---|"]
    for row in rows:
        verdict = "yes" if not row.missed else "**no**: " + ", ".join(row.missed)
        lines.append(f"| `{row.broken.name}` | {row.broken.defect} | {row.failing or '–'} | {verdict} |")  # type: ignore[attr-defined]
    lines.append("")
    lines.append("The wire column counts the wire checks that fail against each client; – means none did.")
    return "\n".join(lines)
