"""The session family: each corpus session replayed through the implementation, frame by frame. The
reference passes every check; the deliberately broken implementations it should catch, it catches;
it reads client frames only for implementations that play the server side, and skips events of
transports the implementation does not use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.checks import Driver, run_check
from conformance.detection import all_checks, matrix, run
from conformance.families import sessions
from conformance.adapters.adapter import Parsed
from conformance.broken.parsers import BROKEN_BY_NAME
from conformance.implementations.reference.adapter import ReferenceAdapter
from conformance.sessions.transcript import parse_text

CHECKS = sessions.checks()
BY_ID = {check.id: check for check in CHECKS}

#: Broken implementations the session family catches, and the session checks that catch each
#: (the ids to add to their ``caught_by`` in broken.py).
CAUGHT_BY = {
    "ignores-mcp-events": ("session/mcp-list-and-call/loses",),
    "wrong-discriminator-mapping": ("session/barge-in-websocket/mistakes", "session/spoken-audio-response/mistakes"),
    "rejects-null-optional-fields": ("session/text-response/rejects", "session/barge-in-webrtc/rejects"),
}

#: A recorded session as real traffic has it: an unknown vendor event and a beta name leaked into GA.
RECORDED = "\n".join(json.dumps(line) for line in [
    {"transcript": {"transport": "webrtc"}},
    {"dir": "server", "event": {"type": "session.created", "event_id": "e1", "session": {"type": "realtime", "object": "realtime.session", "id": "s1"}}},
    {"dir": "server", "event": {"type": "xai.ping", "event_id": "e2"}},
    {"dir": "server", "event": {"type": "response.audio.delta", "event_id": "e3", "response_id": "r1", "item_id": "i1", "output_index": 0,
                                "content_index": 0, "delta": "AAAA"}},
    {"dir": "client", "event": {"type": "response.create"}},
])


def test_three_checks_per_corpus_session_with_permanent_ids() -> None:
    loaded, errors = sessions.load()
    assert errors == []
    assert len(CHECKS) == 3 * len(loaded)
    assert {check.id.split("/")[2] for check in CHECKS} == {"loses", "rejects", "mistakes"}
    assert all(check.family == "session" and check.level == "MUST" and check.source.startswith("fixtures/sessions/") for check in CHECKS)
    assert "session/barge-in-webrtc/loses" in BY_ID


def test_the_reference_passes_every_session_check() -> None:
    failing = {check_id: result.message for check_id, result in run(ReferenceAdapter(), CHECKS).items() if not result.passed}
    assert failing == {}


@pytest.mark.parametrize("name", sorted(CAUGHT_BY))
def test_broken_implementations_the_session_family_catches(name: str) -> None:
    results = run(BROKEN_BY_NAME[name].adapter(), [BY_ID[check_id] for check_id in CAUGHT_BY[name]], timeout=0.5)
    slipped = [check_id for check_id in CAUGHT_BY[name] if results[check_id].passed]
    assert slipped == []


def test_a_failure_names_the_lines_and_events() -> None:
    result = run(BROKEN_BY_NAME["ignores-mcp-events"].adapter(), [BY_ID["session/mcp-list-and-call/loses"]])["session/mcp-list-and-call/loses"]
    assert result.message.startswith("ignored 7 of the 46 valid GA events of session mcp-list-and-call: line 5 `mcp_list_tools.in_progress`: ignored;")
    assert result.message.endswith("and 1 more")


def test_the_matrix_counts_session_failures() -> None:
    (row,) = matrix(("session",), [BROKEN_BY_NAME["ignores-mcp-events"]])
    assert row.caught["session"] == 1
    assert "session/mcp-list-and-call/loses" in all_checks(("session",))


def recorded_checks() -> dict[str, object]:
    session = sessions.recorded(parse_text(RECORDED), "recorded-webrtc-call")
    assert [frame.verdict for frame in session.frames] == ["valid", "unknown-type", "beta-name", "valid"]
    return {check.id: check for check in sessions.checks([session])}


def test_recorded_sessions_with_unknown_events_get_a_tolerance_check() -> None:
    checks = recorded_checks()
    assert sorted(checks) == [f"session/recorded-webrtc-call/{name}" for name in ("loses", "mistakes", "rejects", "tolerates-unknown")]
    assert all(result.passed for result in run(ReferenceAdapter(), checks.values()).values())


@pytest.mark.parametrize("name", ["raises-on-unknown-type", "unknown-type-as-first-event", "beta-name-as-text-delta", "hangs-on-unknown-type"])
def test_the_tolerance_check_catches_readers_that_break_on_unknown_events(name: str) -> None:
    check = recorded_checks()["session/recorded-webrtc-call/tolerates-unknown"]
    result = run(BROKEN_BY_NAME[name].adapter(), [check], timeout=0.5)[check.id]  # type: ignore[list-item, attr-defined]
    assert not result.passed and "session recorded-webrtc-call" in result.message


class _ClientLibrary(ReferenceAdapter):
    """Plays the client side only, over WebSocket only; chokes on client events and ignores the
    output audio buffer, neither of which a WebSocket client library ever reads."""

    name = "client-library"
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})

    def parse(self, direction, text):  # type: ignore[no-untyped-def]
        if direction == "client":
            raise AssertionError("a client library never parses client events")
        if json.loads(text)["type"].startswith("output_audio_buffer."):
            return Parsed("ignored")
        return super().parse(direction, text)


class _Server(ReferenceAdapter):
    """Plays the server side too, but rejects every client event."""

    name = "rejecting-server"

    def parse(self, direction, text):  # type: ignore[no-untyped-def]
        return Parsed("rejected", detail="no") if direction == "client" else super().parse(direction, text)


def test_client_frames_are_read_only_by_implementations_that_play_the_server_side() -> None:
    check = BY_ID["session/text-response/rejects"]
    assert run_check(check, Driver(_ClientLibrary()))[:2] == (True, "")
    passed, message, _ = run_check(check, Driver(_Server()))
    assert passed is False and "`response.create`: rejected: no" in message


def test_events_of_other_transports_are_skipped() -> None:
    assert run_check(BY_ID["session/barge-in-webrtc/loses"], Driver(_ClientLibrary()))[:2] == (True, "")
    ignoring_everywhere = type("Ignoring", (_ClientLibrary,), {"transports": frozenset({"websocket", "webrtc"})})()
    passed, message, _ = run_check(BY_ID["session/barge-in-webrtc/loses"], Driver(ignoring_everywhere))
    assert passed is False and "`output_audio_buffer.started`: ignored" in message


def test_a_malformed_session_file_fails_one_check_not_the_run(tmp_path: Path) -> None:
    (tmp_path / "good.jsonl").write_text((sessions.SESSIONS_ROOT / "text-response.jsonl").read_text().replace('"id":"text-response"', '"id":"good"'))
    (tmp_path / "renamed.jsonl").write_text((sessions.SESSIONS_ROOT / "text-response.jsonl").read_text())
    (tmp_path / "broken.jsonl").write_text('{"transcript": {"id": "broken"}}\nnot json\n')
    loaded, errors = sessions.load(tmp_path)
    assert [s.id for s in loaded] == ["good"]
    checks = {check.id: check for check in sessions.checks(loaded, errors)}
    assert {"session/broken/well-formed", "session/renamed/well-formed", "session/good/loses"} <= set(checks)
    results = run(ReferenceAdapter(), checks.values())
    assert not results["session/broken/well-formed"].passed and "line 2" in results["session/broken/well-formed"].message
    assert "differs from the file stem" in results["session/renamed/well-formed"].message
    assert results["session/good/loses"].passed


def test_a_missing_session_corpus_fails_instead_of_checking_nothing(tmp_path: Path) -> None:
    loaded, errors = sessions.load(tmp_path / "sessions")
    (check,) = sessions.checks(loaded, errors)
    assert check.id == "session/sessions/well-formed"
    assert not run(ReferenceAdapter(), [check])[check.id].passed
