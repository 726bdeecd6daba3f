"""``realtime-conformance validate``: judge payload files with the reference models."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .. import payloads
from ..jsonpath import ROOT
from ..verdict import VERDICTS, FieldError, Verdict, judge
from ..protocol.dialects import NAMES as DIALECTS
from . import EXIT_FAILED, EXIT_OK


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
    validate.add_argument("--dialect", choices=DIALECTS, default=None,
                          help="judge under this protocol dialect (default: GA); each verdict then names its dialect, and an event that "
                          "is valid under another dialect says so")
    validate.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        parser.error(f"no such file or directory: {', '.join(missing)}")
    counts: Counter[str] = Counter()
    write = _write_json if args.format == "json" else _write_text
    write(_judged(payloads.expand(args.paths), args.direction, counts, args.dialect), sys.stdout)
    if args.format == "text":
        print(summary(counts))
    return EXIT_OK if counts["valid"] == sum(counts.values()) and counts else EXIT_FAILED


def _judged(files: list[Path], direction: str, counts: Counter[str], dialect: str | None = None) -> Iterator[tuple[payloads.Payload, Verdict]]:
    for path in files:
        for payload in payloads.read(path):
            verdict = judge_safely(payload, direction, dialect)
            counts[verdict.verdict] += 1
            yield payload, verdict


def judge_safely(payload: payloads.Payload, direction: str, dialect: str | None = None) -> Verdict:
    """The verdict on one payload; an unreadable file or a validator bug is a verdict too, so that
    no other event loses its own."""
    if payload.unreadable:
        return Verdict("not-json", errors=(FieldError(ROOT, "a JSON document", payload.unreadable),), dialect=dialect)
    if direction == "auto" and payload.direction:
        direction = payload.direction
    try:
        return judge(payload.data, direction, dialect)  # type: ignore[arg-type]
    except Exception as error:  # a validator bug must not hide the other events' verdicts
        return Verdict("invalid", errors=(FieldError(ROOT, "an event the validator can judge", f"internal error {type(error).__name__}: {error}"),), dialect=dialect)


def _where(payload: payloads.Payload) -> str:
    return f"{payload.path}:{payload.line}" if payload.line is not None else str(payload.path)


def _write_text(results: Iterator[tuple[payloads.Payload, Verdict]], out: TextIO) -> None:
    for payload, verdict in results:
        judged = f" under {verdict.dialect}" if verdict.dialect else ""
        out.write(f"{_where(payload)}  {verdict.type or '-'}  {verdict.verdict}{judged}\n")
        for error in verdict.errors:
            out.write(f"    {error.path}: expected {error.expected}; got {error.got}\n")
        for unknown in verdict.unknown_fields:
            out.write(f"    info: unknown field {unknown.path} ({unknown.type})\n")
        if verdict.note and (verdict.verdict == "valid" or verdict.dialect):
            out.write(f"    note: {verdict.note}\n")


def _write_json(results: Iterator[tuple[payloads.Payload, Verdict]], out: TextIO) -> None:
    # Streamed, so that memory stays flat on hours of recorded traffic.
    out.write("[")
    for index, (payload, verdict) in enumerate(results):
        record = {
            "path": str(payload.path),
            "line": payload.line,
            "type": verdict.type,
            "verdict": verdict.verdict,
            "errors": [{"path": e.path, "expected": e.expected, "got": e.got} for e in verdict.errors],
            "unknown_fields": [{"path": u.path, "type": u.type} for u in verdict.unknown_fields],
            "note": verdict.note,
        }
        if verdict.dialect:
            record["dialect"] = verdict.dialect
        out.write(("\n  " if index == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
    out.write("\n]\n")


def summary(counts: Counter[str]) -> str:
    """``12 events: 10 valid, 2 invalid``."""
    total = sum(counts.values())
    parts = ", ".join(f"{counts[kind]} {kind}" for kind in VERDICTS if counts[kind])
    return f"{total} event{'s' if total != 1 else ''}: {parts or 'none'}"
