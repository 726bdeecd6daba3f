"""Semantic Kernel's ``OpenAIRealtimeWebsocket`` on the wire, driven as its samples drive it.

* connect: ``OpenAIRealtimeWebsocket(ai_model_id=..., client=AsyncOpenAI(websocket_base_url=...))``,
  then the context manager's ``__call__(settings=..., kernel=...)`` and ``__aenter__``
  (realtime_client_base.py:122-151): ``create_session`` connects through the openai SDK's
  ``client.realtime.connect`` (semantic_kernel/connectors/ai/open_ai/services/_open_ai_realtime.py:983-987)
  and ``update_session`` sends the ``session.update`` built from the application's
  ``OpenAIRealtimeExecutionSettings`` (:363-407). The application's functions are kernel functions of
  a plugin, offered with ``FunctionChoiceBehavior.Auto()``; SK names each ``plugin-function`` on the
  wire (kernel_function_metadata.py:26-47) and calls it itself when the model asks
  (``_parse_function_call_arguments_done``, :442-517), sending its result and a ``response.create``.
* a reader task iterates ``receive()`` (:941-964), as the samples' ``async for event in
  realtime_client.receive()`` does; an exception from it ends that iteration and reaches the
  application, which reads on with a new ``receive()`` over the same open connection.
* the user's text: ``send(RealtimeTextEvent(text=TextContent(...)))`` (a user message, :532-547), then
  ``send(RealtimeEvent(service_type="response.create"))`` (:690-695).
* the user's audio: ``send(RealtimeAudioEvent(audio=AudioContent(...)))`` (:526-531).
* the application's interrupt: ``send(RealtimeEvent(service_type="response.cancel"))`` (:696-702): SK
  has no interruption of its own, and plays no audio (``audio_output_callback`` hands it to the
  application, :947-956), so stopping playback and truncating are the application's.
* what the application sees: audio (``RealtimeAudioEvent``), transcript and text deltas
  (``RealtimeTextEvent``), function calls (``RealtimeFunctionCallEvent`` for the arguments' done),
  server errors (``RealtimeEvent`` of service type ``error``, :351-355), every other event by its
  type, and what SK's and the SDK's loggers log at warning level or above.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
from typing import Any

from ...adapters.wire import Settings, Tool, WireAdapter, WireClient
from ...adapters.wire_logging import LogCapture

REALTIME = "semantic_kernel/connectors/ai/open_ai/services/_open_ai_realtime.py"
#: The plugin the application's functions belong to: SK names a tool ``plugin-function``.
PLUGIN = "conformance"
#: How many times the application starts reading again after receive() raised.
READS = 5
_JSON_TYPES = {"string": str, "integer": int, "number": float, "boolean": bool}


class SemanticKernelClient(WireClient):
    def __init__(self) -> None:
        super().__init__()
        self.service: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.logs = LogCapture(self, ["semantic_kernel", "openai"])
        self.closing = False

    async def connect(self, url: str, settings: Settings) -> None:
        from openai import AsyncOpenAI
        from semantic_kernel import Kernel
        from semantic_kernel.connectors.ai import FunctionChoiceBehavior
        from semantic_kernel.connectors.ai.open_ai import OpenAIRealtimeExecutionSettings, OpenAIRealtimeWebsocket

        self.logs.start()
        client = AsyncOpenAI(api_key="test-key", websocket_base_url=url + "/v1")
        self.service = OpenAIRealtimeWebsocket(ai_model_id="gpt-realtime", client=client)
        kernel = Kernel()
        for tool in settings.tools:
            kernel.add_function(PLUGIN, _function(tool))
        fields = _fields(settings)
        if settings.tools:
            fields["function_choice_behavior"] = FunctionChoiceBehavior.Auto()
        await self.service(settings=OpenAIRealtimeExecutionSettings(**fields), kernel=kernel).__aenter__()
        self.reader = asyncio.get_running_loop().create_task(self.receive(), name="semantic-kernel-reader")

    async def receive(self) -> None:
        """The application's reading: ``async for`` over ``receive()``. An exception from it ends that
        iteration, but the SDK's connection underneath stays open (``receive()`` iterates it afresh
        each call, :949-953), so the application, told by the exception, reads on with a new
        ``receive()`` (issue 19 §4: an exception from the iterator, the connection usable)."""
        for _ in range(READS):
            try:
                async for event in self.service.receive():
                    self.on_event(event)
                break  # the connection closed
            except Exception as error:  # noqa: BLE001 - the application's async for ends with it
                if self.closing or self.service.connection is None:
                    break
                self.saw("error", message=f"receive() raised {type(error).__name__}: {str(error)[:200]}")
        if not self.closing:
            self.saw("closed", reason="receive() ended")

    def on_event(self, event: Any) -> None:
        from semantic_kernel.contents import RealtimeAudioEvent, RealtimeFunctionCallEvent, RealtimeTextEvent

        kind = str(getattr(event.service_type, "value", event.service_type))
        if isinstance(event, RealtimeAudioEvent):
            self.saw("audio", bytes=len(base64.b64decode(event.service_event.delta or "")))
        elif isinstance(event, RealtimeTextEvent):
            self.saw("transcript" if "transcript" in kind else "text", text=event.text.text or "")
        elif isinstance(event, RealtimeFunctionCallEvent) and kind == "response.function_call_arguments.done":
            call = event.function_call
            self.saw("function-call", call_id=(call.metadata or {}).get("call_id"), name=call.function_name, arguments=call.arguments)
        elif kind == "error":
            error = getattr(event.service_event, "error", None)
            self.saw("error", message=str(getattr(error, "message", None) or (error.get("message") if isinstance(error, dict) else error))[:300])
        else:
            self.saw("event", type=kind)

    async def send_text(self, text: str) -> None:
        from semantic_kernel.contents import RealtimeEvent, RealtimeTextEvent, TextContent

        await self.service.send(RealtimeTextEvent(text=TextContent(text=text)))
        await self.service.send(RealtimeEvent(service_type="response.create"))

    async def append_audio(self, pcm: bytes) -> None:
        from semantic_kernel.contents import AudioContent, RealtimeAudioEvent

        # data_format="base64", as AudioContent.from_audio_file makes it (audio_content.py:84): send()
        # writes data_string (:529), which is empty for bytes without a data format
        await self.service.send(RealtimeAudioEvent(audio=AudioContent(data=pcm, data_format="base64", mime_type="audio/pcm")))

    async def interrupt(self) -> None:
        from semantic_kernel.contents import RealtimeEvent

        await self.service.send(RealtimeEvent(service_type="response.cancel"))

    async def close(self) -> None:
        self.closing = True
        try:
            if self.service is not None:
                await self.service.__aexit__(None, None, None)  # close_session (:989-995)
            if self.reader is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait([self.reader], timeout=2)
        finally:
            self.logs.stop()

    def alive(self) -> bool | None:
        return self.reader is not None and not self.reader.done()


def _fields(settings: Settings) -> dict[str, Any]:
    """``OpenAIRealtimeExecutionSettings``' fields for what the application configures
    (open_ai_realtime_execution_settings.py:57-80); ``None`` is what an application writes to turn a
    setting off."""
    fields: dict[str, Any] = {}
    if settings.instructions is not None:
        fields["instructions"] = settings.instructions
    if settings.turn_detection == "off":
        fields["turn_detection"] = None
    elif not isinstance(settings.turn_detection, str):
        fields["turn_detection"] = dict(settings.turn_detection)
    for name, field in (("transcription", "input_audio_transcription"), ("noise_reduction", "input_audio_noise_reduction")):
        value = getattr(settings, name)
        if value == "off":
            fields[field] = None
        elif value is not None:
            fields[field] = dict(value)
    if settings.voice is not None:
        fields["voice"] = settings.voice
    if settings.output_modalities is not None:
        fields["output_modalities"] = list(settings.output_modalities)
    return fields


def _function(tool: Tool) -> Any:
    """A kernel function with the tool's parameters, returning its output. SK reads the parameters
    from the function's signature (kernel_function_decorator.py:66-68)."""
    from semantic_kernel.functions import kernel_function

    properties = dict(tool.parameters.get("properties") or {})
    required = set(tool.parameters.get("required") or ())

    def call(**arguments: Any) -> str:
        return tool.output

    parameters = [
        # an optional parameter as an application writes it, `T | None = None`: SK takes a default of
        # None alone for required (kernel_function_decorator.py:123-144, Optional at :161-168)
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, **({"annotation": _JSON_TYPES.get(str(schema.get("type")), str)} if name in required else {"annotation": _JSON_TYPES.get(str(schema.get("type")), str) | None, "default": None}))
        for name, schema in properties.items()
    ]
    call.__signature__ = inspect.Signature(parameters, return_annotation=str)  # type: ignore[attr-defined]
    function = kernel_function(call, name=tool.name, description=tool.description)
    # Each parameter's JSON schema as the application declares it: KernelParameterMetadata takes
    # schema_data as given and infers it from the annotation only when absent
    # (kernel_parameter_metadata.py:21-34); a nested object has no plain annotation to infer it from.
    for described in function.__kernel_function_parameters__:
        described["schema_data"] = dict(properties[described["name"]])
    return function


class SemanticKernelWireAdapter(WireAdapter):
    name = "semantic-kernel"
    distribution = "semantic-kernel"
    leaves_to_application = {
        "playback": f"SK plays no audio: receive() hands it to the application's audio_output_callback ({REALTIME}:947-956), so stopping playback and truncating are the application's",
        "sequencing": f"send() sends every response.create it is given ({REALTIME}:690-695)",
    }

    def client(self) -> WireClient:
        return SemanticKernelClient()
