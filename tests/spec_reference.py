"""Access to OpenAI's published schemas (``../shared/reference``), which are reference data and
never committed here. Tests that use them skip when the files are absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
SPEC_SCHEMAS = REFERENCE / "openai-realtime-schemas.json"
SPEC_EXAMPLES = REFERENCE / "spec-examples"


def load_spec() -> dict[str, Any]:
    if not SPEC_SCHEMAS.is_file():
        pytest.skip(f"reference schemas not found at {SPEC_SCHEMAS}")
    return json.loads(SPEC_SCHEMAS.read_text())


class Resolver:
    """Walks a schema document, following local ``$ref``s and naming union branches by their tag."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.document
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def branches(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        """The object schemas a value here may take, unions flattened, nulls and scalars dropped."""
        schema = self.resolve(schema)
        found: list[dict[str, Any]] = []
        for key in ("anyOf", "oneOf"):
            for branch in schema.get(key, []):
                found.extend(self.branches(branch))
        if schema.get("type") == "array" and "items" in schema:
            return self.branches(schema["items"])
        if "properties" in schema:
            found.append(schema)
        return found

    def tag(self, schema: dict[str, Any]) -> str:
        parts = []
        for name in ("type", "role"):
            prop = self.resolve(schema.get("properties", {}).get(name, {}))
            for option in [prop, *prop.get("anyOf", [])]:
                enum = option.get("enum") or []
                value = option.get("const", enum[0] if len(enum) == 1 else None)
                if value is not None:
                    parts.append(f"{name}={value}")
                    break
        return ",".join(parts) or "object"


def structural_differences(spec: dict[str, Any], ours: dict[str, Any], spec_doc: dict[str, Any], our_doc: dict[str, Any], path: str = "$") -> list[str]:
    """Property names and required sets that differ between two schemas, recursively."""
    spec_r, our_r = Resolver(spec_doc), Resolver(our_doc)
    spec_branches = {spec_r.tag(b): b for b in spec_r.branches(spec)}
    our_branches = {our_r.tag(b): b for b in our_r.branches(ours)}
    found: list[str] = []
    for tag in sorted(set(spec_branches) | set(our_branches)):
        where = path if len(spec_branches) <= 1 and len(our_branches) <= 1 else f"{path}<{tag}>"
        if tag not in our_branches:
            found.append(f"{where}: union branch only in the spec")
            continue
        if tag not in spec_branches:
            found.append(f"{where}: union branch only in our models")
            continue
        s, o = spec_branches[tag], our_branches[tag]
        s_props, o_props = s.get("properties", {}), o.get("properties", {})
        for name in sorted(set(s_props) - set(o_props)):
            found.append(f"{where}.{name}: only in the spec")
        for name in sorted(set(o_props) - set(s_props)):
            found.append(f"{where}.{name}: only in our models")
        s_req, o_req = set(s.get("required", [])), set(o.get("required", []))
        for name in sorted(s_req - o_req):
            found.append(f"{where}.{name}: required by the spec, optional in our models")
        for name in sorted(o_req - s_req):
            found.append(f"{where}.{name}: required by our models, optional in the spec")
        for name in sorted(set(s_props) & set(o_props)):
            found.extend(structural_differences(s_props[name], o_props[name], spec_doc, our_doc, f"{where}.{name}"))
    return found


def spec_event_schema(spec: dict[str, Any], event_type: str) -> dict[str, Any] | None:
    resolver = Resolver(spec)
    for entry in spec["x-entrypoints"].values():
        for branch in resolver.resolve({"$ref": entry})["anyOf"]:
            schema = resolver.resolve(branch)
            type_schema = schema["properties"]["type"]
            if type_schema.get("const") == event_type or type_schema.get("enum") == [event_type]:
                return schema
    return None
