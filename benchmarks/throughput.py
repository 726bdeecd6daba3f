"""Validation throughput of the reference models, as ratios against other parsers timed in the
same run (these machines are noisy, so absolute numbers mean little; ratios do).

    python benchmarks/throughput.py          # or: tox -e bench

Parsers, each turning wire bytes into what its users read:
  ceiling     orjson.loads alone: decoding, no validation at all
  reference   conformance.judge, one event at a time: decode, duplicate-member check, strict
              validation, base64, unknown members reported; its verdict (the reference event it
              parses on demand is not asked for)
  batch       conformance.batch.judge_batch over the whole stream at once: the same verdicts, every
              one checked valid through the batch's counts (a Verdict object is made when asked for);
              its per-event loop in C (conformance/_cbatch.c) where the extension is built
  batch-py    the same with the loop in Python (what an install without a compiler runs)
  openai      the openai SDK's receive path: construct_type over RealtimeServerEvent (lenient)
  pipecat     pipecat's parse_server_event (json.loads + model_validate), when installed

The streams (benchmarks/streams.py) are what real GA servers send: real id lengths, colons and
non-ASCII in transcripts, JSON fragments in argument deltas, an undocumented member on deltas.

Goals (issues 14 and 23), through the batch API: on the audio stream, batch >= 0.75 x the
ceiling's MB/s; on the control stream, batch >= 3 x pipecat's events/s, while validating everything
pipecat does not (strict types, base64, duplicate members, unknown members reported).

    python benchmarks/throughput.py --repeat 5   # five runs, each ratio within its run; the spread

On a shared machine wall-clock ratios move with the load; benchmarks/instructions.py gives the same
ratios in instructions counted by callgrind, which do not.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson  # noqa: E402
from goals import report as report_goals  # noqa: E402
from streams import control_events, conversation_turn  # noqa: E402

from conformance import judge  # noqa: E402
from conformance.batch import in_c, judge_batch  # noqa: E402

Parser = Callable[[bytes], object]


def _parsers() -> dict[str, Parser]:
    parsers: dict[str, Parser] = {"ceiling": orjson.loads}

    def reference(data: bytes) -> object:
        verdict = judge(data, "server")
        if verdict.verdict != "valid":
            raise AssertionError(verdict.errors)
        return verdict

    parsers["reference"] = reference
    try:
        from openai._models import construct_type
        from openai.types.realtime import RealtimeServerEvent

        parsers["openai"] = lambda data: construct_type(value=json.loads(data), type_=RealtimeServerEvent)
    except ImportError:
        print("openai is not installed; skipping its parser", file=sys.stderr)
    try:
        import logging

        logging.disable(logging.CRITICAL)
        from pipecat.services.openai.realtime.events import parse_server_event

        parsers["pipecat"] = lambda data: parse_server_event(data.decode())
    except ImportError:
        print("pipecat-ai is not installed; skipping its parser", file=sys.stderr)
    return parsers


def _best_time(parse: Parser, stream: list[bytes], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        for data in stream:
            parse(data)
        best = min(best, time.perf_counter() - start)
    return best


def _batch(stream: list[bytes], loop_in_c: bool = True) -> None:
    counts = judge_batch(stream, "server", in_c=loop_in_c).counts
    if counts["valid"] != len(stream):
        raise AssertionError(counts)


def _best_batch_time(stream: list[bytes], loop_in_c: bool = True) -> float:
    gc.collect()
    start = time.perf_counter()
    _batch(stream, loop_in_c)
    return time.perf_counter() - start


def measure(stream: list[bytes], parsers: dict[str, Parser], rounds: int) -> dict[str, float]:
    for parse in parsers.values():  # warm caches and lazy imports before timing
        for data in stream[:50]:
            parse(data)
    _batch(stream)
    _batch(stream, False)
    # Interleave the parsers round by round, so that machine noise hits them alike.
    best = {name: float("inf") for name in [*parsers, "batch", "batch-py"]}
    for _ in range(rounds):
        for name, parse in parsers.items():
            best[name] = min(best[name], _best_time(parse, stream, 1))
        best["batch"] = min(best["batch"], _best_batch_time(stream))
        best["batch-py"] = min(best["batch-py"], _best_batch_time(stream, False))
    return best


def report(title: str, stream: list[bytes], seconds: dict[str, float]) -> None:
    megabytes = sum(map(len, stream)) / 1e6
    print(f"\n{title}: {len(stream)} events, {megabytes:.2f} MB")
    print(f"  {'parser':<10} {'events/s':>12} {'MB/s':>9} {'x ceiling':>10}")
    for name, spent in seconds.items():
        print(f"  {name:<10} {len(stream) / spent:>12,.0f} {megabytes / spent:>9.1f} {seconds['ceiling'] / spent:>10.2f}")


def main(rounds: int = 7, repeat: int = 1) -> int:
    parsers = _parsers()
    audio, control = conversation_turn(seconds=30), control_events(5000)
    print(f"the batch path's loop: {'in C (conformance/_cbatch.c)' if in_c() else 'in Python (the C extension is not built)'}")
    audio_ratios, control_ratios = [], []
    for run in range(repeat):
        audio_times = measure(audio, parsers, rounds)
        control_times = measure(control, parsers, rounds)
        if repeat > 1:
            print(f"\n--- run {run + 1} of {repeat}")
        report("audio stream (one 30 s spoken turn, 100 ms deltas)", audio, audio_times)
        report("control stream (everything but audio)", control, control_times)
        audio_ratios.append(audio_times["ceiling"] / audio_times["batch"])
        if "pipecat" in control_times:
            control_ratios.append(control_times["pipecat"] / control_times["batch"])

    ratio = audio_ratios[-1]
    goals = [(f"audio: batch at {ratio:.2f} x the ceiling's MB/s{_spread(audio_ratios)} (goal >= 0.75; one event at a time: "
              f"{audio_times['ceiling'] / audio_times['reference']:.2f}; the Python loop: {audio_times['ceiling'] / audio_times['batch-py']:.2f})",
              ratio >= 0.75)]
    if control_ratios:
        speedup = control_ratios[-1]
        goals.append((f"control: batch at {speedup:.2f} x pipecat's events/s{_spread(control_ratios)} (goal >= 3.00; one event at a time: "
                      f"{control_times['pipecat'] / control_times['reference']:.2f}; the Python loop: "
                      f"{control_times['pipecat'] / control_times['batch-py']:.2f})", speedup >= 3.0))
    report_goals(goals)
    return 0


def _spread(ratios: list[float]) -> str:
    """`` (runs: 0.81-0.97)``: the lowest and highest ratio over the runs, when more than one."""
    return f" (last run; over {len(ratios)} runs {min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""


if __name__ == "__main__":
    sys.exit(main(repeat=int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1))
