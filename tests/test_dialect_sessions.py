"""Each dialect's sessions (fixtures/<dialect>/sessions/) keep themselves honest: well-formed,
registered, valid under their dialect with no finding above INFO once the dialect's ordering
differences apply, every mutated copy caught by the rule it names; and those ordering differences
are real: the same session read as GA breaks the rule the dialect relaxes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.corpus import hygiene
from conformance.detection import run
from conformance.families import sessions as session_family
from conformance.implementations.reference.dialects import DialectReferenceAdapter
from conformance.protocol.dialects import NAMES
from conformance.sessions.mutate import Mutation, mutations
from conformance.sessions.rules import check_transcript
from conformance.sessions.transcript import open_transcript, parse_text

FIXTURES = session_family.FIXTURES_ROOT
OTHERS = [name for name in NAMES if name != "ga"]
PATHS = sorted(path for name in OTHERS for path in (FIXTURES / name / "sessions").glob("*.jsonl"))
MIXED = sorted((FIXTURES / "mixed" / "sessions").glob("*.jsonl"))
TEXTS = {path.stem: path.read_text() for path in PATHS}
MUTATIONS: list[Mutation] = [mutation for text in TEXTS.values() for mutation in mutations(text)]


@pytest.mark.parametrize("name", OTHERS)
def test_every_dialect_has_at_least_two_sessions(name: str) -> None:
    assert len(list((FIXTURES / name / "sessions").glob("*.jsonl"))) >= 2


@pytest.mark.parametrize("path", PATHS + MIXED, ids=[path.stem for path in PATHS + MIXED])
def test_a_session_is_a_well_formed_transcript_of_its_dialect(path: Path) -> None:
    transcript = open_transcript(path)
    header = transcript.header
    assert transcript.header_problem is None and header.id == path.stem and header.description and header.provenance is not None
    folder = path.parent.parent.name
    assert path.stem.startswith(folder + "-")
    if folder != "mixed":
        assert header.protocol == folder
    assert [str(frame.problem) for frame in transcript if frame.problem] == []


@pytest.mark.parametrize("path", PATHS, ids=[path.stem for path in PATHS])
def test_a_session_is_valid_under_its_dialect_with_no_finding_above_info(path: Path) -> None:
    result = check_transcript(open_transcript(path))
    assert result.dialect == path.parent.parent.name
    assert set(result.verdicts) == {"valid"}
    assert [f.message for f in result.findings if f.level != "INFO"] == []
    assert result.complete and result.conforms


def test_every_session_id_is_registered_and_none_went_missing() -> None:
    assert hygiene.id_problems("dialect_sessions", [path.stem for path in PATHS + MIXED], hygiene.load_registry()) == []


def test_no_session_carries_credentials_or_bulk_audio() -> None:
    problems = [problem for path in PATHS + MIXED for number, line in enumerate(path.read_text().splitlines(), 1)
                for problem in hygiene.credential_problems(json.loads(line), f"{path.name}:{number}")]
    assert problems == [] and hygiene.size_problems(PATHS + MIXED) == []


def test_the_ga_session_corpus_is_what_it_was() -> None:
    loaded, errors = session_family.load()
    assert errors == [] and {session.dialect for session in loaded} == {"ga"}
    assert not {session.id for session in loaded} & set(TEXTS)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_each_broken_copy_is_caught_by_the_rule_it_names(mutation: Mutation) -> None:
    result = check_transcript(parse_text(mutation.text))
    assert any(f.rule == mutation.rule and f.level == mutation.level for f in result.findings), mutation.description
    assert all(f.rule != "checker.internal" for f in result.findings)


def test_the_mutations_reach_a_fair_share_of_the_rules() -> None:
    assert len(MUTATIONS) >= 100 and len({m.rule for m in MUTATIONS}) >= 20


@pytest.mark.parametrize("name", OTHERS)
def test_the_dialects_reference_passes_the_session_family(name: str) -> None:
    checks = session_family.checks(dialect=name)
    assert len(checks) >= 6
    assert {check_id: r.message for check_id, r in run(DialectReferenceAdapter(name), checks).items() if not r.passed} == {}


# --- the ordering differences are applied, and only under their dialect --------------------------------


def _levels(path: Path, dialect: str | None = None) -> set[tuple[str, str]]:
    return {(f.level, f.rule) for f in check_transcript(open_transcript(path), dialect=dialect).findings if f.level != "INFO"}


def test_inworld_continues_after_a_tool_output_where_ga_waits_for_response_create() -> None:
    path = FIXTURES / "inworld" / "sessions" / "inworld-tool-call-auto-continue.jsonl"
    assert ("SHOULD", "function.output-then-create") in _levels(path, "ga")
    assert _levels(path) == set()


def test_the_beta_and_xai_owe_no_item_done() -> None:
    beta = FIXTURES / "beta" / "sessions" / "beta-spoken-audio-response.jsonl"
    assert ("SHOULD", "event.verdict") in _levels(beta, "ga")  # its names are beta names under GA
    xai = FIXTURES / "xai" / "sessions" / "xai-spoken-audio-response.jsonl"
    as_ga = check_transcript(open_transcript(xai), dialect="ga")
    assert as_ga.verdicts["invalid"] > 0
    assert _levels(xai) == set()


def test_xai_never_owes_the_output_text_done_it_does_not_send() -> None:
    lines = [
        {"transcript": {"protocol": "xai"}},
        {"dir": "server", "event": {"type": "session.created", "event_id": "e1", "session": {"id": "s", "object": "realtime.session"}}},
        {"dir": "server", "event": {"type": "response.created", "event_id": "e2", "response": {"id": "r", "object": "realtime.response", "status": "in_progress", "output": []}}},
        {"dir": "server", "event": {"type": "response.output_item.added", "event_id": "e3", "response_id": "r", "output_index": 0,
                                    "item": {"id": "i", "type": "message", "role": "assistant", "content": []}}},
        {"dir": "server", "event": {"type": "response.content_part.added", "event_id": "e4", "response_id": "r", "item_id": "i", "output_index": 0,
                                    "content_index": 0, "part": {"type": "text", "text": ""}}},
        {"dir": "server", "event": {"type": "response.output_text.delta", "event_id": "e5", "response_id": "r", "item_id": "i", "output_index": 0,
                                    "content_index": 0, "delta": "hi"}},
        {"dir": "server", "event": {"type": "response.content_part.done", "event_id": "e6", "response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0}},
        {"dir": "server", "event": {"type": "response.output_item.done", "event_id": "e7", "response_id": "r", "output_index": 0,
                                    "item": {"id": "i", "type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "hi"}]}}},
        {"dir": "server", "event": {"type": "response.done", "event_id": "e8", "response": {"id": "r", "object": "realtime.response", "status": "completed", "output": []}}},
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    owed = lambda dialect: [f.rule for f in check_transcript(parse_text(text), dialect=dialect).findings if f.rule == "response.closes-open-parts"]  # noqa: E731
    assert owed("xai") == []
    assert owed("inworld") == ["response.closes-open-parts"]
