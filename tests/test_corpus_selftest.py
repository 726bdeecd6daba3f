"""The corpus checks itself: every fixture matches the fixture schema, ids are unique and equal
to file stems, each payload gets from the reference models the verdict the fixture claims, and a
malformed fixture becomes one failing check instead of stopping the run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema

from conformance import corpus, judge_value
from conformance.families import corpus as corpus_family
from conformance.implementations.reference.adapter import ReferenceAdapter
from conformance.checks import Driver
from conformance.protocol.names import SERVER_EVENT_TYPES
from conformance.schema import SHIPPED_SCHEMAS

from .helpers import FIXTURE_LOAD_ERRORS, FIXTURES

SCHEMA_FILE = SHIPPED_SCHEMAS / "fixture.schema.json"


def test_every_fixture_file_loads() -> None:
    assert FIXTURE_LOAD_ERRORS == []


def test_the_committed_fixture_schema_is_the_generated_one() -> None:
    committed = json.loads(SCHEMA_FILE.read_text())
    assert committed == corpus.schema(), "regenerate it: realtime-conformance schema --fixture > conformance/schemas/fixture.schema.json"


def test_every_fixture_file_validates_against_the_fixture_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
    problems = []
    for path in sorted(corpus.FIXTURES_ROOT.rglob("*.json")):
        for error in validator.iter_errors(json.loads(path.read_text())):
            problems.append(f"{path.name}: {error.json_path}: {error.message}")
    assert problems == []


def test_ids_are_unique() -> None:
    repeated = [fixture_id for fixture_id, count in Counter(f.id for f in FIXTURES).items() if count > 1]
    assert repeated == []


def test_each_payload_gets_the_verdict_its_fixture_claims() -> None:
    wrong = []
    for fixture in FIXTURES:
        verdict = judge_value(fixture.payload, fixture.direction)
        if verdict.verdict != fixture.expect.verdict:
            wrong.append(f"{fixture.id}: claims {fixture.expect.verdict}, the reference says {verdict.verdict}")
        elif fixture.expect.errors is not None and sorted(fixture.expect.errors) != sorted(e.path for e in verdict.errors):
            wrong.append(f"{fixture.id}: claims errors at {fixture.expect.errors}, the reference reports {[e.path for e in verdict.errors]}")
    assert wrong == []


def test_the_corpus_covers_every_server_event_type_twice_and_twenty_invalid_payloads() -> None:
    valid = Counter(f.payload["type"] for f in FIXTURES if f.direction == "server" and f.expect.verdict == "valid")
    assert {t for t in SERVER_EVENT_TYPES if valid[t] < 2} == set()
    assert sum(1 for f in FIXTURES if f.direction == "server" and f.expect.verdict == "invalid") >= 20


def test_response_done_covers_every_status() -> None:
    statuses = {f.payload["response"]["status"] for f in FIXTURES if f.expect.verdict == "valid" and f.payload["type"] == "response.done"}
    assert statuses == {"completed", "cancelled", "failed", "incomplete"}


def test_a_malformed_fixture_fails_one_check_and_the_others_still_run(tmp_path: Path) -> None:
    good = next(f for f in FIXTURES if f.id == "speech-started")
    (tmp_path / "speech-started.json").write_text(good.model_dump_json())
    (tmp_path / "truncated-fixture.json").write_text('{"id": "truncated-fixture", "payload": {')
    (tmp_path / "wrong-stem.json").write_text(good.model_copy(update={"id": "other-id"}).model_dump_json())
    fixtures, errors = corpus.load(tmp_path)
    checks = corpus_family.checks(fixtures, errors)
    results = {check.id: check.run(Driver(ReferenceAdapter())) for check in checks}
    assert results["corpus/truncated-fixture/well-formed"].passed is False
    assert "truncated-fixture.json" in results["corpus/truncated-fixture/well-formed"].message
    assert "differs from the file stem" in results["corpus/wrong-stem/well-formed"].message
    assert results["corpus/speech-started/parses"].passed
    assert results["corpus/speech-started/lossless-dump"].passed
