"""Semantic Kernel's OpenAI realtime client over WebSocket
(``semantic_kernel.connectors.ai.open_ai.OpenAIRealtimeWebsocket``), as a *client*: what its
application receives, and what its send path puts on the wire.

Receiving (semantic_kernel/connectors/ai/open_ai/services/_open_ai_realtime.py): ``receive()``
iterates the openai SDK's ``AsyncRealtimeConnection`` (``async for event in self.connection``,
:953), so every frame goes through the SDK's ``parse_event``, ``construct_type_unchecked`` over the
``RealtimeServerEvent`` union (openai/resources/realtime/realtime.py:425-431). A GA audio delta
becomes a ``RealtimeAudioEvent`` whose ``AudioContent`` decodes the base64 (:954-962); every other
event goes through ``_parse_event`` (:294-362), which yields a ``RealtimeTextEvent`` for text and
transcript deltas, a ``RealtimeFunctionCallEvent`` for argument deltas (the name looked up by call id,
:334-346), runs the function for ``response.function_call_arguments.done`` when a kernel is set
(:442-517), and a plain ``RealtimeEvent`` for the rest. Each carries the SDK's typed object as
``service_event``: the application gets every event, typed by the SDK.

The adapter drives that very ``receive()`` on a fresh ``OpenAIRealtimeWebsocket`` whose connection is
the SDK's own ``AsyncRealtimeConnection`` over a stand-in socket holding one frame, and reports the
first event's ``service_event`` (its ``type``, and the event type of its class), dumped with
``to_dict()``; *rejected* when ``receive()`` raises (its loop ends: the application's ``async for``
ends with the exception). ``_parse_event`` keeps one piece of state: the function name per call id,
learnt from the ``response.output_item.added`` that a server sends before any argument delta of its
call (session-rules.md). For ``response.function_call_arguments.delta`` the adapter first plays that
``response.output_item.added`` (its ``call_id``, a plugin-function name), as a server does.

Sending: the application sends ``RealtimeEvent`` s (``send``, :523-702): typed ones for text, audio,
function calls and results, and ``RealtimeEvent(service_type=..., service_event={...})`` for the other
client events, from whose data ``send`` builds the SDK's typed event (``_create_openai_realtime_client_event``,
:161-232), sent with ``to_json(exclude_unset=True)`` (openai/resources/realtime/realtime.py:411-423).
A ``session.update`` is an ``OpenAIRealtimeExecutionSettings``, turned into the session by
``prepare_settings_dict`` (open_ai_realtime_execution_settings.py:82-123). The adapter builds each
event as an application does from the reference event's members, and reports what reached the socket.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
from typing import Any

from ...adapters.adapter import Adapter, Direction, NotImplementedCapability, Capability, Parsed
from ...adapters.scope import Scope
from ..openai_types.adapter import _declared_type

REALTIME = "semantic_kernel/connectors/ai/open_ai/services/_open_ai_realtime.py"
SETTINGS = "semantic_kernel/connectors/ai/open_ai/prompt_execution_settings/open_ai_realtime_execution_settings.py"


class _Socket:
    """Stands in for the websocket under the SDK's connection: frames to read, and what was sent."""

    def __init__(self, frames: list[str]) -> None:
        self.frames = frames
        self.sent: list[str] = []

    async def recv(self, decode: bool | None = None) -> bytes:
        from websockets.exceptions import ConnectionClosedOK
        from websockets.frames import Close

        if self.frames:
            return self.frames.pop(0).encode()
        raise ConnectionClosedOK(Close(1000, ""), Close(1000, ""), True)  # the iterator ends quietly

    async def send(self, data: str | bytes) -> None:
        self.sent.append(data if isinstance(data, str) else data.decode())

    async def close(self, code: int = 1000, reason: str = "") -> None:
        pass


class SemanticKernelAdapter(Adapter):
    name = "semantic-kernel"
    conformance_class = "client"
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})
    scope = Scope(
        # every event reaches the application with the SDK's object as service_event (:953-964, :294-362)
        consumes=None,
        sends=frozenset({
            "text-input", "audio-input", "function-calls", "truncation", "cancel", "item-delete", "session.instructions",
            "session.voice", "session.output-modalities", "session.turn-detection", "session.transcription",
            "session.noise-reduction", "session.tool-choice", "session.max-output-tokens",
        }),
        why={
            "image-input": f"send() turns a message's TextContent items only into conversation items ({REALTIME}:620-667); there is no image case",
            "mcp": f"tools are kernel functions, each sent as a function tool (kernel_function_metadata_to_function_call_format, {REALTIME}:118-140)",
            "transcription-sessions": f"every session.update is RealtimeSessionCreateRequest(type='realtime', ...) ({REALTIME}:174)",
            "out-of-band-responses": f"response.create is built from the event's event_id only ({REALTIME}:690-695)",
            "response.settings": f"response.create is built from the event's event_id only ({REALTIME}:690-695)",
            "conversation-items": f"every text item goes out as a user message ({REALTIME}:532-547, :624-639), and no item carries previous_item_id",
            "item-retrieve": f"SendEvents has no conversation.item.retrieve ({REALTIME}:147-158): send() sends nothing for it",
            "output-audio-buffer": "OpenAIRealtimeWebsocket connects over WebSocket (the WebRTC client is another class)",
            "session.turn-detection-off": "turn_detection=None is dropped: prepare_settings_dict dumps with exclude_none=True (semantic_kernel/connectors/ai/prompt_execution_settings.py:79-87)",
            "session.idle-timeout": f"TurnDetection has no idle_timeout_ms ({SETTINGS}:45-51)",
            "session.speed": f"OpenAIRealtimeExecutionSettings has no speed ({SETTINGS}:57-80)",
            "session.audio-formats": f"input_audio_format and output_audio_format take the beta names only ({SETTINGS}:61-62), which land as audio.input.format strings (:104-109) that RealtimeSessionCreateRequest refuses ({REALTIME}:174)",
            "session.forced-tool-choice": f"tool_choice is a string ({SETTINGS}:72-78)",
            "session.tracing": f"OpenAIRealtimeExecutionSettings has no tracing ({SETTINGS}:57-80)",
            "session.truncation": f"OpenAIRealtimeExecutionSettings has no truncation ({SETTINGS}:57-80)",
            "session.prompt": f"OpenAIRealtimeExecutionSettings has no prompt ({SETTINGS}:57-80)",
            "session.include": f"OpenAIRealtimeExecutionSettings has no include ({SETTINGS}:57-80)",
        },
    )

    def __init__(self) -> None:
        from openai import AsyncOpenAI
        from openai.resources.realtime.realtime import AsyncRealtimeConnection
        from semantic_kernel.connectors.ai.open_ai import OpenAIRealtimeWebsocket

        self._connection_class = AsyncRealtimeConnection
        self._service_class = OpenAIRealtimeWebsocket
        self._client = AsyncOpenAI(api_key="conformance", websocket_base_url="ws://127.0.0.1:9/v1")

    @property
    def version(self) -> str:
        return importlib.metadata.version("semantic-kernel")

    def _service(self, frames: list[str]) -> tuple[Any, _Socket]:
        """A fresh service (its ``connected`` event belongs to the running loop) on a stand-in socket."""
        service = self._service_class(ai_model_id="gpt-realtime", client=self._client)
        socket = _Socket(frames)
        service.connection = self._connection_class(socket)  # type: ignore[arg-type]
        service.connected.set()
        return service, socket

    def parse(self, direction: Direction, text: str) -> Parsed:
        return asyncio.run(self._receive(text))

    async def _receive(self, text: str) -> Parsed:
        frames = [text]
        try:
            event = json.loads(text)
        except ValueError:
            event = None
        primed = isinstance(event, dict) and event.get("type") == "response.function_call_arguments.delta" and isinstance(event.get("call_id"), str)
        if primed:
            item = {"id": event.get("item_id") or "item_primer", "object": "realtime.item", "type": "function_call", "status": "in_progress", "call_id": event["call_id"], "name": "conformance-primer", "arguments": ""}
            frames.insert(0, json.dumps({"type": "response.output_item.added", "event_id": "event_primer", "response_id": event.get("response_id") or "resp_primer", "output_index": 0, "item": item}))
        service, socket = self._service(frames)
        received: list[Any] = []
        try:
            async for emitted in service.receive():
                received.append((len(socket.frames), emitted))
        except Exception as error:  # noqa: BLE001 - receive() ends: the application's async for raises it
            return Parsed("rejected", detail=f"receive() raised {type(error).__name__}: {_first_line(error)}; the application's `async for` ends")
        mine = [emitted for left, emitted in received if left == 0]
        if not mine:
            return Parsed("ignored", detail="receive() yielded nothing for it")
        obj = mine[0].service_event
        return Parsed("accepted", getattr(obj, "type", None), obj, model_type=_declared_type(obj))

    def dump(self, direction: Direction, obj: Any) -> Any:
        return obj.to_dict()

    def build_client(self, event: dict[str, Any]) -> str:
        return asyncio.run(self._send(event))

    async def _send(self, event: dict[str, Any]) -> str:
        service, socket = self._service([])
        for realtime_event in _as_application_events(event):
            await service.send(realtime_event)
        if not socket.sent:
            raise NotImplementedCapability(Capability.BUILD_CLIENT, f"send() sent nothing for {event.get('type')!r}")
        if len(socket.sent) > 1:
            raise ValueError(f"send() sent {len(socket.sent)} events for one {event.get('type')!r}: {socket.sent[1][:200]}")
        return socket.sent[0]


def _as_application_events(event: dict[str, Any]) -> list[Any]:
    """The ``RealtimeEvent`` s an application sends for ``event``, from its members, through the
    classes and data keys ``send`` reads (:523-702)."""
    from semantic_kernel.contents import ChatMessageContent, FunctionCallContent, FunctionResultContent, RealtimeEvent, TextContent
    from semantic_kernel.contents.utils.author_role import AuthorRole

    kind = event["type"]
    members = {key: value for key, value in event.items() if key != "type"}
    if kind == "session.update":
        return [RealtimeEvent(service_type=kind, service_event={"settings": _settings(members.get("session") or {})})]
    if kind == "conversation.item.create":
        item = members.get("item") or {}
        if item.get("type") == "function_call":
            content: Any = FunctionCallContent(name=item.get("name"), arguments=item.get("arguments"), metadata={"call_id": item.get("call_id")})
        elif item.get("type") == "function_call_output":
            content = FunctionResultContent(result=item.get("output"), metadata={"call_id": item.get("call_id")}, id=item.get("call_id") or "call")
        else:
            texts = [part.get("text", "") for part in item.get("content") or [] if isinstance(part, dict) and part.get("type") in ("input_text", "output_text", "text")]
            role = {"system": AuthorRole.SYSTEM, "assistant": AuthorRole.ASSISTANT}.get(str(item.get("role")), AuthorRole.USER)
            content = ChatMessageContent(role=role, items=[TextContent(text=text) for text in texts])
        return [RealtimeEvent(service_type=kind, service_event={"item": content})]
    return [RealtimeEvent(service_type=kind, service_event=members)]


def _settings(session: dict[str, Any]) -> Any:
    """``OpenAIRealtimeExecutionSettings`` from a GA session: its fields (:57-80) and where
    ``prepare_settings_dict`` puts them (:82-123)."""
    from semantic_kernel.connectors.ai.open_ai import OpenAIRealtimeExecutionSettings

    audio = session.get("audio") if isinstance(session.get("audio"), dict) else {}
    audio_input = audio.get("input") if isinstance(audio.get("input"), dict) else {}
    audio_output = audio.get("output") if isinstance(audio.get("output"), dict) else {}
    fields: dict[str, Any] = {}
    for name in ("instructions", "output_modalities", "tools", "tool_choice", "max_output_tokens"):
        if name in session:
            fields[name] = session[name]
    if "model" in session:
        fields["ai_model_id"] = session["model"]
    for member, field in (("turn_detection", "turn_detection"), ("transcription", "input_audio_transcription"), ("noise_reduction", "input_audio_noise_reduction")):
        if member in audio_input:
            fields[field] = audio_input[member]
    if "voice" in audio_output:
        fields["voice"] = audio_output["voice"]
    return OpenAIRealtimeExecutionSettings(**fields)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
