"""The exported JSON Schema says exactly what the models accept: events generated from it are
valid, the corpus gets the same answers from the schema as from the models, and the ``schema``
command prints it."""

from __future__ import annotations

import base64
import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from conformance import judge_value
from conformance.schema import event_types, json_schema

from .cli import run
from .helpers import FIXTURES

BASE64 = st.binary(max_size=48).map(lambda raw: base64.b64encode(raw).decode())
#: ``format: base64`` is ours; teach the schema validator what the models already enforce.
FORMATS = jsonschema.FormatChecker()
FORMATS.checks("base64")(lambda text: not isinstance(text, str) or judge_value({"type": "input_audio_buffer.append", "audio": text}).ok)


@pytest.mark.parametrize("event_type", event_types())
def test_models_accept_what_their_schema_generates(event_type: str) -> None:
    schema = json_schema(event_type=event_type)

    @settings(max_examples=3, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(from_schema(schema, custom_formats={"base64": BASE64}))
    def accepted(event: dict) -> None:
        verdict = judge_value(event)
        assert verdict.verdict == "valid", verdict.errors

    accepted()


def test_schema_and_models_agree_on_every_fixture() -> None:
    validator = jsonschema.Draft202012Validator(json_schema(), format_checker=FORMATS)
    disagreements = [
        fixture.id
        for fixture in FIXTURES
        if fixture.expect.verdict in ("valid", "invalid")
        and validator.is_valid(fixture.payload) != (judge_value(fixture.payload).verdict == "valid")
    ]
    assert disagreements == []


def test_schema_command_prints_one_direction() -> None:
    result = run("schema", "--direction", "client")
    assert result.code == 0
    printed = json.loads(result.out)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(printed["discriminator"]["mapping"]) == set(event_types("client"))


def test_schema_command_prints_one_event() -> None:
    result = run("schema", "--event", "response.done")
    printed = json.loads(result.out)
    assert printed["properties"]["type"]["const"] == "response.done"
    assert set(printed["required"]) == {"event_id", "type", "response"}


def test_schema_command_without_options_covers_both_directions() -> None:
    printed = json.loads(run("schema").out)
    assert set(printed["discriminator"]["mapping"]) == set(event_types())


@pytest.mark.parametrize(
    "args, message",
    [(["--event", "response.audio.delta"], "unknown event type"), (["--direction", "client", "--event", "response.done"], "not a client event")],
)
def test_schema_command_refuses_what_it_cannot_print(args: list[str], message: str) -> None:
    result = run("schema", *args)
    assert result.code == 2
    assert message in result.err
