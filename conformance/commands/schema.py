"""``realtime-conformance schema``: print the JSON Schema of the reference models, or of the suite's
file formats (fixtures, transcript lines)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from . import EXIT_OK


def register(commands: Any) -> None:
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the reference models",
        description="Print the JSON Schema (draft 2020-12) of the events of one direction, of both "
        "(the default), or of a single event type.",
    )
    schema.add_argument("--direction", choices=("client", "server"))
    schema.add_argument("--event", metavar="TYPE", help="one event type, e.g. response.done")
    shipped = schema.add_mutually_exclusive_group()
    shipped.add_argument("--fixture", action="store_true", help="print the schema of fixture files instead")
    shipped.add_argument("--transcript", action="store_true", help="print the schema of one transcript line instead")
    shipped.add_argument("--harness", action="store_true", help="print the schema of the harness protocol (JSON Lines over a harness's stdin/stdout) instead")
    schema.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..schema import json_schema

    if args.fixture:
        from ..corpus import schema as fixture_schema

        return _print(fixture_schema())
    if args.transcript:
        from ..sessions.transcript import line_schema

        return _print(line_schema())
    if args.harness:
        from ..adapters.harness_protocol import schema as harness_schema

        return _print(harness_schema())
    try:
        document = json_schema(args.direction, args.event)
    except KeyError:
        parser.error(f"unknown event type {args.event!r}; see 'realtime-conformance schema --direction client|server'")
    except ValueError as error:
        parser.error(str(error))
    return _print(document)


def _print(document: Any) -> int:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK
