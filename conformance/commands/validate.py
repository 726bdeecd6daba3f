"""``realtime-conformance validate``: judge payload files with the reference models."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from .. import bulk, outfile, payloads
from ..kinds import VERDICTS
from . import EXIT_FAILED, EXIT_OK, add_max_line_bytes, jobs, paths


def register(commands: Any) -> None:
    validate = commands.add_parser(
        "validate",
        help="check payload files against the reference models",
        description="Judge every event in the given .json files (one event each), .jsonl files "
        "(one event per line) and directories (searched recursively). Exit status: 0 when "
        "every event is valid, 1 otherwise, 2 for usage errors.",
    )
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    validate.add_argument(
        "--direction",
        choices=("client", "server", "auto"),
        default="auto",
        help="which side sent the events; 'auto' (the default) decides by event type",
    )
    validate.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    validate.add_argument("--dialect", choices=dialect_names(), default=None,
                          help="judge under this protocol dialect (default: GA); each verdict then names its dialect, and an event that "
                          "is valid under another dialect says so")
    validate.add_argument("--jobs", type=jobs, default=1, metavar="N",
                          help="judge in N processes (0: one per core): files, and large files in pieces cut at line boundaries; "
                          "the output is the same, in input order (default: 1)")
    validate.add_argument("--output", type=Path, metavar="FILE",
                          help="write the output to FILE instead of stdout (byte for byte the same); with --jobs, each process "
                          "writes the output of the pieces it judges itself, and FILE holds it in input order")
    add_max_line_bytes(validate)
    validate.set_defaults(run=run)


def dialect_names() -> tuple[str, ...]:
    """The dialects' names, from GA's written-out structs while they are current (importing the
    dialects imports every model)."""
    from .. import fastpath

    if fastpath.ga_notes() is not None:
        from .._derived import DIALECTS

        return DIALECTS  # type: ignore[no-any-return]
    from ..protocol.dialects import NAMES

    return NAMES


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    unreadable = paths.problems(args.paths)
    if unreadable:
        parser.error(unreadable)
    try:
        out = sys.stdout if args.output is None else outfile.Output(args.output)
    except OSError as error:
        parser.error(f"cannot write --output {paths.shown(args.output)}: {error.strerror or error}")
    try:
        counts = bulk.validate(payloads.expand(args.paths), out, direction=args.direction, fmt=args.format, dialect=args.dialect,
                               jobs=args.jobs, max_line=args.max_line_bytes)
        if args.format == "text":
            out.write(summary(counts) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return EXIT_OK if counts["valid"] == sum(counts.values()) and counts else EXIT_FAILED


#: One payload's verdict, whatever happens (kept here for callers of this module).
judge_safely = bulk.judge_safely


def summary(counts: Counter[str]) -> str:
    """``12 events: 10 valid, 2 invalid``."""
    total = sum(counts.values())
    parts = ", ".join(f"{counts[kind]} {kind}" for kind in VERDICTS if counts[kind])
    return f"{total} event{'s' if total != 1 else ''}: {parts or 'none'}"
