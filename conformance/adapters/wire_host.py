"""The harness end of the wire part of the harness protocol, for a Python
:class:`~conformance.adapters.wire.WireAdapter`: one application session, its client on an event loop
of its own (a thread), every observation written as a ``seen`` line the moment the client makes it.

:mod:`.harness_host` hands it the wire requests; it answers each once the client's action returned.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable
from typing import Any

from .harness_protocol import AppendAudioRequest, CloseRequest, ConnectRequest, Done, ErrorDetail, Errored, InterruptRequest, SendTextRequest, WireSettings, _Message
from .wire import Settings, Tool, WireAdapter, WireClient

#: How long one action may run before the host gives up on it (the suite's own bound is shorter).
ACTION_LIMIT = 120.0


def settings_from(spec: WireSettings) -> Settings:
    """The application's :class:`Settings` back from their JSON."""
    tools = tuple(Tool(t.name, t.description, t.parameters, t.output) for t in spec.tools)
    return Settings(
        instructions=spec.instructions,
        turn_detection=spec.turn_detection,
        tools=tools,
        transcription=spec.transcription,
        noise_reduction=spec.noise_reduction,
        voice=spec.voice,
        output_modalities=None if spec.output_modalities is None else tuple(spec.output_modalities),
    )


class WireSession:
    """One session of ``adapter``'s client; ``write`` puts one protocol line on stdout (thread-safe)."""

    def __init__(self, adapter: WireAdapter, write: Callable[[dict[str, Any]], None]) -> None:
        self.write = write
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="harness-wire-session", daemon=True)
        self.thread.start()
        self.client: WireClient = self._run(_made(adapter))  # on its loop, as the suite's runner makes it
        observe = self.client.saw

        def saw(kind: Any, **detail: Any) -> None:
            observe(kind, **detail)
            self.write({"seen": {"kind": kind, **_plain(detail)}})

        self.client.saw = saw  # type: ignore[method-assign]  # every observation, as it is made

    def answer(self, request: Any) -> _Message:
        try:
            self._run(self._action(request))
        except Exception as error:  # noqa: BLE001 - the library raised: an error reply, the session goes on
            return Errored(id=request.id, error=ErrorDetail(message=f"{type(error).__name__}: {error}"))
        return Done(id=request.id, ok=True)

    def _action(self, request: Any) -> Any:
        client = self.client
        if isinstance(request, ConnectRequest):
            return client.connect(request.url, settings_from(request.settings))
        if isinstance(request, SendTextRequest):
            return client.send_text(request.text)
        if isinstance(request, AppendAudioRequest):
            return client.append_audio(base64.b64decode(request.audio, validate=True))
        if isinstance(request, InterruptRequest):
            return client.interrupt()
        assert isinstance(request, CloseRequest)
        return client.close()

    def _run(self, action: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(action, self.loop).result(ACTION_LIMIT)

    def end(self) -> None:
        """Cancel what the client left running, and stop the loop."""

        async def cancel_the_rest() -> None:
            me = asyncio.current_task()
            left = [task for task in asyncio.all_tasks() if task is not me]
            for task in left:
                task.cancel()
            if left:
                await asyncio.wait(left, timeout=2)

        try:
            self._run(cancel_the_rest())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)


async def _made(adapter: WireAdapter) -> WireClient:
    return adapter.client()


def _plain(detail: dict[str, Any]) -> dict[str, Any]:
    """A seen record's members as JSON values (a wire client may note an enum or a number type)."""
    return {key: value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value) for key, value in detail.items()}
