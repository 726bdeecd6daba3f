"""The ``realtime-conformance`` command: a thin shell over :mod:`conformance.commands`.

Exit status: 0 when everything checked conforms, 1 when something does not, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .commands import MODULES


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return args.run(args, parser)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="realtime-conformance",
        description="Conformance tools for the OpenAI Realtime API event protocol (GA).",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
