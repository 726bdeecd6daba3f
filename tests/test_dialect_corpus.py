"""Each dialect's fixture corpus (fixtures/<dialect>/...) keeps itself honest, and stays out of GA's:
well-formed, registered, clean, each payload getting the verdict its fixture claims under its own
dialect; the corpus family of a dialect passes against that dialect's reference; GA's checks and
check ids are what they were."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from conformance import corpus, judge_value
from conformance.checks import Driver
from conformance.corpus import hygiene
from conformance.detection import run
from conformance.families import corpus as corpus_family
from conformance.implementations.reference.dialects import DialectReferenceAdapter
from conformance.protocol.dialects import NAMES
from conformance.schema import SHIPPED_SCHEMAS

OTHERS = [name for name in NAMES if name != "ga"]
LOADED = {name: corpus.load(dialect=name) for name in OTHERS}
ALL = [fixture for name in OTHERS for fixture in LOADED[name][0]]
_GITHUB_FILE = re.compile(r"^https://github\.com/[^/]+/[^/]+/blob/[0-9a-f]{7,40}/")


@pytest.mark.parametrize("name", OTHERS)
def test_every_fixture_of_the_dialect_loads_and_lives_in_its_folder(name: str) -> None:
    fixtures, errors = LOADED[name]
    assert errors == []
    assert len(fixtures) >= 10
    assert [f.source for f in fixtures if not f.source.startswith(f"fixtures/{name}/{f.direction}/")] == []


@pytest.mark.parametrize("name", OTHERS)
def test_every_dialect_has_valid_invalid_and_foreign_payloads_of_both_directions(name: str) -> None:
    fixtures = LOADED[name][0]
    verdicts = Counter(f.expect.verdict for f in fixtures)
    assert verdicts["valid"] >= 5 and verdicts["invalid"] >= 2 and (verdicts["unknown-type"] + verdicts["beta-name"]) >= 1
    assert {f.direction for f in fixtures} == {"client", "server"}


def test_each_payload_gets_the_verdict_its_fixture_claims_under_its_dialect() -> None:
    wrong = []
    for fixture in ALL:
        verdict = judge_value(fixture.payload, fixture.direction, fixture.protocol)
        if verdict.verdict != fixture.expect.verdict:
            wrong.append(f"{fixture.id}: claims {fixture.expect.verdict}, {fixture.protocol} says {verdict.verdict}")
        elif fixture.expect.errors is not None and sorted(fixture.expect.errors) != sorted(e.path for e in verdict.errors):
            wrong.append(f"{fixture.id}: claims errors at {fixture.expect.errors}, {fixture.protocol} reports {[e.path for e in verdict.errors]}")
    assert wrong == []


def test_every_dialect_fixture_validates_against_the_fixture_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads((SHIPPED_SCHEMAS / "fixture.schema.json").read_text()))
    problems = [f"{path.name}: {error.message}" for name in OTHERS for path in sorted((corpus.FIXTURES_ROOT / name).rglob("*.json"))
                for error in validator.iter_errors(json.loads(path.read_text()))]
    assert problems == []


def test_ids_are_unique_across_every_corpus_registered_and_none_went_missing() -> None:
    ga_ids = {f.id for f in corpus.load()[0]}
    ids = [f.id for f in ALL]
    assert [i for i, n in Counter(ids).items() if n > 1] == [] and set(ids) & ga_ids == set()
    assert hygiene.id_problems("dialect_fixtures", ids, hygiene.load_registry()) == []


def test_no_dialect_fixture_carries_credentials_or_bulk_audio() -> None:
    paths = [path for name in OTHERS for path in (corpus.FIXTURES_ROOT / name).rglob("*.json")]
    problems = [problem for path in paths for problem in hygiene.credential_problems(json.loads(path.read_text()), path.name)]
    assert problems == [] and hygiene.size_problems(paths) == []


def test_every_capture_says_where_when_from_what_and_how() -> None:
    captured = [f for f in ALL if f.provenance.kind == "captured"]
    assert len(captured) >= 25
    gaps = {}
    for fixture in captured:
        p = fixture.provenance
        missing = [name for name in ("url", "retrieved", "server", "capture_method") if not getattr(p, name)]
        if p.url and p.url.startswith("https://github.com/") and "/issues/" not in p.url and not _GITHUB_FILE.match(p.url):
            missing.append("a GitHub file url without a commit")
        if not fixture.id.startswith("captured-") or fixture.expect.verdict != "valid":
            missing.append("a capture is captured-* and valid under its dialect")
        if missing:
            gaps[fixture.id] = missing
    assert gaps == {}


def test_the_ga_corpus_is_what_it_was() -> None:
    fixtures, errors = corpus.load()
    assert errors == [] and {f.protocol for f in fixtures} == {"ga"}
    ids = {check.id for check in corpus_family.checks()}
    assert not {f.id for f in ALL} & {check_id.split("/")[1] for check_id in ids}


def test_a_broken_dialect_fixture_is_its_dialects_error_not_gas(tmp_path: Path) -> None:
    good = json.loads(next((corpus.FIXTURES_ROOT / "xai").rglob("xai-transcription-updated.json")).read_text())
    (tmp_path / "xai").mkdir()
    (tmp_path / "xai" / "xai-broken.json").write_text(json.dumps({**good, "id": "xai-broken", "level": "SOMETIMES"}))
    assert corpus.load(tmp_path) == ([], [])
    fixtures, errors = corpus.load(tmp_path, dialect="xai")
    assert fixtures == [] and len(errors) == 1 and "level" in errors[0].message


@pytest.mark.parametrize("name", OTHERS)
def test_the_dialects_reference_passes_every_check_of_its_corpus(name: str) -> None:
    checks = corpus_family.checks(dialect=name)
    results = run(DialectReferenceAdapter(name), checks)
    assert {check_id: r.message for check_id, r in results.items() if not r.passed} == {}
    assert len(results) >= 20


def test_a_dialect_payload_is_judged_under_its_own_dialect_not_gas() -> None:
    """The xAI session.updated is invalid under GA; its lossless-dump check still passes, because
    the retyping question is asked under xAI."""
    fixture = next(f for f in LOADED["xai"][0] if f.id == "xai-session-updated-16k")
    assert not judge_value(fixture.payload, "server").ok
    (check,) = [c for c in corpus_family.checks([fixture]) if c.id.endswith("/lossless-dump")]
    assert check.run(Driver(DialectReferenceAdapter("xai"))).passed
