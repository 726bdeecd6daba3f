"""``judge`` takes a fast path for valid events (pydantic-core straight from the bytes) and a full
path that explains failures. Both must reach the same verdict on every payload, and the fast path
must not let through what only the full path checks: NaN, infinity and duplicate names."""

from __future__ import annotations

import json

import pytest

from conformance import decoding, judge, judge_value
from conformance.verdict import _inventory

from .helpers import FIXTURES, VALID, fixture_ids


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_ids(FIXTURES))
def test_wire_text_and_decoded_value_get_the_same_verdict(fixture) -> None:
    from_text = judge(json.dumps(fixture.payload).encode(), fixture.direction)
    from_value = judge_value(fixture.payload, fixture.direction)
    assert (from_text.verdict, from_text.errors, from_text.unknown_fields) == (
        from_value.verdict,
        from_value.errors,
        from_value.unknown_fields,
    )


@pytest.mark.parametrize("fixture", VALID, ids=fixture_ids(VALID))
def test_the_member_count_behind_the_duplicate_check_is_exact(fixture) -> None:
    event = judge_value(fixture.payload).event
    assert _inventory(event, "$", []) == decoding.count_members(fixture.payload)


TOOLS_UPDATE = '{"type":"session.update","session":{"type":"realtime","tools":[{"type":"function","name":"f","parameters":%s}]}}'


@pytest.mark.parametrize(
    "text, verdict, phrase",
    [
        (TOOLS_UPDATE % '{"default": NaN}', "not-json", "NaN"),
        (TOOLS_UPDATE % '{"maximum": Infinity}', "not-json", "Infinity"),
        ('{"type":"input_audio_buffer.cleared","event_id":"e","extra":{"x":-Infinity}}', "not-json", "Infinity"),
        (TOOLS_UPDATE % '{"type":"object","type":"array"}', "invalid", "appears more than once"),
        ('{"type":"input_audio_buffer.cleared","event_id":"e","meta":{"a":1,"a":2}}', "invalid", "appears more than once"),
        (TOOLS_UPDATE % '{"description":"a: b"}', "valid", None),
        ('{"type":"response.output_text.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"NaN: Infinity"}', "valid", None),
    ],
    ids=["nan-in-free-form", "infinity-in-free-form", "infinity-in-unknown-field", "duplicate-in-free-form", "duplicate-in-unknown-field", "colon-in-string", "nan-in-string"],
)
def test_what_the_fast_path_cannot_see_still_decides_the_verdict(text: str, verdict: str, phrase: str | None) -> None:
    for data in (text, text.encode()):
        result = judge(data)
        assert result.verdict == verdict, result.errors
        if phrase:
            assert any(phrase in e.got for e in result.errors), result.errors


def test_a_duplicate_is_reported_at_its_path() -> None:
    result = judge(TOOLS_UPDATE % '{"type":"object","type":"array"}')
    assert result.errors[0].path == "$.session.tools[0].parameters.type"
