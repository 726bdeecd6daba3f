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
    arguments = sys.argv[1:] if argv is None else list(argv)
    # A command named first needs only its own module (the others import what start-up need not,
    # such as the models): its parser and what it prints are the same either way.
    named = arguments[0] if arguments and arguments[0] in MODULES else None
    parser = _parser(only=named)
    args = parser.parse_args(arguments)
    return args.run(args, parser)


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="realtime-conformance",
        description="Conformance tools for the OpenAI Realtime API event protocol (GA).",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for name in MODULES:
        if only is None or name == only:
            importlib.import_module(f".commands.{name}", __package__).register(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
