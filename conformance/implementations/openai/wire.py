"""The official ``openai`` SDK on the wire: ``AsyncOpenAI().realtime.connect()``, used as its README
shows — ``async for event in connection`` to receive, ``connection.session.update(...)`` (with
every setting the application made, written as the API reference writes it),
``connection.conversation.item.create(...)`` and ``connection.response.create()`` to send, and
``connection.input_audio_buffer.append(audio=...)`` for the user's speech (base64 PCM, as the
realtime guide's examples send it; server VAD commits it).

The SDK is a transport: it sends exactly what the application asks and nothing else, so tool
calls, barge-in and keeping one response in flight are the application's code, not the SDK's; the
checks of those behaviours do not apply to it. What is the SDK's own: how its receive iterator
copes with what the server sends, and what its send methods put on the wire.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from typing import Any

from ...adapters.wire import Settings, WireAdapter, WireClient
from ...adapters.wire_logging import LogCapture

#: How many times the application enters the event iterator again after it raised.
REENTRIES = 20
APPLICATION_LOGIC = "the openai SDK sends only what the application sends; {} is the application's code"


class OpenAIClient(WireClient):
    def __init__(self) -> None:
        super().__init__()
        self.connection: Any = None
        self.receiver: asyncio.Task[None] | None = None
        self.logs = LogCapture(self, ["openai"])

    async def connect(self, url: str, settings: Settings) -> None:
        from openai import AsyncOpenAI

        self.logs.start()
        client = AsyncOpenAI(api_key="test-key", websocket_base_url=url + "/v1")
        self.connection = await client.realtime.connect(model="gpt-realtime").enter()
        self.receiver = asyncio.create_task(self.receive(), name="openai-app-receive")
        session = _session(settings)
        if session:
            await self.connection.session.update(session=session)

    async def receive(self) -> None:
        """``async for event in connection``, entered again after it raises, as an application that
        catches the error does: each ``async for`` reads on from the same socket
        (``RealtimeConnection.__aiter__``), so the error reaches the application and the connection
        stays usable."""
        from websockets.exceptions import ConnectionClosed

        for _ in range(REENTRIES):
            try:
                async for event in self.connection:
                    self.on_event(event)
            except ConnectionClosed:
                break
            except Exception as error:  # noqa: BLE001 - the iterator raised: what the application sees
                self.saw("error", message=f"the event iterator raised {type(error).__name__}: {str(error)[:200]}")
                continue
            break
        self.saw("closed", reason="the event iterator ended")

    def on_event(self, event: Any) -> None:
        kind = getattr(event, "type", None)
        if kind == "response.output_audio.delta":
            self.saw("audio", bytes=len(base64.b64decode(event.delta or "")))
        elif kind == "response.output_audio_transcript.delta":
            self.saw("transcript", text=event.delta or "")
        elif kind == "response.output_text.delta":
            self.saw("text", text=event.delta or "")
        elif kind == "error":
            self.saw("error", message=str(getattr(event.error, "message", "")))
        else:
            self.saw("event", type=kind)

    async def send_text(self, text: str) -> None:
        await self.connection.conversation.item.create(item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]})
        await self.connection.response.create()

    async def append_audio(self, pcm: bytes) -> None:
        for start in range(0, len(pcm), 4800):
            await self.connection.input_audio_buffer.append(audio=base64.b64encode(pcm[start : start + 4800]).decode("ascii"))

    async def interrupt(self) -> None:
        raise NotImplementedError("the openai SDK has no interruption of its own")

    async def close(self) -> None:
        try:
            if self.connection is not None:
                await self.connection.close()
            if self.receiver is not None:
                with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                    await asyncio.wait_for(self.receiver, 2)
        finally:
            self.logs.stop()

    def alive(self) -> bool | None:
        return self.receiver is not None and not self.receiver.done()


def _session(settings: Settings) -> dict[str, Any]:
    """The session.update an application writes from its settings, as the API reference shows
    (nothing when it configured nothing)."""
    session = settings.ga_session()
    return session if len(session) > 1 else {}


class OpenAIWireAdapter(WireAdapter):
    name = "openai"
    distribution = "openai"
    leaves_to_application = {
        "function-calls": APPLICATION_LOGIC.format("answering a function call"),
        "playback": APPLICATION_LOGIC.format("stopping playback and truncating"),
        "interrupt": APPLICATION_LOGIC.format("cancelling a response"),
        "sequencing": APPLICATION_LOGIC.format("keeping one response in flight"),
    }

    def client(self) -> WireClient:
        return OpenAIClient()
