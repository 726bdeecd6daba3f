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
        help="write an implementation's baseline of known findings from a run's report",
        description="Read a report written with --conformance-report and write the baseline it "
        "implies: every MUST or SHOULD finding (one cause, with the checks it explains). Reasons "
        "already written in the existing baseline (--output) are kept for the findings that remain "
        "(a baseline of the older per-check format is read too); new findings get their first check's "
        "message, and the command lists every finding whose reason does not yet name the cause and "
        "the file and line in the library.",
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
        print(f"{args.output}: {len(baseline.findings)} finding(s) of {baseline.implementation}, explaining {len(baseline.known_failures)} check(s)")
        weak = weak_reasons(baseline)
        if weak:
            print(f"{len(weak)} finding(s) still need a reason that names the cause and the file and line in the library:", file=sys.stderr)
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
    from ..adapters.registry import built_in

    levels: dict[str, Any] = {check.id: check.level for check in [*all_checks().values(), *wire.checks()]}
    levels.update(probe.levels())
    levels.update({check.id: check.level for check in dialect_checks().values()})
    baselines = [Baseline.load(implementation.baseline) for implementation in built_in().values() if implementation.baseline.exists()]
    # The proxy fidelity checks are all MUST (conformance/families/proxy.py).
    levels.update({check_id: "MUST" for baseline in baselines for check_id in baseline.known_failures if check_id.startswith("proxy/")})
    return ledger(baselines, levels)
