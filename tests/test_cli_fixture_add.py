"""``realtime-conformance fixture add`` end to end, as a contributor runs it, against a temporary
copy of the corpus and the id registry: what it writes passes the corpus self-tests, and every
refusal (duplicate or retired id, a credential it cannot redact, a claim the reference contradicts,
missing metadata without a terminal) says why and writes nothing."""

from __future__ import annotations

import argparse
import base64
import io
import json
import shutil
from pathlib import Path

import pytest

from conformance import corpus, judge_value
from conformance.commands import fixture as fixture_command
from conformance.corpus import hygiene
from conformance.sessions.transcript import open_transcript

from .cli import run

PROVENANCE = ("--provenance-kind", "captured", "--source", "a test capture", "--url", "https://example.com/capture")
KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"


@pytest.fixture
def place(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the corpus and of the registry: (fixtures root, registry)."""
    root = tmp_path / "fixtures"
    shutil.copytree(corpus.FIXTURES_ROOT, root)
    registry = tmp_path / "ids.json"
    shutil.copy(hygiene.REGISTRY, registry)
    return root, registry


def add(place: tuple[Path, Path], path: Path, *options: str):
    root, registry = place
    return run("fixture", "add", path, "--fixtures-root", root, "--registry", registry, *options)


def write(tmp_path: Path, name: str, *events: object) -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(events[0]))
    else:
        path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def registered(registry: Path) -> list[str]:
    return json.loads(registry.read_text())["fixtures"]["active"]


SPEECH_STARTED = {"type": "input_audio_buffer.speech_started", "event_id": "event_Ct1OXIluGYDuYDr0t7VDt", "audio_start_ms": 1236, "item_id": "item_Ct1OXLqYLre7VW2Bz9Eoy"}


def test_a_valid_payload_becomes_a_fixture_in_the_corpus_layout(tmp_path: Path, place: tuple[Path, Path]) -> None:
    source = write(tmp_path, "one.json", SPEECH_STARTED)
    done = add(place, source, "--id", "captured-test-speech-started", "--description", "speech started, captured", *PROVENANCE,
               "--retrieved", "2026-09-20", "--server", "OpenAI Realtime API", "--model", "gpt-realtime")
    assert done.code == 0, done.err
    root, registry = place
    path = root / "server" / "input_audio_buffer.speech_started" / "captured-test-speech-started.json"
    assert str(path) in done.out
    document = json.loads(path.read_text())
    assert document["payload"] == SPEECH_STARTED
    assert document["expect"] == {"verdict": "valid"} and document["level"] == "MUST"
    assert document["provenance"] == {"kind": "captured", "source": "a test capture", "url": "https://example.com/capture",
                                      "retrieved": "2026-09-20", "server": "OpenAI Realtime API", "model": "gpt-realtime"}
    assert "captured-test-speech-started" in registered(registry)
    # What it wrote passes the corpus's own checks.
    fixtures, errors = corpus.load(root)
    assert errors == []
    assert hygiene.id_problems("fixtures", (f.id for f in fixtures), hygiene.load_registry(registry)) == []
    assert hygiene.credential_problems(document, path.name) == [] and hygiene.size_problems([path]) == []


def test_several_events_get_prefixed_ids_and_the_description_template(tmp_path: Path, place: tuple[Path, Path]) -> None:
    stopped = {"type": "input_audio_buffer.speech_stopped", "event_id": "event_Ct1OZGhMR5wnOR7lAt9PX", "audio_end_ms": 3808, "item_id": "item_Ct1OXLqYLre7VW2Bz9Eoy"}
    source = write(tmp_path, "turn.jsonl", SPEECH_STARTED, stopped, SPEECH_STARTED)
    done = add(place, source, "--id", "captured-turn", "--description", "a turn: {type} (line {line})", *PROVENANCE)
    assert done.code == 0, done.err
    root, registry = place
    assert {"captured-turn-input-audio-buffer-speech-started-1", "captured-turn-input-audio-buffer-speech-started-2",
            "captured-turn-input-audio-buffer-speech-stopped-1"} <= set(registered(registry))
    second = json.loads((root / "server/input_audio_buffer.speech_started/captured-turn-input-audio-buffer-speech-started-2.json").read_text())
    assert second["description"] == "a turn: input_audio_buffer.speech_started (line 3)"


def test_a_transcript_is_read_with_its_directions_and_lines_can_be_chosen(tmp_path: Path, place: tuple[Path, Path]) -> None:
    source = tmp_path / "session.jsonl"
    source.write_text(
        json.dumps({"transcript": {"transport": "websocket", "excerpt": True}}) + "\n"
        + json.dumps({"dir": "client", "t": 0.1, "event": {"type": "input_audio_buffer.commit"}}) + "\n"
        + json.dumps({"dir": "server", "raw": "not json"}) + "\n"
        + json.dumps({"dir": "server", "t": 0.3, "event": SPEECH_STARTED}) + "\n"
    )
    done = add(place, source, "--id", "captured-commit", "--description", "a commit", *PROVENANCE, "--lines", "2")
    assert done.code == 0, done.err
    root, _ = place
    document = json.loads((root / "client/input_audio_buffer.commit/captured-commit.json").read_text())
    assert document["direction"] == "client" and document["payload"] == {"type": "input_audio_buffer.commit"}


def test_credentials_are_redacted_and_the_redaction_recorded(tmp_path: Path, place: tuple[Path, Path]) -> None:
    error = {"type": "error", "event_id": "event_x", "error": {"type": "invalid_request_error", "code": "invalid_api_key",
             "message": f"Incorrect API key provided: {KEY}.", "param": None, "event_id": None}}
    done = add(place, write(tmp_path, "error.json", error), "--id", "captured-key-error", "--description", "bad key", *PROVENANCE)
    assert done.code == 0, done.err
    root, _ = place
    document = json.loads((root / "server/error/captured-key-error.json").read_text())
    assert document["payload"]["error"]["message"] == "Incorrect API key provided: REDACTED."
    assert document["payload"]["error"]["param"] is None  # nulls are kept as sent
    assert document["provenance"]["alterations"] == ["string at $.error.message redacted (it looked like a credential)"]
    assert "altered: string at $.error.message redacted" in done.out
    assert hygiene.credential_problems(document, "f") == []


def test_a_secret_named_member_is_redacted() -> None:
    value, paths = hygiene.redact({"tools": [{"type": "mcp", "authorization": "ya29.a0AfH6SMBx"}], "note": "kept"})
    assert value == {"tools": [{"type": "mcp", "authorization": "REDACTED"}], "note": "kept"}
    assert paths == ["$.tools[0].authorization"]
    assert hygiene.credential_problems(value, "f") == []


def test_a_credential_in_a_member_name_is_refused(tmp_path: Path, place: tuple[Path, Path]) -> None:
    event = {"type": "session.updated", "event_id": "event_x", "session": {"type": "realtime", "metadata": {KEY: "x"}}}
    done = add(place, write(tmp_path, "named.json", event), "--id", "captured-named-key", "--description", "x", *PROVENANCE)
    assert done.code == 1
    assert "the member name at $.session.metadata" in done.err and "cannot be redacted" in done.err
    assert "captured-named-key" not in registered(place[1])
    assert not list(place[0].rglob("captured-named-key.json"))


def test_a_credential_in_the_metadata_is_refused(tmp_path: Path, place: tuple[Path, Path]) -> None:
    done = add(place, write(tmp_path, "one.json", SPEECH_STARTED), "--id", "captured-url-key", "--description", "x",
               "--provenance-kind", "captured", "--source", "s", "--url", f"https://example.com/?key={KEY}")
    assert done.code == 1
    assert "cannot redact a credential" in done.err and "$.provenance.url looks like an OpenAI API key" in done.err
    assert not list(place[0].rglob("captured-url-key.json"))


def test_a_duplicate_id_is_refused_and_nothing_is_written(tmp_path: Path, place: tuple[Path, Path]) -> None:
    before = place[1].read_text()
    done = add(place, write(tmp_path, "one.json", SPEECH_STARTED), "--id", "speech-started", "--description", "x", *PROVENANCE)
    assert done.code == 1
    assert "id 'speech-started' is already in the corpus; ids are permanent, choose a new one" in done.err
    assert place[1].read_text() == before


def test_a_retired_id_is_refused_with_its_reason(tmp_path: Path, place: tuple[Path, Path]) -> None:
    registry = json.loads(place[1].read_text())
    registry["fixtures"]["retired"] = {"old-speech": "replaced by speech-started"}
    place[1].write_text(json.dumps(registry, indent=2) + "\n")
    done = add(place, write(tmp_path, "one.json", SPEECH_STARTED), "--id", "old-speech", "--description", "x", *PROVENANCE)
    assert done.code == 1
    assert "id 'old-speech' was retired (replaced by speech-started)" in done.err


def test_a_claim_the_reference_contradicts_is_refused_with_both_verdicts(tmp_path: Path, place: tuple[Path, Path]) -> None:
    event = dict(SPEECH_STARTED, audio_start_ms="1236")
    done = add(place, write(tmp_path, "bad.json", event), "--id", "captured-claim", "--description", "x", *PROVENANCE, "--expect", "valid")
    assert done.code == 1
    assert "claimed verdict 'valid', but the reference's verdict is 'invalid'" in done.err
    assert "$.audio_start_ms: expected integer" in done.err
    assert not list(place[0].rglob("captured-claim.json"))


def test_an_invalid_payload_needs_a_reason_and_records_the_error_paths(tmp_path: Path, place: tuple[Path, Path]) -> None:
    event = dict(SPEECH_STARTED, audio_start_ms="1236")
    source = write(tmp_path, "bad.json", event)
    missing = add(place, source, "--id", "captured-invalid", "--description", "x", *PROVENANCE)
    assert missing.code == 2 and "--reason is required (stdin is not a terminal" in missing.err
    done = add(place, source, "--id", "captured-invalid", "--description", "x", *PROVENANCE, "--reason", "a logger quoted the number")
    assert done.code == 0, done.err
    document = json.loads(next(place[0].rglob("captured-invalid.json")).read_text())
    assert document["expect"] == {"verdict": "invalid", "reason": "a logger quoted the number", "errors": ["$.audio_start_ms"]}
    assert document["level"] == "SHOULD"


def test_a_beta_name_goes_under_beta_with_the_reference_reason(tmp_path: Path, place: tuple[Path, Path]) -> None:
    event = {"type": "response.text.delta", "event_id": "event_1", "response_id": "resp_1", "item_id": "item_1", "output_index": 0, "content_index": 0, "delta": "Hi"}
    done = add(place, write(tmp_path, "beta.json", event), "--id", "captured-beta-text", "--description", "x", *PROVENANCE)
    assert done.code == 0, done.err
    document = json.loads((place[0] / "server/beta/captured-beta-text.json").read_text())
    assert document["expect"]["verdict"] == "beta-name" and "response.output_text.delta" in document["expect"]["reason"]


def test_missing_metadata_without_a_terminal_is_a_usage_error(tmp_path: Path, place: tuple[Path, Path]) -> None:
    done = add(place, write(tmp_path, "one.json", SPEECH_STARTED), "--description", "x", *PROVENANCE)
    assert done.code == 2
    assert "--id is required (stdin is not a terminal, so it cannot be asked for)" in done.err
    no_url = add(place, write(tmp_path, "one.json", SPEECH_STARTED), "--id", "captured-no-url", "--description", "x",
                 "--provenance-kind", "captured", "--source", "s")
    assert no_url.code == 2 and "--url is required" in no_url.err


def test_a_missing_file_is_a_usage_error(tmp_path: Path, place: tuple[Path, Path]) -> None:
    done = add(place, tmp_path / "nope.json", "--id", "x", "--description", "x", *PROVENANCE)
    assert done.code == 2 and "no such file" in done.err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_missing_metadata_is_asked_for_on_a_terminal(tmp_path: Path, place: tuple[Path, Path]) -> None:
    root, registry = place
    source = write(tmp_path, "one.json", SPEECH_STARTED)
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    fixture_command.register(commands)
    args = parser.parse_args(["fixture", "add", str(source), "--fixtures-root", str(root), "--registry", str(registry)])
    answers = _Terminal("captured-asked\nasked for on a terminal\nnot-a-kind\ncaptured\na person typed it\nhttps://example.com/t\n")
    out = io.StringIO()
    assert fixture_command.run_add(args, parser, stdin=answers, out=out) == 0
    assert "one of: authored, documented, captured" in out.getvalue()
    document = json.loads((root / "server/input_audio_buffer.speech_started/captured-asked.json").read_text())
    assert document["description"] == "asked for on a terminal"
    assert document["provenance"] == {"kind": "captured", "source": "a person typed it", "url": "https://example.com/t"}


def test_audio_is_shortened_to_fit_the_budget_and_stays_valid(tmp_path: Path, place: tuple[Path, Path]) -> None:
    pcm = bytes(range(256)) * 800  # 204,800 bytes of 16-bit PCM
    event = {"type": "response.output_audio.delta", "event_id": "event_a", "response_id": "resp_a", "item_id": "item_a",
             "output_index": 0, "content_index": 0, "delta": base64.b64encode(pcm).decode()}
    done = add(place, write(tmp_path, "audio.json", event), "--id", "captured-long-audio", "--description", "x", *PROVENANCE)
    assert done.code == 0, done.err
    path = place[0] / "server/response.output_audio.delta/captured-long-audio.json"
    assert path.stat().st_size <= hygiene.SIZE_BUDGET
    document = json.loads(path.read_text())
    kept = base64.b64decode(document["payload"]["delta"], validate=True)
    assert 0 < len(kept) < len(pcm) and len(kept) % 6 == 0 and pcm.startswith(kept)
    assert len(document["payload"]["delta"]) % 4 == 0 and not document["payload"]["delta"].endswith("=")
    assert document["provenance"]["alterations"] == [f"audio at $.delta shortened from 204,800 to {len(kept):,} bytes (a sample-aligned prefix) to fit the size budget"]
    assert judge_value(document["payload"], "server").verdict == "valid"


def test_dry_run_writes_nothing(tmp_path: Path, place: tuple[Path, Path]) -> None:
    before = place[1].read_text()
    done = add(place, write(tmp_path, "one.json", SPEECH_STARTED), "--id", "captured-dry", "--description", "x", *PROVENANCE, "--dry-run")
    assert done.code == 0 and "would write" in done.out
    assert place[1].read_text() == before and not list(place[0].rglob("captured-dry.json"))


def test_the_environment_variables_choose_the_corpus_and_registry(tmp_path: Path, place: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root, registry = place
    monkeypatch.setenv(fixture_command.ROOT_VARIABLE, str(root))
    monkeypatch.setenv(fixture_command.REGISTRY_VARIABLE, str(registry))
    done = run("fixture", "add", write(tmp_path, "one.json", SPEECH_STARTED), "--id", "captured-env", "--description", "x", *PROVENANCE)
    assert done.code == 0, done.err
    assert (root / "server/input_audio_buffer.speech_started/captured-env.json").is_file()
    assert "captured-env" in registered(registry)


def test_a_transcript_can_be_kept_whole_as_a_session(tmp_path: Path, place: tuple[Path, Path]) -> None:
    pcm = bytes(range(256)) * 400
    delta = {"type": "response.output_audio.delta", "event_id": "event_a", "response_id": "resp_a", "item_id": "item_a",
             "output_index": 0, "content_index": 0, "delta": base64.b64encode(pcm).decode()}
    error = {"type": "error", "event_id": "event_e", "error": {"type": "invalid_request_error", "message": f"bad key {KEY}"}}
    source = write(tmp_path, "stream.jsonl", SPEECH_STARTED, delta, delta, error)
    out = tmp_path / "kept" / "captured-session.jsonl"
    done = add(place, source, "--id", "captured-session", "--description", "a session kept whole", *PROVENANCE,
               "--session-out", str(out), "--transport", "webrtc", "--excerpt")
    assert done.code == 0, done.err
    assert out.stat().st_size <= hygiene.SIZE_BUDGET
    transcript = open_transcript(out)
    assert transcript.header_problem is None
    assert transcript.header.id == "captured-session" and transcript.header.transport == "webrtc" and transcript.header.excerpt
    assert transcript.header.provenance is not None and transcript.header.provenance.url == "https://example.com/capture"
    assert "Altered:" in (transcript.header.notes or "")
    frames = list(transcript)
    assert [f.event_type for f in frames] == ["input_audio_buffer.speech_started", "response.output_audio.delta", "response.output_audio.delta", "error"]
    assert all(judge_value(f.event, f.dir).verdict == "valid" for f in frames)
    assert "REDACTED" in frames[3].event["error"]["message"]


def test_a_jsonl_whose_first_event_has_a_transcript_member_is_read_as_events(tmp_path: Path, place: tuple[Path, Path]) -> None:
    # A transcription event has a "transcript" member, like a transcript header line; it is still an event.
    completed = {"type": "conversation.item.input_audio_transcription.completed", "event_id": "event_1", "item_id": "item_1",
                 "content_index": 0, "transcript": "What is 2 plus 2?", "usage": {"type": "duration", "seconds": 3}}
    done = add(place, write(tmp_path, "events.jsonl", completed, SPEECH_STARTED), "--id", "captured-transcripts", "--description", "x", *PROVENANCE)
    assert done.code == 0, done.err
    assert "captured-transcripts-conversation-item-input-audio-transcription-completed-1" in registered(place[1])
