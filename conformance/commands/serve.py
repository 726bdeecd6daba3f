"""``realtime-conformance serve``: run the reference server until interrupted.

A deterministic, model-free GA Realtime server for developing clients offline (and the server the
probe passes in full). It listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Any

from ..protocol.dialects import NAMES as DIALECTS
from . import EXIT_OK


def register(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the reference Realtime server (deterministic, model-free) for clients to develop against",
        description="Serve the GA Realtime protocol at ws://HOST:PORT/v1/realtime?model=...: sessions, "
        "audio buffers with server VAD, responses in audio or text, function and MCP calls, out-of-band "
        "responses, cancel, truncate and conversation items. Clients must send an Authorization or "
        "api-key header (any value; it is never logged). Stop with Ctrl-C.",
    )
    serve.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765; 0 lets the OS pick)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--pace", type=float, default=1.0, metavar="FACTOR", help="wall-clock seconds per second of audio sent (default: 1, real time; 0: as fast as possible)")
    serve.add_argument("--idle-scale", type=float, default=1.0, metavar="FACTOR", help="scales idle_timeout_ms (default: 1)")
    serve.add_argument("--record", type=Path, metavar="DIR", help="write each session as a transcript, DIR/connection-<n>.jsonl")
    serve.add_argument("--no-auth", action="store_true", help="accept connections without an Authorization or api-key header")
    serve.add_argument("--dialect", choices=DIALECTS, default="ga", help="the protocol variant to serve (default: ga)")
    serve.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be 0 to 65535, got {args.port}")
    if args.pace < 0 or args.idle_scale <= 0:
        parser.error("--pace must be >= 0 and --idle-scale > 0")
    server = reference_server(args)
    try:
        asyncio.run(_serve(server))
    except KeyboardInterrupt:
        pass
    except OSError as error:
        parser.error(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}")
    return EXIT_OK


def reference_server(args: argparse.Namespace) -> Any:
    """The server ``serve`` runs. It keeps no frame (``--record`` writes them out) and lets a finished
    connection go, so that its memory stays bounded however many clients come and go."""
    from ..live.reference_server import ReferenceServer, ServerOptions

    options = ServerOptions(pace=args.pace, idle_scale=args.idle_scale, require_credentials=not args.no_auth, dialect=args.dialect)
    return ReferenceServer(options, host=args.host, port=args.port, record_dir=args.record, keep_connections=False)


async def _serve(server: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with server.running():
        print(f"reference server listening on {server.url}?model=gpt-realtime (Ctrl-C stops it)", flush=True)
        await stop.wait()
    print("stopped", flush=True)
