"""Corpus hygiene as self-tests: permanent ids, no credentials, a size budget. Each rule is shown
to fail, with a clear message, on a planted problem."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conformance import corpus
from conformance.corpus import hygiene
from conformance.corpus.scenarios import SCENARIOS

from .helpers import FIXTURES

REGISTRY = hygiene.load_registry()


def test_every_fixture_id_is_registered_and_none_went_missing() -> None:
    assert hygiene.id_problems("fixtures", (f.id for f in FIXTURES), REGISTRY) == []


def test_every_scenario_id_is_registered_and_none_went_missing() -> None:
    assert hygiene.id_problems("scenarios", (s.id for s in SCENARIOS), REGISTRY) == []


def test_no_fixture_or_scenario_carries_credentials() -> None:
    problems = []
    for path in sorted(corpus.FIXTURES_ROOT.rglob("*.json")):
        problems += hygiene.credential_problems(json.loads(path.read_text()), str(path.name))
    for scenario in SCENARIOS:
        problems += hygiene.credential_problems(scenario.event, f"scenario {scenario.id}")
    assert problems == []


def test_no_fixture_is_over_the_size_budget() -> None:
    assert hygiene.size_problems(corpus.FIXTURES_ROOT.rglob("*.json")) == []


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    root = tmp_path / "fixtures"
    shutil.copytree(corpus.FIXTURES_ROOT, root)
    return root


def test_renaming_a_fixture_id_fails_clearly(corpus_copy: Path) -> None:
    old = next(corpus_copy.rglob("speech-started.json"))
    document = json.loads(old.read_text())
    document["id"] = "speech-started-renamed"
    old.unlink()
    (old.parent / "speech-started-renamed.json").write_text(json.dumps(document))
    fixtures, _ = corpus.load(corpus_copy)
    problems = hygiene.id_problems("fixtures", (f.id for f in fixtures), REGISTRY)
    assert problems == [
        "fixture id 'speech-started-renamed' is not in the registry ids.json: add it to fixtures.active (ids are permanent once merged; if you renamed a fixture, restore its old id instead)",
        "fixture id 'speech-started' is registered but gone: ids are never renamed or silently removed; restore it, or move it to fixtures.retired with a reason",
    ]


def test_reusing_a_retired_id_fails_clearly() -> None:
    registry = {"fixtures": {"active": [], "retired": {"speech-started": "replaced by speech-started-at-zero"}}}
    assert hygiene.id_problems("fixtures", ["speech-started"], registry) == [
        "fixture id 'speech-started' was retired (replaced by speech-started-at-zero); ids are never reused, choose a new one"
    ]


@pytest.mark.parametrize(
    "planted, what",
    [
        ("sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "an OpenAI API key"),
        ("ek_" + "68ab12cd34ef56ab78cd90ef12ab34cd", "an ephemeral client secret"),
        ("Bearer " + "eyJhbGciOiJIUzI1NiJ9abcdefgh", "a bearer token"),
    ],
)
def test_a_planted_credential_fails_clearly(corpus_copy: Path, planted: str, what: str) -> None:
    path = next(corpus_copy.rglob("error-invalid-request-with-param.json"))
    document = json.loads(path.read_text())
    document["payload"]["error"]["message"] = f"Incorrect API key provided: {planted}"
    problems = hygiene.credential_problems(document, path.name)
    assert f"error-invalid-request-with-param.json: $.payload.error.message looks like {what}; redact it (fixtures never carry credentials)" in problems


def test_a_secret_named_member_needs_a_placeholder() -> None:
    tool = {"type": "mcp", "server_label": "mail", "authorization": "ya29.a0AfH6SMBx"}
    assert hygiene.credential_problems({"payload": {"tools": [tool]}}, "f.json") == [
        'f.json: $.payload.tools[0].authorization is named like a secret and holds a value; replace it with "REDACTED"'
    ]
    assert hygiene.credential_problems({"authorization": "REDACTED"}, "f.json") == []


def test_an_oversized_fixture_fails_clearly(corpus_copy: Path) -> None:
    path = next(corpus_copy.rglob("output-audio-delta-20ms.json"))
    document = json.loads(path.read_text())
    document["payload"]["delta"] = "AAAA" * 40_000
    path.write_text(json.dumps(document))
    (problem,) = hygiene.size_problems(corpus_copy.rglob("*.json"))
    assert problem == f"{path}: 160,{path.stat().st_size - 160_000:03d} bytes is over the 64 KiB budget; shorten its audio (keeping it valid base64)"
