"""The reference wire client: a small GA client built on the reference models. It passes every wire
check, and the broken clients (:mod:`conformance.broken.clients`) are it with one
behaviour changed.

How it behaves, and why (session-rules.md):

* every server frame is judged by :func:`conformance.judge`; a frame that is not JSON, an invalid
  event or an ``error`` is surfaced to the application and the loop goes on (rule 6: "Most errors
  are recoverable"); unknown and beta-named types are skipped;
* on ``session.created`` it sends one ``session.update`` with what the application configured,
  explicit ``null`` included (``turn_detection: null`` turns voice activity detection off);
* it keeps at most one default-conversation response in flight: a ``response.create`` asked for
  while one is in progress waits for its ``response.done`` (rules 11, 12);
* it answers a function call with a ``function_call_output`` naming the call's ``call_id`` at once,
  and asks for the next response once the calling response is done (rule 26, §3 item 14); a call
  is taken from whichever event carries it first (``output_item.done``,
  ``function_call_arguments.done``, or ``response.done``'s output when no item was announced), once;
  a call of a function the application does not have is answered with an error output;
* the user's speech goes to the input audio buffer in 100 ms appends; with server VAD the server
  commits it and starts the response;
* a response's audio and transcript reach the application as they stream, whatever the response's
  final status;
* on barge-in (``input_audio_buffer.speech_started`` while assistant audio plays) it truncates the
  playing item at the audio it received — there is no loudspeaker, so all of it counts as played —
  and leaves the cancelling to the server, which interrupts by itself with server VAD (rule 36);
  when the application interrupts, it cancels and truncates itself (rules 14, 38).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from ... import __version__
from ...adapters.wire import Settings, WireAdapter, WireClient
from ...protocol import client_event_adapter, dialects
from ...verdict import judge

#: Bytes per millisecond of the GA default output format, audio/pcm at 24 kHz, 16-bit mono.
PCM_BYTES_PER_MS = 48
#: One input append: 100 ms of audio.
AUDIO_CHUNK = 4800


class ReferenceClient(WireClient):
    path = "/v1/realtime?model=gpt-realtime"

    def __init__(self, dialect: str = "ga") -> None:
        super().__init__()
        #: The dialect it speaks: its GA events go out translated, and the server's are read as GA.
        self.dialect = dialect
        self.answered: set[str] = set()
        self.socket: ClientConnection | None = None
        self.receiver: asyncio.Task[None] | None = None
        self.settings = Settings()
        self.ids = (f"evt_ref_{n}" for n in itertools.count(1))
        #: A default-conversation response is requested or in progress (rule 11).
        self.responding = False
        self.create_waiting = False
        self.playing_item: str | None = None
        self.received_ms: dict[str, float] = {}

    # --- the application's side ------------------------------------------------------------------

    async def connect(self, url: str, settings: Settings) -> None:
        self.settings = settings
        self.socket = await connect(url + self.path, open_timeout=5, additional_headers={"Authorization": "Bearer test-key"}, max_size=None)
        self.receiver = asyncio.create_task(self.receive_loop(), name="reference-client-receive")

    async def send_text(self, text: str) -> None:
        await self.send({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}})
        await self.request_response()

    async def append_audio(self, pcm: bytes) -> None:
        for start in range(0, len(pcm), AUDIO_CHUNK):
            await self.send({"type": "input_audio_buffer.append", "audio": base64.b64encode(pcm[start : start + AUDIO_CHUNK]).decode("ascii")})

    async def interrupt(self) -> None:
        if self.responding:
            await self.send({"type": "response.cancel"})
        await self.truncate_playing()

    async def close(self) -> None:
        if self.receiver is not None:
            self.receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.receiver
        if self.socket is not None:
            await self.socket.close()

    def alive(self) -> bool | None:
        return self.receiver is not None and not self.receiver.done() and self.socket is not None and self.socket.state is State.OPEN

    # --- sending ---------------------------------------------------------------------------------

    async def send(self, event: dict[str, Any]) -> None:
        """Send a client event built through the reference models, so that it is valid GA."""
        event = {"event_id": next(self.ids), **event}
        assert self.socket is not None
        wire = client_event_adapter.validate_python(event).wire()
        if self.dialect != "ga":
            wire = dialects.get(self.dialect).from_ga(wire, "client")
        await self.socket.send(self.encode(wire))

    def encode(self, wire: dict[str, Any]) -> str:
        return json.dumps(wire, ensure_ascii=False)

    async def request_response(self) -> None:
        if self.responding:
            self.create_waiting = True
            return
        self.responding = True
        await self.send({"type": "response.create"})

    def session_config(self) -> dict[str, Any]:
        """Every setting the application made, as GA says it (``"off"``: an explicit null)."""
        return self.settings.ga_session()

    async def truncate_playing(self) -> None:
        item = self.playing_item
        if item is None:
            return
        self.playing_item = None
        await self.send({"type": "conversation.item.truncate", "item_id": item, "content_index": 0, "audio_end_ms": self.truncate_at(item)})

    def truncate_at(self, item_id: str) -> int:
        return int(self.received_ms.get(item_id, 0.0))

    # --- receiving -------------------------------------------------------------------------------

    async def receive_loop(self) -> None:
        assert self.socket is not None
        try:
            async for message in self.socket:
                await self.on_message(message)
        except ConnectionClosed:
            pass
        self.saw("closed", reason="the connection closed")

    async def on_message(self, message: str | bytes) -> None:
        if isinstance(message, bytes):
            self.saw("error", message="a binary frame, which the protocol does not use")
            return
        verdict = judge(message, "server", None if self.dialect == "ga" else self.dialect)
        if verdict.verdict == "not-json":
            await self.on_not_json(message)
            return
        if verdict.verdict in ("unknown-type", "beta-name"):
            await self.on_unknown(message, verdict.type)
            return
        if verdict.verdict == "invalid":
            await self.on_invalid(message, "; ".join(f"{e.path}: expected {e.expected}, got {e.got}" for e in verdict.errors))
            return
        event = json.loads(message)
        if self.dialect != "ga":
            event = dialects.get(self.dialect).to_ga(event, "server") or event
        self.saw("event", type=event["type"])
        await self.handle(event)

    async def on_not_json(self, message: str) -> None:
        self.saw("error", message=f"a frame that is not JSON: {message[:80]!r}")

    async def on_unknown(self, message: str, event_type: str | None) -> None:
        """Forward compatibility: a type we do not know is skipped."""

    async def on_invalid(self, message: str, why: str) -> None:
        self.saw("error", message=f"an invalid server event: {why}")

    async def handle(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind == "session.created":
            await self.send({"type": "session.update", "session": self.session_config()})
        elif kind == "response.created":
            self.responding = True
        elif kind == "response.output_audio.delta":
            await self.on_audio(event)
        elif kind == "response.output_audio_transcript.delta":
            self.saw("transcript", text=event["delta"])
        elif kind == "response.output_text.delta":
            self.saw("text", text=event["delta"])
        elif kind == "response.output_item.done" and event["item"].get("type") == "function_call":
            await self.take_call(event["item"])
        elif kind == "response.function_call_arguments.done" and event.get("name"):
            await self.take_call({"call_id": event["call_id"], "name": event["name"], "arguments": event["arguments"], "id": event.get("item_id")})
        elif kind == "response.done":
            for item in event["response"].get("output") or ():
                if item.get("type") == "function_call" and item.get("status") == "completed":
                    await self.take_call(item)
            await self.on_response_done(event)
        elif kind == "input_audio_buffer.speech_started":
            await self.on_speech_started(event)
        elif kind == "error":
            await self.on_error(event)

    async def on_audio(self, event: dict[str, Any]) -> None:
        size = len(base64.b64decode(event["delta"]))
        self.playing_item = event["item_id"]
        self.received_ms[event["item_id"]] = self.received_ms.get(event["item_id"], 0.0) + size / PCM_BYTES_PER_MS
        self.saw("audio", bytes=size, item_id=event["item_id"])

    async def take_call(self, item: dict[str, Any]) -> None:
        """A function call, from whichever event carried it first; each call once."""
        if item["call_id"] in self.answered:
            return
        self.answered.add(item["call_id"])
        await self.on_function_call(item)

    async def on_function_call(self, item: dict[str, Any]) -> None:
        self.saw("function-call", call_id=item["call_id"], name=item["name"], arguments=item["arguments"])
        tool = self.settings.tool(item["name"])
        output = tool.output if tool else json.dumps({"error": f"no function named {item['name']}"})
        await self.send({"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": item["call_id"], "output": output}})
        await self.request_response()

    async def on_response_done(self, event: dict[str, Any]) -> None:
        self.responding = False
        self.playing_item = None
        if self.create_waiting:
            self.create_waiting = False
            await self.request_response()

    async def on_speech_started(self, event: dict[str, Any]) -> None:
        await self.truncate_playing()

    async def on_error(self, event: dict[str, Any]) -> None:
        error = event["error"]
        self.saw("error", message=error.get("message", ""), code=error.get("code"))


class ReferenceWireAdapter(WireAdapter):
    name = "reference"

    def __init__(self, dialect: str = "ga") -> None:
        self.dialect = dialect  # type: ignore[misc]

    @property
    def version(self) -> str:
        return __version__

    def client(self) -> WireClient:
        return ReferenceClient(self.dialect)

