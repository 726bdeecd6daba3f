"""Meta-tests of the probe family: every deliberately broken server is caught by the probe checks
its catalogue entry names, and the reference server passes those same checks. A change that
weakens a probe check so that its target slips through fails here."""

from __future__ import annotations

import asyncio

import pytest

from conformance.detection import render_servers, server_matrix
from conformance.families.probe import SCENARIOS_BY_ID, check_ids, probe
from conformance.broken.servers import BROKEN_SERVERS, BROKEN_SERVERS_BY_NAME, BrokenServer
from conformance.live.probe import Limits, Target
from conformance.live.reference_server import ReferenceServer, ServerOptions

from .cli import run as run_command
from .live_client import AUTH, nothing_left_behind

OPTIONS = ServerOptions(pace=0.05)
LIMITS = Limits(timeout=1.5, settle=0.1)


def probe_results(server: ReferenceServer, scenarios: list[str]) -> dict[str, bool]:
    results = asyncio.run(probe(Target(server.url, tuple(AUTH.items())), [SCENARIOS_BY_ID[name] for name in scenarios], LIMITS))
    return {result.id: result.passed for result in results}


def test_the_catalogue_has_at_least_fifteen_one_line_defects_naming_real_checks() -> None:
    assert len(BROKEN_SERVERS) >= 15 and len(BROKEN_SERVERS_BY_NAME) == len(BROKEN_SERVERS)
    assert all(b.defect and "\n" not in b.defect and b.caught_by for b in BROKEN_SERVERS)
    assert {check_id for b in BROKEN_SERVERS for check_id in b.caught_by} - set(check_ids()) == set()


def test_the_reference_server_passes_every_catalogued_check() -> None:
    catalogued = sorted({check_id for b in BROKEN_SERVERS for check_id in b.caught_by})
    scenarios = list(dict.fromkeys(check_id.split("/")[1] for check_id in catalogued))
    with nothing_left_behind(), ReferenceServer(OPTIONS) as server:
        results = probe_results(server, scenarios)
    assert [check_id for check_id in catalogued if not results[check_id]] == []


@pytest.mark.parametrize("broken", BROKEN_SERVERS, ids=[b.name for b in BROKEN_SERVERS])
def test_each_broken_server_is_caught_where_catalogued(broken: BrokenServer) -> None:
    with nothing_left_behind(), broken.server(OPTIONS) as server:
        results = probe_results(server, list(broken.scenarios))
    slipped = [check_id for check_id in broken.caught_by if results[check_id]]
    assert slipped == [], f"{broken.name} ({broken.defect}) slipped through {slipped}"


def test_the_server_matrix_counts_failing_probe_checks() -> None:
    chosen = [BROKEN_SERVERS_BY_NAME["drops-metadata"], BROKEN_SERVERS_BY_NAME["refuses-pcma"]]
    with nothing_left_behind():
        rows = server_matrix(chosen, scenarios=["out-of-band-response", "session-update-audio-pcma"], timeout=1.5)
    by_name = {row.broken.name: row for row in rows}
    assert by_name["drops-metadata"].failing == 1 and by_name["refuses-pcma"].failing == 1
    assert all(not row.missed for row in rows)
    table = render_servers(rows)
    assert "| `drops-metadata` | does not echo a response's metadata in response.done | 1 | yes |" in table


def test_the_matrix_command_runs_the_probe_family_against_chosen_broken_servers() -> None:
    done = run_command("matrix", "--family", "probe", "--broken-server", "drops-null-turn-detection", "--probe-timeout", "1")
    assert done.code == 0, done.out + done.err
    rows = [line for line in done.out.splitlines() if line.startswith("| `")]
    assert len(rows) == 1 and rows[0].startswith("| `drops-null-turn-detection`") and rows[0].endswith("| yes |")
    assert run_command("matrix", "--family", "probe", "--broken-server", "no-such-server").code == 2
