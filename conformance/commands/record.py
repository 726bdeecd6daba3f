"""``realtime-conformance record``: record a live session through a pass-through proxy.

Point a client at ``ws://127.0.0.1:PORT/...`` instead of the server; every frame of both directions is
forwarded unchanged and written to a transcript, credentials redacted. Stop with Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Any

from . import EXIT_OK, paths


def register(commands: Any) -> None:
    record = commands.add_parser(
        "record",
        help="record a live session through a pass-through proxy, as a transcript",
        description="Listen on --listen, forward every connection to --upstream (same path and query, "
        "same headers), and write every frame of both directions to --out as a transcript, flushed "
        "as it goes. Headers never reach the file; strings that look like keys, tokens or client "
        "secrets are replaced by REDACTED. A second connection goes to <out>-2.jsonl, and so on. "
        "Stop with Ctrl-C.",
    )
    record.add_argument("--upstream", required=True, metavar="URL", help="the real server, such as wss://api.openai.com (its path is used when it has one)")
    record.add_argument("--listen", default="127.0.0.1:8766", metavar="HOST:PORT", help="where clients connect (default: 127.0.0.1:8766; port 0 lets the OS pick)")
    record.add_argument("--out", required=True, type=Path, metavar="PATH", help="the transcript to write (.jsonl)")
    record.add_argument("--max-audio-bytes", type=int, metavar="N", help="cut base64 audio in the transcript to at most N bytes each (forwarded audio is never cut)")
    record.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..live.probe import url_problem
    from ..live.recorder import Recorder

    problem = url_problem(args.upstream)
    if problem:
        parser.error(f"--upstream: {problem} (the URL is not shown: it may carry a credential)")
    host, colon, port = args.listen.rpartition(":")
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        parser.error(f"--listen is HOST:PORT, got {args.listen!r}")
    if args.max_audio_bytes is not None and args.max_audio_bytes < 0:
        parser.error("--max-audio-bytes must be >= 0")
    if args.out.exists() and args.out.is_dir():
        parser.error(f"--out is a file path, and {args.out} is a directory")
    recorder = Recorder(args.upstream, args.out, host=host, port=int(port), max_audio_bytes=args.max_audio_bytes)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_record(recorder))
    except OSError as error:
        parser.error(f"cannot listen on {args.listen}: {error.strerror or error}")
    return EXIT_OK


async def _record(recorder: Any) -> None:
    from ..live.probe import public_url

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with recorder.running():
        print(f"recording: connect to {recorder.url} (forwarded to {public_url(recorder.upstream)}); transcript {paths.shown(recorder.out)} (Ctrl-C stops)", flush=True)
        await stop.wait()
    for recording in recorder.recordings:
        extra = "".join(f", {why}" for why in (recording.upstream_error, recording.ended) if why)
        print(f"{paths.shown(recording.path)}: {recording.client_frames} client and {recording.server_frames} server frame(s), {recording.redacted} string(s) redacted{extra}", flush=True)
