"""Generating events from the reference JSON Schema, shaped for speed.

hypothesis-jsonschema builds values by construction where it can and by filtering where it must,
and filtering is what makes it slow: ``oneOf`` is checked branch by branch, open objects invite
random extra members, free-form objects and long strings grow without bound. The published
schema stays as it is; what we hand to the generator is a copy shaped so that every value can be
built directly:

* ``oneOf`` becomes ``anyOf`` (our unions are discriminated, their branches never overlap);
* objects of the models get ``additionalProperties: false`` (unknown members have checks of their
  own), while free-form objects become small flat maps;
* strings without a format, pattern or enum get ``maxLength``, arrays get ``maxItems``;
* titles, descriptions, defaults and the OpenAPI ``discriminator`` go.

Even shaped, hypothesis-jsonschema re-canonicalises merged object schemas inside every draw,
which made a ``session.update`` cost a third of a second. So :func:`strategy` compiles the shaped
schema's vocabulary itself — objects into ``fixed_dictionaries``, unions into ``one_of``, enums,
constants, bounded numbers, patterns — once per event type, and hands only the rare leaf it does
not know to hypothesis-jsonschema (:data:`DELEGATED` lists the keywords it handles itself).
Strategies are cached for the session, so every check and every implementation in a run shares
them. ``tests/test_properties_selftest.py`` checks that the reference accepts every generated
event, so the shaping can never quietly widen the schema.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from .schema import generation_schema

MAX_STRING = 24
MAX_ITEMS = 3
_DROP = frozenset({"title", "description", "default", "examples", "discriminator", "$schema"})
_FREE_FORM_VALUES = {"type": ["string", "integer", "boolean", "null"], "maxLength": 8}


def shaped_schema(event_type: str) -> dict[str, Any]:
    """The generation schema of one event type (:func:`conformance.schema.generation_schema`), shaped."""
    return _shape(generation_schema(event_type))


def _shape(node: Any) -> Any:
    if isinstance(node, list):
        return [_shape(item) for item in node]
    if not isinstance(node, dict):
        return node
    shaped = {("anyOf" if key == "oneOf" else key): _shape(value) for key, value in node.items() if key not in _DROP}
    if shaped.get("type") == "object":
        if "properties" in shaped:
            shaped["additionalProperties"] = False
        elif shaped.get("additionalProperties", True) is True:
            shaped.update(additionalProperties=_FREE_FORM_VALUES, maxProperties=2)
    if shaped.get("type") == "string" and not ({"maxLength", "pattern", "format", "enum", "const"} & shaped.keys()):
        shaped["maxLength"] = MAX_STRING
    if shaped.get("type") == "array":
        shaped.setdefault("maxItems", MAX_ITEMS)
    return shaped


#: The JSON Schema keywords :func:`strategy` builds values for by itself.
DELEGATED = frozenset(
    {"$ref", "$defs", "anyOf", "const", "enum", "type", "properties", "required", "additionalProperties",
     "maxProperties", "items", "minItems", "maxItems", "minLength", "maxLength", "pattern", "format",
     "contentEncoding", "minimum", "maximum"}
)


@cache
def events(event_type: str) -> Any:
    """A Hypothesis strategy of valid wire JSON for one event type, built once per session."""
    schema = shaped_schema(event_type)
    return _Compiler(schema).build(schema)


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.definitions = root.get("$defs", {})
        self.built: dict[str, Any] = {}

    def build(self, node: dict[str, Any]) -> Any:
        from hypothesis import strategies as st

        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in self.built:
                self.built[name] = st.deferred(lambda: self.build(self.definitions[name]))
            return self.built[name]
        if "anyOf" in node:
            return st.one_of([self.build(branch) for branch in node["anyOf"]])
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        if set(node) - DELEGATED:
            from hypothesis_jsonschema import from_schema

            return from_schema(node)
        kind = node.get("type")
        if isinstance(kind, list):
            return st.one_of([self.build({**node, "type": one}) for one in kind])
        return getattr(self, f"_{kind}", self._unknown)(node)

    def _object(self, node: dict[str, Any]) -> Any:
        from hypothesis import strategies as st

        properties = node.get("properties", {})
        required = set(node.get("required", ()))
        fixed = st.fixed_dictionaries(
            {name: self.build(sub) for name, sub in properties.items() if name in required},
            optional={name: self.build(sub) for name, sub in properties.items() if name not in required},
        )
        extra = node.get("additionalProperties", False)
        if properties or extra is False:
            return fixed
        return st.dictionaries(st.text(max_size=8), self.build(extra), max_size=node.get("maxProperties", 2))

    def _array(self, node: dict[str, Any]) -> Any:
        from hypothesis import strategies as st

        return st.lists(self.build(node.get("items", {})), min_size=node.get("minItems", 0), max_size=node.get("maxItems", MAX_ITEMS))

    def _string(self, node: dict[str, Any]) -> Any:
        from hypothesis import strategies as st

        if node.get("format") == "base64":
            return st.binary(max_size=48).map(lambda raw: base64.b64encode(raw).decode())
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True)
        return st.text(min_size=node.get("minLength", 0), max_size=node.get("maxLength", MAX_STRING))

    def _integer(self, node: dict[str, Any]) -> Any:
        from hypothesis import strategies as st

        low, high = _interoperable(node.get("minimum"), node.get("maximum"))
        return st.integers(min_value=low, max_value=high)

    def _number(self, node: dict[str, Any]) -> Any:
        from hypothesis import strategies as st

        low, high = node.get("minimum"), node.get("maximum")
        whole_low, whole_high = _interoperable(None if low is None else int(-(-low // 1)), None if high is None else int(high // 1))
        whole = st.integers(min_value=whole_low, max_value=whole_high)
        return st.one_of(whole, st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False))

    def _boolean(self, node: dict[str, Any]) -> Any:
        from hypothesis import strategies as st

        return st.booleans()

    def _null(self, node: dict[str, Any]) -> Any:
        from hypothesis import strategies as st

        return st.none()

    def _unknown(self, node: dict[str, Any]) -> Any:
        from hypothesis_jsonschema import from_schema

        return from_schema(node)


#: RFC 8259 §6: integers in [-(2**53)+1, (2**53)-1] are the ones implementations agree on; no server
#: sends more. Generated events stay inside, so a library that reads numbers as doubles is not
#: flagged for what no server sends (the corpus's one big-integer fixture is INFO).
INTEROPERABLE = 2**53 - 1


def _interoperable(low: int | None, high: int | None) -> tuple[int, int]:
    return max(-INTEROPERABLE, low if low is not None else -INTEROPERABLE), min(INTEROPERABLE, high if high is not None else INTEROPERABLE)
