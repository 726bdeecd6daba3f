"""pipecat-ai's ``OpenAIRealtimeLLMService`` on the wire, in a pipeline as a pipecat application runs it.

The pipeline is ``user aggregator → OpenAIRealtimeLLMService → recorder → assistant aggregator``
(``LLMContextAggregatorPair(context, realtime_service_mode=True)``), run by a ``PipelineRunner``
on the scenario's event loop with no transport: nothing plays the audio, the recorder sees the
frames a transport would.

* connect: ``OpenAIRealtimeLLMService(api_key=..., base_url="ws://127.0.0.1:PORT/v1/realtime")``
  with ``SessionProperties`` from the application's settings (``turn_detection=False`` is pipecat's
  idiom for "off", ``TurnDetection`` / ``SemanticTurnDetection`` built from the configured object,
  ``InputAudioTranscription``, ``InputAudioNoiseReduction``, ``AudioOutput(voice=...)``,
  ``output_modalities``; instructions; function tools) and a function handler registered for each tool;
  the conversation starts with the user's first message, not with a context frame of its own (which
  would make the assistant speak first);
* the user's text: ``LLMMessagesAppendFrame([{"role": "user", ...}], run_llm=True)``;
* the user's speech: an ``InputAudioRawFrame`` (24 kHz mono) queued into the pipeline, as a
  transport's input pushes it; the service appends it to the input buffer (llm.py:682-684, :1406-1414);
* function calls: pipecat runs the registered handler and sends its result itself;
* the application's interrupt: an ``InterruptionFrame``;
* what the application sees: ``TTSAudioRawFrame`` (audio), ``TTSTextFrame`` (the transcript) downstream of the service, the task's ``on_pipeline_error`` (errors the service
  pushes upstream), and pipecat's loguru output at warning level or above.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from typing import Any

from pipecat.processors.frame_processor import FrameProcessor

from ...adapters.wire import Settings, WireAdapter, WireClient


class PipecatClient(WireClient):
    def __init__(self) -> None:
        super().__init__()
        self.task: Any = None
        self.runner_task: asyncio.Task[Any] | None = None
        self.service: Any = None
        self.sink: int | None = None

    async def connect(self, url: str, settings: Settings) -> None:
        from loguru import logger
        from pipecat.pipeline.pipeline import Pipeline
        from pipecat.pipeline.runner import PipelineRunner
        from pipecat.pipeline.task import PipelineParams, PipelineTask
        from pipecat.processors.aggregators.llm_context import LLMContext
        from pipecat.processors.aggregators.llm_response_universal import LLMContextAggregatorPair

        self.sink = logger.add(self.on_log, level="WARNING", format="{message}")
        self.service = self.make_service(url, settings)
        for tool in settings.tools:
            self.service.register_function(tool.name, _handler(tool.output))
        context = LLMContext(messages=[{"role": "system", "content": settings.instructions}] if settings.instructions else [])
        pair = LLMContextAggregatorPair(context, realtime_service_mode=True)
        pipeline = Pipeline([pair.user(), self.service, _Recorder(self), pair.assistant()])
        self.task = PipelineTask(pipeline, params=PipelineParams(), enable_rtvi=False, enable_turn_tracking=False, cancel_on_idle_timeout=False)

        @self.task.event_handler("on_pipeline_error")
        async def on_pipeline_error(task: Any, frame: Any) -> None:
            self.saw("error", message=str(getattr(frame, "error", frame))[:300], fatal=bool(getattr(frame, "fatal", False)))

        runner = PipelineRunner(handle_sigint=False, handle_sigterm=False)
        await runner.add_workers(self.task)
        self.runner_task = asyncio.get_running_loop().create_task(runner.run(), name="pipecat-runner")

    def make_service(self, url: str, settings: Settings) -> Any:
        """The realtime service, pointed at ``url`` and configured with ``settings``."""
        from pipecat.services.openai.realtime.llm import OpenAIRealtimeLLMService

        return OpenAIRealtimeLLMService(
            api_key="test-key",
            base_url=url + "/v1/realtime",
            settings=OpenAIRealtimeLLMService.Settings(session_properties=_session_properties(settings)),
        )

    def on_log(self, message: Any) -> None:
        record = message.record
        self.saw("log", level=record["level"].name, message=str(record["message"])[:300])

    async def send_text(self, text: str) -> None:
        from pipecat.frames.frames import LLMMessagesAppendFrame

        await self.service.queue_frame(LLMMessagesAppendFrame(messages=[{"role": "user", "content": text}], run_llm=True))

    async def append_audio(self, pcm: bytes) -> None:
        from pipecat.frames.frames import InputAudioRawFrame

        await self.task.queue_frames([InputAudioRawFrame(audio=pcm, sample_rate=24000, num_channels=1)])

    async def interrupt(self) -> None:
        from pipecat.frames.frames import InterruptionFrame

        await self.task.queue_frames([InterruptionFrame()])

    async def close(self) -> None:
        from loguru import logger

        try:
            if self.task is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.task.cancel(), 3)
            if self.runner_task is not None:
                # asyncio.wait, not wait_for: a runner that takes longer to stop is left running
                # (the scenario reports and cancels it), never awaited past the bound.
                await asyncio.wait({self.runner_task}, timeout=2.5)
        finally:
            if self.sink is not None:
                with contextlib.suppress(ValueError):
                    logger.remove(self.sink)

    def alive(self) -> bool | None:
        receiver = getattr(self.service, "_receive_task", None)
        return receiver is not None and not receiver.done()


def _session_properties(settings: Settings) -> Any:
    """pipecat's ``SessionProperties`` for what the application configured, built through its own
    models as its documentation shows; a member its model does not have is dropped by it, silently."""
    from pipecat.services.openai.realtime import events

    properties: dict[str, Any] = {}
    if settings.instructions is not None:
        properties["instructions"] = settings.instructions
    audio_input: dict[str, Any] = {}
    turn = settings.turn_detection
    if turn == "off":
        audio_input["turn_detection"] = False
    elif isinstance(turn, Mapping):
        model = events.SemanticTurnDetection if dict(turn).get("type") == "semantic_vad" else events.TurnDetection
        audio_input["turn_detection"] = model(**dict(turn))
    if isinstance(settings.transcription, Mapping):
        audio_input["transcription"] = events.InputAudioTranscription(**dict(settings.transcription))
    if isinstance(settings.noise_reduction, Mapping):
        audio_input["noise_reduction"] = events.InputAudioNoiseReduction(**dict(settings.noise_reduction))
    audio: dict[str, Any] = {}
    if audio_input:
        audio["input"] = events.AudioInput(**audio_input)
    if settings.voice is not None:
        audio["output"] = events.AudioOutput(voice=settings.voice)
    if audio:
        properties["audio"] = events.AudioConfiguration(**audio)
    if settings.output_modalities is not None:
        properties["output_modalities"] = list(settings.output_modalities)
    if settings.tools:
        properties["tools"] = tools_schema(settings)
    return events.SessionProperties(**properties)


def tools_schema(settings: Settings) -> Any:
    """The application's functions as pipecat's ``ToolsSchema`` (``FunctionSchema`` takes the
    schema's properties and required members)."""
    from pipecat.adapters.llm.schemas.function_schema import FunctionSchema
    from pipecat.adapters.llm.schemas.tools_schema import ToolsSchema

    return ToolsSchema(
        standard_tools=[
            FunctionSchema(name=t.name, description=t.description, properties=dict(t.parameters.get("properties", {})), required=list(t.parameters.get("required", [])))
            for t in settings.tools
        ]
    )


def _handler(output: str) -> Any:
    async def handle(params: Any) -> None:
        await params.result_callback(json.loads(output))

    return handle


class _Recorder(FrameProcessor):
    """Sees the frames an output transport would, and reports them as the application's view."""

    def __init__(self, client: PipecatClient) -> None:
        super().__init__()
        self.client = client

    async def process_frame(self, frame: Any, direction: Any) -> None:
        from pipecat.frames.frames import ErrorFrame, FunctionCallInProgressFrame, TTSAudioRawFrame, TTSTextFrame

        await super().process_frame(frame, direction)
        if isinstance(frame, TTSAudioRawFrame):
            self.client.saw("audio", bytes=len(frame.audio))
        elif isinstance(frame, TTSTextFrame):  # each transcript delta also comes as an LLMTextFrame, for RTVI
            self.client.saw("transcript", text=frame.text)
        elif isinstance(frame, ErrorFrame):
            self.client.saw("error", message=str(frame.error)[:300], fatal=bool(getattr(frame, "fatal", False)))
        elif isinstance(frame, FunctionCallInProgressFrame):
            self.client.saw("function-call", call_id=frame.tool_call_id, name=frame.function_name, arguments=json.dumps(frame.arguments))
        await self.push_frame(frame, direction)


class PipecatWireAdapter(WireAdapter):
    name = "pipecat"
    distribution = "pipecat-ai"

    def client(self) -> WireClient:
        return PipecatClient()
