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


class ThrowsUncaughtOnNotJSON(ReferenceClient):
    """Its socket listener throws on a frame that is not JSON; the harness's last-resort handler
    reports the crash and keeps the process up, so the next events still arrive."""

    async def on_not_json(self, message: str) -> None:
        self.saw("crash", message="SyntaxError: Unexpected token o in JSON at position 0")


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


class WarnsOnlyWhenClosing(SwallowsErrors):
    """Says nothing of a frame that is not JSON; its close logs a warning of its own (LiveKit's
    JS plugin: "In-progress generation discarded due to Session closed")."""

    async def close(self) -> None:
        self.saw("log", level="WARNING", message="in-progress generation discarded: session closed")
        await super().close()


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


class DiesWithoutEventId(ReferenceClient):
    """Reads every server event's event_id as present: a KeyError ends its receive loop."""

    async def on_message(self, message: str | bytes) -> None:
        if isinstance(message, str) and message.startswith("{"):
            json.loads(message)["event_id"]  # noqa: B018 - the lookup is the departure
        await super().on_message(message)


class AssertsEventId(ReferenceClient):
    """``assert(event.event_id)`` outside any try: an empty or missing event_id ends its receive loop."""

    async def on_message(self, message: str | bytes) -> None:
        if isinstance(message, str) and message.startswith("{"):
            assert json.loads(message).get("event_id"), "server event without event_id"
        await super().on_message(message)


class DiesOnUntypedFrame(ReferenceClient):
    """Dispatches on ``event["type"]`` before validating: a frame with no type ends its receive loop."""

    async def on_message(self, message: str | bytes) -> None:
        if isinstance(message, str) and message.startswith("{"):
            json.loads(message)["type"].split(".")
        await super().on_message(message)


class DiesOnDeltaWithoutText(ReferenceClient):
    """Appends ``event["delta"]`` of every transcript delta before validating it."""

    async def on_message(self, message: str | bytes) -> None:
        if isinstance(message, str) and message.startswith("{"):
            event = json.loads(message)
            if event.get("type") == "response.output_audio_transcript.delta":
                self.transcript_so_far = getattr(self, "transcript_so_far", "") + event["delta"]
        await super().on_message(message)


class DiesOnNullTranscript(ReferenceClient):
    """Its own item model types an audio part's ``transcript`` as a string: a user item whose transcript
    is null (valid GA, what a server adds with transcription off) fails its validation, and the
    exception ends the receive loop."""

    async def handle(self, event: dict[str, Any]) -> None:
        if event["type"] in ("conversation.item.added", "conversation.item.done"):
            for part in event["item"].get("content") or ():
                if "transcript" in part and not isinstance(part["transcript"], str):
                    raise ValueError("item.content.0.transcript: Input should be a valid string")
        await super().handle(event)


class LosesFirstUpdateSometimes(ReferenceClient):
    """Sends its first session.update from a task that races the socket's readiness: on one connection
    in three it is lost."""

    connections = 0

    async def handle(self, event: dict[str, Any]) -> None:
        if event["type"] == "session.created":
            type(self).connections += 1
            if type(self).connections % 3 == 1:
                return
        await super().handle(event)


class _Configures(ReferenceClient):
    """A client that rewrites its session configuration before sending it."""

    def change(self, session: dict[str, Any]) -> None:
        raise NotImplementedError

    def session_config(self) -> dict[str, Any]:
        session = json.loads(json.dumps(super().session_config()))
        self.change(session)
        return session


class SemanticVadAsServerVad(_Configures):
    def change(self, session: dict[str, Any]) -> None:
        turn = session.get("audio", {}).get("input", {}).get("turn_detection")
        if isinstance(turn, dict) and turn.get("type") == "semantic_vad":
            session["audio"]["input"]["turn_detection"] = {"type": "server_vad"}


class DropsVadMembers(_Configures):
    def change(self, session: dict[str, Any]) -> None:
        turn = session.get("audio", {}).get("input", {}).get("turn_detection")
        if isinstance(turn, dict):
            session["audio"]["input"]["turn_detection"] = {"type": turn["type"]}


class StripsToolSchemas(_Configures):
    def change(self, session: dict[str, Any]) -> None:
        for tool in session.get("tools", ()):
            tool["parameters"] = {"type": "object", "properties": {name: {"type": spec.get("type", "string")} for name, spec in tool["parameters"].get("properties", {}).items()}}


class DropsTranscriptionLanguage(_Configures):
    def change(self, session: dict[str, Any]) -> None:
        transcription = session.get("audio", {}).get("input", {}).get("transcription")
        if isinstance(transcription, dict):
            transcription.pop("language", None)


class IgnoresNoiseReduction(_Configures):
    def change(self, session: dict[str, Any]) -> None:
        session.get("audio", {}).get("input", {}).pop("noise_reduction", None)


class DefaultVoiceOnly(_Configures):
    def change(self, session: dict[str, Any]) -> None:
        session.get("audio", {}).pop("output", None)


class ForcesAudioModality(_Configures):
    def change(self, session: dict[str, Any]) -> None:
        if "output_modalities" in session:
            session["output_modalities"] = ["audio"]


class CrashesOnUnknownFunction(ReferenceClient):
    """Looks the called function up and calls it: a name it does not have raises in its receive loop."""

    async def on_function_call(self, item: dict[str, Any]) -> None:
        self.settings.tool(item["name"]).output  # type: ignore[union-attr]  # noqa: B018 - the departure
        await super().on_function_call(item)


class AnswersUnknownAsSuccess(ReferenceClient):
    async def on_function_call(self, item: dict[str, Any]) -> None:
        if self.settings.tool(item["name"]) is not None:
            await super().on_function_call(item)
            return
        self.saw("function-call", call_id=item["call_id"], name=item["name"], arguments=item["arguments"])
        await self.send({"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": item["call_id"], "output": "{}"}})
        await self.request_response()


class DropsFailedResponseOutput(ReferenceClient):
    """Holds a response's audio and transcript back until it completes, and drops them if it does not."""

    async def handle(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        held = self.__dict__.setdefault("held", [])
        if kind in ("response.output_audio.delta", "response.output_audio_transcript.delta"):
            held.append(event)
            return
        if kind == "response.done":
            self.held = []
            if event["response"]["status"] == "completed":
                for kept in held:
                    await super().handle(kept)
        await super().handle(event)


class EndsSessionOnFailedResponse(ReferenceClient):
    async def on_response_done(self, event: dict[str, Any]) -> None:
        await super().on_response_done(event)
        if event["response"]["status"] == "failed":
            assert self.socket is not None
            await self.socket.close(1000, "the response failed")


class NeedsTheItemAdded(ReferenceClient):
    """Takes a function call only from the item it saw announced (``response.output_item.done``)."""

    async def handle(self, event: dict[str, Any]) -> None:
        if event["type"] == "response.function_call_arguments.done":
            return
        if event["type"] == "response.done":
            await self.on_response_done(event)
            return
        await super().handle(event)


class SpeaksBeta(ReferenceClient):
    """A beta client whose README points it at a GA endpoint: it sends and reads the beta dialect."""

    def __init__(self) -> None:
        super().__init__("beta")


def _tolerance(scenario: str) -> tuple[str, ...]:
    return (f"wire/{scenario}/next-events-reach-app", f"wire/{scenario}/stays-alive")


BROKEN_CLIENTS: tuple[BrokenClient, ...] = (
    BrokenClient("dies-on-unknown-type", "its receive loop raises on an event type it does not know and ends", _tolerance("unknown-event-type") + _tolerance("beta-event-name"), DiesOnUnknownType),
    BrokenClient("dies-on-invalid-event", "its receive loop raises on an event that fails validation and ends", _tolerance("missing-required-field"), DiesOnInvalidEvent),
    BrokenClient("throws-uncaught-on-not-json", "throws where nothing catches it on a frame that is not JSON; the next events still arrive", _tolerance("not-json-frame"), ThrowsUncaughtOnNotJSON),
    BrokenClient("warns-only-when-closing", "says nothing of a frame that is not JSON, and logs a warning of its own when the application closes it", ("wire/not-json-frame/error-surfaced",), WarnsOnlyWhenClosing),
    BrokenClient("hangs-on-not-json", "its receive loop waits forever on a frame that is not JSON", _tolerance("not-json-frame"), HangsOnNotJSON),
    BrokenClient("ends-session-on-error", "closes the session on any error event, recoverable or not", ("wire/recoverable-error/stays-alive",), EndsSessionOnError),
    BrokenClient(
        "swallows-errors",
        "never tells the application about an error, an invalid event or a frame that is not JSON",
        ("wire/recoverable-error/error-surfaced", "wire/missing-required-field/error-surfaced", "wire/not-json-frame/error-surfaced"),
        SwallowsErrors,
    ),
    BrokenClient("drops-events-with-new-fields", "drops an event that carries a member its models do not know", ("wire/new-field/next-events-reach-app",), DropsEventsWithNewFields),
    BrokenClient("drops-nulls-on-send", "drops explicit nulls when sending: turn_detection null never turns voice activity detection off", ("wire/session-config/carries-configuration", "wire/config-turn-detection-off/carries-configuration"), DropsNullsOnSend),
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
    BrokenClient("dies-without-event-id", "reads event_id of every server event as present; a KeyError ends its receive loop", _tolerance("missing-event-id"), DiesWithoutEventId),
    BrokenClient("asserts-event-id", "asserts that every server event has a non-empty event_id, outside any try", _tolerance("empty-event-id") + _tolerance("missing-event-id"), AssertsEventId),
    BrokenClient("dies-on-untyped-frame", "dispatches on the frame's type before validating it; a frame with no type ends its receive loop", _tolerance("frame-without-type"), DiesOnUntypedFrame),
    BrokenClient("dies-on-delta-without-text", "appends every transcript delta's text before validating it; a delta without one ends its receive loop", _tolerance("delta-missing-member"), DiesOnDeltaWithoutText),
    BrokenClient("dies-on-null-transcript", "its own item model refuses a null transcript (valid GA), and the exception ends its receive loop", _tolerance("strictly-refused-event"), DiesOnNullTranscript),
    BrokenClient("loses-first-update-sometimes", "its first session.update races the socket's readiness and is lost on one connection in three", ("wire/first-update-every-connection/always-configures",), LosesFirstUpdateSometimes),
    BrokenClient("semantic-vad-as-server-vad", "sends semantic_vad as server_vad", ("wire/config-semantic-vad/carries-configuration",), SemanticVadAsServerVad),
    BrokenClient("drops-vad-members", "sends the turn detection type only, none of its members", ("wire/config-server-vad/carries-configuration", "wire/config-semantic-vad/carries-configuration"), DropsVadMembers),
    BrokenClient("strips-tool-schemas", "sends each tool's parameters as bare property types: descriptions, enums, bounds, nesting and required are lost", ("wire/config-tools/carries-configuration",), StripsToolSchemas),
    BrokenClient("drops-transcription-language", "sends the input transcription without its language", ("wire/config-transcription/carries-configuration",), DropsTranscriptionLanguage),
    BrokenClient("ignores-noise-reduction", "never sends the noise reduction the application configured", ("wire/config-noise-reduction/carries-configuration",), IgnoresNoiseReduction),
    BrokenClient("default-voice-only", "never sends the voice the application chose", ("wire/config-voice/carries-configuration",), DefaultVoiceOnly),
    BrokenClient("forces-audio-modality", "always sends output_modalities audio, whatever the application chose", ("wire/config-output-modalities/carries-configuration",), ForcesAudioModality),
    BrokenClient("crashes-on-unknown-function", "calls the function the model names without checking that it has it; the error ends its receive loop", ("wire/unknown-function/stays-alive",), CrashesOnUnknownFunction),
    BrokenClient("answers-unknown-as-success", "answers a call of a function it does not have with an empty success", ("wire/unknown-function/answers-or-ignores",), AnswersUnknownAsSuccess),
    BrokenClient("drops-failed-response-output", "holds a response's audio and transcript until it completes, and drops them when it fails", ("wire/failed-response/partial-output-reaches-app",), DropsFailedResponseOutput),
    BrokenClient("ends-session-on-failed-response", "closes the session when a response fails", ("wire/failed-response/stays-alive",), EndsSessionOnFailedResponse),
    BrokenClient("needs-the-item-added", "takes a function call only from its announced item, never from the arguments or response.done", ("wire/function-call-without-item/round-trip",), NeedsTheItemAdded),
    BrokenClient(
        "speaks-beta",
        "speaks the beta dialect to a GA server (its README points it at a GA endpoint)",
        ("wire/session-config/sends-valid-events", "wire/session-config/carries-configuration", "wire/unknown-event-type/next-events-reach-app"),
        SpeaksBeta,
    ),
)
BROKEN_CLIENTS_BY_NAME = {broken.name: broken for broken in BROKEN_CLIENTS}
