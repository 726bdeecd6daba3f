"""``realtime-conformance matrix``: the detection matrix, every family against the broken implementations."""

from __future__ import annotations

import argparse
from typing import Any

from . import EXIT_FAILED, EXIT_OK


def register(commands: Any) -> None:
    matrix = commands.add_parser(
        "matrix",
        help="run every check family against the deliberately broken implementations",
        description="Print the detection matrix: for each deliberately broken implementation, how "
        "many checks of each family fail against it, and whether the checks its catalogue entry "
        "names all caught it. Exit status 1 when one slipped through.",
    )
    matrix.add_argument("--family", action="append", choices=("corpus", "snapshot", "property", "session", "dialect", "probe", "wire"), help="only these families (repeatable); probe runs the broken servers; wire runs the broken clients on live sockets (minutes; only when asked for)")
    matrix.add_argument("--examples", type=int, default=10, metavar="N", help="generated examples per property (default: 10)")
    matrix.add_argument("--harnesses", action="store_true", help="add the deliberately broken stdio harnesses to the adapter rows, and with --family wire the broken wire harnesses to the client rows (each row starts processes)")
    matrix.add_argument("--probe-timeout", type=float, default=2.0, metavar="SECONDS", help="how long the probe waits for a broken server (default: 2)")
    matrix.add_argument("--broken-server", action="append", metavar="NAME", help="with the probe family, only these broken servers (repeatable)")
    matrix.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..detection import FAMILIES

    families = tuple(args.family or (*FAMILIES, "dialect", "probe"))
    adapter_families = tuple(family for family in families if family not in ("dialect", "probe", "wire"))
    slipped = False
    if adapter_families:
        slipped |= _adapters(adapter_families, args.examples, args.harnesses)
    if "dialect" in families:
        from ..detection import dialect_matrix, render_dialects

        if adapter_families:
            print()
        dialect_rows = dialect_matrix()
        print(render_dialects(dialect_rows))
        slipped |= any(row.missed for row in dialect_rows)
    if "probe" in families:
        from ..detection import render_servers, server_matrix

        if adapter_families:
            print()
        from ..broken.servers import BROKEN_SERVERS, BROKEN_SERVERS_BY_NAME

        unknown = [name for name in args.broken_server or () if name not in BROKEN_SERVERS_BY_NAME]
        if unknown:
            parser.error(f"unknown broken server(s): {', '.join(unknown)}")
        catalogue = [BROKEN_SERVERS_BY_NAME[name] for name in args.broken_server] if args.broken_server else list(BROKEN_SERVERS)
        rows = server_matrix(catalogue, timeout=args.probe_timeout)
        print(render_servers(rows))
        slipped |= any(row.missed for row in rows)
    if "wire" in families:
        from ..detection import client_matrix, render_clients

        if len(families) > 1:
            print()
        catalogue = None
        if args.harnesses:
            from ..broken.clients import BROKEN_CLIENTS
            from ..broken.harnesses import BROKEN_WIRE_HARNESSES

            catalogue = [*BROKEN_CLIENTS, *BROKEN_WIRE_HARNESSES]
        client_rows = client_matrix(catalogue)
        print(render_clients(client_rows))
        slipped |= any(row.missed for row in client_rows)
    return EXIT_FAILED if slipped else EXIT_OK


def _adapters(families: tuple[str, ...], examples: int, harnesses: bool = False) -> bool:
    from hypothesis import HealthCheck, Phase, settings

    from ..detection import matrix, render

    # Detection needs one counterexample, not the smallest: skip shrinking to keep the matrix quick.
    settings.register_profile("matrix", max_examples=examples, derandomize=True, deadline=None, database=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    settings.load_profile("matrix")
    from ..broken.parsers import BROKEN

    catalogue: tuple = BROKEN
    if harnesses:
        import sys

        from ..broken.harnesses import BROKEN_HARNESSES

        runnable = tuple(broken for broken in BROKEN_HARNESSES if not broken.unavailable())
        for broken in BROKEN_HARNESSES:
            if broken.unavailable():
                print(f"left out the broken harness {broken.name}: {broken.unavailable()}", file=sys.stderr)
        catalogue = (*BROKEN, *runnable)
    rows = matrix(families, catalogue)
    print(render(rows, families))
    return any(row.missed for row in rows)
