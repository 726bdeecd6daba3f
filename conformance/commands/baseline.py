"""``realtime-conformance baseline``: an implementation's known failures, from a run's report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import EXIT_OK


def register(commands: Any) -> None:
    baseline = commands.add_parser(
        "baseline",
        help="write an implementation's baseline of known failures from a run's report",
        description="Read a report written with --conformance-report and write the baseline it "
        "implies: every MUST or SHOULD check that did not pass. Reasons already written in the "
        "existing baseline (--output) are kept for the entries that remain.",
    )
    baseline.add_argument("report", type=Path, metavar="REPORT")
    baseline.add_argument("--output", type=Path, metavar="PATH", help="baseline file to write (default: print it)")
    baseline.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..outcomes import Baseline, regenerate

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
