"""pydantic-ai's realtime session (``Agent.realtime(model).session()``) over OpenAI Realtime, on the wire.

Driven as its documentation shows an application driving it:

* connect: ``OpenAIRealtimeModel("gpt-realtime", provider=OpenAIProvider(base_url="http://127.0.0.1:PORT/v1",
  api_key=...), settings=...)`` (the provider's base URL becomes ``ws://…/v1/realtime?model=…``,
  ``_openai_protocol.py:150-200``), an ``Agent`` with the application's instructions and its tools
  (``Tool.from_schema`` with the function's JSON schema as it is), and ``agent.realtime(model).session()``
  entered; entering waits for ``session.created`` and then ``session.updated`` (its handshake);
* settings: ``turn_detection=False`` for "off" (``None`` is not accepted: a ``TypeError`` in its
  config builder), ``openai_turn_detection`` for a server or semantic VAD object with its members,
  ``input_transcription_model``, ``openai_input_noise_reduction``, ``openai_voice``, ``output_modality``;
* the user's text: ``session.send(text)``; the user's speech: ``session.send_audio(pcm)`` (24 kHz
  mono PCM16); function calls run by the session itself with the agent's tools;
* the application's interrupt: ``session.interrupt(played_ms=...)`` with the audio it got so far
  (it played everything it received), as the docs say an application that keeps its own playback
  accounting does;
* what the application sees: the session's events (``async for event in session``): speech deltas
  (``audio_chunk``, ``transcript_delta``), tool calls, ``RealtimeSessionErrorEvent``, and the
  ``pydantic_ai`` loggers at warning level or above.

Barge-in truncation is the application's: the session does it only with ``handle_barge_in=True``
and a single ``stream_audio()`` iterator drained at device pace (``agent/abstract.py:2791-2800``),
a playback topology this application does not have.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

from ...adapters.wire import Settings, WireAdapter, WireClient
from ...adapters.wire_logging import LogCapture

BARGE_IN = "the session truncates on barge-in only with handle_barge_in=True and its stream_audio() drained at device pace (pydantic_ai/agent/abstract.py:2791-2800); otherwise the application calls interrupt() itself"


class PydanticAIClient(WireClient):
    def __init__(self) -> None:
        super().__init__()
        self.owner: asyncio.Task[None] | None = None
        self.closing = asyncio.Event()
        self.session: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.audio_ms = 0.0
        self.logs = LogCapture(self, ["pydantic_ai"])

    async def connect(self, url: str, settings: Settings) -> None:
        from pydantic_ai import Agent
        from pydantic_ai.providers.openai import OpenAIProvider
        from pydantic_ai.realtime.openai import OpenAIRealtimeModel

        self.logs.start()
        base = url.replace("ws://", "http://", 1) + "/v1"
        model = OpenAIRealtimeModel("gpt-realtime", provider=OpenAIProvider(base_url=base, api_key="sk-test"), settings=_settings(settings))
        agent = Agent(instructions=settings.instructions, tools=[_tool(tool.name, tool.description, dict(tool.parameters), tool.output) for tool in settings.tools])
        # The session is an async context manager: one task enters and leaves it, as an application's
        # `async with` does, while the application's other steps use the session from theirs.
        ready = asyncio.Event()
        self.owner = asyncio.create_task(self.own(agent.realtime(model).session(), ready), name="pydantic-ai-app-session")
        waiting = asyncio.create_task(ready.wait())
        await asyncio.wait({self.owner, waiting}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if not ready.is_set():
            self.owner.result()  # the session could not be opened: its error is the connect's
            raise RuntimeError("the realtime session ended while opening")
        self.reader = asyncio.create_task(self.read(), name="pydantic-ai-app-receive")

    async def own(self, context: Any, ready: asyncio.Event) -> None:
        async with context as session:
            self.session = session
            ready.set()
            await self.closing.wait()

    async def read(self) -> None:
        from pydantic_ai.messages import FunctionToolCallEvent, PartDeltaEvent, RealtimeSessionErrorEvent, SpeechPartDelta

        try:
            async for event in self.session:
                if isinstance(event, PartDeltaEvent) and isinstance(event.delta, SpeechPartDelta) and event.delta.speaker != "user":
                    if event.delta.audio_chunk:
                        self.audio_ms += len(event.delta.audio_chunk) / 48
                        self.saw("audio", bytes=len(event.delta.audio_chunk))
                    if event.delta.transcript_delta:
                        self.saw("transcript", text=event.delta.transcript_delta)
                elif isinstance(event, FunctionToolCallEvent):
                    part = event.part
                    self.saw("function-call", call_id=part.tool_call_id, name=part.tool_name, arguments=part.args_as_json_str())
                elif isinstance(event, RealtimeSessionErrorEvent):
                    self.saw("error", message=str(event.message)[:300], recoverable=event.recoverable)
                else:
                    self.saw("event", type=type(event).__name__)
        except Exception as error:  # noqa: BLE001 - the event stream gave up: what the application sees
            self.saw("error", message=f"the event stream raised {type(error).__name__}: {str(error)[:200]}")
            return
        self.saw("closed", reason="the event stream ended")

    async def send_text(self, text: str) -> None:
        await self.session.send(text)

    async def append_audio(self, pcm: bytes) -> None:
        await self.session.send_audio(pcm)

    async def interrupt(self) -> None:
        await self.session.interrupt(played_ms=int(self.audio_ms))

    async def close(self) -> None:
        try:
            self.closing.set()
            if self.owner is not None:
                await asyncio.wait({self.owner}, timeout=2.5)
                if self.owner.done() and not self.owner.cancelled() and self.owner.exception() is not None:
                    raise self.owner.exception()  # type: ignore[misc]
            if self.reader is not None:
                with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                    await asyncio.wait_for(self.reader, 2)
        finally:
            self.logs.stop()

    def alive(self) -> bool | None:
        return self.reader is not None and not self.reader.done()


def _settings(settings: Settings) -> dict[str, Any]:
    """pydantic-ai's model settings for what the application configured (settings.py, openai.py:247-290)."""
    found: dict[str, Any] = {}
    turn = settings.turn_detection
    if turn == "off":
        found["turn_detection"] = False
    elif isinstance(turn, Mapping):
        found["openai_turn_detection"] = dict(turn)
    if isinstance(settings.transcription, Mapping):
        found["input_transcription_model"] = settings.transcription.get("model")
    elif settings.transcription == "off":
        found["input_transcription_model"] = None
    if isinstance(settings.noise_reduction, Mapping):
        found["openai_input_noise_reduction"] = settings.noise_reduction.get("type")
    if settings.voice is not None:
        found["openai_voice"] = settings.voice
    if settings.output_modalities is not None and len(settings.output_modalities) == 1:
        found["output_modality"] = settings.output_modalities[0]
    return found


def _tool(name: str, description: str, parameters: dict[str, Any], output: str) -> Any:
    from pydantic_ai import Tool

    def call(**arguments: Any) -> str:
        return output

    return Tool.from_schema(call, name=name, description=description, json_schema=parameters)


class PydanticAIWireAdapter(WireAdapter):
    name = "pydantic-ai"
    distribution = "pydantic-ai-slim"
    leaves_to_application = {"playback": BARGE_IN}

    def client(self) -> WireClient:
        return PydanticAIClient()
