"""The client-event scenario catalogue: named client events with permanent ids.

Each scenario is a reference client event, given as its wire JSON. The snapshot family asks the
implementation to send it, through its own send path, and compares the wire JSON with the
canonical snapshot ``snapshots/<id>.json``. Together the scenarios cover every client event type
and the places where implementations go wrong: explicit nulls, every audio format and turn
detection, every tool and tool-choice form, every item variant and content part.

Ids are permanent: never rename or reuse one (the registry in ``conformance/data/ids.json``, and
its self-test, enforce it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scenario:
    id: str
    description: str
    event: dict[str, Any]

    @property
    def event_type(self) -> str:
        return self.event["type"]


def _session(**fields: Any) -> dict[str, Any]:
    return {"type": "session.update", "session": {"type": "realtime", **fields}}


def _audio_in(**fields: Any) -> dict[str, Any]:
    return {"input": fields}


_WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]},
}
_MCP = {"type": "mcp", "server_label": "docs", "server_url": "https://mcp.example.com/docs", "require_approval": "never", "allowed_tools": ["search"]}
_PCM_100MS = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/w=="

SCENARIOS: tuple[Scenario, ...] = (
    # --- session.update: turn detection --------------------------------------------------------
    Scenario("session-update-server-vad", "server VAD with every tuning field",
             _session(audio=_audio_in(turn_detection={"type": "server_vad", "threshold": 0.6, "prefix_padding_ms": 300, "silence_duration_ms": 500, "create_response": True, "interrupt_response": True, "idle_timeout_ms": 8000}))),
    Scenario("session-update-server-vad-idle-timeout-null", "server VAD with idle_timeout_ms explicitly null",
             _session(audio=_audio_in(turn_detection={"type": "server_vad", "idle_timeout_ms": None}))),
    *(Scenario(f"session-update-semantic-vad-{eagerness}", f"semantic VAD with eagerness {eagerness}",
               _session(audio=_audio_in(turn_detection={"type": "semantic_vad", "eagerness": eagerness, "create_response": True, "interrupt_response": False})))
      for eagerness in ("low", "medium", "high", "auto")),
    Scenario("session-update-turn-detection-null", "voice detection turned off (push to talk) by an explicit null",
             _session(audio=_audio_in(turn_detection=None))),
    # --- session.update: audio formats, voice, transcription, noise reduction -------------------
    Scenario("session-update-format-pcm", "PCM 24 kHz in and out, with a voice and speed",
             _session(audio={"input": {"format": {"type": "audio/pcm", "rate": 24000}}, "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin", "speed": 1.2}})),
    Scenario("session-update-format-pcmu", "G.711 µ-law in and out",
             _session(audio={"input": {"format": {"type": "audio/pcmu"}}, "output": {"format": {"type": "audio/pcmu"}}})),
    Scenario("session-update-format-pcma", "G.711 A-law in and out",
             _session(audio={"input": {"format": {"type": "audio/pcma"}}, "output": {"format": {"type": "audio/pcma"}}})),
    Scenario("session-update-custom-voice", "a custom voice object", _session(audio={"output": {"voice": {"id": "voice_1234"}}})),
    Scenario("session-update-transcription-and-noise-reduction", "input transcription with GA-only fields and far-field noise reduction",
             _session(audio=_audio_in(transcription={"model": "gpt-transcribe", "languages": ["en", "de"], "keywords": ["Spoke & Chain"], "prompt": "Bicycle parts."}, noise_reduction={"type": "far_field"}))),
    Scenario("session-update-transcription-language-only", "input transcription with only a language: the server keeps its model",
             _session(audio=_audio_in(transcription={"language": "de"}))),
    Scenario("session-update-transcription-and-noise-reduction-off", "transcription and noise reduction turned off by explicit nulls",
             _session(audio=_audio_in(transcription=None, noise_reduction=None))),
    Scenario("session-update-transcription-session", "a transcription-only session",
             {"type": "session.update", "session": {"type": "transcription", "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000}, "transcription": {"model": "gpt-realtime-whisper", "language": "en", "delay": "low"}, "turn_detection": None}}, "include": ["item.input_audio_transcription.logprobs"]}}),
    # --- session.update: tools and tool choice --------------------------------------------------
    Scenario("session-update-function-tools", "two function tools", _session(tools=[_WEATHER, {"type": "function", "name": "end_call", "description": "Hang up.", "parameters": {"type": "object", "properties": {}}}])),
    Scenario("session-update-mcp-tools", "an MCP server and an MCP connector with approval filters",
             _session(tools=[_MCP, {"type": "mcp", "server_label": "mail", "connector_id": "connector_gmail", "authorization": "REDACTED", "require_approval": {"always": {"tool_names": ["send"]}}, "allowed_callers": ["direct"]}])),
    *(Scenario(f"session-update-tool-choice-{mode}", f"tool_choice {mode}", _session(tools=[_WEATHER], tool_choice=mode)) for mode in ("auto", "none", "required")),
    Scenario("session-update-tool-choice-function", "tool_choice forcing one function", _session(tools=[_WEATHER], tool_choice={"type": "function", "name": "get_weather"})),
    Scenario("session-update-tool-choice-mcp", "tool_choice forcing one MCP tool", _session(tools=[_MCP], tool_choice={"type": "mcp", "server_label": "docs", "name": "search"})),
    Scenario("session-update-tools-cleared", "tools cleared with an empty list and instructions with an empty string", _session(tools=[], instructions="")),
    # --- session.update: tracing, truncation, prompt, reasoning ---------------------------------
    Scenario("session-update-tracing-auto", "tracing auto", _session(tracing="auto")),
    Scenario("session-update-tracing-config", "tracing with a workflow, group and metadata", _session(tracing={"workflow_name": "support-line", "group_id": "store-17", "metadata": {"region": "eu"}})),
    Scenario("session-update-tracing-null", "tracing disabled by an explicit null", _session(tracing=None)),
    Scenario("session-update-truncation-retention-ratio", "retention-ratio truncation with token limits",
             _session(truncation={"type": "retention_ratio", "retention_ratio": 0.5, "token_limits": {"post_instructions": 4000}})),
    Scenario("session-update-truncation-disabled", "truncation disabled", _session(truncation="disabled")),
    Scenario("session-update-prompt-reference", "a prompt template reference with variables", _session(prompt={"id": "pmpt_68b0c1e2d3f4", "version": "2", "variables": {"city": "Lyon", "greeting": {"type": "input_text", "text": "Bonjour"}}})),
    Scenario("session-update-full", "model, modalities, instructions, reasoning, limits and include together",
             _session(model="gpt-realtime-2", output_modalities=["text"], instructions="Be brief.", reasoning={"effort": "minimal"}, max_output_tokens="inf", parallel_tool_calls=True, include=["item.input_audio_transcription.logprobs"])),
    # --- audio buffers --------------------------------------------------------------------------
    Scenario("input-audio-buffer-append", "append a chunk of PCM audio", {"type": "input_audio_buffer.append", "audio": _PCM_100MS}),
    Scenario("input-audio-buffer-append-with-event-id", "append with a client event id, which must be kept", {"type": "input_audio_buffer.append", "event_id": "evt_client_append_1", "audio": "AAAA"}),
    Scenario("input-audio-buffer-commit", "commit the input buffer", {"type": "input_audio_buffer.commit"}),
    Scenario("input-audio-buffer-clear", "clear the input buffer", {"type": "input_audio_buffer.clear", "event_id": "evt_client_clear_1"}),
    Scenario("output-audio-buffer-clear", "WebRTC: cut off the audio being played", {"type": "output_audio_buffer.clear"}),
    # --- conversation items -----------------------------------------------------------------------
    Scenario("item-create-user-text", "a user text message", {"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "What's the weather in Lyon?"}]}}),
    Scenario("item-create-user-audio", "a user audio message with a transcript", {"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_audio", "audio": "AAAA", "transcript": "hello"}]}}),
    Scenario("item-create-user-image", "a user image with detail", {"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "What is this?"}, {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}]}}),
    Scenario("item-create-system-text", "a system message mid-conversation", {"type": "conversation.item.create", "item": {"type": "message", "role": "system", "content": [{"type": "input_text", "text": "The caller is a returning customer."}]}}),
    Scenario("item-create-assistant-text", "an assistant text message for history", {"type": "conversation.item.create", "item": {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "It is sunny in Lyon."}]}}),
    Scenario("item-create-function-call", "a function call for history", {"type": "conversation.item.create", "item": {"type": "function_call", "call_id": "call_weather_1", "name": "get_weather", "arguments": "{\"city\":\"Lyon\"}"}}),
    Scenario("item-create-function-call-output", "the output of a function call", {"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": "call_weather_1", "output": "{\"temperature_c\":21}"}}),
    Scenario("item-create-mcp-approval-response", "approving an MCP tool call", {"type": "conversation.item.create", "item": {"type": "mcp_approval_response", "id": "mcpa_1", "approval_request_id": "mcpr_1", "approve": False, "reason": "not now"}}),
    Scenario("item-create-with-ids", "an item with its own id inserted after a given item; both ids must be kept",
             {"type": "conversation.item.create", "event_id": "evt_client_item_1", "previous_item_id": "item_earlier_1", "item": {"id": "msg_client_42", "type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi"}]}}),
    Scenario("item-create-at-root-unicode", "an item at the start of the conversation with non-ASCII and empty text",
             {"type": "conversation.item.create", "previous_item_id": "root", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Grüß dich — 天気は？ 🚲"}, {"type": "input_text", "text": ""}]}}),
    Scenario("item-retrieve", "retrieve an item", {"type": "conversation.item.retrieve", "item_id": "item_003"}),
    Scenario("item-truncate", "truncate assistant audio at 1.5 s", {"type": "conversation.item.truncate", "item_id": "item_002", "content_index": 0, "audio_end_ms": 1500}),
    Scenario("item-delete", "delete an item", {"type": "conversation.item.delete", "item_id": "item_004"}),
    # --- responses ------------------------------------------------------------------------------
    Scenario("response-create-default", "a response with the session's defaults", {"type": "response.create"}),
    Scenario("response-create-out-of-band", "an out-of-band response that does not write to the conversation",
             {"type": "response.create", "response": {"conversation": "none", "output_modalities": ["text"], "instructions": "Classify the intent in one word."}}),
    Scenario("response-create-metadata", "a response with metadata to tell parallel responses apart", {"type": "response.create", "response": {"metadata": {"purpose": "summary", "turn": "7"}}}),
    Scenario("response-create-input-list", "a response over its own input items",
             {"type": "response.create", "response": {"conversation": "none", "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Summarise: the bike is ready."}]}], "max_output_tokens": 64, "tool_choice": "none", "tools": []}}),
    Scenario("response-create-audio-voice", "a response with its own voice, format and tool choice",
             {"type": "response.create", "response": {"audio": {"output": {"format": {"type": "audio/pcmu"}, "voice": "cedar"}}, "tools": [_WEATHER], "tool_choice": {"type": "function", "name": "get_weather"}, "reasoning": {"effort": "high"}}}),
    Scenario("response-cancel", "cancel the response in progress", {"type": "response.cancel"}),
    Scenario("response-cancel-by-id", "cancel a specific response", {"type": "response.cancel", "response_id": "resp_12345"}),
)

SCENARIOS_BY_ID: dict[str, Scenario] = {scenario.id: scenario for scenario in SCENARIOS}
assert len(SCENARIOS_BY_ID) == len(SCENARIOS), "scenario ids must be unique"
