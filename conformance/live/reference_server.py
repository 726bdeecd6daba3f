"""The reference server: a deterministic, model-free server side of the GA Realtime protocol.

Client developers can work against it offline; the probe must pass it in full; it is the upstream
of the proxy tests and the base of every broken server. It runs on :class:`~.server.LiveServer`
(``127.0.0.1``, port 0 by default, every frame recorded), and never needs a sleep to be correct:
ids are counters, and what it says is a script (an echo of the user's words, a tone for audio).

What it does, by client event (session-rules.md §1 and §2 give the order of what it sends):

* the handshake at ``/v1/realtime?model=...`` needs an ``Authorization`` or ``api-key`` header
  (checked for presence by the gate, never kept); then ``session.created``;
* ``session.update`` -> ``session.updated`` with the full effective configuration (explicit nulls
  kept; unset members filled with defaults), or ``error``; MCP servers get a stub tool list;
* ``input_audio_buffer.append/commit/clear``: server VAD (an energy threshold) or manual turns; an
  empty commit is refused (``input_audio_buffer_commit_empty``); an idle timeout when configured;
* ``response.create``: the full lifecycle in audio (PCM16, G.711 mu-law or A-law frames of a tone,
  with a transcript) or text; function and MCP calls driven by the tools and ``tool_choice``;
  out-of-band responses (``conversation: "none"``, ``metadata`` echoed); one in-band response at a
  time (``conversation_already_has_active_response``);
* ``response.cancel``, ``conversation.item.create/retrieve/delete/truncate`` (with bounds);
* anything else - an unknown type, an invalid event, a binary frame - gets an ``error`` echoing the
  ``event_id`` it carried, and the session goes on.

Broken servers (:mod:`conformance.implementations.broken_servers`) subclass :class:`RealtimeSession`
and override one behaviour each.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import copy
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from ..sessions.transcript import Frame, Header
from ..verdict import judge_value
from .audio import Format, format_of
from .conversation import Conversation, UnknownItem
from .responses import FunctionCall, McpApprovalRequest, McpCall, Message, Output, ResponseRun, arguments_for
from .server import Connection, Handshake, LiveServer
from .vad import Settings, VoiceDetector

Event = dict[str, Any]

REALTIME_PATH = "/v1/realtime"
DEFAULT_MODEL = "gpt-realtime"
DEFAULT_INSTRUCTIONS = "You are the realtime-conformance reference server. You answer from a script."
#: Spec ``input_audio_buffer.commit``: "will produce an error if the input audio buffer is empty";
#: the live message says "Expected at least 100ms of audio" (session-rules.md rule 31).
MINIMUM_COMMIT_MS = 100
#: The defaults the effective configuration shows for server VAD (the spec's session.created example).
SERVER_VAD_DEFAULTS = {
    "type": "server_vad",
    "threshold": 0.5,
    "prefix_padding_ms": 300,
    "silence_duration_ms": 200,
    "idle_timeout_ms": None,
    "create_response": True,
    "interrupt_response": True,
}
SEMANTIC_VAD_DEFAULTS = {"type": "semantic_vad", "eagerness": "auto", "create_response": True, "interrupt_response": True}
#: The tools every MCP server "has": the reference server never connects anywhere.
STUB_MCP_TOOLS: tuple[dict[str, Any], ...] = (
    {
        "name": "echo",
        "description": "Returns the text it is given.",
        "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
    },
    {
        "name": "add",
        "description": "Adds two integers.",
        "input_schema": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]},
    },
)
#: Session members the effective configuration shows (``parallel_tool_calls`` is request-only).
_ECHOED = ("model", "output_modalities", "instructions", "tools", "tool_choice", "max_output_tokens", "tracing", "prompt", "truncation", "include", "reasoning")


@dataclass(frozen=True)
class ServerOptions:
    path: str = REALTIME_PATH
    require_credentials: bool = True
    #: Wall-clock seconds per second of audio sent (0: as fast as the socket takes it). Pacing only
    #: makes the server realistic; nothing it sends depends on it.
    pace: float = 0.0
    #: Milliseconds of audio in each ``response.output_audio.delta`` (one per transcript word).
    delta_ms: int = 100
    #: Scales ``idle_timeout_ms`` (>= 5000 in the spec), so that tests need not wait seconds.
    idle_scale: float = 1.0
    #: A session still open after this long is closed.
    max_session_seconds: float = 3600.0
    #: ``expires_at`` of the session: this clock plus an hour.
    clock: Callable[[], float] = field(default=time.time, compare=False)
    #: The protocol dialect to serve (``protocol.dialects.NAMES``): GA, or GA behind that dialect's
    #: translation (:mod:`.dialect_server`).
    dialect: str = "ga"


class _Ids:
    """Deterministic ids: one counter per kind, per connection."""

    def __init__(self) -> None:
        self._counters: dict[str, itertools.count[int]] = {}

    def __call__(self, prefix: str) -> str:
        counter = self._counters.setdefault(prefix, itertools.count(1))
        return f"{prefix}_{next(counter):04d}"


_CLOSED = object()


class RealtimeSession:
    """One connection's session. Subclasses (the broken servers) override single methods."""

    def __init__(self, connection: Connection, options: ServerOptions) -> None:
        self.connection = connection
        self.options = options
        self.ids = _Ids()
        self.number = connection.number
        model = connection.handshake.query.get("model") or DEFAULT_MODEL
        self.config: dict[str, Any] = default_session(f"sess_{self.number:04d}", model, int(options.clock()) + 3600)
        self.conversation = Conversation()
        self.conversation_id = f"conv_{self.number:04d}"
        self.runs: dict[str, ResponseRun] = {}
        self.default_active: str | None = None
        self.buffer = bytearray()
        self.audio_ms = 0.0
        self.buffer_start_ms = 0.0
        self.detector: VoiceDetector | None = None
        self.speech_item: str | None = None
        self.speech_start_ms = 0
        self.idle_deadline: float | None = None
        self.mcp_servers: dict[str, list[dict[str, Any]]] = {}
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.deadline = time.monotonic() + options.max_session_seconds
        self._configure_vad()

    # --- the loop ---------------------------------------------------------------------------------

    async def run(self) -> None:
        reader = asyncio.create_task(self._read())
        try:
            await self.on_open()
            while time.monotonic() < self.deadline:
                if self.runs:
                    while not self.queue.empty():
                        frame = self.queue.get_nowait()
                        if frame is _CLOSED:
                            return
                        await self.handle(frame)
                    if self.runs:
                        await asyncio.sleep(self.options.pace * await self.advance() / 1000)
                    continue
                try:
                    frame = await asyncio.wait_for(self.queue.get(), self._wait())
                except asyncio.TimeoutError:
                    if self.idle_deadline is not None and time.monotonic() >= self.idle_deadline:
                        await self.on_idle_timeout()
                    continue
                if frame is _CLOSED:
                    return
                await self.handle(frame)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _read(self) -> None:
        while True:
            frame = await self.connection.receive(timeout=60)
            if frame is not None:
                await self.queue.put(frame)
            elif self.connection.closed:
                await self.queue.put(_CLOSED)
                return

    def _wait(self) -> float:
        until = self.deadline if self.idle_deadline is None else min(self.deadline, self.idle_deadline)
        return max(until - time.monotonic(), 0.001)

    async def advance(self) -> int:
        """One step of every running response; the milliseconds of audio they carried."""
        longest = 0
        for run in list(self.runs.values()):
            step = run.next_step()
            if step is None:
                self._finished(run)
                continue
            for event in step.events:
                await self.send(event)
            longest = max(longest, step.audio_ms)
            if any(event["type"] == "response.done" for event in step.events):
                run.finished = True
                self._finished(run)
                await self.after_response(run)
        return longest

    def _finished(self, run: ResponseRun) -> None:
        self.runs.pop(run.id, None)
        if self.default_active == run.id:
            self.default_active = None
            self._arm_idle_timeout()

    # --- sending ------------------------------------------------------------------------------------

    async def send(self, event: Event) -> None:
        """Stamp a server ``event_id`` on ``event`` and deliver it."""
        stamped = {"type": event["type"], "event_id": self.ids("event"), **{k: v for k, v in event.items() if k != "type"}}
        await self.deliver(stamped)

    async def deliver(self, event: Event) -> None:
        """Put one finished event on the wire (the hook a broken server changes what it sends in)."""
        await self.connection.send_event(event)

    async def error(self, code: str, message: str, event_id: str | None, param: str | None = None, kind: str = "invalid_request_error") -> None:
        await self.send({"type": "error", "error": {"type": kind, "code": code, "message": message, "param": param, "event_id": event_id}})

    # --- dispatch -----------------------------------------------------------------------------------

    async def on_open(self) -> None:
        await self.send({"type": "session.created", "session": copy.deepcopy(self.config)})

    async def handle(self, frame: Frame) -> None:
        if frame.binary is not None:
            await self.error("invalid_value", "Binary frames are not supported: send each event as a JSON text frame.", None)
            return
        if frame.raw is not None or frame.problem is not None:
            await self.error("invalid_json", "The frame is not a JSON document.", None)
            return
        event = frame.event
        event_id = event.get("event_id") if isinstance(event, dict) and isinstance(event.get("event_id"), str) else None
        verdict = judge_value(event, "client", self.dialect)
        if verdict.verdict in ("unknown-type", "beta-name"):
            await self.on_unknown_type(event, event_id)
            return
        if verdict.verdict != "valid":
            await self.on_invalid(event, event_id, verdict.errors[0])
            return
        ga = self.as_ga(event)
        handler = getattr(self, "on_" + str(ga.get("type")).replace(".", "_"), None)
        if handler is None:  # a dialect's own client event GA has no handler for
            await self.on_unknown_type(event, event_id)
            return
        await handler(ga, event_id)

    #: The dialect spoken on the wire; ``None``: GA (:class:`.dialect_server.DialectSession` sets it).
    dialect: str | None = None

    def as_ga(self, event: Event) -> Event:
        """A valid client event as the GA event the handlers read."""
        return event

    async def on_unknown_type(self, event: Event, event_id: str | None) -> None:
        kind = event.get("type")
        await self.error("invalid_value", f"Invalid value: {kind!r}. This is not a GA client event type.", event_id, "type")

    async def on_invalid(self, event: Event, event_id: str | None, problem: Any) -> None:
        code = "missing_required_parameter" if problem.got == "absent" else "invalid_value"
        param = problem.path.removeprefix("$.") or None
        await self.error(code, f"Invalid {problem.path}: expected {problem.expected}, got {problem.got}.", event_id, param)

    # --- session ------------------------------------------------------------------------------------

    async def on_session_update(self, event: Event, event_id: str | None) -> None:
        session = event["session"]
        if session.get("type") != "realtime":
            await self.error("invalid_value", "This server serves realtime sessions only; a session's type cannot change.", event_id, "session.type")
            return
        problem = _tool_choice_problem(session.get("tool_choice", self.config["tool_choice"]), session.get("tools", self.config["tools"]))
        if problem:
            await self.error("invalid_value", problem, event_id, "session.tool_choice")
            return
        self.config = merged_session(self.config, session)
        self._configure_vad()
        await self.send({"type": "session.updated", "session": self.effective_session()})
        for tool in self.config["tools"]:
            if tool.get("type") == "mcp" and tool["server_label"] not in self.mcp_servers:
                await self.import_mcp_tools(tool)

    def effective_session(self) -> dict[str, Any]:
        return copy.deepcopy(self.config)

    async def import_mcp_tools(self, tool: dict[str, Any]) -> None:
        """Spec guide realtime-mcp: ``mcp_list_tools.in_progress`` -> the ``mcp_list_tools`` item ->
        ``mcp_list_tools.completed``; the item's ``conversation.item.done`` lists what was imported."""
        label = tool["server_label"]
        tools = [copy.deepcopy(stub) for stub in STUB_MCP_TOOLS if _allowed(tool.get("allowed_tools"), stub["name"])]
        self.mcp_servers[label] = tools
        item_id = self.ids("mcpl")
        await self.send({"type": "mcp_list_tools.in_progress", "item_id": item_id})
        listing = {"id": item_id, "type": "mcp_list_tools", "server_label": label, "tools": []}
        previous = self.conversation.insert(copy.deepcopy(listing))
        await self.send({"type": "conversation.item.added", "previous_item_id": previous, "item": listing})
        listing = {**listing, "tools": tools}
        self.conversation.replace(copy.deepcopy(listing))
        await self.send({"type": "conversation.item.done", "previous_item_id": previous, "item": listing})
        await self.send({"type": "mcp_list_tools.completed", "item_id": item_id})

    # --- input audio --------------------------------------------------------------------------------

    def _configure_vad(self) -> None:
        turn_detection = self.config["audio"]["input"]["turn_detection"]
        fmt = format_of(self.config["audio"]["input"]["format"])
        if turn_detection is None:
            self.detector = None
            self.idle_deadline = None
        elif self.detector is None or self.detector.format != fmt or self.detector.settings != Settings.of(turn_detection):
            self.detector = VoiceDetector(Settings.of(turn_detection), fmt, self.audio_ms)
        self.speech_item = None if self.detector is None else self.speech_item

    @property
    def input_format(self) -> Format:
        return format_of(self.config["audio"]["input"]["format"])

    async def on_input_audio_buffer_append(self, event: Event, event_id: str | None) -> None:
        data = base64.b64decode(event["audio"])
        self.buffer += data
        self.audio_ms += self.input_format.ms_of(len(data))
        if self.detector is None:
            return
        for change in self.detector.feed(data):
            if change.kind == "started":
                await self.on_speech_started(change.ms)
            else:
                await self.on_speech_stopped(change.ms)

    async def on_speech_started(self, ms: int) -> None:
        self.idle_deadline = None
        self.speech_item = self.ids("item")
        self.speech_start_ms = ms
        await self.send({"type": "input_audio_buffer.speech_started", "audio_start_ms": ms, "item_id": self.speech_item})
        turn_detection = self.config["audio"]["input"]["turn_detection"] or {}
        if turn_detection.get("interrupt_response", True) is not False and self.default_active:
            await self.cancel(self.runs[self.default_active], "turn_detected")

    async def on_speech_stopped(self, ms: int) -> None:
        item_id = self.speech_item or self.ids("item")
        self.speech_item = None
        await self.send({"type": "input_audio_buffer.speech_stopped", "audio_end_ms": ms, "item_id": item_id})
        cut = min(len(self.buffer), self.input_format.bytes_for(max(int(ms - self.buffer_start_ms), 0)))
        await self.commit(item_id, bytes(self.buffer[:cut]))
        del self.buffer[:cut]
        self.buffer_start_ms = ms
        if (self.config["audio"]["input"]["turn_detection"] or {}).get("create_response", True) is not False:
            await self.start_response({}, None)

    async def on_input_audio_buffer_commit(self, event: Event, event_id: str | None) -> None:
        held = self.input_format.ms_of(len(self.buffer))
        if held < MINIMUM_COMMIT_MS:
            await self.error(
                "input_audio_buffer_commit_empty",
                f"Error committing input audio buffer: buffer too small. Expected at least {MINIMUM_COMMIT_MS}ms of audio, but buffer only has {held:.2f}ms of audio.",
                event_id,
            )
            return
        item_id = self.speech_item or self.ids("item")
        self.speech_item = None
        await self.commit(item_id, bytes(self.buffer))
        self._empty_buffer()

    async def on_input_audio_buffer_clear(self, event: Event, event_id: str | None) -> None:
        self.speech_item = None
        self._empty_buffer()
        await self.send({"type": "input_audio_buffer.cleared"})

    def _empty_buffer(self) -> None:
        self.buffer.clear()
        self.buffer_start_ms = self.audio_ms
        if self.detector is not None:
            self.detector.reset(self.audio_ms)

    async def commit(self, item_id: str, audio: bytes) -> None:
        """``committed`` -> the user item's ``added`` and ``done`` (rule 30) -> its transcription."""
        previous = self.conversation.items()[-1]["id"] if len(self.conversation) else None
        await self.send({"type": "input_audio_buffer.committed", "previous_item_id": previous, "item_id": item_id})
        item = {"id": item_id, "object": "realtime.item", "type": "message", "status": "completed", "role": "user", "content": [{"type": "input_audio", "transcript": None}]}
        self.conversation.insert(copy.deepcopy(item))
        self.conversation.audio[item_id] = audio
        await self.send({"type": "conversation.item.added", "previous_item_id": previous, "item": copy.deepcopy(item)})
        await self.send({"type": "conversation.item.done", "previous_item_id": previous, "item": copy.deepcopy(item)})
        if self.config["audio"]["input"]["transcription"] is not None:
            seconds = round(self.input_format.ms_of(len(audio)) / 1000, 3)
            transcript = f"({seconds:g} seconds of audio)"
            stored = self.conversation.get(item_id)
            stored["content"][0]["transcript"] = transcript
            await self.send(
                {
                    "type": "conversation.item.input_audio_transcription.completed",
                    "item_id": item_id,
                    "content_index": 0,
                    "transcript": transcript,
                    "usage": {"type": "duration", "seconds": seconds},
                }
            )

    def _arm_idle_timeout(self) -> None:
        turn_detection = self.config["audio"]["input"]["turn_detection"]
        if turn_detection and turn_detection.get("type") == "server_vad" and turn_detection.get("idle_timeout_ms"):
            self.idle_deadline = time.monotonic() + turn_detection["idle_timeout_ms"] / 1000 * self.options.idle_scale

    async def on_idle_timeout(self) -> None:
        """Spec ``idle_timeout_ms``: "An input_audio_buffer.timeout_triggered event (plus events
        associated with the Response) will be emitted" (rule 33)."""
        self.idle_deadline = None
        item_id = self.ids("item")
        await self.send({"type": "input_audio_buffer.timeout_triggered", "audio_start_ms": int(self.buffer_start_ms), "audio_end_ms": int(self.audio_ms), "item_id": item_id})
        await self.commit(item_id, bytes(self.buffer))
        self._empty_buffer()
        if (self.config["audio"]["input"]["turn_detection"] or {}).get("create_response", True) is not False:
            await self.start_response({}, None)

    async def on_output_audio_buffer_clear(self, event: Event, event_id: str | None) -> None:
        # Spec: "WebRTC/SIP Only"; rule 43: on a WebSocket it should be rejected.
        await self.error("invalid_value", "output_audio_buffer.clear is only supported on WebRTC and SIP connections.", event_id, "type")

    # --- responses ----------------------------------------------------------------------------------

    async def on_response_create(self, event: Event, event_id: str | None) -> None:
        await self.start_response(event.get("response") or {}, event_id)

    async def start_response(self, params: dict[str, Any], event_id: str | None) -> None:
        conversation = params.get("conversation") or "auto"
        if conversation not in ("auto", "none"):
            await self.error("invalid_value", f"Invalid value: {conversation!r}. Supported values are: 'auto' and 'none'.", event_id, "response.conversation")
            return
        in_band = conversation == "auto"
        if in_band and self.default_active is not None:
            await self.refuse_concurrent_response(event_id)
            return
        tools = params["tools"] if params.get("tools") is not None else self.config["tools"]
        tool_choice = params["tool_choice"] if params.get("tool_choice") is not None else self.config["tool_choice"]
        problem = _tool_choice_problem(tool_choice, tools)
        if problem:
            await self.error("invalid_value", problem, event_id, "response.tool_choice")
            return
        context = params["input"] if params.get("input") is not None else self.conversation.items()
        output = params.get("audio", {}) or {}
        output = output.get("output") or {}
        audio_format = copy.deepcopy(output.get("format") or self.config["audio"]["output"]["format"])
        voice = output.get("voice") or self.config["audio"]["output"]["voice"]
        run = ResponseRun(
            id=self.ids("resp"),
            new_id=self.ids,
            conversation=self.conversation if in_band else None,
            conversation_id=self.conversation_id if in_band else None,
            outputs=self.plan(context, tools, tool_choice),
            output_modalities=list(params.get("output_modalities") or self.config["output_modalities"]),
            audio_format=audio_format,
            voice=voice["id"] if isinstance(voice, dict) else voice,
            max_output_tokens=params.get("max_output_tokens") or self.config["max_output_tokens"],
            metadata=params.get("metadata"),
            delta_ms=self.options.delta_ms,
            format=format_of(audio_format),
        )
        self.idle_deadline = None
        self.runs[run.id] = run
        if in_band:
            self.default_active = run.id
        await self.send(run.created())

    async def refuse_concurrent_response(self, event_id: str | None) -> None:
        """Rule 12: while an in-band response is in progress another is refused."""
        await self.error(
            "conversation_already_has_active_response",
            f"Conversation already has an active response in progress: {self.default_active}. Wait until the response is finished before creating a new one.",
            event_id,
        )

    async def after_response(self, run: ResponseRun) -> None:
        await self.send({"type": "rate_limits.updated", "rate_limits": [{"name": "requests", "limit": 1000, "remaining": 999, "reset_seconds": 0.06}, {"name": "tokens", "limit": 100000, "remaining": 99000, "reset_seconds": 0.6}]})

    def plan(self, context: list[dict[str, Any]], tools: list[dict[str, Any]], tool_choice: Any) -> list[Output]:
        """What the response says: a call the tools and ``tool_choice`` ask for, else a message."""
        functions = {tool["name"]: tool for tool in tools if tool.get("type") in (None, "function") and tool.get("name")}
        servers = {tool["server_label"]: tool for tool in tools if tool.get("type") == "mcp"}
        last = context[-1] if context else None
        if isinstance(tool_choice, dict):
            if tool_choice["type"] == "function":
                return [FunctionCall(tool_choice["name"], arguments_for(functions[tool_choice["name"]].get("parameters")))]
            return self._mcp_outputs(servers[tool_choice["server_label"]], tool_choice.get("name"))
        if last is not None and last.get("type") == "mcp_approval_response":
            return self._after_approval(last)
        said = _user_text(last)
        if tool_choice != "none" and last is not None and last.get("type") == "message":
            for name, tool in functions.items():
                if name.lower() in said.lower():
                    return [FunctionCall(name, arguments_for(tool.get("parameters")))]
            for label, server in servers.items():
                for stub in self.mcp_servers.get(label, []):
                    if stub["name"].lower() in said.lower().split():
                        return self._mcp_outputs(server, stub["name"])
            if tool_choice == "required" and functions:
                name, tool = next(iter(functions.items()))
                return [FunctionCall(name, arguments_for(tool.get("parameters")))]
        return [Message(self.script(last))]

    def script(self, last: dict[str, Any] | None) -> str:
        if last is None:
            return "Hello from the reference server."
        if last.get("type") == "function_call_output":
            return f"The function returned {str(last.get('output', ''))[:200]}"
        said = _user_text(last)
        if said:
            return f"You said: {said}"
        audio = self.conversation.audio.get(last.get("id", ""), b"")
        return f"I heard {round(self.input_format.ms_of(len(audio)))} milliseconds of audio."

    def _mcp_outputs(self, server: dict[str, Any], name: str | None) -> list[Output]:
        label = server["server_label"]
        tools = self.mcp_servers.get(label) or [dict(stub) for stub in STUB_MCP_TOOLS]
        tool = next((t for t in tools if t["name"] == name), tools[0])
        arguments = arguments_for(tool["input_schema"])
        if _needs_approval(server.get("require_approval"), tool["name"]):
            return [McpApprovalRequest(label, tool["name"], arguments)]
        result = _run_stub(tool["name"], arguments)
        return [McpCall(label, tool["name"], arguments, result), Message(f"The tool returned {result}")]

    def _after_approval(self, answer: dict[str, Any]) -> list[Output]:
        request = next((item for item in self.conversation.items() if item.get("id") == answer.get("approval_request_id")), None)
        if request is None or not answer.get("approve"):
            return [Message("The tool call was not approved.")]
        result = _run_stub(request["name"], request["arguments"])
        return [McpCall(request["server_label"], request["name"], request["arguments"], result, request["id"]), Message(f"The tool returned {result}")]

    async def on_response_cancel(self, event: Event, event_id: str | None) -> None:
        wanted = event.get("response_id")
        run = self.runs.get(wanted) if wanted else self.runs.get(self.default_active or "")
        if run is None:
            # Rule 14 and the live message: "Cancellation failed: no active response found".
            await self.error("response_cancel_not_active", "Cancellation failed: no active response found", event_id)
            return
        await self.cancel(run, "client_cancelled")

    async def cancel(self, run: ResponseRun, reason: str) -> None:
        for event in run.cancel(reason):
            await self.send(event)
        self._finished(run)
        await self.after_response(run)

    # --- conversation items -------------------------------------------------------------------------

    async def on_conversation_item_create(self, event: Event, event_id: str | None) -> None:
        item = copy.deepcopy(event["item"])
        after = event.get("previous_item_id")
        problem = self._item_problem(item, after)
        if problem:
            await self.error("invalid_value", problem[1], event_id, problem[0])
            return
        stored = _stored_item(item, item.get("id") or self.ids("item"))
        audio = _take_audio(stored)
        previous = self.conversation.insert(copy.deepcopy(stored), after)
        if audio:
            self.conversation.audio[stored["id"]] = audio
        await self.send({"type": "conversation.item.added", "previous_item_id": previous, "item": copy.deepcopy(stored)})
        await self.send({"type": "conversation.item.done", "previous_item_id": previous, "item": copy.deepcopy(stored)})

    def _item_problem(self, item: dict[str, Any], after: str | None) -> tuple[str, str] | None:
        if item.get("id") is not None and item["id"] in self.conversation:
            return "item.id", f"Item with id '{item['id']}' already exists in the conversation."
        if after not in (None, "root") and after not in self.conversation:
            return "previous_item_id", f"Previous item with id '{after}' does not exist."
        if item.get("type") == "function_call_output" and self.conversation.last(type="function_call", call_id=item.get("call_id")) is None:
            return "item.call_id", f"No function call with call_id '{item.get('call_id')}' is in the conversation."
        if item.get("type") == "mcp_approval_response" and self.conversation.last(type="mcp_approval_request", id=item.get("approval_request_id")) is None:
            return "item.approval_request_id", f"No MCP approval request with id '{item.get('approval_request_id')}' is in the conversation."
        return None

    async def on_conversation_item_retrieve(self, event: Event, event_id: str | None) -> None:
        try:
            item = copy.deepcopy(self.conversation.get(event["item_id"]))
        except UnknownItem:
            await self.error("item_retrieve_invalid_item_id", f"Item with item_id '{event['item_id']}' not found.", event_id, "item_id")
            return
        audio = self.conversation.audio.get(item["id"])
        if audio:
            for part in item.get("content", []):
                if part.get("type") == "input_audio":
                    part["audio"] = base64.b64encode(audio).decode("ascii")
        await self.send({"type": "conversation.item.retrieved", "item": item})

    async def on_conversation_item_delete(self, event: Event, event_id: str | None) -> None:
        item_id = event["item_id"]
        if item_id not in self.conversation:
            await self.error("item_delete_invalid_item_id", f"Item with item_id '{item_id}' not found.", event_id, "item_id")
            return
        self.conversation.delete(item_id)
        await self.send({"type": "conversation.item.deleted", "item_id": item_id})

    async def on_conversation_item_truncate(self, event: Event, event_id: str | None) -> None:
        """Rule 38: only an assistant message with audio, ``content_index`` 0, and
        ``0 <= audio_end_ms <=`` the audio generated for it."""
        item_id, index, end = event["item_id"], event["content_index"], event["audio_end_ms"]
        try:
            item = self.conversation.get(item_id)
        except UnknownItem:
            await self.error("item_truncate_invalid_item_id", f"Item with item_id '{item_id}' not found.", event_id, "item_id")
            return
        if item.get("type") != "message" or item.get("role") != "assistant":
            await self.error("unsupported_content_type", "Only model output audio messages can be truncated.", event_id, "item_id")
            return
        content = item.get("content") or []
        if index != 0 or not content or content[0].get("type") != "output_audio":
            await self.error("invalid_value", f"Content index {index} of item '{item_id}' holds no audio.", event_id, "content_index")
            return
        generated = self.conversation.audio_ms.get(item_id, 0)
        if end < 0 or end > generated:
            await self.error("invalid_value", f"Audio content of {generated}ms is already shorter than {end}ms.", event_id, "audio_end_ms")
            return
        self.conversation.audio_ms[item_id] = end
        content[0]["transcript"] = ""  # the server drops the transcript of truncated audio
        await self.send({"type": "conversation.item.truncated", "item_id": item_id, "content_index": index, "audio_end_ms": end})


# --- the effective configuration ----------------------------------------------------------------


def default_session(session_id: str, model: str, expires_at: int) -> dict[str, Any]:
    pcm = {"type": "audio/pcm", "rate": 24000}
    return {
        "type": "realtime",
        "object": "realtime.session",
        "id": session_id,
        "model": model,
        "output_modalities": ["audio"],
        "instructions": DEFAULT_INSTRUCTIONS,
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "prompt": None,
        "truncation": "auto",
        "expires_at": expires_at,
        "include": None,
        "audio": {
            "input": {"format": dict(pcm), "transcription": None, "noise_reduction": None, "turn_detection": dict(SERVER_VAD_DEFAULTS)},
            "output": {"format": dict(pcm), "voice": "marin", "speed": 1},
        },
    }


def merged_session(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """The effective configuration after ``update``: members it sets replace the current ones
    (``audio.input``/``audio.output`` member by member), an explicit null included."""
    merged = copy.deepcopy(current)
    for key in _ECHOED:
        if key in update:
            merged[key] = _echoed(key, copy.deepcopy(update[key]))
    audio = update.get("audio") or {}
    for side in ("input", "output"):
        for key, value in (audio.get(side) or {}).items():
            if key in merged["audio"][side] or key in ("format", "transcription", "noise_reduction", "turn_detection", "voice", "speed"):
                merged["audio"][side][key] = _echoed(key, copy.deepcopy(value))
    return merged


def _echoed(key: str, value: Any) -> Any:
    """How the effective configuration shows a requested value (the response shapes of
    conformance/protocol/session.py): defaults filled in, request-only members left out."""
    if key == "turn_detection" and isinstance(value, dict):
        defaults = SERVER_VAD_DEFAULTS if value.get("type") == "server_vad" else SEMANTIC_VAD_DEFAULTS
        return {**defaults, **value}
    if key == "format" and isinstance(value, dict) and value.get("type") == "audio/pcm":
        return {"type": "audio/pcm", "rate": 24000, **value}
    if key == "transcription" and isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in ("keywords", "delay")}
    if key == "voice" and isinstance(value, dict):
        return value.get("id")
    if key == "tools" and isinstance(value, list):
        # An MCP server's credentials are never echoed.
        return [{k: v for k, v in tool.items() if k not in ("authorization", "headers")} if tool.get("type") == "mcp" else tool for tool in value]
    return value


def _tool_choice_problem(tool_choice: Any, tools: Any) -> str | None:
    if not isinstance(tool_choice, dict):
        return None
    tools = tools or []
    if tool_choice.get("type") == "function":
        names = {tool.get("name") for tool in tools if tool.get("type") in (None, "function")}
        if tool_choice.get("name") not in names:
            return f"tool_choice names the function {tool_choice.get('name')!r}, which is not among the tools."
    elif tool_choice.get("type") == "mcp":
        labels = {tool.get("server_label") for tool in tools if tool.get("type") == "mcp"}
        if tool_choice.get("server_label") not in labels:
            return f"tool_choice names the MCP server {tool_choice.get('server_label')!r}, which is not among the tools."
    return None


def _allowed(allowed: Any, name: str) -> bool:
    if isinstance(allowed, list):
        return name in allowed
    if isinstance(allowed, dict) and isinstance(allowed.get("tool_names"), list):
        return name in allowed["tool_names"]
    return True


def _needs_approval(policy: Any, name: str) -> bool:
    """The spec's default for ``require_approval`` is to ask."""
    if policy == "never":
        return False
    if isinstance(policy, dict):
        never = (policy.get("never") or {}).get("tool_names") or []
        return name not in never
    return True


def _run_stub(name: str, arguments: str) -> str:
    try:
        values = json.loads(arguments)
    except ValueError:
        values = {}
    if name == "add":
        return str(int(values.get("a", 0)) + int(values.get("b", 0)))
    return str(values.get("text", ""))


def _user_text(item: dict[str, Any] | None) -> str:
    if not item or item.get("type") != "message" or item.get("role") != "user":
        return ""
    return " ".join(part.get("text") or part.get("transcript") or "" for part in item.get("content", []) if isinstance(part, dict)).strip()


_STATUS_TYPES = ("message", "function_call", "function_call_output")


def _stored_item(item: dict[str, Any], item_id: str) -> dict[str, Any]:
    """The item as the conversation holds it: its id first, ``object`` and ``status`` on the kinds
    that have them (conformance/protocol/items.py)."""
    stored: dict[str, Any] = {"id": item_id}
    if item.get("type") in _STATUS_TYPES:
        stored["object"] = "realtime.item"
    stored.update({key: value for key, value in item.items() if key != "id"})
    if item.get("type") in _STATUS_TYPES:
        stored["status"] = "completed"
    return stored


def _take_audio(item: dict[str, Any]) -> bytes:
    """Keep user audio beside the item (for retrieval) rather than in every acknowledgement."""
    audio = b""
    for part in item.get("content") or []:
        if isinstance(part, dict) and part.get("type") == "input_audio" and isinstance(part.get("audio"), str):
            with contextlib.suppress(binascii.Error, ValueError):
                audio += base64.b64decode(part["audio"])
            del part["audio"]
    return audio


# --- the server ---------------------------------------------------------------------------------


class ReferenceServer:
    """The reference server on a :class:`LiveServer`. ``with ReferenceServer() as server:`` runs it
    in a thread of its own on ``127.0.0.1`` and a port the OS picks; ``server.url`` is the endpoint."""

    def __init__(
        self,
        options: ServerOptions | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        record_dir: Any = None,
        session_class: type[RealtimeSession] = RealtimeSession,
        header: Header | None = None,
        keep_connections: bool = True,
    ) -> None:
        """``keep_connections``: keep every connection and its frames in :attr:`connections` (what
        tests inspect); ``serve`` does not, so that its memory stays bounded however long it runs."""
        self.options = options or ServerOptions()
        self.session_class = session_class
        self.live = LiveServer(
            self._serve,
            host=host,
            port=port,
            gate=self._gate,
            record_dir=record_dir,
            header=header or Header(notes="served by the realtime-conformance reference server"),
            keep_frames=keep_connections,
            keep_finished=keep_connections,
        )

    @property
    def url(self) -> str:
        """The realtime endpoint, ``ws://127.0.0.1:PORT/v1/realtime``; clients add ``?model=``."""
        return self.live.url + self.options.path

    @property
    def connections(self) -> list[Connection]:
        return self.live.connections

    def _gate(self, handshake: Handshake) -> tuple[int, str] | None:
        if handshake.path != self.options.path:
            return 404, f"no realtime endpoint at {handshake.path}; connect to {self.options.path}?model=..."
        if self.options.require_credentials and not handshake.has_credentials:
            return 401, "missing credentials: send an Authorization or api-key header"
        return None

    async def _serve(self, connection: Connection) -> None:
        session_class = self.session_class
        if self.options.dialect != "ga":
            from .dialect_server import session_class as for_dialect

            session_class = for_dialect(self.options.dialect, session_class)
        await session_class(connection, self.options).run()

    def start(self, timeout: float = 10.0) -> ReferenceServer:
        self.live.start(timeout)
        return self

    def stop(self) -> None:
        self.live.stop()

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ReferenceServer]:
        """Serve inside the caller's event loop."""
        async with self.live.running():
            yield self
