"""Our models against OpenAI's published schemas. Every structural difference must be one we
chose, named with its reason in :data:`KNOWN_DIFFERENCES`; an entry that no longer matches
anything fails too, so the list cannot go stale. Skips when the reference data is absent."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from conformance import judge_value
from conformance.schema import event_types, json_schema

from .spec_reference import SPEC_EXAMPLES, Resolver, load_spec, spec_event_schema, structural_differences

#: Deliberate departures from the published schema, as (pattern over "TYPE PATH: difference", why).
KNOWN_DIFFERENCES: dict[str, str] = {
    r"\.format<type=audio/pcm[au]?>\.type: required by our models, optional in the spec$": (
        "the spec's audio format branches have no required list, so {} would be a format; we require type"
    ),
    r"^input_audio_buffer\.dtmf_event_received \$\.event_id: only in our models$": (
        "the only server event without event_id in the spec; we accept an optional one rather than report it as unknown"
    ),
    r"^response\.create \$\.response\.input<type=item_reference>: union branch only in our models$": (
        "the event's and the field's descriptions and the spec's own example allow references to existing items in input"
    ),
    r"^session\.(created|updated) \$\.session<type=transcription>\.audio\.input\.turn_detection: union branch only in (the spec|our models)$": (
        "the spec types the echoed type a plain string but says 'only server_vad is currently supported'; we hold it to that"
    ),
}

#: Spec examples whose verdict under our models differs from the spec schema's, and why.
KNOWN_EXAMPLE_VERDICTS: dict[str, str] = {
    "client/input_audio_buffer.append.json": "its audio is the placeholder 'Base64EncodedAudioData', not base64",
    "server/response.output_audio.delta.json": "its delta is the placeholder 'Base64EncodedAudioDelta', not base64",
    "server/conversation.item.input_audio_transcription.failed.json": "the spec rejects error.param null; we accept null on optional fields",
    "server/response.created.json": "the spec rejects status_details and usage null; we accept null on optional fields",
    "server/response.done.json": "the spec rejects status_details null; we accept null on optional fields",
    "server/session.created.json": "the spec rejects transcription, noise_reduction and include null; we accept them",
    "server/session.updated.json": "the spec rejects transcription, noise_reduction and include null; we accept them",
    "client/response.create-2.json": "references to existing items in input, which the event's text allows; the spec's schema also fails its own 'none' conversation (oneOf defect)",
    "server/response.output_item.done.json": "assistant content 'text' (beta vocabulary), which the spec's own examples use and servers sent: we accept it from servers",
}


def _differences() -> list[str]:
    spec = load_spec()
    found = []
    for event_type in event_types():
        ours = json_schema(event_type=event_type)
        spec_schema = spec_event_schema(spec, event_type)
        assert spec_schema is not None, f"{event_type} is not in the published union"
        found += [f"{event_type} {d}" for d in structural_differences(spec_schema, ours, spec, ours)]
    return found


def test_the_published_unions_have_our_event_types() -> None:
    spec = load_spec()
    resolver = Resolver(spec)
    for direction, entry in spec["x-entrypoints"].items():
        published = {resolver.resolve(b)["properties"]["type"]["enum"][0] for b in resolver.resolve({"$ref": entry})["anyOf"]}
        assert published == set(event_types(direction))


def test_every_structural_difference_is_a_known_decision() -> None:
    differences = _differences()
    unexplained = [d for d in differences if not any(re.search(p, d) for p in KNOWN_DIFFERENCES)]
    assert unexplained == []


def test_every_known_difference_still_exists() -> None:
    differences = _differences()
    stale = [p for p in KNOWN_DIFFERENCES if not any(re.search(p, d) for d in differences)]
    assert stale == []


def test_published_examples_get_the_spec_verdict_unless_known() -> None:
    if not SPEC_EXAMPLES.is_dir():
        pytest.skip(f"spec examples not found at {SPEC_EXAMPLES}")
    spec = load_spec()
    validator = jsonschema.Draft202012Validator(spec)
    surprises = []
    for path in sorted(SPEC_EXAMPLES.glob("*/*.json")):
        name = f"{path.parent.name}/{path.name}"
        payload = json.loads(path.read_text())
        ours = judge_value(payload).verdict == "valid"
        theirs = validator.is_valid(payload)
        if ours != theirs and name not in KNOWN_EXAMPLE_VERDICTS:
            surprises.append(f"{name}: ours {'valid' if ours else 'not valid'}, spec {'valid' if theirs else 'not valid'}")
        if ours == theirs and KNOWN_EXAMPLE_VERDICTS.get(name):
            surprises.append(f"{name}: listed as a known disagreement but both now agree")
    assert surprises == []
