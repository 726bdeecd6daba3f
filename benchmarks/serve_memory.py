"""The memory of ``realtime-conformance serve`` under many connections that each send one large frame.

    python benchmarks/serve_memory.py [connections] [--frame-mb N] [--at-once N] [--max-rss-mb N]

It starts ``serve --port 0 --no-auth --pace 0`` in a process of its own, then opens ``connections``
connections (default 1,000; ``--at-once`` at a time, default 10), each waiting for
``session.created``, sending one ``conversation.item.create`` whose text is ``--frame-mb`` MB
(default 10) and closing. It reads the server's resident memory (``VmRSS`` in
``/proc/<pid>/status``) before, every 50 connections, and once every connection has finished
(a bounded settle), and prints each with the peak (``VmHWM``).

A server that keeps what finished connections sent grows by about one frame per connection; one that
lets them go stays near its size after the first few. Because the first kind would take the machine's
memory, the run stops once the server's RSS passes ``--max-rss-mb`` (default 3,000) and says after how
many connections. Goal (issue 21): the final RSS within 100 MB of the RSS after the first batch.
Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect

READY = re.compile(r"listening on (ws://\S+?)\?")
SETTLE_SECONDS = 5.0
GOAL_MB = 100


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) of ``pid`` in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def one_connection(url: str, frame: str) -> None:
    async with connect(url + "?model=gpt-realtime", open_timeout=30, close_timeout=5, max_size=None) as socket:
        await asyncio.wait_for(socket.recv(), 30)  # session.created
        await socket.send(frame)


async def hammer(url: str, pid: int, connections: int, at_once: int, frame: str, ceiling_mb: float) -> tuple[int, list[tuple[int, float]]]:
    samples: list[tuple[int, float]] = []
    done = 0
    while done < connections:
        batch = min(at_once, connections - done)
        results = await asyncio.gather(*(one_connection(url, frame) for _ in range(batch)), return_exceptions=True)
        failed = [result for result in results if isinstance(result, BaseException)]
        if failed:
            raise RuntimeError(f"{len(failed)} connection(s) failed, the first: {failed[0]!r}")
        done += batch
        rss, _ = memory_mb(pid)
        if done == batch or done % 50 == 0 or done == connections:
            samples.append((done, rss))
            print(f"  after {done:5d} connections: RSS {rss:8.1f} MB", flush=True)
        if rss > ceiling_mb:
            print(f"  stopped: RSS passed --max-rss-mb {ceiling_mb:g} after {done} connections", flush=True)
            break
    return done, samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("connections", nargs="?", type=int, default=1000)
    parser.add_argument("--frame-mb", type=float, default=10.0)
    parser.add_argument("--at-once", type=int, default=10)
    parser.add_argument("--max-rss-mb", type=float, default=3000.0)
    args = parser.parse_args()
    text = "x" * int(args.frame_mb * 1_000_000)
    frame = json.dumps({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}})
    server = subprocess.Popen([sys.executable, "-m", "conformance", "serve", "--port", "0", "--no-auth", "--pace", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = READY.search(line)
        if not found:
            raise RuntimeError(f"serve did not start: {line!r} {server.stderr.read() if server.stderr else ''}")
        url = found[1]
        before, _ = memory_mb(server.pid)
        print(f"serve (pid {server.pid}) at {url}: {args.connections} connections, {args.at_once} at a time, one {args.frame_mb:g} MB frame each")
        print(f"  before:                      RSS {before:8.1f} MB")
        started = time.perf_counter()
        done, samples = asyncio.run(hammer(url, server.pid, args.connections, args.at_once, frame, args.max_rss_mb))
        elapsed = time.perf_counter() - started
        time.sleep(SETTLE_SECONDS)  # the last sessions see their client's close and finish
        after, peak = memory_mb(server.pid)
        first = samples[0][1]
        print(f"  settled ({SETTLE_SECONDS:g} s later):      RSS {after:8.1f} MB; peak {peak:.1f} MB; {done} connections in {elapsed:.1f} s")
        met = done == args.connections and after - first <= GOAL_MB
        print(f"goal: RSS after all connections within {GOAL_MB} MB of RSS after the first batch ({first:.1f} MB): {'met' if met else 'MISSED'} ({after - first:+.1f} MB)")
        return 0
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


if __name__ == "__main__":
    sys.exit(main())
