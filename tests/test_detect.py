"""The dialect detector names the dialect of every transcript in the session corpus, says when a
stream mixes dialects, and says nothing when nothing decides it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.detect import Event, choose, detect_events, detect_path, fits
from conformance.families import sessions as session_family
from conformance.sessions.transcript import open_transcript

ROOT = session_family.SESSIONS_ROOT
FIXTURES = session_family.FIXTURES_ROOT
#: The session corpus: GA's, every dialect's, and the mixed streams.
CORPUS = sorted(ROOT.glob("*.jsonl")) + sorted(FIXTURES.glob("*/sessions/*.jsonl"))
#: The mixed streams, and what each mixes.
MIXED = {
    "mixed-ga-beta-name-leak": ("ga", ["beta"]),
    "mixed-azure-preview-ga-deltas": ("azure-preview", ["ga"]),
}


@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_detect_names_the_dialect_of_every_transcript_in_the_session_corpus(path: Path) -> None:
    (found,) = detect_path(path)
    if path.stem in MIXED:
        assert (found.dialect, found.mixed, found.confidence) == (*MIXED[path.stem], "low")
    else:
        assert (found.dialect, found.mixed) == (open_transcript(path).header.protocol, [])
        assert found.confidence in ("high", "medium") and found.evidence


def test_every_mixed_stream_of_the_corpus_is_expected() -> None:
    assert {path.stem for path in (FIXTURES / "mixed" / "sessions").glob("*.jsonl")} == set(MIXED)


def test_a_mixed_stream_shows_what_the_leading_dialect_cannot_explain_first() -> None:
    (found,) = detect_path(FIXTURES / "mixed" / "sessions" / "mixed-ga-beta-name-leak.jsonl")
    first = found.evidence[0]
    assert "`response.audio_transcript.done` fits beta, azure-preview" in first.reason and first.line is not None


def test_extension_dialects_need_their_extensions() -> None:
    assert choose(frozenset({"ga", "inworld"})) == "ga"
    assert choose(frozenset({"beta", "azure-preview"})) == "beta"
    assert choose(frozenset({"xai", "inworld"})) is None
    assert choose(frozenset({"ga", "beta"})) is None


def _events(*values: dict, direction: str = "server") -> list[Event]:
    return [Event(line, value, direction) for line, value in enumerate(values, start=1)]


def test_nothing_decides_a_stream_of_events_every_dialect_shares() -> None:
    found = detect_events(_events({"type": "input_audio_buffer.speech_started", "event_id": "e", "audio_start_ms": 0, "item_id": "i"}), "x")
    assert (found.dialect, found.confidence, found.evidence, found.mixed) == (None, "none", [], [])


def test_a_ping_says_xai_or_inworld_but_decides_neither() -> None:
    found = detect_events(_events({"type": "ping", "event_id": "e", "timestamp": 1}), "x")
    assert found.dialect is None and found.evidence[0].fits == frozenset({"xai", "inworld"})


def test_an_event_fits_the_dialects_that_know_all_its_members() -> None:
    session = {"type": "session.created", "event_id": "e", "session": {"type": "realtime", "id": "s", "object": "realtime.session",
                                                                       "output_modalities": ["audio"]}}
    fitting, verdicts = fits(session, "server")
    assert fitting == frozenset({"ga", "inworld"}) and verdicts["beta"].ok and verdicts["beta"].unknown_fields


def test_a_folder_of_payloads_is_one_input(tmp_path: Path) -> None:
    captures = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "xai").rglob("captured-*.json"))
    for capture in captures:
        (tmp_path / capture.name).write_text(json.dumps(json.loads(capture.read_text())["payload"]))
    (found,) = detect_path(tmp_path)
    assert (found.dialect, found.confidence, found.mixed) == ("xai", "high", [])
    assert all(piece.line is None and piece.reason.startswith("captured-") for piece in found.evidence if piece.fits)
    assert found.events == len(captures)


def test_a_folder_gives_one_result_per_stream() -> None:
    found = detect_path(FIXTURES / "xai" / "sessions")
    assert [Path(d.path).stem for d in found] == ["xai-spoken-audio-response", "xai-tool-call-round"]


def test_what_is_not_json_is_no_dialects(tmp_path: Path) -> None:
    stream = tmp_path / "s.jsonl"
    stream.write_text('not json\n{"type": "ping", "event_id": "e", "timestamp": 1, "previous_item_id": null}\n')
    (found,) = detect_path(stream)
    assert found.events == 1 and found.dialect == "xai"
