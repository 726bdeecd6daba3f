"""strands-agents' bidirectional OpenAI realtime model on the wire:
``strands.bidi.models.openai.realtime.OpenAIRealtimeModel``, driven as strands' own ``BidiAgent``
loop drives it (strands/bidi/agent/loop.py), without the agent around it.

* connect: the model has no URL option; it connects to the module constant ``OPENAI_REALTIME_URL``
  (bidi/models/openai/realtime.py:76), read when ``start()`` connects (:346), so the client sets that
  constant, as an application that points strands elsewhere has to. Then
  ``OpenAIRealtimeModel(model_id=..., api_key=..., transcription_model_id=..., voice=..., params=...)``
  and ``start(system_prompt=..., tools=[ToolSpec...])``: the session configuration is strands'
  ``DEFAULT_SESSION_CONFIG`` with the instructions, tools, transcription and voice set, and
  ``params`` merged over it member by member (:365-393). What the application configures beyond
  instructions, tools, voice and transcription goes in ``params`` in GA's own shape;
  ``turn_detection: null`` raises ``ValueError`` there (:384-392), as it does for an application.
* a reader task iterates ``model.receive()``, as ``_run_model`` does (loop.py:603); an exception from
  it ends the reader, and the agent raises it to its application (loop.py:717-722, :321).
* the user's text: ``model.send(BidiMessage([TextBlock(text)]))`` (realtime.py:829-847), which adds
  the item and asks for a response through its own sequencer (:878-909).
* a function call arrives as ``BidiToolUseBlocksEvent``; the application's answer goes back as
  ``BidiMessage([ToolResultBlock(status="success", content=[{"text": output}])])``, as ``_run_tools``
  sends a tool's result (loop.py:757-768).
* the user's audio: ``model.send(AudioDelta(format="pcm", source={"bytes": pcm}))``, as
  ``BidiAudioIO`` sends microphone frames (agent.py:407; realtime.py:849-855).
* what the application sees: audio, transcript and text deltas, tool uses, every other strands event
  by its type, and what the ``strands`` loggers log at warning level or above (server errors are
  only logged, :722-736).

The model has no interruption: it sends no ``response.cancel`` and no ``conversation.item.truncate``
(its client events: :359, :475, :511, :520, :855, :884, :905). Barge-in is the server's (VAD with
``interrupt_response``, which it requires, :384-392): the model turns the cancelled response into a
``BidiBargeInEvent`` (:746-750) and the agent's audio output clears its buffer.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from ...adapters.wire import Settings, WireAdapter, WireClient
from ...adapters.wire_logging import LogCapture

REALTIME = "strands/bidi/models/openai/realtime.py"


class StrandsClient(WireClient):
    def __init__(self) -> None:
        super().__init__()
        self.model: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.settings = Settings()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.logs = LogCapture(self, ["strands"])
        self._url: str | None = None
        self.closing = False

    async def connect(self, url: str, settings: Settings) -> None:
        from strands.bidi.models.openai import realtime

        self.settings = settings
        self.logs.start()
        self._url = realtime.OPENAI_REALTIME_URL
        realtime.OPENAI_REALTIME_URL = url + "/v1/realtime"  # read by start() when it connects (:346)
        transcription = settings.transcription if isinstance(settings.transcription, dict) else None
        options: dict[str, Any] = {
            "model_id": "gpt-realtime",
            "api_key": "test-key",
            # a required argument (:195): None sends transcription null, a model name turns it on (:378-380)
            "transcription_model_id": transcription.get("model") if transcription else None,
        }
        if settings.voice is not None:
            options["voice"] = settings.voice
        params = _params(settings)
        if params:
            options["params"] = params
        self.model = realtime.OpenAIRealtimeModel(**options)
        tools = [{"name": t.name, "description": t.description, "inputSchema": {"json": dict(t.parameters)}} for t in settings.tools]
        await self.model.start(system_prompt=settings.instructions, tools=tools or None)
        self.reader = asyncio.get_running_loop().create_task(self.receive(), name="strands-reader")

    async def receive(self) -> None:
        try:
            async for event in self.model.receive():
                await self.on_event(event)
        except Exception as error:  # noqa: BLE001 - the agent raises it to its application (loop.py:717-722, :321)
            if not self.closing:
                self.saw("error", message=f"model.receive() raised {type(error).__name__}: {str(error)[:200]}")
                self.saw("closed", reason="the model's receive loop ended")

    async def on_event(self, event: Any) -> None:
        from strands.bidi.types import events as bidi

        if isinstance(event, bidi.BidiAudioDeltaEvent):
            self.saw("audio", bytes=len(base64.b64decode(event.audio)))
        elif isinstance(event, bidi.BidiTranscriptDeltaEvent):
            if event.role == "assistant":
                self.saw("transcript", text=event.delta)
            else:
                self.saw("event", type="user transcript delta")
        elif isinstance(event, bidi.BidiTextDeltaEvent):
            self.saw("text", text=event.delta)
        elif isinstance(event, bidi.BidiToolUseBlocksEvent):
            for tool_use in event.tool_uses:
                self.saw("function-call", call_id=tool_use["toolUseId"], name=tool_use["name"], arguments=json.dumps(tool_use["input"]))
            self.spawn(self.answer(event.tool_uses))
        else:
            self.saw("event", type=type(event).__name__)

    async def answer(self, tool_uses: list[Any]) -> None:
        """What ``_run_tools`` does once the tools have run: one message with every result (loop.py:757-768)."""
        from strands.bidi.types.content import BidiMessage
        from strands.types.tools import ToolResultBlock

        blocks = []
        for tool_use in tool_uses:
            tool = self.settings.tool(tool_use["name"])
            output = tool.output if tool else json.dumps({"error": f"no function named {tool_use['name']}"})
            blocks.append(ToolResultBlock(tool_use_id=tool_use["toolUseId"], status="success", content=[{"text": output}]))
        await self.model.send(BidiMessage(content=blocks))

    def spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            self.saw("error", message=f"sending the tool result raised {type(error).__name__}: {str(error)[:200]}", raised=True)

    async def send_text(self, text: str) -> None:
        from strands.bidi.types.content import BidiMessage
        from strands.types.content import TextBlock

        await self.model.send(BidiMessage(content=[TextBlock(text=text)]))

    async def append_audio(self, pcm: bytes) -> None:
        from strands.bidi.types.media import AudioDelta

        await self.model.send(AudioDelta(format="pcm", source={"bytes": pcm}))

    async def interrupt(self) -> None:
        raise NotImplementedError("OpenAIRealtimeModel has no interruption (no response.cancel)")

    async def close(self) -> None:
        self.closing = True
        try:
            if self.model is not None:
                await self.model.stop()
            waiting = [task for task in (self.reader, *self.tasks) if task is not None]
            if waiting:
                await asyncio.wait(waiting, timeout=2)
        finally:
            self.logs.stop()
            if self._url is not None:
                from strands.bidi.models.openai import realtime

                realtime.OPENAI_REALTIME_URL = self._url

    def alive(self) -> bool | None:
        return self.reader is not None and not self.reader.done()


def _params(settings: Settings) -> dict[str, Any]:
    """``params``, merged over strands' session configuration (:383): what the application configures
    that the model's own arguments do not carry, in GA's shape."""
    params: dict[str, Any] = {}
    audio_input: dict[str, Any] = {}
    if settings.turn_detection == "off":
        audio_input["turn_detection"] = None
    elif not isinstance(settings.turn_detection, str):
        audio_input["turn_detection"] = dict(settings.turn_detection)
    if isinstance(settings.transcription, dict):
        audio_input["transcription"] = dict(settings.transcription)
    if settings.noise_reduction == "off":
        audio_input["noise_reduction"] = None
    elif settings.noise_reduction is not None:
        audio_input["noise_reduction"] = dict(settings.noise_reduction)
    if audio_input:
        params["audio"] = {"input": audio_input}
    if settings.output_modalities is not None:
        params["output_modalities"] = list(settings.output_modalities)
    return params


class StrandsWireAdapter(WireAdapter):
    name = "strands"
    distribution = "strands-agents"
    missing = {
        "interrupt": f"OpenAIRealtimeModel's send() takes a BidiMessage or an AudioDelta only ({REALTIME}:805-827); it never sends response.cancel",
        "playback": f"the model never sends conversation.item.truncate (its client events: {REALTIME}:359, :475, :511, :520, :855, :884, :905); "
                    "on barge-in it emits BidiBargeInEvent (:746-750) and BidiAudioIO drops what it has not played",
    }

    def client(self) -> WireClient:
        return StrandsClient()
