"""The throughput and command-line ratios in instructions counted by callgrind, which, unlike wall
time, do not move with the load of a shared machine (supporting evidence beside benchmarks/throughput.py
and benchmarks/cli.py; a ratio of instructions is not a ratio of time: cache misses and branch
mispredictions are not counted, and neither is the kernel's time).

    python benchmarks/instructions.py [EVENTS]      # needs valgrind; EVENTS for the CLI (default 100,000)

Per event (or per MB), each parser's instructions are those of a run over the stream 3 times less
those of a run over it once, halved, so that start-up and imports cancel out. The CLI's are whole
processes, start-up included, as the goal is stated: ``validate --format json`` over EVENTS control
events against a bare ``orjson.loads`` loop over the same file.

Goals, as benchmarks/throughput.py and benchmarks/cli.py state them: audio >= 0.75 x orjson's MB/s,
control >= 3 x pipecat's events/s, validate --format json <= 2.5 x the orjson loop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from goals import report as report_goals  # noqa: E402

HERE = Path(__file__).resolve().parent

_PARSE = """
import sys
sys.path.insert(0, {here!r})
from streams import control_events, conversation_turn
stream = conversation_turn(seconds=30) if {audio!r} else control_events(5000)
which = {which!r}
if which == "orjson":
    import orjson
    parse = orjson.loads
elif which == "pipecat":
    import logging
    logging.disable(logging.CRITICAL)
    from pipecat.services.openai.realtime.events import parse_server_event
    parse = lambda data: parse_server_event(data.decode())
else:
    from conformance.batch import judge_batch
    in_c = which == "batch"
    def parse_all(stream):
        counts = judge_batch(stream, "server", in_c=in_c).counts
        assert counts["valid"] == len(stream), counts
    parse_all(stream)  # warm: lazy imports, learned members
if which in ("orjson", "pipecat"):
    def parse_all(stream):
        for data in stream:
            parse(data)
    parse_all(stream[:50])
for _ in range(int(sys.argv[1])):
    parse_all(stream)
"""


def instructions(command: list[str]) -> int:
    """The instructions ``command`` ran, its children not followed."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONHASHSEED": "0"})
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("callgrind wrote no total")


def per_pass(which: str, audio: bool) -> float:
    """Instructions of one pass of ``which`` over the stream."""
    script = _PARSE.format(here=str(HERE), audio=audio, which=which)
    once = instructions([sys.executable, "-c", script, "1"])
    thrice = instructions([sys.executable, "-c", script, "3"])
    return (thrice - once) / 2


def main() -> int:
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: no instruction counts")
        return 0
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    from streams import control_events, conversation_turn

    audio_stream, control_stream = conversation_turn(seconds=30), control_events(5000)
    goals = []
    audio = {which: per_pass(which, True) for which in ("orjson", "batch", "batch-py")}
    megabytes = sum(map(len, audio_stream)) / 1e6
    print(f"audio stream ({len(audio_stream)} events, {megabytes:.2f} MB), instructions per MB:")
    for which, count in audio.items():
        print(f"  {which:<10} {count / megabytes:>14,.0f}   {audio['orjson'] / count:.2f} x orjson's MB per instruction")
    goals.append((f"audio: batch at {audio['orjson'] / audio['batch']:.2f} x orjson in instructions per MB (goal >= 0.75)",
                  audio["orjson"] / audio["batch"] >= 0.75))
    control = {which: per_pass(which, False) for which in ("orjson", "pipecat", "batch", "batch-py")}
    print(f"control stream ({len(control_stream)} events), instructions per event:")
    for which, count in control.items():
        print(f"  {which:<10} {count / len(control_stream):>14,.0f}   {control['pipecat'] / count:.2f} x pipecat's events per instruction")
    goals.append((f"control: batch at {control['pipecat'] / control['batch']:.2f} x pipecat in events per instruction (goal >= 3.00)",
                  control["pipecat"] / control["batch"] >= 3.0))

    with tempfile.TemporaryDirectory() as scratch:
        big = Path(scratch) / "events.jsonl"
        with big.open("wb") as out:
            for start in range(0, events, len(control_stream)):
                out.write(b"\n".join(control_stream[: min(len(control_stream), events - start)]) + b"\n")
        loop = instructions([sys.executable, "-c", f"import orjson\nfor line in open({str(big)!r}, 'rb'):\n    orjson.loads(line)\n"])
        validate = instructions([sys.executable, "-m", "conformance.cli", "validate", "--format", "json", "--output", str(Path(scratch) / "out.json"), str(big)])
        one = Path(scratch) / "one.jsonl"
        one.write_bytes(control_stream[0] + b"\n")
        start_up = instructions([sys.executable, "-m", "conformance.cli", "validate", str(one)])
        bare = instructions([sys.executable, "-c", "pass"])
    print(f"validate --format json over {events:,} events: {validate:,} instructions, the orjson loop {loop:,} "
          f"({validate / loop:.2f} x); start-up (one event) {start_up:,}, a bare interpreter {bare:,}")
    goals.append((f"validate --format json at {validate / loop:.2f} x the orjson loop's instructions over {events:,} events (goal <= 2.50)",
                  validate / loop <= 2.5))
    report_goals(goals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
