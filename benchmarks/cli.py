"""The command line over a million events, as ratios timed in the same run:

  validate --format json   over 1,000,000 control events (benchmarks/streams.py, about 270 MB) in one
                           file, one process, start-up included, beside a bare ``orjson.loads``
                           loop over the same lines
  validate --format text   the same file
  --jobs 2 / --jobs 1      validate over a folder of recordings (the same events in 128 files),
                           to stdout and with --output FILE (the workers write the output), and
                           over the one large file (cut into pieces at line boundaries)
  session --jobs 2 / 1     the session checker over a folder of generated long sessions

    python benchmarks/cli.py [EVENTS] [--repeat N]   # or: tox -e bench; N runs, and the spread of each ratio

Goals (issue 23): 1,000,000 control events through ``validate --format json`` on one process in
at most 2.5 x the time of a bare ``orjson.loads`` loop over the same file; ``--jobs 2 --output FILE``
at least 1.7 x faster than ``--jobs 1 --output FILE`` on a folder of files.

Also shown: the start-up (``validate`` on a file of one valid event), and whether the batch path's
loop runs in C (``conformance/_cbatch.c``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from goals import report as report_goals  # noqa: E402
from sessions import session  # noqa: E402
from streams import control_events  # noqa: E402

CLI = [sys.executable, "-m", "conformance.cli"]


def _timed(command: list[str], rounds: int = 3) -> float:
    """The best wall time of ``command``, its output thrown away (as a pipe to a file would)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - started)
    return best


def _orjson_loop(path: Path) -> list[str]:
    script = f"import orjson\nfor line in open({str(path)!r}, 'rb'):\n    orjson.loads(line)\n"
    return [sys.executable, "-c", script]


def main() -> int:
    arguments = sys.argv[1:]
    repeat = 1
    if "--repeat" in arguments:
        at = arguments.index("--repeat")
        repeat = int(arguments[at + 1])
        del arguments[at : at + 2]
    events = int(arguments[0]) if arguments else 1_000_000
    runs: list[dict[str, float]] = []
    for run in range(repeat):
        if repeat > 1:
            print(f"--- run {run + 1} of {repeat}")
        runs.append(_run(events))
    json_ratios = [found["as_json"] / found["ceiling"] for found in runs]
    jobs_ratios = [found["output_one"] / found["output_two"] for found in runs]
    report_goals([
        (f"validate --format json over {events:,} events at {json_ratios[-1]:.2f} x the orjson loop's time, on one process"
         f"{_spread(json_ratios)} (goal <= 2.50)", json_ratios[-1] <= 2.5),
        (f"validate --jobs 2 --output at {jobs_ratios[-1]:.2f} x --jobs 1 --output on a folder of files{_spread(jobs_ratios)} (goal >= 1.70)",
         jobs_ratios[-1] >= 1.7),
    ])
    return 0


def _spread(ratios: list[float]) -> str:
    return f" (last run; over {len(ratios)} runs {min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""


def _run(events: int) -> dict[str, float]:
    stream = control_events(5000)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        big = folder / "one" / "events.jsonl"
        big.parent.mkdir()
        with big.open("wb") as out:
            for start in range(0, events, len(stream)):
                out.write(b"\n".join(stream[: min(len(stream), events - start)]) + b"\n")
        megabytes = big.stat().st_size / 1e6
        files = folder / "many"
        files.mkdir()
        lines = big.read_bytes().splitlines(keepends=True)
        per_file = -(-len(lines) // 128)
        for index in range(0, len(lines), per_file):
            (files / f"session-{index // per_file:03d}.jsonl").write_bytes(b"".join(lines[index : index + per_file]))
        del lines
        sessions = folder / "sessions"
        sessions.mkdir()
        long_session = session(300)
        for index in range(16):
            (sessions / f"s{index:02d}.jsonl").write_bytes(b"\n".join(long_session) + b"\n")

        one = folder / "one-event.jsonl"
        one.write_bytes(stream[0] + b"\n")
        start_up = _timed([*CLI, "validate", str(one)], rounds=5)
        ceiling = _timed(_orjson_loop(big))
        as_json = _timed([*CLI, "validate", "--format", "json", str(big)])
        as_text = _timed([*CLI, "validate", str(big)])
        folder_one = _timed([*CLI, "validate", "--jobs", "1", str(files)])
        folder_two = _timed([*CLI, "validate", "--jobs", "2", str(files)])
        written = folder / "verdicts.json"
        output_one = _timed([*CLI, "validate", "--jobs", "1", "--format", "json", "--output", str(written), str(files)])
        output_two = _timed([*CLI, "validate", "--jobs", "2", "--format", "json", "--output", str(written), str(files)])
        big_two = _timed([*CLI, "validate", "--jobs", "2", str(big)])
        session_one = _timed([*CLI, "session", "--jobs", "1", str(sessions)], rounds=2)
        session_two = _timed([*CLI, "session", "--jobs", "2", str(sessions)], rounds=2)

    from conformance.batch import in_c

    print(f"{events:,} control events, {megabytes:.0f} MB, on {os.cpu_count()} cores (best of 3); the loop {'in C' if in_c() else 'in Python'}")
    print(f"  validate, one event (start-up) {start_up:6.2f} s")
    print(f"  orjson.loads loop            {ceiling:6.2f} s")
    print(f"  validate --format json       {as_json:6.2f} s   {ceiling / as_json:.2f} x the loop's speed   {events / as_json:,.0f} events/s")
    print(f"  validate --format text       {as_text:6.2f} s   {ceiling / as_text:.2f} x the loop's speed")
    print(f"  validate --jobs 1, 128 files {folder_one:6.2f} s")
    print(f"  validate --jobs 2, 128 files {folder_two:6.2f} s   {folder_one / folder_two:.2f} x --jobs 1")
    print(f"  validate --jobs 1 --output   {output_one:6.2f} s   (json, 128 files)")
    print(f"  validate --jobs 2 --output   {output_two:6.2f} s   {output_one / output_two:.2f} x --jobs 1 --output")
    print(f"  validate --jobs 2, one file  {big_two:6.2f} s   {as_text / big_two:.2f} x --jobs 1")
    print(f"  session --jobs 1, 16 files   {session_one:6.2f} s")
    print(f"  session --jobs 2, 16 files   {session_two:6.2f} s   {session_one / session_two:.2f} x --jobs 1")
    return {"ceiling": ceiling, "as_json": as_json, "output_one": output_one, "output_two": output_two}


if __name__ == "__main__":
    sys.exit(main())
