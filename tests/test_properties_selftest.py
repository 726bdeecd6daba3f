"""The generator behind the property family: every event it makes from the reference schema is
one the reference accepts (the shaping can never widen the schema), it builds everything itself
except what it hands to hypothesis-jsonschema on purpose, and the invalid variants are invalid."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import generation, judge_value
from conformance.families.properties import _mutate
from conformance.schema import event_types


def _keywords(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key not in ("properties", "$defs"):
                _keywords(value, found)
            else:
                for sub in value.values():
                    _keywords(sub, found)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, found)
    return found


def test_the_shaped_schemas_use_only_keywords_the_generator_builds_itself() -> None:
    used = set().union(*(_keywords(generation.shaped_schema(t), set()) for t in event_types()))
    assert used <= generation.DELEGATED


@pytest.mark.parametrize("event_type", event_types())
def test_the_reference_accepts_every_generated_event(event_type: str) -> None:
    @settings(max_examples=40, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(generation.events(event_type))
    def accepted(event) -> None:
        verdict = judge_value(event)
        assert verdict.ok and verdict.type == event_type, verdict.errors

    accepted()


@pytest.mark.parametrize("event_type", ["session.update", "response.done", "input_audio_buffer.commit", "conversation.item.create"])
def test_variants_kept_by_the_property_are_invalid_and_say_what_changed(event_type: str) -> None:
    seen = []

    @settings(max_examples=30, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(generation.events(event_type), st.data())
    def variants(event, data) -> None:
        mutant, change = _mutate(event, data)
        assert mutant != event and change
        verdict = judge_value(mutant)
        if verdict.verdict == "invalid":
            seen.append(change)

    variants()
    assert seen, "no invalid variant was generated"
