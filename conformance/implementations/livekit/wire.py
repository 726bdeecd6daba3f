"""LiveKit Agents' OpenAI realtime model on the wire: ``livekit.plugins.openai.realtime.RealtimeModel``
and the ``RealtimeSession`` it opens, which run without a LiveKit room.

Driven as LiveKit's own voice agent (``AgentActivity``) drives it:

* connect: ``RealtimeModel(base_url="http://127.0.0.1:PORT/v1", ...)`` with the application's
  settings as its constructor takes them (``turn_detection``: ``None`` for "off", else the openai
  types' ``ServerVad`` / ``SemanticVad``; ``input_audio_transcription``: ``AudioTranscription``;
  ``input_audio_noise_reduction``: the type's name; ``voice``; ``modalities``), ``model.session()``,
  ``update_instructions`` and ``update_tools`` (a raw-schema function tool);
* the user's speech: ``session.push_audio(rtc.AudioFrame(...))`` at 24 kHz mono, as
  ``AgentActivity`` forwards a room's audio (``_realtime/openai.py:1702-1714``);
* the user's text: a user message added to a copy of ``session.chat_ctx``, ``update_chat_ctx``, then
  ``generate_reply()``;
* a function call comes out of a generation's ``function_stream``; the application answers with a
  ``FunctionCallOutput`` through ``update_chat_ctx`` and asks for a reply;
* the application's interrupt: ``session.interrupt()``;
* what the application sees: each generation's audio and text streams, the session's ``error``
  events, and what the ``livekit`` loggers log at warning level or above.

Stopping playback and truncating on barge-in, and keeping one reply in flight, are LiveKit's
``AgentSession`` / ``AgentActivity`` (``livekit.agents.voice``), which need a room's audio tracks;
the realtime session this adapter drives leaves them to its caller, so those checks do not apply.
There is no parse-level adapter for LiveKit (:mod:`.adapter` declares every parse-level capability
missing).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from typing import Any

from ...adapters.wire import Settings, WireAdapter, WireClient
from ...adapters.wire_logging import LogCapture

AGENT_SESSION = "in LiveKit that is AgentSession's job (livekit.agents.voice), which needs a room; the RealtimeSession driven here leaves it to its caller"


class LivekitClient(WireClient):
    def __init__(self) -> None:
        super().__init__()
        self.model: Any = None
        self.session: Any = None
        self.settings = Settings()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.logs = LogCapture(self, ["livekit.agents", "livekit.plugins.openai"])

    async def connect(self, url: str, settings: Settings) -> None:
        from livekit.plugins.openai import realtime

        self.settings = settings
        self.logs.start()
        options: dict[str, Any] = {"base_url": url.replace("ws://", "http://", 1) + "/v1", "api_key": "test-key", "model": "gpt-realtime", **_options(settings)}
        self.model = realtime.RealtimeModel(**options)
        self.session = self.model.session()
        self.session.on("generation_created", self.on_generation)
        self.session.on("error", lambda error: self.saw("error", message=f"{error.label}: {error.error}"[:300], recoverable=error.recoverable))
        if settings.instructions is not None:
            await self.session.update_instructions(settings.instructions)
        if settings.tools:
            await self.session.update_tools([_tool(tool.name, tool.description, dict(tool.parameters)) for tool in settings.tools])

    def spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def on_generation(self, generation: Any) -> None:
        self.spawn(self.read_messages(generation.message_stream))
        self.spawn(self.read_calls(generation.function_stream))

    async def read_messages(self, stream: Any) -> None:
        async for message in stream:
            self.spawn(self.read_audio(message.audio_stream))
            self.spawn(self.read_text(message.text_stream))

    async def read_audio(self, stream: Any) -> None:
        async for frame in stream:
            self.saw("audio", bytes=len(bytes(frame.data.cast("B"))))

    async def read_text(self, stream: Any) -> None:
        async for delta in stream:
            self.saw("transcript", text=str(delta))

    async def read_calls(self, stream: Any) -> None:
        from livekit.agents import llm

        async for call in stream:
            self.saw("function-call", call_id=call.call_id, name=call.name, arguments=call.arguments)
            tool = self.settings.tool(call.name)
            output = tool.output if tool else json.dumps({"error": f"no function named {call.name}"})
            context = self.session.chat_ctx.copy()
            context.items.append(llm.FunctionCallOutput(call_id=call.call_id, name=call.name, output=output, is_error=False))
            await self.session.update_chat_ctx(context)
            with contextlib.suppress(Exception):
                await self.session.generate_reply()

    async def send_text(self, text: str) -> None:
        context = self.session.chat_ctx.copy()
        context.add_message(role="user", content=text)
        await self.session.update_chat_ctx(context)
        reply = self.session.generate_reply()
        reply.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved; errors reach the application as events

    async def append_audio(self, pcm: bytes) -> None:
        from livekit import rtc

        self.session.push_audio(rtc.AudioFrame(data=pcm, sample_rate=24000, num_channels=1, samples_per_channel=len(pcm) // 2))

    async def interrupt(self) -> None:
        self.session.interrupt()

    async def close(self) -> None:
        try:
            if self.session is not None:
                await self.session.aclose()
            if self.model is not None:
                await self.model.aclose()
            for task in list(self.tasks):
                task.cancel()
            if self.tasks:
                await asyncio.wait(list(self.tasks), timeout=1)
        finally:
            self.logs.stop()

    def alive(self) -> bool | None:
        task = getattr(self.session, "_main_atask", None)
        return task is not None and not task.done()


def _options(settings: Settings) -> dict[str, Any]:
    """``RealtimeModel``'s constructor arguments for what the application configured, in the types
    its signature names (``_realtime/openai.py:355-366``)."""
    from openai.types import realtime
    from openai.types.realtime.audio_transcription import AudioTranscription

    options: dict[str, Any] = {}
    turn = settings.turn_detection
    if turn == "off":
        options["turn_detection"] = None
    elif isinstance(turn, Mapping):
        kind = realtime.realtime_audio_input_turn_detection.SemanticVad if turn.get("type") == "semantic_vad" else realtime.realtime_audio_input_turn_detection.ServerVad
        options["turn_detection"] = kind(**dict(turn))
    if settings.transcription is not None:
        options["input_audio_transcription"] = None if settings.transcription == "off" else AudioTranscription(**dict(settings.transcription))
    if settings.noise_reduction is not None:
        options["input_audio_noise_reduction"] = None if settings.noise_reduction == "off" else settings.noise_reduction.get("type")
    if settings.voice is not None:
        options["voice"] = settings.voice
    if settings.output_modalities is not None:
        options["modalities"] = list(settings.output_modalities)
    return options


def _tool(name: str, description: str, parameters: dict[str, Any]) -> Any:
    from livekit.agents import llm

    async def call(raw_arguments: dict[str, Any]) -> str:
        return "{}"

    return llm.function_tool(call, raw_schema={"name": name, "description": description, "parameters": parameters})


class LivekitWireAdapter(WireAdapter):
    name = "livekit"
    distribution = "livekit-plugins-openai"
    leaves_to_application = {"playback": AGENT_SESSION, "sequencing": AGENT_SESSION}

    def __init__(self) -> None:
        # LiveKit registers its plugins on import, and only on the main thread; scenarios run their
        # client in a thread of their own.
        import livekit.plugins.openai.realtime  # noqa: F401

    def client(self) -> WireClient:
        return LivekitClient()
