"""``realtime-conformance baseline``: an implementation's known failures, from a run's report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import EXIT_OK, paths


def register(commands: Any) -> None:
    baseline = commands.add_parser(
        "baseline",
        help="write an implementation's baseline of known failures from a run's report",
        description="Read a report written with --conformance-report and write the baseline it "
        "implies: every MUST or SHOULD check that did not pass. Reasons already written in the "
        "existing baseline (--output) are kept for the entries that remain; new entries get the "
        "check's message, and the command lists every entry whose reason does not yet name the "
        "cause and the file and line in the library.",
    )
    baseline.add_argument("report", type=Path, metavar="REPORT", nargs="?")
    baseline.add_argument("--output", type=Path, metavar="PATH", help="baseline file to write (default: print it)")
    baseline.add_argument("--ledger", action="store_true", help="print the precision ledger of the shipped baselines instead (a Markdown table)")
    baseline.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..outcomes import Baseline, regenerate, weak_reasons

    if args.ledger:
        print(shipped_ledger())
        return EXIT_OK
    if args.report is None:
        parser.error("give a REPORT to regenerate a baseline from, or --ledger")
    unreadable = paths.problems([args.report])
    if unreadable:
        parser.error(unreadable)

    try:
        report = json.loads(args.report.read_text())
        previous = Baseline.load(args.output) if args.output and args.output.exists() else None
        baseline = regenerate(report, previous)
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
        parser.error(f"cannot read {paths.shown(args.report)} as a conformance report: {paths.shown(str(error))}")
    if args.output:
        baseline.write(args.output)
        print(f"{args.output}: {len(baseline.known_failures)} known failure(s) of {baseline.implementation}")
        weak = weak_reasons(baseline)
        if weak:
            print(f"{len(weak)} entr{'y' if len(weak) == 1 else 'ies'} still need a reason that names the cause and the file and line in the library:", file=sys.stderr)
            for problem in weak:
                print(f"  {problem}", file=sys.stderr)
    else:
        json.dump(baseline.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return EXIT_OK


def shipped_ledger() -> str:
    """The precision ledger of every baseline shipped with the suite."""
    from ..detection import all_checks, dialect_checks
    from ..families import probe, wire
    from ..outcomes import Baseline, ledger
    from ..pytest_plugin import BASELINES

    levels: dict[str, Any] = {check.id: check.level for check in [*all_checks().values(), *wire.checks()]}
    levels.update(probe.levels())
    levels.update({check.id: check.level for check in dialect_checks().values()})
    baselines = [Baseline.load(path) for path in sorted(BASELINES.glob("*.json"))]
    # The proxy fidelity checks are all MUST (conformance/live/proxy_under_test.py).
    levels.update({check_id: "MUST" for baseline in baselines for check_id in baseline.known_failures if check_id.startswith("proxy/")})
    return ledger(baselines, levels)
