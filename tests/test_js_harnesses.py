"""The shipped Node.js harnesses of LiveKit's OpenAI realtime plugin (livekit-js) and the Vercel AI
SDK's OpenAI realtime codec (ai-sdk-js): each starts, declares its class, scope and parts, and reads
and sends as its README says. They skip where Node.js or the harness's `npm ci` is missing, as
`tox -e livekit-js` and `tox -e ai-sdk-js` install them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conformance.adapters import stdio
from conformance.adapters.registry import load_adapter
from conformance.adapters.stdio import HarnessFailed
from conformance.adapters.wire import WireAdapterMissing

HARNESSES = Path(__file__).resolve().parents[1] / "harnesses"
CLEARED = json.dumps({"type": "input_audio_buffer.cleared", "event_id": "event_1"})


def _installed(folder: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        shutil.which("node") is None or not (HARNESSES / folder / "node_modules").is_dir(), reason=f"needs Node.js and `npm ci` in harnesses/{folder}"
    )


@_installed("livekit-js")
def test_the_livekit_js_harness_starts_as_a_client_whose_application_builds_no_events(monkeypatch) -> None:
    monkeypatch.setenv(stdio.HARNESSES_VARIABLE, str(HARNESSES))
    adapter = load_adapter("livekit-js")
    try:
        assert (adapter.name, adapter.version, adapter.language) == ("livekit-js", "1.9.0", "javascript")
        assert adapter.describe()["harness"] == {"implementation": "@livekit/agents-plugin-openai", "protocol": 2, "wire": True}
        assert adapter.conformance_class == "client" and adapter.builds_events is False
        assert adapter.scope.consumes is None and {"mcp", "transcription-sessions", "session.forced-tool-choice"} <= set(adapter.scope.why)
        assert set(adapter.wire_adapter().leaves_to_application) == {"playback", "sequencing"}
        # Every frame that is JSON reaches the application raw (openai_server_event_received).
        parsed = adapter.parse("server", CLEARED)
        assert (parsed.outcome, parsed.untyped, parsed.event_type) == ("accepted", True, "input_audio_buffer.cleared")
        assert adapter.dump("server", parsed.obj) == json.loads(CLEARED)
        array = adapter.parse("server", "[1, 2]")
        assert (array.outcome, array.untyped, array.event_type) == ("accepted", True, None)
        rejected = adapter.parse("server", "not json")
        assert rejected.outcome == "rejected" and "JSON.parse" in rejected.detail
    finally:
        adapter.close()


@_installed("ai-sdk-js")
def test_the_ai_sdk_js_harness_starts_as_a_model_with_no_wire_part(monkeypatch) -> None:
    monkeypatch.setenv(stdio.HARNESSES_VARIABLE, str(HARNESSES))
    adapter = load_adapter("ai-sdk-js")
    try:
        assert (adapter.name, adapter.version, adapter.language) == ("ai-sdk-js", "4.0.118", "javascript")
        assert adapter.conformance_class == "model" and adapter.builds_events is True
        with pytest.raises(WireAdapterMissing):
            adapter.wire_adapter()
        delta = {"type": "response.output_audio.delta", "event_id": "e", "response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0, "delta": "AAAA"}
        parsed = adapter.parse("server", json.dumps(delta))
        assert (parsed.outcome, parsed.untyped, parsed.event_type) == ("accepted", False, "response.output_audio.delta")
        assert adapter.dump("server", parsed.obj) == delta
        # No normalized event: { type: 'custom', rawType, raw }.
        untyped = adapter.parse("server", CLEARED)
        assert (untyped.outcome, untyped.untyped) == ("accepted", True)
        # The mapper fills in a status the server left out.
        done = adapter.parse("server", json.dumps({"type": "response.done", "event_id": "e", "response": {"id": "r"}}))
        assert adapter.dump("server", done.obj)["response"]["status"] == "completed"
        sent = json.loads(adapter.build_client({"type": "session.update", "session": {"type": "realtime", "instructions": "Hi.", "tracing": None}}))
        assert sent == {"type": "session.update", "session": {"type": "realtime", "model": "gpt-realtime", "instructions": "Hi.", "tracing": None}}
        with pytest.raises(HarnessFailed, match="cannot send conversation.item.delete"):
            adapter.build_client({"type": "conversation.item.delete", "item_id": "item_1"})
    finally:
        adapter.close()
