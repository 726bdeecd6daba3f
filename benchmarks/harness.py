"""What running an implementation behind a harness process costs, side by side in one run:

  property family   every property check (ci profile: 25 deterministic examples each) against the
                    reference in process, then against the same reference behind the harness
                    protocol (``python -m conformance.adapters.harness_host reference``),
                    so that the only difference is the process boundary
  round trips       one parse request's latency, one at a time and with many in flight
                    (``StdioAdapter.parse_many``), for the Python harness, the JavaScript example
                    harness and the @openai/agents-realtime harness where Node.js (and its
                    ``npm ci``) is there, against a parse in process

    python benchmarks/harness.py          # or: tox -e bench

Goal (issue 13): the property family behind a harness takes at most twice as long as in process.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from goals import report as report_goals  # noqa: E402

from conformance import profiles  # noqa: E402
from conformance.detection import all_checks, run
from conformance.adapters.adapter import Adapter
from conformance.implementations.reference.adapter import ReferenceAdapter
from conformance.adapters.stdio import StdioAdapter

HARNESSES = Path(__file__).resolve().parents[1] / "harnesses"
PYTHON_HARNESS = [sys.executable, "-m", "conformance.adapters.harness_host", "reference"]
EVENT = json.dumps({"type": "input_audio_buffer.speech_started", "event_id": "event_1", "audio_start_ms": 1000, "item_id": "item_1"})
ROUND_TRIPS = 2000


def property_family(adapter: Adapter) -> float:
    checks = all_checks(("property",)).values()
    started = time.perf_counter()
    failing = [check_id for check_id, result in run(adapter, checks, timeout=30).items() if not result.passed]
    elapsed = time.perf_counter() - started
    assert not failing, f"the reference failed {failing}: not a fair comparison"
    return elapsed


def microseconds_per_parse(adapter: Any, batched: bool) -> float:
    texts = [EVENT] * ROUND_TRIPS
    started = time.perf_counter()
    if batched:
        adapter.parse_many("server", texts)
    else:
        for text in texts:
            adapter.parse("server", text)
    return (time.perf_counter() - started) / ROUND_TRIPS * 1e6


def harnesses() -> list[tuple[str, list[str], Path | None]]:
    found: list[tuple[str, list[str], Path | None]] = [("python reference harness", PYTHON_HARNESS, None)]
    node = shutil.which("node")
    if node:  # each Node.js harness once `npm ci` installed its folder (the protocol helper included)
        for name, folder in (("javascript example harness", "example-js"), ("@openai/agents-realtime harness", "js-agents-realtime"), ("openai OpenAIRealtimeWS harness", "openai-js")):
            if (HARNESSES / folder / "node_modules").is_dir():
                found.append((name, [node, str(HARNESSES / folder / "harness.mjs")], HARNESSES / folder))
    return found


def main() -> int:
    profiles.register(load=False)
    from hypothesis import settings

    settings.load_profile("ci")
    in_process = property_family(ReferenceAdapter())
    behind = StdioAdapter(PYTHON_HARNESS)
    try:
        through_harness = property_family(behind)
    finally:
        behind.close()
    ratio = through_harness / in_process
    print("property family (ci profile), reference in process vs behind the Python harness:")
    print(f"  in process      {in_process:7.2f} s")
    print(f"  behind harness  {through_harness:7.2f} s   ratio {ratio:.2f} (goal: at most 2)")
    print()
    print(f"one parse of a small event, {ROUND_TRIPS} times:")
    reference = ReferenceAdapter()
    print(f"  {'in process (reference)':34} {microseconds_per_parse(reference, batched=False):8.1f} µs")
    for label, command, cwd in harnesses():
        adapter = StdioAdapter(command, cwd=cwd)
        try:
            one_at_a_time = microseconds_per_parse(adapter, batched=False)
            in_flight = microseconds_per_parse(adapter, batched=True)
        finally:
            adapter.close()
        print(f"  {label:34} {one_at_a_time:8.1f} µs one at a time, {in_flight:6.1f} µs with many in flight ({one_at_a_time / in_flight:.1f}x)")
    report_goals([(f"the property family behind the Python harness at {ratio:.2f} x its time in process (goal <= 2.00)", ratio <= 2.0)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
