"""LiveKit's adapter feeds one frame to its RealtimeSession's receive task, without a socket, and
reports the raw event its application gets (tox -e livekit runs this)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("livekit.plugins.openai")

from conformance.adapters.adapter import NotApplicable  # noqa: E402
from conformance.checks import Driver  # noqa: E402
from conformance.implementations.livekit.adapter import LivekitAdapter  # noqa: E402

DELTA = {"type": "response.output_audio.delta", "event_id": "e", "response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0, "delta": "AAAA"}


@pytest.fixture(scope="module")
def adapter() -> LivekitAdapter:
    return LivekitAdapter()  # on the main thread: LiveKit registers its plugins there only


def test_every_event_reaches_the_application_raw(adapter: LivekitAdapter) -> None:
    added = {"type": "conversation.item.added", "event_id": "e", "previous_item_id": None,
             "item": {"id": "i", "type": "message", "role": "user", "content": [{"type": "input_text", "text": "x"}]}}
    for event in (added, {"type": "ping", "event_id": "e"}):
        parsed = Driver(adapter).parse("server", json.dumps(event))  # in a worker thread, as every check runs
        assert (parsed.outcome, parsed.event_type, parsed.untyped) == ("accepted", event["type"], True)
        assert adapter.dump("server", parsed.obj) == event


def test_a_handler_failure_outside_a_generation_is_noted_not_judged(adapter: LivekitAdapter) -> None:
    parsed = adapter.parse("server", json.dumps(DELTA))
    assert parsed.outcome == "accepted" and "current_generation is None" in parsed.detail
    assert adapter.dump("server", parsed.obj) == DELTA  # as the listener got it, before the handler truncated it (:1288-1289)


def test_a_frame_that_is_not_json_never_reaches_the_application(adapter: LivekitAdapter) -> None:
    parsed = adapter.parse("server", "not json")
    assert parsed.outcome == "rejected" and "session ended" in parsed.detail


def test_its_application_builds_no_protocol_events(adapter: LivekitAdapter) -> None:
    assert adapter.conformance_class == "client" and not adapter.builds_events and adapter.scope.consumes is None
    with pytest.raises(NotApplicable):
        Driver(adapter).build_client({"type": "response.cancel"})
