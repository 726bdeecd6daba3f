"""Deliberately broken implementations of the dialects: each is the reference of one dialect
(:class:`~.dialect_reference.DialectReferenceAdapter`) with one behaviour changed, a defect met at a
dialect's seams, and names the checks of that dialect that must catch it.
``tests/test_dialect_broken.py`` runs each against them; ``realtime-conformance matrix`` shows them
with the dialect families (:func:`conformance.detection.dialect_matrix`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..adapters.adapter import Direction, Parsed
from .parsers import BreaksOneBehaviour, _event_type
from ..implementations.reference.dialects import DialectReferenceAdapter

Json = Any


@dataclass(frozen=True)
class BrokenDialect:
    name: str
    dialect: str
    defect: str
    #: Check ids of the dialect's families that must fail against it (its reference passes them).
    caught_by: tuple[str, ...]
    parse: Callable[[DialectReferenceAdapter, Direction, str], Parsed] | None = field(default=None, repr=False)
    send: Callable[[Json], Json] | None = field(default=None, repr=False)

    def adapter(self) -> DialectReferenceAdapter:
        return _BrokenDialectAdapter(self)


class _BrokenDialectAdapter(BreaksOneBehaviour, DialectReferenceAdapter):
    def __init__(self, broken: BrokenDialect) -> None:
        super().__init__(broken.dialect)
        self.broken = broken
        self.name = f"broken:{broken.name}"  # type: ignore[misc]


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _refuse_if(test: Callable[[Any], str | None]) -> Callable[..., Parsed]:
    """Parse as the reference does, but refuse an event ``test`` objects to (with its words)."""

    def parse(reference: DialectReferenceAdapter, direction: Direction, text: str) -> Parsed:
        why = test(_value(text))
        if why:
            return Parsed("rejected", _event_type(text), detail=why)
        return reference.parse(direction, text)

    return parse


def _ga_session_only(event: Any) -> str | None:
    """A GA-only parser on a beta endpoint: the session must be GA's, with a type (openai-agents-python#1748)."""
    session = event.get("session") if isinstance(event, dict) and event.get("type") in ("session.created", "session.updated") else None
    return "$.session.type: expected an object with a 'type' field, got absent" if isinstance(session, dict) and "type" not in session else None


def _only_24k(event: Any) -> str | None:
    """A GA-strict reader in an xAI client: audio/pcm must be 24000 Hz."""
    text = json.dumps(event)
    return "audio/pcm rate: expected 24000" if '"audio/pcm"' in text and '"rate": 24000' not in text and '"rate"' in text else None


def _name_required(event: Any) -> str | None:
    if isinstance(event, dict) and event.get("type") == "response.function_call_arguments.done" and "name" not in event:
        return "$.name: a required field, absent"
    return None


def _voice_string_only(event: Any) -> str | None:
    session = event.get("session") if isinstance(event, dict) else None
    return "$.session.voice: expected string, got object" if isinstance(session, dict) and isinstance(session.get("voice"), dict) else None


def _raise_on_ping(reference: DialectReferenceAdapter, direction: Direction, text: str) -> Parsed:
    if _event_type(text) == "ping":
        raise RuntimeError("Unimplemented server event type: ping")  # fatal: the receive loop dies
    return reference.parse(direction, text)


def _beta_names_unknown(reference: DialectReferenceAdapter, direction: Direction, text: str) -> Parsed:
    """A GA-named reader behind a beta endpoint: the beta's own names reach it as unknown."""
    kind = _event_type(text)
    if isinstance(kind, str) and kind.startswith(("response.audio", "response.text.")):
        return Parsed("ignored", kind, detail=f"unknown event type {kind!r}")
    return reference.parse(direction, text)


def _ga_session_on_send(event: Json) -> Json:
    """Sends GA's session members to a beta endpoint (openai-python#2638, pipecat PR#1324)."""
    session = event.get("session")
    if event.get("type") == "session.update" and isinstance(session, dict):
        session = {"type": "realtime", **{("output_modalities" if k == "modalities" else k): v for k, v in session.items()}}
        event = {**event, "session": session}
    return event


def _drop_turn_detection_null(event: Json) -> Json:
    """exclude_none on send: the null that means manual turns is never sent (the pipecat xAI path)."""
    session = event.get("session")
    if isinstance(session, dict) and "turn_detection" in session and session["turn_detection"] is None:
        event = {**event, "session": {k: v for k, v in session.items() if k != "turn_detection"}}
    return event


def _modalities_on_send(event: Json) -> Json:
    """Sends the beta's modalities where Inworld's session says output_modalities."""
    session = event.get("session")
    if event.get("type") == "session.update" and isinstance(session, dict) and "output_modalities" in session:
        event = {**event, "session": {("modalities" if k == "output_modalities" else k): v for k, v in session.items()}}
    return event


BROKEN_DIALECTS: tuple[BrokenDialect, ...] = (
    BrokenDialect("ga-session-fields-to-beta", "beta", "sends GA session members (type, output_modalities) to a beta endpoint",
                  ("corpus/beta-session-update-flat/sends-unchanged",), send=_ga_session_on_send),
    BrokenDialect("beta-session-created-refused", "beta", "a GA-only parser refuses the beta's flat session.created (openai-agents-python#1748)",
                  ("corpus/beta-spec-session-created/parses", "corpus/captured-forum1254337-beta-session-created-1/parses",
                   "session/beta-spoken-audio-response/rejects"), parse=_refuse_if(_ga_session_only)),
    BrokenDialect("beta-names-unknown", "beta", "reads only GA names, so the beta's response.audio.* and response.text.* are lost",
                  ("corpus/beta-wire-response-audio-delta/parses", "session/beta-spoken-audio-response/loses",
                   "session/beta-function-call-round-trip/loses"), parse=_beta_names_unknown),
    BrokenDialect("xai-ping-fatal", "xai", "treats xAI's ping as fatal: it raises, killing the receive loop",
                  ("corpus/captured-pydantic-xai-ping-1/parses", "session/xai-spoken-audio-response/rejects"), parse=_raise_on_ping),
    BrokenDialect("xai-16k-refused", "xai", "refuses audio/pcm at 16000 Hz, which GA forbids and xAI allows",
                  ("corpus/xai-session-updated-16k/parses", "session/xai-spoken-audio-response/rejects"), parse=_refuse_if(_only_24k)),
    BrokenDialect("xai-manual-vad-dropped", "xai", "drops turn_detection: null on send, so manual turns never reach xAI",
                  ("corpus/xai-session-update-manual-vad/sends-unchanged",), send=_drop_turn_detection_null),
    BrokenDialect("inworld-name-required", "inworld", "requires name on response.function_call_arguments.done, which Inworld may omit",
                  ("corpus/inworld-function-call-arguments-done-no-name/parses",), parse=_refuse_if(_name_required)),
    BrokenDialect("inworld-beta-modalities-on-send", "inworld", "sends the beta's modalities where Inworld's session says output_modalities",
                  ("corpus/inworld-session-update-provider-data/sends-unchanged",), send=_modalities_on_send),
    BrokenDialect("azure-voice-object-refused", "azure-preview", "refuses Azure's voice object {name, type}",
                  ("corpus/captured-pydantic-voicelive-session-created-1/parses", "session/azure-preview-text-in-audio-out/rejects"),
                  parse=_refuse_if(_voice_string_only)),
)

BROKEN_DIALECTS_BY_NAME: dict[str, BrokenDialect] = {broken.name: broken for broken in BROKEN_DIALECTS}
assert len(BROKEN_DIALECTS_BY_NAME) == len(BROKEN_DIALECTS)
