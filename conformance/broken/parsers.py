"""Deliberately broken implementations: the suite's own test subjects.

Each is the reference adapter with exactly one behaviour changed, the kind of defect real
implementations have, and names the checks that must catch it. ``tests/test_broken_implementations.py``
runs each against those checks, and fails if one slips through, so a change that weakens a check
is caught. ``realtime-conformance matrix`` runs every family against every one of them.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..adapters.adapter import Direction, Parsed
from ..implementations.reference.adapter import ReferenceAdapter

Json = Any


@dataclass(frozen=True)
class Broken:
    name: str
    defect: str
    #: Check ids that must fail against this implementation (the reference passes them all).
    caught_by: tuple[str, ...]
    parse: Callable[[ReferenceAdapter, Direction, str], Parsed] | None = field(default=None, repr=False)
    dump: Callable[[Direction, Json], Json] | None = field(default=None, repr=False)
    send: Callable[[Json], Json] | None = field(default=None, repr=False)

    def adapter(self) -> ReferenceAdapter:
        return _BrokenAdapter(self)


class BreaksOneBehaviour:
    """Put before a reference adapter's class: its parse, dump and send, each changed by the
    ``broken`` description's function of the same name when it has one."""

    broken: Any

    def parse(self, direction: Direction, text: str) -> Parsed:
        if self.broken.parse:
            return self.broken.parse(super(), direction, text)  # type: ignore[arg-type]
        return super().parse(direction, text)  # type: ignore[misc,no-any-return]

    def dump(self, direction: Direction, obj: Any) -> Any:
        wire = super().dump(direction, obj)  # type: ignore[misc]
        change = getattr(self.broken, "dump", None)
        return change(direction, wire) if change else wire

    def build_client(self, event: dict[str, Any]) -> str:
        sent = super().build_client(event)  # type: ignore[misc]
        return json.dumps(self.broken.send(json.loads(sent))) if self.broken.send else sent


class _BrokenAdapter(BreaksOneBehaviour, ReferenceAdapter):
    def __init__(self, broken: Broken) -> None:
        self.broken = broken
        self.name = f"broken:{broken.name}"  # type: ignore[misc]


# --- building blocks ----------------------------------------------------------------------------


def _walk(value: Json, change: Callable[[Any, Any], tuple[Any, Any] | None]) -> Json:
    """Rebuild ``value``, passing every object member through ``change`` (None drops it)."""
    if isinstance(value, dict):
        rebuilt = {}
        for key, item in value.items():
            kept = change(key, _walk(item, change))
            if kept is not None:
                rebuilt[kept[0]] = kept[1]
        return rebuilt
    if isinstance(value, list):
        return [_walk(item, change) for item in value]
    return value


def _values(value: Json, change: Callable[[Any], Any]) -> Json:
    if isinstance(value, dict):
        return {key: _values(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_values(item, change) for item in value]
    return change(value)


def _drop_nulls(value: Json) -> Json:
    return _walk(value, lambda k, v: None if v is None else (k, v))


def _rename(old: str, new: str) -> Callable[[Json], Json]:
    return lambda value: _walk(value, lambda k, v: (new if k == old else k, v))


def _without(*names: str) -> Callable[[Json], Json]:
    return lambda value: _walk(value, lambda k, v: None if k in names else (k, v))


def _on_dump(change: Callable[[Json], Json]) -> Callable[[Direction, Json], Json]:
    return lambda direction, wire: change(wire)


def _event_type(text: str) -> Any:
    try:
        return json.loads(text).get("type")
    except (ValueError, AttributeError):
        return None


def _lenient(reference: ReferenceAdapter, direction: Direction, text: str, forgiven: Callable[[str], bool]) -> Parsed:
    """Parse, but accept the event when every error is one the defect forgives."""
    parsed = reference.parse(direction, text)
    if parsed.outcome != "rejected":
        return parsed
    problems = [part for part in parsed.detail.split("; ") if part]
    if problems and all(forgiven(problem) for problem in problems):
        return Parsed("accepted", parsed.event_type, None)
    return parsed


def _unknown_types(change: Callable[[ReferenceAdapter, Direction, str, Parsed], Parsed]) -> Callable[..., Parsed]:
    def parse(reference: ReferenceAdapter, direction: Direction, text: str) -> Parsed:
        parsed = reference.parse(direction, text)
        return change(reference, direction, text, parsed) if parsed.outcome == "ignored" else parsed

    return parse


def _raise(*_: Any) -> Parsed:
    raise KeyError("Unimplemented server event type")


def _hang(*_: Any) -> Parsed:
    time.sleep(3600)
    raise AssertionError("unreachable")


def _swap_speech(reference: ReferenceAdapter, direction: Direction, text: str) -> Parsed:
    parsed = reference.parse(direction, text)
    swapped = {"input_audio_buffer.speech_stopped": "input_audio_buffer.speech_started"}
    return Parsed(parsed.outcome, swapped.get(parsed.event_type, parsed.event_type), parsed.obj, parsed.detail)  # type: ignore[arg-type]


def _ignore(prefixes: tuple[str, ...]) -> Callable[..., Parsed]:
    def parse(reference: ReferenceAdapter, direction: Direction, text: str) -> Parsed:
        kind = _event_type(text)
        if isinstance(kind, str) and kind.startswith(prefixes):
            return Parsed("ignored")
        return reference.parse(direction, text)

    return parse


def _strict_nulls(reference: ReferenceAdapter, direction: Direction, text: str) -> Parsed:
    """Refuse an explicit null anywhere, as a validator that reads the spec's nullability literally."""
    if ": null" in text or ":null" in text:
        return Parsed("rejected", _event_type(text), detail="null is not allowed")
    return reference.parse(direction, text)


def _as_float(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _through_doubles(value: Any) -> Any:
    return int(float(value)) if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53 else value


def _ascii_only(value: Any) -> Any:
    return value.encode("ascii", "replace").decode() if isinstance(value, str) else value


def _truncate(value: Any) -> Any:
    return value[:64] if isinstance(value, str) else value


def _reverse_arrays(value: Json) -> Json:
    if isinstance(value, dict):
        return {key: _reverse_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_reverse_arrays(item) for item in reversed(value)]
    return value


def _new_item_ids(event: Json) -> Json:
    item = event.get("item")
    if isinstance(item, dict) and "id" in item:
        event = {**event, "item": {**item, "id": uuid.uuid4().hex}}
    return event


def _new_event_id(event: Json) -> Json:
    return {**event, "event_id": f"evt_{uuid.uuid4().hex}"} if "event_id" in event else event


def _stamp_event_id(value: Any) -> Callable[[Json], Json]:
    return lambda event: event if "event_id" in event else {**event, "event_id": value}


def _default_modalities(event: Json) -> Json:
    session = event.get("session")
    if isinstance(session, dict) and session.get("type") == "realtime" and "output_modalities" not in session:
        event = {**event, "session": {**session, "output_modalities": ["audio"]}}
    return event


def _numbers_as_strings(event: Json) -> Json:
    return _values(event, lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)


def _tool_choice_as_auto(event: Json) -> Json:
    return _walk(event, lambda k, v: (k, "auto") if k == "tool_choice" and isinstance(v, dict) else (k, v))


def _no_transcription_sessions(event: Json) -> Json:
    if isinstance(event.get("session"), dict) and event["session"].get("type") == "transcription":
        raise NotImplementedError("only realtime sessions are supported")
    return event


def _beta_transcription_update(event: Json) -> Json:
    if isinstance(event.get("session"), dict) and event["session"].get("type") == "transcription":
        return {**event, "type": "transcription_session.update"}
    return event


def _default_content_index(direction: Direction, wire: Json) -> Json:
    if wire.get("type") == "conversation.item.input_audio_transcription.delta" and "content_index" not in wire:
        return {**wire, "content_index": 0}
    return wire


def _beta_event_names(direction: Direction, wire: Json) -> Json:
    renames = {"response.output_audio.delta": "response.audio.delta", "response.output_text.delta": "response.text.delta"}
    return {**wire, "type": renames.get(wire.get("type"), wire.get("type"))}


BROKEN: tuple[Broken, ...] = (
    # --- unknown event types ----------------------------------------------------------------------
    Broken("raises-on-unknown-type", "raises on an event type it has no model for, killing a receive loop",
           ("corpus/unknown-type-xai-ping/tolerates-unknown-type", "corpus/unknown-type-future-event/tolerates-unknown-type"),
           parse=_unknown_types(lambda r, d, t, p: _raise())),
    Broken("unknown-type-as-first-event", "turns an unknown event type into the union's first member (conversation.created)",
           ("corpus/unknown-type-xai-ping/tolerates-unknown-type",),
           parse=_unknown_types(lambda r, d, t, p: Parsed("accepted", "conversation.created", None))),
    Broken("unknown-type-in-a-known-class", "reports an unknown event's own type, but as an object of conversation.created's class",
           ("corpus/unknown-type-xai-ping/not-typed-as-known-event", "corpus/beta-response-audio-delta/not-typed-as-known-event"),
           parse=_unknown_types(lambda r, d, t, p: Parsed("accepted", _event_type(t), None, model_type="conversation.created"))),
    Broken("beta-name-as-text-delta", "routes the beta response.audio.delta to the text-delta handler",
           ("corpus/beta-response-audio-delta/tolerates-unknown-type",),
           parse=_unknown_types(lambda r, d, t, p: Parsed("accepted", "response.output_text.delta", None))),
    Broken("hangs-on-unknown-type", "blocks forever on an event type it does not know",
           ("corpus/unknown-type-localai-speaker/tolerates-unknown-type",),
           parse=_unknown_types(lambda r, d, t, p: _hang())),
    Broken("ignores-mcp-events", "has no models for the MCP events and skips them",
           ("corpus/mcp-list-tools-completed/parses", "corpus/mcp-call-arguments-done/parses", "property/response.mcp_call.failed/lossless-round-trip",
            "session/mcp-list-and-call/loses"),
           parse=_ignore(("mcp_list_tools.", "response.mcp_call"))),
    Broken("wrong-discriminator-mapping", "maps input_audio_buffer.speech_stopped to the speech_started model",
           ("corpus/speech-stopped/parses", "property/input_audio_buffer.speech_stopped/lossless-round-trip", "session/barge-in-websocket/mistakes"), parse=_swap_speech),
    # --- what it accepts ------------------------------------------------------------------------
    Broken("coerces-numeric-strings", "accepts \"1000\" where an integer is required",
           ("corpus/invalid-speech-started-ms-as-string/rejects", "corpus/invalid-response-created-usage-token-string/rejects"),
           parse=lambda r, d, t: _lenient(r, d, t, lambda problem: "expected integer, got string" in problem)),
    Broken("accepts-missing-required", "fills a missing required field with null instead of rejecting the event",
           ("corpus/invalid-error-missing-message/rejects",),
           parse=lambda r, d, t: _lenient(r, d, t, lambda problem: "expected a required field" in problem)),
    Broken("accepts-invalid-base64", "does not check that audio is base64",
           ("corpus/invalid-output-audio-delta-not-base64/rejects", "corpus/client-invalid-append-not-base64/rejects"),
           parse=lambda r, d, t: _lenient(r, d, t, lambda problem: "base64" in problem)),
    Broken("pcm-rate-free", "treats the audio/pcm rate as free, as other dialects allow",
           ("corpus/invalid-session-updated-pcm-16k/rejects",),
           parse=lambda r, d, t: _lenient(r, d, t, lambda problem: ".rate:" in problem)),
    Broken("accepts-unknown-enum-values", "accepts any string where the protocol lists the values",
           ("corpus/invalid-response-done-unknown-status/rejects", "corpus/invalid-rate-limits-unknown-name/rejects"),
           parse=lambda r, d, t: _lenient(r, d, t, lambda problem: " or '" in problem)),
    Broken("accepts-booleans-as-integers", "takes true/false where an integer is required",
           ("corpus/invalid-item-truncated-boolean-index/rejects",),
           parse=lambda r, d, t: _lenient(r, d, t, lambda problem: "expected integer, got boolean" in problem)),
    Broken("rejects-null-optional-fields", "refuses null on optional fields, as the spec's nullability reads literally",
           ("corpus/response-created-in-progress/parses", "corpus/session-created-realtime-defaults/parses", "session/text-response/rejects"), parse=_strict_nulls),
    # --- what it gives back from a parse ------------------------------------------------------------
    Broken("drops-unknown-fields", "drops members the spec does not document",
           ("corpus/input-audio-cleared-unknown-field/unknown-fields-survive", "corpus/output-audio-transcript-delta-obfuscation/unknown-fields-survive"),
           dump=_on_dump(_without("cleared_bytes", "obfuscation"))),
    Broken("drops-nulls-on-dump", "drops explicit nulls from what it parsed",
           ("corpus/response-created-in-progress/lossless-dump", "property/response.created/lossless-round-trip"), dump=_on_dump(_drop_nulls)),
    Broken("injects-defaults-on-dump", "fills in a default for an absent optional field (content_index 0)",
           ("corpus/input-transcription-delta-logprobs-null/lossless-dump",), dump=_default_content_index),
    Broken("beta-event-names-on-dump", "gives parsed events their beta names back",
           ("corpus/output-audio-delta-20ms/lossless-dump", "corpus/output-text-delta/lossless-dump"), dump=_beta_event_names),
    Broken("loses-error-details", "keeps only an error's type and message",
           ("corpus/error-invalid-request-with-param/lossless-dump",), dump=_on_dump(_without("param", "code"))),
    Broken("loses-status-details", "drops a response's status_details",
           ("corpus/response-done-cancelled-turn-detected/lossless-dump", "corpus/response-done-failed-error/lossless-dump"),
           dump=_on_dump(_without("status_details"))),
    Broken("drops-function-call-name", "has no name on response.function_call_arguments.done (the beta shape)",
           ("corpus/function-call-arguments-done/lossless-dump", "property/response.function_call_arguments.done/lossless-round-trip"),
           dump=lambda d, wire: {k: v for k, v in wire.items() if not (k == "name" and wire.get("type") == "response.function_call_arguments.done")}),
    Broken("truncates-long-strings", "cuts strings to 64 characters",
           ("corpus/output-audio-delta-20ms/lossless-dump", "corpus/session-created-realtime-defaults/lossless-dump"), dump=_on_dump(lambda w: _values(w, _truncate))),
    Broken("reorders-array-items", "reverses the order of array items",
           ("corpus/rate-limits-updated/lossless-dump", "corpus/response-done-mcp-call/lossless-dump"), dump=_on_dump(_reverse_arrays)),
    Broken("mangles-unicode", "replaces non-ASCII characters",
           ("corpus/output-text-delta-unicode/lossless-dump",), dump=_on_dump(lambda w: _values(w, _ascii_only))),
    Broken("drops-empty-strings", "treats an empty string as absent",
           ("corpus/output-text-done-empty/lossless-dump", "corpus/output-audio-delta-empty/lossless-dump"),
           dump=_on_dump(lambda w: _walk(w, lambda k, v: None if v == "" else (k, v)))),
    Broken("big-integers-through-doubles", "decodes integers through doubles, corrupting those beyond 2^53",
           ("corpus/rate-limits-updated-large-counts/lossless-dump",), dump=_on_dump(lambda w: _values(w, _through_doubles))),
    Broken("integers-as-floats", "turns every integer into a float (1000 becomes 1000.0)",
           ("corpus/speech-started/lossless-dump", "property/conversation.item.truncated/lossless-round-trip"), dump=_on_dump(lambda w: _values(w, _as_float))),
    # --- what it sends --------------------------------------------------------------------------
    Broken("drops-explicit-nulls-on-send", "drops explicit nulls when sending: turn_detection: null never disables VAD",
           ("snapshot/session-update-turn-detection-null/wire", "snapshot/session-update-transcription-and-noise-reduction-off/wire",
            "corpus/client-session-update-vad-disabled/sends-unchanged"), send=_drop_nulls),
    Broken("injects-defaults-on-send", "always sends output_modalities [\"audio\"]",
           ("snapshot/session-update-tracing-auto/wire", "snapshot/session-update-server-vad/wire"), send=_default_modalities),
    Broken("beta-session-fields-on-send", "sends the beta modalities instead of output_modalities",
           ("snapshot/session-update-full/wire",), send=_rename("output_modalities", "modalities")),
    Broken("regenerates-item-ids-on-send", "replaces the item id the caller chose",
           ("snapshot/item-create-with-ids/wire",), send=_new_item_ids),
    Broken("regenerates-event-ids-on-send", "replaces the event id the caller chose",
           ("snapshot/input-audio-buffer-append-with-event-id/wire", "snapshot/item-create-with-ids/wire"), send=_new_event_id),
    Broken("overlong-generated-event-ids", "stamps a 600-character event_id on events the caller gave none",
           ("snapshot/response-create-default/wire", "corpus/client-commit-no-event-id/sends-unchanged"), send=_stamp_event_id("e" * 600)),
    Broken("null-generated-event-ids", "sends event_id: null when the caller gave none",
           ("snapshot/input-audio-buffer-commit/wire", "property/input_audio_buffer.commit/sends-unchanged"), send=_stamp_event_id(None)),
    Broken("numbers-as-strings-on-send", "sends integers as strings",
           ("snapshot/item-truncate/wire", "snapshot/session-update-server-vad/wire"), send=_numbers_as_strings),
    Broken("forced-tool-choice-as-auto", "cannot send a tool_choice object and sends auto instead",
           ("snapshot/session-update-tool-choice-function/wire", "snapshot/session-update-tool-choice-mcp/wire"), send=_tool_choice_as_auto),
    Broken("no-transcription-sessions", "cannot build a transcription session.update",
           ("snapshot/session-update-transcription-session/wire",), send=_no_transcription_sessions),
    Broken("beta-transcription-session-update", "sends the beta transcription_session.update for a transcription session",
           ("snapshot/session-update-transcription-session/wire",), send=_beta_transcription_update),
)

BROKEN_BY_NAME: dict[str, Broken] = {broken.name: broken for broken in BROKEN}
assert len(BROKEN_BY_NAME) == len(BROKEN)
