"""``realtime-conformance proxy NAME``: a real proxy under test, probed through in front of the
reference server, with the proxy fidelity checks (:mod:`conformance.families.proxy`).

The proxy's folder under ``conformance/implementations/`` declares ``PROXY``, a launcher: a context
manager made with ``(upstream_port, workdir, ready_timeout)`` that starts the proxy on loopback, is
ready when its block starts, and has ``url``, ``headers``, ``version``, ``name``, ``language`` and
``startup_seconds``. The ``litellm-proxy`` tox env runs ``realtime-conformance proxy litellm-proxy``,
the ``portkey-gateway`` env ``realtime-conformance proxy portkey-gateway``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(commands: Any) -> None:
    proxy = commands.add_parser(
        "proxy",
        help="probe the reference server through a built-in proxy implementation, with proxy fidelity checks",
        description="Start the reference server, start the named proxy in front of it on loopback, play every probe "
        "scenario through it and compare both ends of each session. Exit status: 0 when every check that fails "
        "the run passed, 1 otherwise, 2 for usage errors.",
    )
    proxy.add_argument("name", metavar="NAME", help="a built-in proxy implementation (one whose folder declares PROXY): litellm-proxy, portkey-gateway")
    proxy.add_argument("--report", "--conformance-report", dest="report", type=Path, metavar="PATH", help="write the JSON compliance report here")
    proxy.add_argument("--baseline", metavar="PATH", help="known failures (default: the proxy's shipped baseline; empty for none)")
    proxy.add_argument("--record", type=Path, metavar="DIR", help="write each probed session (client side) as a transcript")
    proxy.add_argument("--transport-timeout", type=float, default=10.0, metavar="SECONDS")
    proxy.add_argument("--ready-timeout", type=float, default=240.0, metavar="SECONDS", help="how long the proxy may take to start")
    proxy.set_defaults(run=run)


def launcher_for(name: str) -> Any:
    """The launcher class the proxy implementation ``name`` declares, or ``None``."""
    from ..adapters.registry import built_in

    implementation = built_in().get(name)
    if implementation is None or implementation.proxy is None:
        return None
    module, _, attribute = implementation.proxy.partition(":")
    return getattr(importlib.import_module(module), attribute)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..adapters.registry import built_in
    from ..families.probe import Settler
    from ..families.proxy import FidelityUpstream, probe_through
    from ..live.probe import Limits, Target
    from ..live.reference_server import ReferenceServer, ServerOptions
    from ..records import write
    from .probe import load_baseline

    launcher = launcher_for(args.name)
    if launcher is None:
        proxies = sorted(name for name, implementation in built_in().items() if implementation.proxy)
        print(f"error: {args.name!r} is not a built-in proxy implementation (known: {', '.join(proxies)})", file=sys.stderr)
        return EXIT_USAGE
    pinned = getattr(sys.modules[launcher.__module__], "PINNED", None)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"{args.name}-") as workdir, ReferenceServer(ServerOptions(pace=0.05), session_class=FidelityUpstream) as upstream:
        with launcher(upstream.live.port, Path(workdir), args.ready_timeout) as proxy:
            if pinned and proxy.version != pinned:
                print(f"warning: {args.name} {proxy.version or '(not installed)'} is installed; the baseline is for {pinned}", file=sys.stderr)
            print(f"{args.name} {proxy.version} ready on {proxy.url} after {proxy.startup_seconds:g} s, forwarding to {upstream.url}", flush=True)
            target = Target(proxy.url, proxy.headers, "gpt-realtime", name=args.name)
            settler = Settler(target, load_baseline(args.baseline, args.name))
            results = asyncio.run(probe_through(target, upstream, Limits(timeout=args.transport_timeout), args.record))
            version, language, klass = proxy.version, proxy.language, getattr(proxy, "conformance_class", "proxy")
    records = settler.settle(results)
    for record in records:
        if record.outcome != "pass":
            print(f"{record.id} [{record.level}] {record.outcome}: {record.message}")
    print(settler.summary() + f" ({time.monotonic() - started:.0f} s in all)")
    if args.report:
        report = settler.report()
        report["implementation"].update({"version": version, "language": language, "class": klass})
        write(args.report, report)
        print(f"report: {args.report}")
    return EXIT_FAILED if settler.failing else EXIT_OK
