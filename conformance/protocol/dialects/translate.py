"""Reading one dialect's events as GA's, and writing GA's events as a dialect sends them.

The session rules are GA's rules over GA shapes, and the dialect servers are the GA reference
server behind a translation, so each dialect says once how its events map onto GA's
(``Dialect.to_ga``) and back (``Dialect.from_ga``). Translation never raises and never judges: a
member of the wrong type is carried over as it is, and the validator, which always sees the
original event, says what is wrong with it. ``None`` means the other side has no such event.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..names import BETA_OUTPUT_RENAMES

Event = dict[str, Any]
Translation = Callable[[Event, str], "Event | None"]

# --- shared pieces ----------------------------------------------------------------------------------

#: Beta format names and the GA format objects they stand for ("string -> object", inventory §6.2).
BETA_FORMATS: dict[str, dict[str, Any]] = {
    "pcm16": {"type": "audio/pcm", "rate": 24000},
    "g711_ulaw": {"type": "audio/pcmu"},
    "g711_alaw": {"type": "audio/pcma"},
}
_GA_FORMAT_NAMES = {"audio/pcm": "pcm16", "audio/pcmu": "g711_ulaw", "audio/pcma": "g711_alaw"}

#: Beta event names -> GA names, and back.
BETA_TO_GA_NAMES: dict[str, str] = {
    **BETA_OUTPUT_RENAMES,
    "output_audio_buffer.audio_started": "output_audio_buffer.started",
    "output_audio_buffer.audio_stopped": "output_audio_buffer.stopped",
}
GA_TO_BETA_NAMES: dict[str, str] = {ga: beta for beta, ga in BETA_TO_GA_NAMES.items() if not beta.startswith("output_audio_buffer.")}


def _format_to_ga(value: Any) -> Any:
    return copy.deepcopy(BETA_FORMATS[value]) if isinstance(value, str) and value in BETA_FORMATS else None


def _format_to_beta(value: Any) -> Any:
    return _GA_FORMAT_NAMES.get(value.get("type")) if isinstance(value, dict) else None


def _modalities_to_ga(value: Any) -> Any:
    """GA allows one output modality; audio always comes with its transcript (inventory §6.2), so
    the beta's ``["text", "audio"]`` reads as ``["audio"]``."""
    if isinstance(value, list) and "audio" in value:
        return ["audio"]
    return value


def _set_path(target: Event, keys: tuple[str, ...], value: Any) -> None:
    for key in keys[:-1]:
        nested = target.get(key)
        if not isinstance(nested, dict):
            nested = target[key] = {}
        target = nested
    target[keys[-1]] = value


def _get_path(source: Any, keys: tuple[str, ...]) -> tuple[bool, Any]:
    for key in keys:
        if not isinstance(source, dict) or key not in source:
            return False, None
        source = source[key]
    return True, source


def _map_items(event: Event, change: Callable[[Any], None]) -> None:
    """Apply ``change`` to every item the event carries: ``item``, ``response.output``, ``response.input``."""
    if isinstance(event.get("item"), dict):
        change(event["item"])
    response = event.get("response")
    if isinstance(response, dict):
        for key in ("output", "input"):
            if isinstance(response.get(key), list):
                for item in response[key]:
                    if isinstance(item, dict):
                        change(item)


def _content_types(mapping: dict[str, str]) -> Callable[[Any], None]:
    def change(item: Any) -> None:
        if isinstance(item, dict) and item.get("role") == "assistant" and isinstance(item.get("content"), list):
            for part in item["content"]:
                if isinstance(part, dict) and part.get("type") in mapping:
                    part["type"] = mapping[part["type"]]

    return change


_ASSISTANT_TO_GA = _content_types({"text": "output_text", "audio": "output_audio"})
_ASSISTANT_TO_BETA = _content_types({"output_text": "text", "output_audio": "audio"})

# --- flat sessions (beta, azure-preview, partly xAI) ----------------------------------------------

#: Flat member -> where GA keeps it.
_FLAT_TO_NESTED: dict[str, tuple[str, ...]] = {
    "input_audio_transcription": ("audio", "input", "transcription"),
    "input_audio_noise_reduction": ("audio", "input", "noise_reduction"),
    "turn_detection": ("audio", "input", "turn_detection"),
    "voice": ("audio", "output", "voice"),
    "speed": ("audio", "output", "speed"),
}


def flat_session_to_ga(session: Any, kind: str = "realtime") -> Any:
    if not isinstance(session, dict):
        return session
    flat = copy.deepcopy(session)
    _choice_to_ga(flat)
    nested: Event = {"type": kind}
    for member, where in _FLAT_TO_NESTED.items():
        if member in flat:
            _set_path(nested, where, flat.pop(member))
    for member, where in (("input_audio_format", ("audio", "input", "format")), ("output_audio_format", ("audio", "output", "format"))):
        if member in flat:
            value = _format_to_ga(flat.pop(member))
            if value is not None:
                _set_path(nested, where, value)
    if "modalities" in flat:
        nested["output_modalities"] = _modalities_to_ga(flat.pop("modalities"))
    if "max_response_output_tokens" in flat:
        nested["max_output_tokens"] = flat.pop("max_response_output_tokens")
    for member in ("temperature", "client_secret"):
        flat.pop(member, None)
    if kind == "transcription":
        flat.pop("output_modalities", None)
        nested.pop("output_modalities", None)
    return {**nested, **flat}


#: GA session members the beta session has no place for.
_GA_ONLY_SESSION = ("type", "truncation", "reasoning", "parallel_tool_calls")


def ga_session_to_flat(session: Any) -> Any:
    if not isinstance(session, dict):
        return session
    nested = copy.deepcopy(session)
    _choice_to_beta(nested)
    flat: Event = {}
    audio = nested.pop("audio", None)
    for member, where in _FLAT_TO_NESTED.items():
        found, value = _get_path({"audio": audio}, where)
        if found:
            flat[member] = value
    for member, where in (("input_audio_format", ("audio", "input", "format")), ("output_audio_format", ("audio", "output", "format"))):
        found, value = _get_path({"audio": audio}, where)
        if found and _format_to_beta(value) is not None:
            flat[member] = _format_to_beta(value)
    if "output_modalities" in nested:
        flat["modalities"] = nested.pop("output_modalities")
    if "max_output_tokens" in nested:
        flat["max_response_output_tokens"] = nested.pop("max_output_tokens")
    for member in _GA_ONLY_SESSION:
        nested.pop(member, None)
    if isinstance(flat.get("voice"), dict):  # a custom voice object: the beta had voice names only
        flat.pop("voice")
    return {**nested, **flat}


def _choice_to_ga(holder: dict[str, Any]) -> None:
    """The beta's forced function ``{type, function: {name}}`` as GA's ``{type, name}``."""
    choice = holder.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict) and "name" not in choice:
        holder["tool_choice"] = {"type": choice.get("type", "function"), "name": choice["function"].get("name")}


def _choice_to_beta(holder: dict[str, Any]) -> None:
    choice = holder.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") == "function" and "name" in choice:
        holder["tool_choice"] = {"type": "function", "function": {"name": choice["name"]}}


def _response_to_ga(response: Any) -> Any:
    if not isinstance(response, dict):
        return response
    response = copy.deepcopy(response)
    _choice_to_ga(response)
    if "modalities" in response:
        response["output_modalities"] = _modalities_to_ga(response.pop("modalities"))
    for member, where in (("voice", ("audio", "output", "voice")), ("output_audio_format", ("audio", "output", "format"))):
        if member in response:
            value = response.pop(member)
            value = _format_to_ga(value) if member == "output_audio_format" else value
            if value is not None:
                _set_path(response, where, value)
    if "max_response_output_tokens" in response:
        response["max_output_tokens"] = response.pop("max_response_output_tokens")
    response.pop("temperature", None)
    return response


def _response_to_beta(response: Any) -> Any:
    if not isinstance(response, dict):
        return response
    response = copy.deepcopy(response)
    _choice_to_beta(response)
    if "output_modalities" in response:
        response["modalities"] = response.pop("output_modalities")
    audio = response.pop("audio", None)
    found, voice = _get_path(audio, ("output", "voice"))
    if found and isinstance(voice, str):
        response["voice"] = voice
    found, fmt = _get_path(audio, ("output", "format"))
    if found and _format_to_beta(fmt) is not None:
        response["output_audio_format"] = _format_to_beta(fmt)
    for member in ("reasoning", "parallel_tool_calls", "prompt"):
        response.pop(member, None)
    return response


# --- beta -------------------------------------------------------------------------------------------


def beta_to_ga(event: Event, direction: str) -> Event | None:
    if not isinstance(event, dict):
        return event
    event = copy.deepcopy(event)
    kind = event.get("type")
    if isinstance(kind, str) and kind in BETA_TO_GA_NAMES:
        event["type"] = BETA_TO_GA_NAMES[kind]
    if kind in ("session.created", "session.updated", "session.update") and "session" in event:
        event["session"] = flat_session_to_ga(event["session"])
    elif kind in ("transcription_session.created", "transcription_session.updated", "transcription_session.update"):
        event["type"] = kind.replace("transcription_session.", "session.")
        if "session" in event:
            event["session"] = flat_session_to_ga(event["session"], "transcription")
    if kind in ("response.created", "response.done", "response.create") and "response" in event:
        event["response"] = _response_to_ga(event["response"])
    _map_items(event, _ASSISTANT_TO_GA)
    return event


def ga_to_beta(event: Event, direction: str) -> Event | None:
    if not isinstance(event, dict):
        return event
    kind = event.get("type")
    if kind in ("conversation.item.done", "input_audio_buffer.dtmf_event_received"):
        return None  # GA-only: the beta announced an item once
    event = copy.deepcopy(event)
    if isinstance(kind, str) and kind in GA_TO_BETA_NAMES:
        event["type"] = GA_TO_BETA_NAMES[kind]
    if kind == "conversation.item.added":
        event["type"] = "conversation.item.created"
    session = event.get("session")
    if kind in ("session.created", "session.updated", "session.update") and isinstance(session, dict):
        if session.get("type") == "transcription":
            event["type"] = kind.replace("session.", "transcription_session.")
        event["session"] = ga_session_to_flat(session)
    if kind in ("response.created", "response.done", "response.create") and "response" in event:
        event["response"] = _response_to_beta(event["response"])
    if kind == "conversation.item.input_audio_transcription.completed":
        event.pop("languages", None)
    _map_items(event, _ASSISTANT_TO_BETA)
    return event


# --- azure-preview: the beta, with Azure's voice objects -------------------------------------------


def azure_to_ga(event: Event, direction: str) -> Event | None:
    translated = beta_to_ga(event, direction)
    if isinstance(translated, dict):
        for where in (("session", "audio", "output", "voice"), ("response", "audio", "output", "voice")):
            found, voice = _get_path(translated, where)
            if found and isinstance(voice, dict) and isinstance(voice.get("name"), str):
                _set_path(translated, where, voice["name"])
    return translated


def ga_to_azure(event: Event, direction: str) -> Event | None:
    return ga_to_beta(event, direction)


# --- xAI: GA names, a flat voice and turn detection -------------------------------------------------

#: GA session members xAI's session has no place for (pipecat xai events.py SessionProperties; docs.x.ai).
_XAI_DROPPED = ("type", "truncation", "reasoning", "tracing", "prompt", "include", "max_output_tokens", "parallel_tool_calls", "output_modalities")


def xai_to_ga(event: Event, direction: str) -> Event | None:
    if not isinstance(event, dict):
        return event
    event = copy.deepcopy(event)
    kind = event.get("type")
    session = event.get("session")
    if kind in ("session.created", "session.updated", "session.update") and isinstance(session, dict):
        ga: Event = {"type": "realtime", **{k: v for k, v in session.items() if k not in ("voice", "turn_detection", "modalities")}}
        if "voice" in session:
            _set_path(ga, ("audio", "output", "voice"), session["voice"])
        if "turn_detection" in session:
            turn = session["turn_detection"]
            off = turn is None or (isinstance(turn, dict) and turn.get("type") is None)
            _set_path(ga, ("audio", "input", "turn_detection"), None if off else turn)
        if "modalities" in session:
            ga["output_modalities"] = _modalities_to_ga(session["modalities"])
        event["session"] = ga
    if kind == "response.text.delta":
        event["type"] = "response.output_text.delta"
    response = event.get("response")
    if isinstance(response, dict):
        if isinstance(response.get("status_details"), str):  # xAI sends "unimplemented"
            response["status_details"] = None
        if kind == "response.create" and "modalities" in response:
            response["output_modalities"] = _modalities_to_ga(response.pop("modalities"))
    return event


def ga_to_xai(event: Event, direction: str) -> Event | None:
    if not isinstance(event, dict):
        return event
    kind = event.get("type")
    if direction == "server" and kind in XAI_ABSENT:
        return None
    event = copy.deepcopy(event)
    session = event.get("session")
    if kind in ("session.created", "session.updated", "session.update") and isinstance(session, dict):
        flat = {k: v for k, v in session.items() if k not in _XAI_DROPPED and k != "audio"}
        audio = session.get("audio") if isinstance(session.get("audio"), dict) else {}
        found, voice = _get_path(audio, ("output", "voice"))
        if found and isinstance(voice, str):
            flat["voice"] = voice
        found, turn = _get_path(audio, ("input", "turn_detection"))
        if found:
            flat["turn_detection"] = {"type": None} if turn is None else turn
        formats: Event = {}
        for side in ("input", "output"):
            found, fmt = _get_path(audio, (side, "format"))
            if found:
                _set_path(formats, (side, "format"), fmt)
        if formats:
            flat["audio"] = formats
        if "output_modalities" in session:
            flat["modalities"] = session["output_modalities"]
        event["session"] = flat
    response = event.get("response")
    if kind == "response.create" and isinstance(response, dict) and "output_modalities" in response:
        response["modalities"] = response.pop("output_modalities")
    return event


#: GA server events xAI does not send (implementations.md §2.2; pipecat xai events.py registers none of them).
XAI_ABSENT = frozenset({"rate_limits.updated", "response.output_text.done", "conversation.item.done", "conversation.item.retrieved"})

# --- Inworld: GA with extensions ---------------------------------------------------------------------


def inworld_to_ga(event: Event, direction: str) -> Event | None:
    if not isinstance(event, dict):
        return event
    event = copy.deepcopy(event)
    response = event.get("response")
    if event.get("type") == "response.create" and isinstance(response, dict):
        if "modalities" in response:
            response["output_modalities"] = response.pop("modalities")
        if "output_modalities" in response:
            response["output_modalities"] = _modalities_to_ga(response["output_modalities"])
    session = event.get("session")
    if event.get("type") == "session.update" and isinstance(session, dict) and "output_modalities" in session:
        session["output_modalities"] = _modalities_to_ga(session["output_modalities"])
    return event


def ga_to_inworld(event: Event, direction: str) -> Event | None:
    return copy.deepcopy(event) if isinstance(event, dict) else event
