"""The ``realtime-conformance`` command.

``validate`` judges payload files with the reference models; ``schema`` prints their JSON Schema.
Exit codes: 0 when every event is valid, 1 when any is not, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from . import payloads
from .jsonpath import ROOT
from .verdict import VERDICTS, FieldError, Verdict, judge

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
    validate.set_defaults(run=_validate)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the reference models",
        description="Print the JSON Schema (draft 2020-12) of the events of one direction, of both "
        "(the default), or of a single event type.",
    )
    schema.add_argument("--direction", choices=("client", "server"))
    schema.add_argument("--event", metavar="TYPE", help="one event type, e.g. response.done")
    schema.add_argument("--fixture", action="store_true", help="print the schema of fixture files instead")
    schema.set_defaults(run=_schema)

    baseline = commands.add_parser(
        "baseline",
        help="write an implementation's baseline of known failures from a run's report",
        description="Read a report written with --conformance-report and write the baseline it "
        "implies: every MUST or SHOULD check that did not pass. Reasons already written in the "
        "existing baseline (--output) are kept for the entries that remain.",
    )
    baseline.add_argument("report", type=Path, metavar="REPORT")
    baseline.add_argument("--output", type=Path, metavar="PATH", help="baseline file to write (default: print it)")
    baseline.set_defaults(run=_baseline)

    matrix = commands.add_parser(
        "matrix",
        help="run every check family against the deliberately broken implementations",
        description="Print the detection matrix: for each deliberately broken implementation, how "
        "many checks of each family fail against it, and whether the checks its catalogue entry "
        "names all caught it. Exit status 1 when one slipped through.",
    )
    matrix.add_argument("--family", action="append", choices=("corpus", "snapshot", "property"), help="only these families (repeatable)")
    matrix.add_argument("--examples", type=int, default=10, metavar="N", help="generated examples per property (default: 10)")
    matrix.set_defaults(run=_matrix)
    return parser


def _validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        parser.error(f"no such file or directory: {', '.join(missing)}")
    counts: Counter[str] = Counter()
    write = _write_json if args.format == "json" else _write_text
    write(_judged(payloads.expand(args.paths), args.direction, counts), sys.stdout)
    if args.format == "text":
        print(_summary(counts))
    return EXIT_OK if counts["valid"] == sum(counts.values()) and counts else EXIT_FAILED


def _judged(files: list[Path], direction: str, counts: Counter[str]) -> Iterator[tuple[payloads.Payload, Verdict]]:
    for path in files:
        for payload in payloads.read(path):
            verdict = _judge_safely(payload, direction)
            counts[verdict.verdict] += 1
            yield payload, verdict


def _judge_safely(payload: payloads.Payload, direction: str) -> Verdict:
    if payload.unreadable:
        return Verdict("not-json", errors=(FieldError(ROOT, "a JSON document", payload.unreadable),))
    try:
        return judge(payload.data, direction)  # type: ignore[arg-type]
    except Exception as error:  # a validator bug must not hide the other events' verdicts
        return Verdict("invalid", errors=(FieldError(ROOT, "an event the validator can judge", f"internal error {type(error).__name__}: {error}"),))


def _where(payload: payloads.Payload) -> str:
    return f"{payload.path}:{payload.line}" if payload.line is not None else str(payload.path)


def _write_text(results: Iterator[tuple[payloads.Payload, Verdict]], out: TextIO) -> None:
    for payload, verdict in results:
        out.write(f"{_where(payload)}  {verdict.type or '-'}  {verdict.verdict}\n")
        for error in verdict.errors:
            out.write(f"    {error.path}: expected {error.expected}; got {error.got}\n")
        for unknown in verdict.unknown_fields:
            out.write(f"    info: unknown field {unknown.path} ({unknown.type})\n")
        if verdict.note and verdict.verdict == "valid":
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
        out.write(("\n  " if index == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
    out.write("\n]\n")


def _summary(counts: Counter[str]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{counts[kind]} {kind}" for kind in VERDICTS if counts[kind])
    return f"{total} event{'s' if total != 1 else ''}: {parts or 'none'}"


def _schema(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .schema import json_schema

    if args.fixture:
        from .corpus import schema as fixture_schema

        json.dump(fixture_schema(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    try:
        document = json_schema(args.direction, args.event)
    except KeyError:
        parser.error(f"unknown event type {args.event!r}; see 'realtime-conformance schema --direction client|server'")
    except ValueError as error:
        parser.error(str(error))
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def _baseline(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .outcomes import Baseline, regenerate

    try:
        report = json.loads(args.report.read_text())
        previous = Baseline.load(args.output) if args.output and args.output.exists() else None
        baseline = regenerate(report, previous)
    except (OSError, ValueError, KeyError, TypeError) as error:
        parser.error(f"cannot read {args.report} as a conformance report: {error}")
    if args.output:
        baseline.write(args.output)
        print(f"{args.output}: {len(baseline.known_failures)} known failure(s) of {baseline.implementation}")
    else:
        json.dump(baseline.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return EXIT_OK


def _matrix(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from hypothesis import HealthCheck, Phase, settings

    from .detection import FAMILIES, matrix, render

    # Detection needs one counterexample, not the smallest: skip shrinking to keep the matrix quick.
    settings.register_profile("matrix", max_examples=args.examples, derandomize=True, deadline=None, database=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    settings.load_profile("matrix")
    families = tuple(args.family or FAMILIES)
    rows = matrix(families)
    print(render(rows, families))
    return EXIT_OK if all(not row.missed for row in rows) else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
