"""LiveKit Agents' OpenAI realtime session (``livekit.plugins.openai.realtime``), as a *client*, at
the parse level: what its application receives of each server event.

The plugin has no standalone parser (implementations.md §2.6): its ``RealtimeSession`` reads each
message inside ``_run_ws``'s ``_recv_task`` (livekit/agents/llm/_realtime/openai.py:1176-1290). The
adapter drives that very code without a socket: a fresh ``RealtimeModel(...).session()`` whose
``_create_ws_conn`` returns a stand-in connection, one text frame fed to the ``receive()`` that
``_recv_task`` awaits, and the session closed once the task asks for the next frame.

What reaches the application: ``_recv_task`` ``json.loads`` the frame (:1199) and emits the
untouched dict as ``openai_server_event_received`` (:1210-1212), a session event the class documents
for applications ("expose the raw server events", :897-905), before any handler runs. So every
event reaches the application raw, whatever its type, and the adapter reports that dict, as a
listener got it. Only then does ``_recv_task`` dispatch 18 types to handlers on
``Model.construct(**event)`` — never validated (:1222-1279) — which derive generations, their text
and audio streams, and the session's own events; a handler that raises is logged and skipped
(:1282-1290). Handlers depend on the session's state (a delta outside a generation fails its
assertion), so what they derive is judged on the wire (the wire family), not event by event here.

Sending: the application builds no protocol events: it drives the ``llm.RealtimeSession`` interface
(update_options, update_chat_ctx, update_tools, update_instructions, push_audio, generate_reply,
interrupt, truncate; livekit/agents/llm/realtime.py:251-293), from which the session builds them.
``RealtimeSession.send_event`` (:962) is not part of that interface; a dict given to it goes out as
``json.dumps`` of itself (:1151-1163). What the session sends is judged on the wire.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import importlib.metadata
import logging
from typing import Any

from ...adapters.adapter import Adapter, Direction, Parsed
from ...adapters.scope import Scope

OPENAI = "livekit/agents/llm/_realtime/openai.py"
#: Seconds the session may take to read one frame.
READ_TIMEOUT = 5.0


class _Connection:
    """Stands in for the aiohttp websocket ``_run_ws`` reads and writes."""

    def __init__(self, aiohttp: Any) -> None:
        self._aiohttp = aiohttp
        self.frames: asyncio.Queue[Any] = asyncio.Queue()
        self.reading = asyncio.Event()  # set while _recv_task waits for a frame
        self.sent: list[str] = []

    def feed(self, text: str) -> None:
        self.reading.clear()
        self.frames.put_nowait(self._aiohttp.WSMessage(self._aiohttp.WSMsgType.TEXT, text, None))

    async def receive(self) -> Any:
        self.reading.set()
        return await self.frames.get()

    async def send_str(self, data: str) -> None:
        self.sent.append(data)

    async def close(self) -> None:
        self.frames.put_nowait(self._aiohttp.WSMessage(self._aiohttp.WSMsgType.CLOSED, None, None))


class _Failures(logging.Handler):
    """Keeps what the session logs when a handler raises (``failed to handle event``, :1290)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.messages.append(f"{record.getMessage()}: {type(error).__name__}: {error}" if error else record.getMessage())


class LivekitAdapter(Adapter):
    name = "livekit"
    conformance_class = "client"
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})
    builds_events = False
    scope = Scope(
        # every text frame reaches the application raw, as openai_server_event_received (:1210-1212)
        consumes=None,
        sends=frozenset({
            "text-input", "audio-input", "image-input", "function-calls", "truncation", "cancel", "conversation-items",
            "item-delete", "session.instructions", "session.voice", "session.speed", "session.output-modalities",
            "session.turn-detection", "session.turn-detection-off", "session.idle-timeout", "session.transcription",
            "session.noise-reduction", "session.tool-choice", "session.forced-tool-choice", "session.tracing",
            "session.truncation", "session.max-output-tokens", "response.settings",
        }),
        why={
            "mcp": f"_convert_tools_to_oai converts function tools only and skips provider tools ({OPENAI}:1642-1660; 'TODO(dz): handle MCP tools', :1630)",
            "transcription-sessions": f"every session.update it builds is RealtimeSessionCreateRequest(type='realtime') ({OPENAI}:1353-1354, :1413)",
            "out-of-band-responses": f"generate_reply's RealtimeResponseCreateParams carries instructions, metadata, tool_choice and tools only ({OPENAI}:1758-1766)",
            "item-retrieve": f"the session sends no conversation.item.retrieve (the client events it sends: {OPENAI}:1347-1830)",
            "output-audio-buffer": "the session connects over WebSocket only",
            "session.audio-formats": f"input and output formats are always AudioPCM(rate=24000) ({OPENAI}:1348, :1359, :1365)",
            "session.prompt": f"RealtimeModel and update_options take no prompt ({OPENAI}:1397-1412)",
            "session.include": f"RealtimeModel and update_options take no include ({OPENAI}:1397-1412)",
        },
    )

    def __init__(self) -> None:
        import aiohttp
        from livekit.plugins.openai import realtime  # registers the plugin: on the main thread only

        self._aiohttp = aiohttp
        self._realtime = realtime

    @property
    def version(self) -> str:
        return importlib.metadata.version("livekit-plugins-openai")

    def parse(self, direction: Direction, text: str) -> Parsed:
        return asyncio.run(self._receive(text))

    async def _receive(self, text: str) -> Parsed:
        connection = _Connection(self._aiohttp)
        model = self._realtime.RealtimeModel(api_key="conformance", model="gpt-realtime")
        session = model.session()

        async def connect() -> Any:
            return connection

        session._create_ws_conn = connect  # before _main_task first runs: it connects to us
        seen: list[Any] = []
        session.on("openai_server_event_received", lambda event: seen.append(copy.deepcopy(event)))
        failures = _Failures()
        logger = logging.getLogger("livekit.agents")
        logger.addHandler(failures)
        try:
            await _until(connection.reading, session._main_atask)
            connection.feed(text)
            await _until(connection.reading, session._main_atask)
            ended = session._main_atask.done()
        finally:
            logger.removeHandler(failures)
            with contextlib.suppress(Exception):
                await session.aclose()
            with contextlib.suppress(Exception):
                await model.aclose()
        if not seen:  # json.loads raised before the emit (:1199): the session ends (:1087-1089)
            return Parsed("rejected", detail="the frame never reached the application; the session ended")
        raw = seen[0]
        kind = raw.get("type") if isinstance(raw, dict) else None
        notes = failures.messages[:1] + (["the session ended after it"] if ended else [])
        return Parsed("accepted", kind if isinstance(kind, str) else None, raw, detail="; ".join(notes), untyped=True)

    def dump(self, direction: Direction, obj: Any) -> Any:
        return obj


async def _until(reading: asyncio.Event, main: asyncio.Task[Any]) -> None:
    """Until ``_recv_task`` waits for the next frame, or the session's main task has ended."""
    waiting = asyncio.ensure_future(reading.wait())
    try:
        await asyncio.wait({waiting, main}, timeout=READ_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
