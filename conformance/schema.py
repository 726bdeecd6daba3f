"""JSON Schema of the reference models: the contract between the suite and implementations.

The property checks generate events from these schemas, so they must describe exactly what the
models accept. Two places where a schema can say less than a model are documented where they
arise: base64 (``format: base64``, which schema validators ignore) and unique member names (a
property of the JSON text, not of the value).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter

from .protocol import CLIENT_EVENT_MODELS, SERVER_EVENT_MODELS, AnyClientEvent, AnyEvent, AnyServerEvent
from .protocol.nullability import server_form

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: JSON Schemas of the suite's own file formats (fixtures, transcripts, ...), committed so that
#: contributors and other tools can validate against them without running Python.
SHIPPED_SCHEMAS = Path(__file__).resolve().parent / "schemas"
Direction = Literal["client", "server"]

def event_types(direction: Direction | None = None) -> list[str]:
    if direction == "client":
        return sorted(CLIENT_EVENT_MODELS)
    if direction == "server":
        return sorted(SERVER_EVENT_MODELS)
    return sorted(CLIENT_EVENT_MODELS) + sorted(SERVER_EVENT_MODELS)


@cache
def _build(direction: Direction | None, event_type: str | None, strict_server_nulls: bool = False) -> dict[str, Any]:
    if event_type is not None:
        model = CLIENT_EVENT_MODELS.get(event_type) or SERVER_EVENT_MODELS.get(event_type)
        if model is None:
            raise KeyError(event_type)
        if strict_server_nulls and event_type in SERVER_EVENT_MODELS:
            model = server_form(model)
        schema = model.model_json_schema()
        title = f"Realtime GA event {event_type}"
    else:
        union = {"client": AnyClientEvent, "server": AnyServerEvent, None: AnyEvent}[direction]
        schema = TypeAdapter(union).json_schema()
        title = f"Realtime GA {direction or 'client and server'} events"
    return {"$schema": DRAFT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def json_schema(direction: Direction | None = None, event_type: str | None = None) -> dict[str, Any]:
    """The JSON Schema for one event type, or for every event of a direction (both when ``None``).

    Raises ``KeyError`` for an event type the GA protocol does not have, and ``ValueError`` when
    the event type belongs to the other direction.
    """
    if event_type is not None and direction is not None and event_type not in event_types(direction):
        if event_type in event_types():
            raise ValueError(f"{event_type!r} is not a {direction} event")
        raise KeyError(event_type)
    return copy.deepcopy(_build(direction, event_type))


#: Branches the reference accepts but the property family does not generate, with the reason: a
#: library is asked to handle everything it generates, at MUST.
NOT_GENERATED: dict[str, str] = {
    "item_reference": "the spec's text, its example and the openai SDK allow references to items in "
    "response.create input, but its schema dropped them: a library that follows the schema is not wrong",
}


def generation_schema(event_type: str) -> dict[str, Any]:
    """The schema the property family generates one event type from: what the reference accepts,
    except that a server event holds ``null`` only where servers are shown to send it
    (:func:`conformance.protocol.nullability.server_form`), so that no library is asked to read a
    ``null`` the spec forbids and no server sends, and without the branches of :data:`NOT_GENERATED`."""
    if event_type not in CLIENT_EVENT_MODELS and event_type not in SERVER_EVENT_MODELS:
        raise KeyError(event_type)
    return _ga_vocabulary(_without_branches(copy.deepcopy(_build(None, event_type, True)), set(NOT_GENERATED)))


#: The assistant content vocabulary the reference reads (GA's and the beta's, which the spec's own
#: examples use) and the one generated events hold: GA's. A reader may accept or refuse the beta
#: names (conformance/protocol/items.py), so no property asks it to read them.
_READ_VOCABULARY = ["output_text", "output_audio", "text", "audio"]
_GA_VOCABULARY = ["output_text", "output_audio"]


def _ga_vocabulary(node: Any) -> Any:
    if isinstance(node, list):
        return [_ga_vocabulary(item) for item in node]
    if isinstance(node, dict):
        if node.get("enum") == _READ_VOCABULARY:
            return {**node, "enum": list(_GA_VOCABULARY)}
        return {key: _ga_vocabulary(value) for key, value in node.items()}
    return node


def _without_branches(node: dict[str, Any], types: set[str]) -> dict[str, Any]:
    """``node`` without the definitions whose ``type`` is a constant in ``types``, nor any union
    branch or discriminator mapping that names them."""
    definitions = node.get("$defs", {})
    dropped = {name for name, schema in definitions.items() if schema.get("properties", {}).get("type", {}).get("const") in types}
    refs = {f"#/$defs/{name}" for name in dropped}

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(item) for item in value if not (isinstance(item, dict) and item.get("$ref") in refs)]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items() if not (isinstance(item, str) and item in refs)}
        return value

    pruned = walk(node)
    for name in dropped:
        pruned["$defs"].pop(name, None)
    return pruned
