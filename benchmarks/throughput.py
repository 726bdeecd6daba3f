"""Validation throughput of the reference models, as ratios against other parsers timed in the
same run (these machines are noisy, so absolute numbers mean little; ratios do).

    python benchmarks/throughput.py          # or: tox -e bench

Parsers, each turning wire bytes into what its users read:
  ceiling     orjson.loads alone: decoding, no validation at all
  reference   conformance.judge, one event at a time: decode, duplicate-member check, strict
              validation, base64, unknown members reported; its verdict (the reference event it
              parses on demand is not asked for)
  batch       conformance.batch.judge_batch over the whole stream at once: the same verdicts, every
              one checked valid through the batch's counts (a Verdict object is made when asked for)
  openai      the openai SDK's receive path: construct_type over RealtimeServerEvent (lenient)
  pipecat     pipecat's parse_server_event (json.loads + model_validate), when installed

The streams (benchmarks/streams.py) are what real GA servers send: real id lengths, colons and
non-ASCII in transcripts, JSON fragments in argument deltas, an undocumented member on deltas.

Goals (issues 14 and 23), through the batch API: on the audio stream, batch >= 0.75 x the
ceiling's MB/s; on the control stream, batch >= 3 x pipecat's events/s, while validating everything
pipecat does not (strict types, base64, duplicate members, unknown members reported).
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
from conformance.batch import judge_batch  # noqa: E402

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


def _batch(stream: list[bytes]) -> None:
    counts = judge_batch(stream, "server").counts
    if counts["valid"] != len(stream):
        raise AssertionError(counts)


def _best_batch_time(stream: list[bytes]) -> float:
    gc.collect()
    start = time.perf_counter()
    _batch(stream)
    return time.perf_counter() - start


def measure(stream: list[bytes], parsers: dict[str, Parser], rounds: int) -> dict[str, float]:
    for parse in parsers.values():  # warm caches and lazy imports before timing
        for data in stream[:50]:
            parse(data)
    _batch(stream)
    # Interleave the parsers round by round, so that machine noise hits them alike.
    best = {name: float("inf") for name in [*parsers, "batch"]}
    for _ in range(rounds):
        for name, parse in parsers.items():
            best[name] = min(best[name], _best_time(parse, stream, 1))
        best["batch"] = min(best["batch"], _best_batch_time(stream))
    return best


def report(title: str, stream: list[bytes], seconds: dict[str, float]) -> None:
    megabytes = sum(map(len, stream)) / 1e6
    print(f"\n{title}: {len(stream)} events, {megabytes:.2f} MB")
    print(f"  {'parser':<10} {'events/s':>12} {'MB/s':>9} {'x ceiling':>10}")
    for name, spent in seconds.items():
        print(f"  {name:<10} {len(stream) / spent:>12,.0f} {megabytes / spent:>9.1f} {seconds['ceiling'] / spent:>10.2f}")


def main(rounds: int = 7) -> int:
    parsers = _parsers()
    audio, control = conversation_turn(seconds=30), control_events(5000)
    audio_times = measure(audio, parsers, rounds)
    control_times = measure(control, parsers, rounds)
    report("audio stream (one 30 s spoken turn, 100 ms deltas)", audio, audio_times)
    report("control stream (everything but audio)", control, control_times)

    ratio = audio_times["ceiling"] / audio_times["batch"]
    goals = [(f"audio: batch at {ratio:.2f} x the ceiling's MB/s (goal >= 0.75; one event at a time: "
              f"{audio_times['ceiling'] / audio_times['reference']:.2f})", ratio >= 0.75)]
    if "pipecat" in control_times:
        speedup = control_times["pipecat"] / control_times["batch"]
        goals.append((f"control: batch at {speedup:.2f} x pipecat's events/s (goal >= 3.00; one event at a time: "
                      f"{control_times['pipecat'] / control_times['reference']:.2f})", speedup >= 3.0))
    report_goals(goals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
