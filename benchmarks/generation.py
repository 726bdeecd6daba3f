"""Event generation speed for the property family, in examples/s, side by side in one run:

  openai-sdk   hypothesis-jsonschema over the openai SDK's pydantic schemas of the same events
               (the baseline: about 21 examples/s was measured on this kind of machine)
  unshaped     hypothesis-jsonschema over our reference schemas as published
  reference    conformance.generation.events: our schemas shaped and compiled for generation

    python benchmarks/generation.py [EXAMPLES_PER_TYPE]       # or: tox -e bench

Goal (issue 4): reference at least 5x the openai-sdk baseline.
"""

from __future__ import annotations

import base64
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

sys.path.insert(0, str(Path(__file__).resolve().parent))
from goals import report as report_goals  # noqa: E402

from conformance import generation  # noqa: E402
from conformance.schema import event_types, json_schema

_B64 = st.binary(max_size=48).map(lambda raw: base64.b64encode(raw).decode())


def _openai_schemas() -> dict[str, dict[str, Any]]:
    from openai.types.realtime import RealtimeClientEvent, RealtimeServerEvent

    found = {}
    for union in (RealtimeClientEvent, RealtimeServerEvent):
        for model in _members(union):
            kind = model.model_fields["type"].annotation.__args__[0]
            found[kind] = model.model_json_schema()
    return found


def _members(union: Any) -> tuple[Any, ...]:
    import typing

    inner = typing.get_args(union)[0] if typing.get_origin(union) is typing.Annotated else union
    return typing.get_args(inner)


def rate(strategies: dict[str, Any], per_type: int) -> float:
    made = 0
    start = time.perf_counter()
    for strategy in strategies.values():

        @settings(max_examples=per_type, deadline=None, database=None, derandomize=True, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(strategy)
        def draw(event: Any) -> None:
            nonlocal made
            made += 1

        draw()
    return made / (time.perf_counter() - start)


def main(per_type: int = 10) -> int:
    types = event_types()
    rows: dict[str, float] = {}
    try:
        rows["openai-sdk"] = rate({t: from_schema(s, custom_formats={"base64": _B64}) for t, s in _openai_schemas().items()}, per_type)
    except ImportError:
        print("openai is not installed; skipping the baseline", file=sys.stderr)
    rows["unshaped"] = rate({t: from_schema(json_schema(event_type=t), custom_formats={"base64": _B64}) for t in types}, per_type)
    rows["reference"] = rate({t: generation.events(t) for t in types}, per_type)
    base = rows.get("openai-sdk")
    print(f"\nevent generation, {per_type} examples for each of {len(types)} event types")
    print(f"  {'generator':<12} {'examples/s':>11} {'x openai-sdk':>13}")
    for name, value in rows.items():
        print(f"  {name:<12} {value:>11.1f} {value / base if base else float('nan'):>13.1f}")
    if base:
        ratio = rows["reference"] / base
        report_goals([(f"reference at {ratio:.1f} x the openai-sdk baseline (goal >= 5)", ratio >= 5)])
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
