"""openai-agents' ``OpenAIRealtimeWebSocketModel`` on the wire, driven as ``RealtimeSession`` drives it.

* connect: ``model.connect({"url": ..., "api_key": ..., "initial_model_settings": {...}})`` with the
  application's instructions, ``turn_detection: None`` for "off", and its tools as ``FunctionTool`` s;
* the user's text: ``RealtimeModelSendUserInput`` (the model adds the item and asks for a response
  through its own response-create sequencer);
* the user's speech: ``RealtimeModelSendAudio(audio=pcm, commit=False)``, what
  ``RealtimeSession.send_audio`` sends (openai_realtime.py:805-806, :977-978); server VAD commits it;
* configuration: every setting as ``initial_model_settings`` (``turn_detection``,
  ``input_audio_transcription``, ``input_audio_noise_reduction``, ``voice``, ``output_modalities``);
* a function call arrives as ``RealtimeModelToolCallEvent``; the application answers with
  ``RealtimeModelSendToolOutput(start_response=True)``, as ``RealtimeSession`` does;
* the application's interrupt: ``RealtimeModelSendInterrupt()``, what ``RealtimeSession.interrupt()``
  sends; barge-in on ``speech_started`` is the model's own;
* what the application sees: the model's events (audio, transcript deltas, errors and exceptions)
  and the ``openai.agents`` logger.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...adapters.wire import Settings, WireAdapter, WireClient
from ...adapters.wire_logging import LogCapture


class OpenAIAgentsClient(WireClient):
    def __init__(self) -> None:
        super().__init__()
        from agents.realtime.openai_realtime import OpenAIRealtimeWebSocketModel

        self.model = OpenAIRealtimeWebSocketModel()
        self.settings = Settings()
        self.logs = LogCapture(self, ["openai.agents"])
        self.closed = False

    async def connect(self, url: str, settings: Settings) -> None:
        from agents.realtime.model import RealtimeModelListener

        client = self

        class Listener(RealtimeModelListener):
            async def on_event(self, event: Any) -> None:
                await client.on_event(event)

        self.settings = settings
        self.model.add_listener(Listener())
        self.logs.start()
        await self.model.connect({"url": url + "/v1/realtime?model=gpt-realtime", "api_key": "test-key", "initial_model_settings": _model_settings(settings)})

    async def on_event(self, event: Any) -> None:
        from agents.realtime.model_inputs import RealtimeModelSendToolOutput

        kind = getattr(event, "type", "")
        if kind == "audio":
            self.saw("audio", bytes=len(event.data))
        elif kind == "transcript_delta":
            self.saw("transcript", text=event.delta)
        elif kind == "error":
            self.saw("error", message=str(event.error)[:300])
        elif kind == "exception":
            self.saw("error", message=f"{event.context}: {type(event.exception).__name__}: {str(event.exception)[:200]}")
        elif kind == "function_call":
            self.saw("function-call", call_id=event.call_id, name=event.name, arguments=event.arguments)
            tool = self.settings.tool(event.name)
            output = tool.output if tool else json.dumps({"error": f"no function named {event.name}"})
            await self.model.send_event(RealtimeModelSendToolOutput(tool_call=event, output=output, start_response=True))
        elif kind == "connection_status" and getattr(event, "status", "") == "disconnected":
            self.saw("closed", reason="the model reported the connection closed")
        elif kind != "raw_server_event":
            self.saw("event", type=kind)

    async def send_text(self, text: str) -> None:
        from agents.realtime.model_inputs import RealtimeModelSendUserInput

        await self.model.send_event(RealtimeModelSendUserInput(user_input=text))

    async def append_audio(self, pcm: bytes) -> None:
        from agents.realtime.model_inputs import RealtimeModelSendAudio

        await self.model.send_event(RealtimeModelSendAudio(audio=pcm, commit=False))

    async def interrupt(self) -> None:
        from agents.realtime.model_inputs import RealtimeModelSendInterrupt

        await self.model.send_event(RealtimeModelSendInterrupt())

    async def close(self) -> None:
        try:
            await self.model.close()
        finally:
            self.closed = True
            self.logs.stop()

    def alive(self) -> bool | None:
        task = getattr(self.model, "_websocket_task", None)
        return task is not None and not task.done()


def _model_settings(settings: Settings) -> dict[str, Any]:
    from agents.tool import FunctionTool

    model_settings: dict[str, Any] = {}
    if settings.instructions is not None:
        model_settings["instructions"] = settings.instructions
    if settings.turn_detection == "off":
        model_settings["turn_detection"] = None
    elif isinstance(settings.turn_detection, Mapping):
        model_settings["turn_detection"] = dict(settings.turn_detection)
    for option, value in (("input_audio_transcription", settings.transcription), ("input_audio_noise_reduction", settings.noise_reduction)):
        if value is not None:
            model_settings[option] = None if value == "off" else dict(value)
    if settings.voice is not None:
        model_settings["voice"] = settings.voice
    if settings.output_modalities is not None:
        model_settings["output_modalities"] = list(settings.output_modalities)
    if settings.tools:
        model_settings["tools"] = [
            FunctionTool(name=t.name, description=t.description, params_json_schema=dict(t.parameters), on_invoke_tool=_returns(t.output), strict_json_schema=False)
            for t in settings.tools
        ]
    return model_settings


def _returns(output: str) -> Any:
    async def invoke(context: Any, arguments: str) -> str:
        return output

    return invoke


class OpenAIAgentsWireAdapter(WireAdapter):
    name = "openai-agents"
    distribution = "openai-agents"

    def client(self) -> WireClient:
        return OpenAIAgentsClient()
