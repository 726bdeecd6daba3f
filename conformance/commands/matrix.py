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
    matrix.add_argument("--family", action="append", choices=("corpus", "snapshot", "property"), help="only these families (repeatable)")
    matrix.add_argument("--examples", type=int, default=10, metavar="N", help="generated examples per property (default: 10)")
    matrix.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from hypothesis import HealthCheck, Phase, settings

    from ..detection import FAMILIES, matrix, render

    # Detection needs one counterexample, not the smallest: skip shrinking to keep the matrix quick.
    settings.register_profile("matrix", max_examples=args.examples, derandomize=True, deadline=None, database=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    settings.load_profile("matrix")
    families = tuple(args.family or FAMILIES)
    rows = matrix(families)
    print(render(rows, families))
    return EXIT_OK if all(not row.missed for row in rows) else EXIT_FAILED
