"""``realtime-conformance session``: check whole sessions (transcripts) against the session rules,
with every frame judged by the reference models on the way."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from ..bulk import in_order
from ..protocol.dialects import NAMES as DIALECTS
from ..protocol.names import TRANSPORTS
from ..sessions.findings import LEVELS
from ..sessions.rules import SessionResult, check_transcript
from ..sessions.transcript import SUFFIX, open_transcript
from . import EXIT_FAILED, EXIT_OK, add_max_line_bytes, jobs, paths
from .validate import summary


def register(commands: Any) -> None:
    session = commands.add_parser(
        "session",
        help="check recorded or authored sessions (.jsonl transcripts) against the session rules",
        description="Read each transcript in order, judge every frame with the reference models, and check the ordering "
        "and correlation rules between events (session-rules.md ids). Paths are .jsonl files or directories (searched "
        "recursively). Exit status: 0 when no event is invalid and no MUST rule is broken, 1 otherwise, 2 for usage errors.",
    )
    session.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    session.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    session.add_argument("--transport", choices=TRANSPORTS, help="how the session was carried; overrides the transcript header")
    session.add_argument("--excerpt", action="store_true", default=None,
                         help="the transcripts start or end mid-session: ids first seen before them are not findings, and a "
                         "response still open at the end is incomplete, not broken")
    session.add_argument("--dialect", choices=DIALECTS, help="the protocol dialect the sessions speak; overrides the transcript header "
                         "(frames are judged under it, and the rules apply its ordering differences)")
    session.add_argument("--jobs", type=jobs, default=1, metavar="N",
                         help="check N transcripts at a time in N processes (0: one per core); a transcript is one session, "
                         "read in order by one process; the output is the same, in input order (default: 1)")
    add_max_line_bytes(session)
    session.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    unreadable = paths.problems(args.paths)
    if unreadable:
        parser.error(unreadable)
    files = transcripts(args.paths)
    if not files:
        parser.error(f"no {SUFFIX} transcripts under {', '.join(map(paths.shown, args.paths))}")
    check = partial(_check, transport=args.transport, excerpt=args.excerpt, dialect=args.dialect, max_line=args.max_line_bytes)
    results = in_order(check, files, args.jobs)
    conforms = (_write_json if args.format == "json" else _write_text)(results, sys.stdout)
    return EXIT_OK if conforms else EXIT_FAILED


def _check(path: Path, *, transport: str | None, excerpt: bool | None, dialect: str | None, max_line: int) -> tuple[Path, SessionResult]:
    return path, check_transcript(open_transcript(path, max_line), transport=transport, excerpt=excerpt, dialect=dialect)


def transcripts(given: list[Path]) -> list[Path]:
    """The files to read, in a stable order: given files as they are, directories searched for .jsonl."""
    files: list[Path] = []
    for path in given:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file()))
        else:
            files.append(path)
    return files


def _write_text(results: Iterator[tuple[Path, SessionResult]], out: TextIO) -> bool:
    conforms = True
    for path, result in results:
        conforms &= result.conforms
        name = paths.shown(path)
        for finding in result.findings:
            out.write(f"{name}:{finding.line}  {finding.level}  {finding.rule}  {finding.event_type or '-'}\n    {finding.message}\n")
        hidden = sum(result.suppressed.values())
        if hidden:
            out.write(f"    ... and {hidden} more finding(s) not shown: " + ", ".join(f"{n} {rule}" for rule, n in sorted(result.suppressed.items())) + "\n")
        out.write(f"{name}: {line_summary(result)}" + (f" (under {result.dialect})" if result.dialect != "ga" else "") + "\n")
        out.flush()
    return conforms


def line_summary(result: SessionResult) -> str:
    """``41 events: 40 valid, 1 beta-name; findings: 0 MUST, 1 SHOULD, 2 INFO; complete``."""
    findings = ", ".join(f"{result.levels[level]} {level}" for level in LEVELS)
    return f"{summary(result.verdicts)}; findings: {findings}; {'complete' if result.complete else 'incomplete'}"


def _write_json(results: Iterator[tuple[Path, SessionResult]], out: TextIO) -> bool:
    # One object per file as each file is done: memory holds one file's findings at a time.
    conforms = True
    out.write("[")
    for index, (path, result) in enumerate(results):
        conforms &= result.conforms
        record = {
            "path": str(path),
            "events": result.events,
            "verdicts": dict(result.verdicts),
            "complete": result.complete,
            "transport": result.transport,
            "excerpt": result.excerpt,
            **({"dialect": result.dialect} if result.dialect != "ga" else {}),
            "findings": [finding.to_json() for finding in result.findings],
            "suppressed": dict(result.suppressed),
        }
        out.write(("\n  " if index == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
        out.flush()
    out.write("\n]\n")
    return conforms
