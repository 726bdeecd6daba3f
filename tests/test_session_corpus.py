"""The session corpus keeps itself honest: every session is a well-formed transcript with a permanent,
registered id and a provenance, every event is valid, no rule above INFO fires, and every broken
copy the mutator makes is caught by the rule it names. The mutation score is computed here."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conformance.corpus import hygiene
from conformance.families import sessions as session_family
from conformance.sessions.catalogue import DOCUMENT_RULES, RULES
from conformance.sessions.mutate import Mutation, mutations, score
from conformance.sessions.rules import check_transcript
from conformance.sessions.transcript import open_transcript, parse_text

ROOT = session_family.SESSIONS_ROOT
PATHS = sorted(ROOT.glob("*.jsonl"))
TEXTS = {path.stem: path.read_text() for path in PATHS}
#: The sessions the mutator breaks: the authored ones. A capture records what one side saw (a
#: WebRTC data-channel log holds few client frames; an excerpt lacks what came before), so the
#: rules that need the rest of the session cannot be shown to catch a mutation there; captures are
#: judged as they are instead (no finding above INFO).
AUTHORED = {stem: text for stem, text in TEXTS.items() if not stem.startswith("captured-")}
MUTATIONS: list[Mutation] = [mutation for text in AUTHORED.values() for mutation in mutations(text)]

#: The sessions issue 8 asks for, by what they show.
REQUIRED = {
    "a spoken audio response": "spoken-audio-response",
    "a text response": "text-response",
    "a function call round trip": "function-call-round-trip",
    "MCP tool listing and an MCP call": "mcp-list-and-call",
    "barge-in on a WebSocket": "barge-in-websocket",
    "barge-in on WebRTC with output_audio_buffer.*": "barge-in-webrtc",
    "an out-of-band response beside a default one": "out-of-band-beside-default",
    "response.create while a response is active, answered by error": "create-while-active-error",
    "an empty commit answered by error": "empty-commit-error",
    "a transcription session": "transcription-session",
    "item create, retrieve and delete": "item-create-retrieve-delete",
    "an idle timeout": "idle-timeout",
}


def test_the_corpus_has_the_sessions_the_issue_asks_for() -> None:
    assert len(PATHS) >= 12
    assert {name: stem for name, stem in REQUIRED.items() if stem not in TEXTS} == {}


@pytest.mark.parametrize("path", PATHS, ids=[path.stem for path in PATHS])
def test_a_session_is_a_well_formed_transcript_with_id_description_and_provenance(path: Path) -> None:
    transcript = open_transcript(path)
    assert transcript.header_problem is None
    header = transcript.header
    assert header.id == path.stem
    assert header.description and header.provenance is not None and header.provenance.source
    assert header.protocol == "ga"
    assert header.excerpt is False or header.provenance.kind == "captured", "only a real capture may be an excerpt"
    frames = list(transcript)
    assert [str(frame.problem) for frame in frames if frame.problem] == []
    assert all(frame.has_event for frame in frames)


@pytest.mark.parametrize("path", PATHS, ids=[path.stem for path in PATHS])
def test_a_valid_session_has_only_valid_events_and_no_finding_above_info(path: Path) -> None:
    result = check_transcript(open_transcript(path))
    assert set(result.verdicts) == {"valid"}
    assert [f.message for f in result.findings if f.level != "INFO"] == []
    assert result.conforms
    assert result.complete or open_transcript(path).header.excerpt


def test_every_session_id_is_registered_and_none_went_missing() -> None:
    assert hygiene.id_problems("sessions", TEXTS, hygiene.load_registry()) == []


def test_renaming_a_session_fails_clearly() -> None:
    renamed = [stem for stem in TEXTS if stem != "text-response"] + ["text-response-renamed"]
    problems = hygiene.id_problems("sessions", renamed, hygiene.load_registry())
    assert problems == [
        "session id 'text-response-renamed' is not in the registry ids.json: add it to sessions.active (ids are permanent once merged; if you renamed a session, restore its old id instead)",
        "session id 'text-response' is registered but gone: ids are never renamed or silently removed; restore it, or move it to sessions.retired with a reason",
    ]


def test_no_session_carries_credentials_or_bulk_audio() -> None:
    problems = []
    for stem, text in TEXTS.items():
        for number, line in enumerate(text.splitlines(), start=1):
            problems += hygiene.credential_problems(json.loads(line), f"{stem}.jsonl:{number}")
    assert problems == []
    assert hygiene.size_problems(PATHS) == []


def test_the_family_loads_the_whole_corpus() -> None:
    loaded, errors = session_family.load()
    assert errors == [] and sorted(s.id for s in loaded) == sorted(TEXTS)


# --- broken copies ---------------------------------------------------------------------------------


def test_the_mutator_is_deterministic_and_every_copy_differs_from_its_session() -> None:
    again = [mutation for text in AUTHORED.values() for mutation in mutations(text)]
    assert again == MUTATIONS
    assert len({m.id for m in MUTATIONS}) == len(MUTATIONS)
    assert all(m.text != TEXTS[m.session] and m.rule in RULES and m.lines for m in MUTATIONS)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_each_broken_copy_is_caught_by_the_rule_it_names(mutation: Mutation) -> None:
    result = check_transcript(parse_text(mutation.text))
    named = [f for f in result.findings if f.rule == mutation.rule and f.level == mutation.level]
    assert named, f"{mutation.description}: expected {mutation.level} {mutation.rule}, got {[(f.level, f.rule) for f in result.findings]}"
    assert all(f.rule != "checker.internal" for f in result.findings)


def test_every_implemented_rule_is_caught_by_a_mutation_of_the_corpus() -> None:
    named = {m.rule for m in MUTATIONS}
    implemented = {rule.id for rule in DOCUMENT_RULES if rule.implemented and not rule.checked.startswith("do-not-flag")}
    assert implemented - named == set()


def test_the_mutation_score() -> None:
    result = score(list(AUTHORED.values()))
    per_rule = Counter(m.rule for m in MUTATIONS)
    print(f"\nmutation score: {result.caught}/{result.total} = {result.ratio:.0%} over {len(per_rule)} rules")
    assert result.total == len(MUTATIONS) and result.missed == {}
    assert result.ratio == 1.0
