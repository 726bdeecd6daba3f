"""Deliberately broken wire clients: the wire family's own test subjects.

Each is the reference wire client (:mod:`conformance.implementations.reference.wire`) with exactly one
behaviour changed — a departure real client libraries have — and names the wire checks that must
catch it. ``tests/test_broken_clients.py`` plays each against those checks, and fails if one slips
through; ``realtime-conformance matrix --family wire`` runs the whole family against all of them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..implementations.reference.wire import ReferenceClient
from ..adapters.wire import Settings, WireAdapter, WireClient
from ..implementations.reference.adapter import ReferenceAdapter


@dataclass(frozen=True)
class BrokenClient:
    name: str
    defect: str
    #: Wire check ids that must fail against this client (the reference client passes them all).
    caught_by: tuple[str, ...]
    make: Callable[[], WireClient] = field(repr=False)

    def adapter(self) -> BrokenClientAdapter:
        return BrokenClientAdapter(self)


class _BrokenWire(WireAdapter):
    def __init__(self, broken: BrokenClient) -> None:
        self.broken = broken
        self.name = f"broken-client:{broken.name}"  # type: ignore[misc]

    def client(self) -> WireClient:
        return self.broken.make()


class BrokenClientAdapter(ReferenceAdapter):
    """The reference at the parse level, the broken client on the wire."""

    def __init__(self, broken: BrokenClient) -> None:
        self.broken = broken
        self.name = f"broken-client:{broken.name}"  # type: ignore[misc]
        self._wire = _BrokenWire(broken)

    def wire_adapter(self) -> WireAdapter:
        return self._wire


# --- the departures -----------------------------------------------------------------------------


class DiesOnUnknownType(ReferenceClient):
    async def on_unknown(self, message: str, event_type: str | None) -> None:
        raise LookupError(f"Unimplemented server event type: {event_type}")


class DiesOnInvalidEvent(ReferenceClient):
    async def on_invalid(self, message: str, why: str) -> None:
        raise ValueError(f"validation error: {why}")


class HangsOnNotJSON(ReferenceClient):
    async def on_not_json(self, message: str) -> None:
        await asyncio.Event().wait()  # waits for a parser that never finishes


class EndsSessionOnError(ReferenceClient):
    async def on_error(self, event: dict[str, Any]) -> None:
        await super().on_error(event)
        assert self.socket is not None
        await self.socket.close(1000, "error")


class SwallowsErrors(ReferenceClient):
    async def on_error(self, event: dict[str, Any]) -> None:
        pass

    async def on_invalid(self, message: str, why: str) -> None:
        pass

    async def on_not_json(self, message: str) -> None:
        pass


class DropsEventsWithNewFields(ReferenceClient):
    """A strict model (``extra="forbid"``): an event with a member it does not know is dropped."""

    async def on_message(self, message: str | bytes) -> None:
        from ..verdict import judge

        if isinstance(message, str) and judge(message, "server").unknown_fields:
            return
        await super().on_message(message)


class DropsNullsOnSend(ReferenceClient):
    def encode(self, wire: dict[str, Any]) -> str:
        return json.dumps(_without_nulls(wire))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


class SendsNumbersAsStrings(ReferenceClient):
    def encode(self, wire: dict[str, Any]) -> str:
        if "audio_end_ms" in wire:
            wire = {**wire, "audio_end_ms": str(wire["audio_end_ms"])}
        return json.dumps(wire)


class TruncatesPastReceivedAudio(ReferenceClient):
    """Truncates at the wall-clock time since the audio started plus a margin, never capped at
    the audio it received."""

    def truncate_at(self, item_id: str) -> int:
        return int(self.received_ms.get(item_id, 0.0)) + 500


class NeverTruncates(ReferenceClient):
    async def truncate_playing(self) -> None:
        self.playing_item = None


class CreatesWhileActive(ReferenceClient):
    async def request_response(self) -> None:
        self.responding = True
        await self.send({"type": "response.create"})


class AnswersWithTheItemId(ReferenceClient):
    """Names the function call's item id where its call_id belongs."""

    async def on_function_call(self, item: dict[str, Any]) -> None:
        await super().on_function_call({**item, "call_id": item["id"]})


class ForgetsTheFollowUpResponse(ReferenceClient):
    async def on_function_call(self, item: dict[str, Any]) -> None:
        self.saw("function-call", call_id=item["call_id"], name=item["name"], arguments=item["arguments"])
        tool = self.settings.tool(item["name"])
        await self.send({"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": item["call_id"], "output": tool.output if tool else "{}"}})


class InterruptsWithoutCancelling(ReferenceClient):
    async def interrupt(self) -> None:
        await self.truncate_playing()


class LeaksATask(ReferenceClient):
    async def connect(self, url: str, settings: Settings) -> None:
        await super().connect(url, settings)
        asyncio.get_running_loop().create_task(asyncio.sleep(3600), name="forgotten-heartbeat")


class AbortsOnClose(ReferenceClient):
    """Drops the TCP connection instead of closing the WebSocket (no close frame, code 1006)."""

    async def close(self) -> None:
        if self.socket is not None:
            self.socket.transport.abort()
        await super().close()


class NeverConnects(ReferenceClient):
    """Reports the session open without ever opening the socket (a lazy connect that never happens)."""

    async def connect(self, url: str, settings: Settings) -> None:
        self.settings = settings

    async def close(self) -> None:
        pass


class HangsOnConnect(ReferenceClient):
    async def connect(self, url: str, settings: Settings) -> None:
        await asyncio.Event().wait()


class SendsBetaStyleSessionUpdate(ReferenceClient):
    """Sends a session.update as soon as the socket opens, with pipecat's in-process idiom for
    "voice detection off" (``turn_detection: false``), which is not a valid value on the wire."""

    async def connect(self, url: str, settings: Settings) -> None:
        await super().connect(url, settings)
        assert self.socket is not None
        await self.socket.send(json.dumps({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": False}}}}))


def _tolerance(scenario: str) -> tuple[str, ...]:
    return (f"wire/{scenario}/next-events-reach-app", f"wire/{scenario}/stays-alive")


BROKEN_CLIENTS: tuple[BrokenClient, ...] = (
    BrokenClient("dies-on-unknown-type", "its receive loop raises on an event type it does not know and ends", _tolerance("unknown-event-type") + _tolerance("beta-event-name"), DiesOnUnknownType),
    BrokenClient("dies-on-invalid-event", "its receive loop raises on an event that fails validation and ends", _tolerance("missing-required-field"), DiesOnInvalidEvent),
    BrokenClient("hangs-on-not-json", "its receive loop waits forever on a frame that is not JSON", _tolerance("not-json-frame"), HangsOnNotJSON),
    BrokenClient("ends-session-on-error", "closes the session on any error event, recoverable or not", ("wire/recoverable-error/stays-alive",), EndsSessionOnError),
    BrokenClient(
        "swallows-errors",
        "never tells the application about an error, an invalid event or a frame that is not JSON",
        ("wire/recoverable-error/error-surfaced", "wire/missing-required-field/error-surfaced", "wire/not-json-frame/error-surfaced"),
        SwallowsErrors,
    ),
    BrokenClient("drops-events-with-new-fields", "drops an event that carries a member its models do not know", ("wire/new-field/next-events-reach-app",), DropsEventsWithNewFields),
    BrokenClient("drops-nulls-on-send", "drops explicit nulls when sending: turn_detection null never turns voice activity detection off", ("wire/session-config/carries-configuration",), DropsNullsOnSend),
    BrokenClient("sends-numbers-as-strings", "sends the truncation point as a string", ("wire/barge-in/sends-valid-events", "wire/app-interrupt/sends-valid-events"), SendsNumbersAsStrings),
    BrokenClient(
        "truncates-past-received-audio",
        "truncates 500 ms past the audio it received",
        ("wire/barge-in/truncate-within-received-audio", "wire/app-interrupt/truncate-within-received-audio"),
        TruncatesPastReceivedAudio,
    ),
    BrokenClient("never-truncates", "stops playing on barge-in without telling the server how much was heard", ("wire/barge-in/truncates", "wire/app-interrupt/truncates"), NeverTruncates),
    BrokenClient("creates-while-active", "sends response.create while its own response is still in progress", ("wire/response-while-active/no-create-while-active",), CreatesWhileActive),
    BrokenClient("answers-with-the-item-id", "names the function call's item id where its call_id belongs", ("wire/function-call/round-trip",), AnswersWithTheItemId),
    BrokenClient("forgets-the-follow-up-response", "sends the function's output but never asks for the next response", ("wire/function-call/round-trip",), ForgetsTheFollowUpResponse),
    BrokenClient("interrupts-without-cancelling", "on the application's interrupt, truncates but lets the model go on generating", ("wire/app-interrupt/cancels",), InterruptsWithoutCancelling),
    BrokenClient("leaks-a-task", "leaves a task running after the session closed", ("wire/connect/closes-cleanly",), LeaksATask),
    BrokenClient("aborts-on-close", "drops the TCP connection instead of closing the WebSocket", ("wire/connect/closes-cleanly",), AbortsOnClose),
    BrokenClient("sends-beta-style-session-update", "sends a session.update with turn_detection false before the session exists", ("wire/connect/sends-valid-events",), SendsBetaStyleSessionUpdate),
    BrokenClient("never-connects", "says the session is open but never opens the socket", ("wire/connect/sends-on-connect", "wire/connect/sends-valid-events"), NeverConnects),
    BrokenClient("hangs-on-connect", "never returns from connecting", ("wire/connect/sends-valid-events",), HangsOnConnect),
)
BROKEN_CLIENTS_BY_NAME = {broken.name: broken for broken in BROKEN_CLIENTS}
