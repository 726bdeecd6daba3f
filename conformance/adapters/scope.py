"""What an implementation declares about itself beyond its capabilities: its conformance class, and,
for a client, its scope — the server events it hands to its application, and the features it can send.

* ``model`` — a typed model of the protocol that others build on (the openai SDK's types, pipecat's
  events module, a zod schema set): every event modelled and read back losslessly, every client
  event built unchanged.
* ``client`` — what an application builds on (a service, an agent session, an SDK connection):
  judged by what reaches the application and what goes on the wire, within its scope.
* ``server`` and ``proxy`` — judged through the probe.

The vocabulary of features (:data:`FEATURES`) has permanent ids: a scope names them, and reports
print them. :func:`features_of` says what a client event needs sent, :func:`produced_by` which
features a server event presupposes. How a class and a scope turn into levels is
:mod:`conformance.classes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

ConformanceClass = Literal["model", "client", "server", "proxy"]
CLASSES: tuple[ConformanceClass, ...] = ("model", "client", "server", "proxy")


# --- features a client can send --------------------------------------------------------------

#: Every feature a client may or may not be able to send, with what it is. Permanent ids: a scope
#: names them, and reports print them.
FEATURES: dict[str, str] = {
    "text-input": "the user's text as a conversation item",
    "audio-input": "the user's audio through the input audio buffer, or as an audio item",
    "image-input": "an image as a conversation item",
    "function-calls": "function tools, and function call outputs sent back",
    "mcp": "MCP tools and approval responses",
    "transcription-sessions": "a transcription-only session (session.type transcription)",
    "out-of-band-responses": "responses outside the default conversation, or over a chosen input",
    "truncation": "truncating an assistant's audio item (conversation.item.truncate)",
    "cancel": "cancelling a response in progress (response.cancel)",
    "conversation-items": "system and assistant items, or an item placed after a chosen one",
    "item-retrieve": "conversation.item.retrieve",
    "item-delete": "conversation.item.delete",
    "output-audio-buffer": "output_audio_buffer.clear (WebRTC and SIP)",
    "session.instructions": "instructions",
    "session.voice": "the output voice, a custom voice included",
    "session.speed": "the output speed",
    "session.output-modalities": "output modalities",
    "session.audio-formats": "input and output audio formats",
    "session.turn-detection": "voice activity detection settings (server_vad, semantic_vad and their members)",
    "session.turn-detection-responses": "voice activity detection that leaves creating or interrupting responses to the client (create_response or interrupt_response false)",
    "session.turn-detection-off": "voice activity detection off (turn_detection: null)",
    "session.idle-timeout": "the turn detection idle timeout (idle_timeout_ms)",
    "session.transcription": "input audio transcription settings, or null to turn it off",
    "session.transcription-extras": "input transcription members beyond model, language and prompt (languages, keywords, delay)",
    "session.noise-reduction": "input noise reduction settings, or null to turn it off",
    "session.tool-choice": "tool_choice as auto, none or required",
    "session.forced-tool-choice": "a tool_choice object that forces one function or MCP tool",
    "session.tracing": "tracing",
    "session.truncation": "the conversation truncation strategy",
    "session.prompt": "a stored prompt reference",
    "session.max-output-tokens": "max_output_tokens",
    "session.include": "include",
    "response.settings": "per-response settings (instructions, modalities, voice, tools, tool_choice, metadata)",
}

#: Features a client that sends the first has too, unless its scope's ``why`` says it has not (a
#: finer feature added after scopes were written: every client that sends voice activity detection
#: settings sends their members, but one refuses some values).
IMPLIED_BY = {"session.turn-detection-responses": "session.turn-detection", "session.transcription-extras": "session.transcription"}
#: The input transcription members every transcription setting has; any other is an extra.
_BASIC_TRANSCRIPTION = frozenset({"model", "language", "prompt"})


def _transcription_extras(session: Any) -> bool:
    """Whether a session (sent or echoed) sets input transcription members beyond the basic ones."""
    audio = session.get("audio") if isinstance(session, dict) else None
    audio_input = audio.get("input") if isinstance(audio, dict) else None
    transcription = audio_input.get("transcription") if isinstance(audio_input, dict) else None
    return isinstance(transcription, dict) and bool(set(transcription) - _BASIC_TRANSCRIPTION)

_SESSION_MEMBERS = {
    "instructions": "session.instructions",
    "output_modalities": "session.output-modalities",
    "tool_choice": "session.tool-choice",
    "tracing": "session.tracing",
    "truncation": "session.truncation",
    "prompt": "session.prompt",
    "max_output_tokens": "session.max-output-tokens",
    "include": "session.include",
}


def features_of(event: Any) -> frozenset[str]:
    """The features a client needs to send ``event`` (a client event's wire JSON)."""
    if not isinstance(event, dict):
        return frozenset()
    kind = event.get("type")
    found: set[str] = set()
    if kind == "session.update":
        found |= _session_features(event.get("session"))
    elif kind == "response.create":
        response = event.get("response")
        if isinstance(response, dict):
            if response.get("conversation") == "none" or "input" in response:
                found.add("out-of-band-responses")
            if set(response) - {"conversation", "input"}:
                found.add("response.settings")
            found |= _tool_features(response.get("tools"), response.get("tool_choice"))
    elif kind == "conversation.item.create":
        found |= _item_features(event.get("item"))
        if "previous_item_id" in event:
            found.add("conversation-items")
    elif isinstance(kind, str) and kind.startswith("input_audio_buffer."):
        found.add("audio-input")
    else:
        found |= {
            "conversation.item.truncate": {"truncation"},
            "conversation.item.retrieve": {"item-retrieve"},
            "conversation.item.delete": {"item-delete"},
            "response.cancel": {"cancel"},
            "output_audio_buffer.clear": {"output-audio-buffer"},
        }.get(str(kind), set())
    return frozenset(found)


def _session_features(session: Any) -> set[str]:
    if not isinstance(session, dict):
        return set()
    found = {feature for member, feature in _SESSION_MEMBERS.items() if member in session}
    if session.get("type") == "transcription":
        found.add("transcription-sessions")
    found |= _tool_features(session.get("tools"), session.get("tool_choice"))
    audio = session.get("audio") if isinstance(session.get("audio"), dict) else {}
    audio_input = audio.get("input") if isinstance(audio.get("input"), dict) else {}
    audio_output = audio.get("output") if isinstance(audio.get("output"), dict) else {}
    if "format" in audio_input or "format" in audio_output:
        found.add("session.audio-formats")
    if "turn_detection" in audio_input:
        detection = audio_input["turn_detection"]
        found.add("session.turn-detection-off" if detection is None else "session.turn-detection")
        if isinstance(detection, dict) and "idle_timeout_ms" in detection:
            found.add("session.idle-timeout")
        if isinstance(detection, dict) and (detection.get("create_response") is False or detection.get("interrupt_response") is False):
            found.add("session.turn-detection-responses")
    if "transcription" in audio_input:
        found.add("session.transcription")
        if _transcription_extras(session):
            found.add("session.transcription-extras")
    if "noise_reduction" in audio_input:
        found.add("session.noise-reduction")
    if "voice" in audio_output:
        found.add("session.voice")
    if "speed" in audio_output:
        found.add("session.speed")
    return found


def _tool_features(tools: Any, tool_choice: Any) -> set[str]:
    found: set[str] = set()
    for tool in tools if isinstance(tools, list) else ():
        if isinstance(tool, dict):
            found.add("mcp" if tool.get("type") == "mcp" else "function-calls")
    if isinstance(tool_choice, dict):
        found |= {"mcp" if tool_choice.get("type") == "mcp" else "function-calls", "session.forced-tool-choice"}
    return found


def _item_features(item: Any) -> set[str]:
    if not isinstance(item, dict):
        return set()
    kind, role = item.get("type"), item.get("role")
    if kind in ("function_call", "function_call_output"):
        return {"function-calls"}
    if kind in ("mcp_approval_response", "mcp_approval_request", "mcp_call", "mcp_list_tools"):
        return {"mcp"}
    if kind == "message" and role in ("system", "assistant"):
        return {"conversation-items"}
    found = set()
    for part in item.get("content") or ():
        if isinstance(part, dict):
            found.add({"input_audio": "audio-input", "input_image": "image-input"}.get(str(part.get("type")), "text-input"))
    return found or {"text-input"}


#: Server events that only follow a feature the client sent: without it, no server sends them.
_PRODUCED_BY: dict[str, frozenset[str]] = {
    "input_audio_buffer.timeout_triggered": frozenset({"session.idle-timeout"}),
    "input_audio_buffer.committed": frozenset({"audio-input"}),
    "input_audio_buffer.cleared": frozenset({"audio-input"}),
    "input_audio_buffer.speech_started": frozenset({"audio-input"}),
    "input_audio_buffer.speech_stopped": frozenset({"audio-input"}),
    "conversation.item.input_audio_transcription.delta": frozenset({"audio-input", "session.transcription"}),
    "conversation.item.input_audio_transcription.completed": frozenset({"audio-input", "session.transcription"}),
    "conversation.item.input_audio_transcription.segment": frozenset({"audio-input", "session.transcription"}),
    "conversation.item.input_audio_transcription.failed": frozenset({"audio-input", "session.transcription"}),
    "conversation.item.truncated": frozenset({"truncation"}),
    "conversation.item.retrieved": frozenset({"item-retrieve"}),
    "conversation.item.deleted": frozenset({"item-delete"}),
    "mcp_list_tools.in_progress": frozenset({"mcp"}),
    "mcp_list_tools.completed": frozenset({"mcp"}),
    "mcp_list_tools.failed": frozenset({"mcp"}),
    "response.mcp_call_arguments.delta": frozenset({"mcp"}),
    "response.mcp_call_arguments.done": frozenset({"mcp"}),
    "response.mcp_call.in_progress": frozenset({"mcp"}),
    "response.mcp_call.completed": frozenset({"mcp"}),
    "response.mcp_call.failed": frozenset({"mcp"}),
    "response.function_call_arguments.delta": frozenset({"function-calls"}),
    "response.function_call_arguments.done": frozenset({"function-calls"}),
}


def produced_by(event: Any) -> frozenset[str]:
    """The features without which no server sends ``event`` (a server event's wire JSON)."""
    if not isinstance(event, dict):
        return frozenset()
    found = set(_PRODUCED_BY.get(str(event.get("type")), ()))
    for key in ("item", "session"):
        value = event.get(key)
        if isinstance(value, dict):
            kind = value.get("type")
            if key == "item" and isinstance(kind, str) and kind.startswith("mcp_"):
                found.add("mcp")
            elif key == "item" and kind in ("function_call", "function_call_output"):
                found.add("function-calls")
            elif key == "session" and kind == "transcription":
                found.add("transcription-sessions")
            if key == "session" and isinstance(value.get("tool_choice"), dict):
                found.add("session.forced-tool-choice")  # the echo of a tool_choice object the client set
            if key == "session" and _transcription_extras(value):
                found.add("session.transcription-extras")  # the echo of what the client set
    return frozenset(found)


# --- scope --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a client uses of the protocol. ``None`` means all of it."""

    #: The server event types it hands to the application (typed or raw).
    consumes: frozenset[str] | None = None
    #: The features (:data:`FEATURES`) it can send.
    sends: frozenset[str] | None = None
    #: Why, for each feature it cannot send, where that shows in the library (file and line).
    why: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.sends or ()) - set(FEATURES))
        if unknown:
            raise ValueError(f"unknown feature(s) {unknown}; known: {sorted(FEATURES)}")

    def uses(self, event_type: str | None) -> bool:
        return self.consumes is None or event_type is None or event_type in self.consumes

    def unsendable(self, features: Iterable[str]) -> list[str]:
        """The features it cannot send; ``a|b`` asks for either (a user's turn typed or spoken)."""
        if self.sends is None:
            return []
        sends, why = self.sends, self.why or {}

        def sent(part: str) -> bool:
            return part in sends or (part in IMPLIED_BY and IMPLIED_BY[part] in sends and part not in why)

        return sorted(feature for feature in set(features) if not any(sent(part) for part in feature.split("|")))

    def to_json(self) -> dict[str, Any]:
        return {
            "consumes": None if self.consumes is None else sorted(self.consumes),
            "sends": None if self.sends is None else sorted(self.sends),
            "cannot_send": None if self.sends is None else self.unsendable(FEATURES),
            "why": dict(self.why or {}),
        }

    @classmethod
    def from_json(cls, data: Any) -> Scope:
        if not isinstance(data, dict):
            return cls()
        consumes, sends = data.get("consumes"), data.get("sends")
        return cls(None if consumes is None else frozenset(consumes), None if sends is None else frozenset(sends), data.get("why") or None)


EVERYTHING = Scope()
