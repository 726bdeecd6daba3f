"""``realtime-conformance probe URL``: the suite as a client, against a live server.

Every scenario runs on a fresh connection; each check's outcome follows the same rules as the
pytest plugin's (levels, ``--strict``, the baseline), and ``--conformance-report`` writes the same
JSON report. Header values are credentials: they are sent, never printed, never written.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from ..protocol.dialects import NAMES as DIALECTS
from . import EXIT_FAILED, EXIT_OK, paths

def register(commands: Any) -> None:
    probe = commands.add_parser(
        "probe",
        help="probe a live Realtime server as a client: scenarios, session rules, reference models",
        description="Connect to a Realtime server (ws:// or wss://) and play each probe scenario on a "
        "fresh connection. Every server event is judged by the reference models, every session by the "
        "session rules, and each scenario by its own expectations. Exit status: 0 when every check "
        "that fails the run passed, 1 otherwise, 2 for usage errors.",
    )
    probe.add_argument("url", metavar="URL", help="the realtime endpoint, such as wss://api.openai.com/v1/realtime")
    probe.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'", help="a header to send (repeatable), such as 'Authorization: Bearer ...'; values are never printed or written")
    probe.add_argument("--model", default="gpt-realtime", help="added as ?model= unless the URL has one (default: gpt-realtime; '' for none)")
    probe.add_argument("--scenario", action="append", metavar="ID", help="only these scenarios (repeatable; default: all); --list shows them")
    probe.add_argument("--transport-timeout", type=float, default=10.0, metavar="SECONDS", help="how long any one wait for the server may take (default: 10)")
    probe.add_argument("--name", help="the server's name in the report and for its default baseline (default: the URL without query or credentials)")
    probe.add_argument("--conformance-report", type=Path, metavar="PATH", help="write the JSON compliance report here")
    probe.add_argument("--baseline", metavar="PATH", help="known failures (default: the shipped baseline named --name, if any; empty for none)")
    probe.add_argument("--record", type=Path, metavar="DIR", help="write each probed session as a transcript, DIR/<scenario>.jsonl")
    probe.add_argument("--strict", action="store_true", help="SHOULD checks fail the run too")
    probe.add_argument("--list", action="store_true", help="list the scenarios and their checks, and exit")
    probe.add_argument("--dialect", choices=DIALECTS, default="ga",
                       help="the dialect the server speaks (default: ga): the scenarios are sent in it, every server frame is judged under it, "
                       "and only the checks every scenario gets are run (the scenarios' own expectations are GA's)")
    probe.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..families.probe import SCENARIOS, SCENARIOS_BY_ID
    from ..live.probe import Limits, Target, parse_header, url_problem

    if args.list:
        _list(SCENARIOS)
        return EXIT_OK
    problem = url_problem(args.url)
    if problem:
        parser.error(f"{problem} (the URL is not shown: it may carry a credential)")
    try:
        headers = tuple(parse_header(text) for text in args.header)
    except ValueError as error:
        parser.error(str(error))
    unknown = [name for name in args.scenario or () if name not in SCENARIOS_BY_ID]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; --list shows them")
    if args.transport_timeout <= 0:
        parser.error("--transport-timeout must be positive")
    scenarios = [SCENARIOS_BY_ID[name] for name in args.scenario] if args.scenario else list(SCENARIOS)
    target = Target(args.url, headers, args.model or None, args.name)
    try:
        baseline = load_baseline(args.baseline, target.display_name)
    except (OSError, ValueError) as error:
        parser.error(f"cannot read the baseline: {error}")
    if args.record:
        try:
            args.record.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            parser.error(f"--record: cannot make the folder {paths.shown(args.record)}: {error.strerror or error}")
        args.record = args.record.resolve()  # the report names each transcript so that `report` finds it from anywhere
    limits = Limits(timeout=args.transport_timeout)
    return asyncio.run(_probe(target, scenarios, limits, args, baseline))


async def _probe(target: Any, scenarios: list[Any], limits: Any, args: argparse.Namespace, baseline: Any) -> int:
    from ..families.probe import Settler, probe

    dialect = getattr(args, "dialect", "ga")
    show = lambda scenario, run, results: _show(settler, scenario, run, results)  # noqa: E731
    if dialect == "ga":
        settler = Settler(target, baseline, args.strict)
    else:
        from ..families.dialect_probe import DialectSettler

        settler = DialectSettler(target, dialect, baseline, args.strict)
    print(f"probing {target.display_name} ({len(scenarios)} scenario(s), transport timeout {limits.timeout:g} s)" + (f" under {dialect}" if dialect != "ga" else ""))
    if dialect == "ga":
        await probe(target, scenarios, limits, args.record, on_run=show)
    else:
        from ..families import dialect_probe

        await dialect_probe.probe(target, scenarios, dialect, limits, args.record, on_run=show)
    print(settler.summary())
    if args.conformance_report:
        settler.write(args.conformance_report)
        print(f"report: {paths.shown(args.conformance_report)}")
    return EXIT_FAILED if settler.failing else EXIT_OK


def _show(settler: Any, scenario: Any, run: Any, results: list[Any]) -> None:
    records = settler.settle(results)
    bad = [record for record in records if record.outcome in ("fail", "unexpected-pass", "not-implemented")]
    mark = "FAIL" if any(settler.fails(record) for record in records) else "ok"
    print(f"{mark:4} {scenario.id}  ({len(records)} checks, {run.seconds:g} s)")
    for record in bad:
        # One line each: what a server sent may hold a newline or a terminal escape.
        print(f"       {record.id} [{record.level}] {record.outcome}: {paths.shown(record.message)}")
    sys.stdout.flush()


def _list(scenarios: Any) -> None:
    from ..families.probe import COMMON

    for scenario in scenarios:
        print(f"{scenario.id}: {scenario.description}")
        for check in (*COMMON, *scenario.checks):
            print(f"    {check.name} [{check.level}]")


def load_baseline(option: str | None, name: str) -> Any:
    """``--baseline PATH``; without it, the shipped baseline named after the server, if there is one;
    ``--baseline=`` runs without one (as the pytest plugin does)."""
    from ..outcomes import Baseline

    if option == "":
        return None
    if option is None:
        from ..adapters.registry import baseline_path

        path = baseline_path(name)
        return Baseline.load(path) if path is not None and path.exists() else None
    unreadable = paths.problem(Path(option))
    if unreadable:
        raise ValueError(f"{paths.shown(option)}: {unreadable}")
    return Baseline.load(Path(option))
