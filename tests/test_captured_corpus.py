"""The captured part of the corpus keeps its promises: no fixture comes from a source kept aside as
an independent check of the suite; every capture says where, when, from what and how it was
recorded; a capture the reference refuses says why; no spec example passes for a capture; and the
"what real servers send" table in the README is the one the captures generate.

Each rule is shown to fail on a planted problem."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conformance.corpus import drift
from conformance.corpus.fixtures import Fixture
from conformance.jsonpath import steps

from .cli import run
from .helpers import FIXTURES
from .spec_reference import SPEC_EXAMPLES, Resolver, load_spec, spec_event_schema

README = Path(__file__).resolve().parents[1] / "README.md"
DRIFT_START, DRIFT_END = "<!-- drift:start -->", "<!-- drift:end -->"

#: Sources reserved as an independent check of the suite (issue 16): never a fixture's provenance.
KEPT_ASIDE = {
    "bravedigger/openai_realtime_sip_gateway": r"bravedigger/openai_realtime_sip_gateway",
    "gauravzqa/llmgw": r"gauravzqa/llmgw",
    "ctvidic/banyan-landing": r"ctvidic/banyan-landing",
    "liusida/dictionary": r"liusida/dictionary",
    "TEN-framework/ten-framework": r"ten-framework/ten-framework",
    "microsoft/semantic-kernel 0065-realtime-api-clients.md": r"0065-realtime-api-clients",
    "openai/openai-node#1641": r"openai/openai-node(/issues/|/pull/|#)1641\b",
    "openai/openai-realtime-agents#3": r"openai/openai-realtime-agents(/issues/|/pull/|#)3\b",
    "tleyden/arty#81": r"tleyden/arty(/issues/|/pull/|#)81\b",
}

CAPTURED = [f for f in FIXTURES if f.provenance.kind == "captured"]
_GITHUB_FILE = re.compile(r"^https://github\.com/[^/]+/[^/]+/blob/[0-9a-f]{40}/")


def kept_aside_sources(fixture: Fixture) -> list[str]:
    text = f"{fixture.provenance.url or ''} {fixture.provenance.source}".lower()
    return [name for name, pattern in KEPT_ASIDE.items() if re.search(pattern, text, re.IGNORECASE)]


def provenance_gaps(fixture: Fixture) -> list[str]:
    """What a captured fixture's provenance lacks (issue 16: the URL with a commit or date, the
    server, how it was recorded, when it was read)."""
    p = fixture.provenance
    gaps = []
    if not p.url:
        gaps.append("no url")
    elif not (_GITHUB_FILE.match(p.url) or p.published):
        gaps.append("a url without a commit needs a published date")
    for name in ("retrieved", "server", "capture_method"):
        if not getattr(p, name):
            gaps.append(f"no {name}")
    if not fixture.id.startswith("captured-"):
        gaps.append("id does not start with captured-")
    if fixture.expect.verdict == "invalid" and "altered" not in (fixture.expect.reason or ""):
        gaps.append("refused by the reference without saying it was altered on the way (else it belongs in pending-fixtures)")
    return gaps


def test_no_fixture_comes_from_a_kept_aside_source() -> None:
    assert {f.id: kept_aside_sources(f) for f in FIXTURES if kept_aside_sources(f)} == {}


@pytest.mark.parametrize("url", [
    "https://github.com/liusida/dictionary/blob/main/Server2/OpenAI-Realtime-API-responses-example.md",
    "https://github.com/openai/openai-realtime-agents/issues/3",
    "https://github.com/tleyden/arty/issues/81#issuecomment-1",
    "https://github.com/microsoft/semantic-kernel/blob/main/docs/decisions/0065-realtime-api-clients.md",
])
def test_a_kept_aside_source_is_caught(url: str) -> None:
    planted = _captured(url=url)
    assert kept_aside_sources(planted) != []


def test_a_neighbouring_thread_is_not_mistaken_for_a_kept_aside_one() -> None:
    assert kept_aside_sources(_captured(url="https://github.com/openai/openai-realtime-agents/issues/30")) == []


def test_every_capture_says_where_when_from_what_and_how() -> None:
    assert {f.id: provenance_gaps(f) for f in CAPTURED if provenance_gaps(f)} == {}


def test_a_capture_without_its_provenance_is_caught() -> None:
    bare = _captured(url="https://github.com/o/r/blob/main/log.md", retrieved=None, capture_method=None)
    assert provenance_gaps(bare) == ["a url without a commit needs a published date", "no retrieved", "no capture_method"]


def test_no_spec_example_passes_for_a_capture() -> None:
    if not SPEC_EXAMPLES.is_dir():
        pytest.skip(f"spec examples not found at {SPEC_EXAMPLES}")
    example_ids = set()
    for path in SPEC_EXAMPLES.rglob("*.json"):
        example_ids |= set(re.findall(r"\b(?:event|sess|resp|item|conv)_[A-Za-z0-9]{16,}\b", path.read_text()))
    copied = {f.id: sorted(example_ids & set(re.findall(r"\b\w+_[A-Za-z0-9]{16,}\b", json.dumps(f.payload)))) for f in CAPTURED}
    assert {k: v for k, v in copied.items() if v} == {}


# --- the drift table ----------------------------------------------------------------------------


def test_every_captured_null_has_its_spec_nullability_classified() -> None:
    unclassified = [r.key for r in drift.table(FIXTURES) if r.kind == "null, nullability not yet classified"]
    assert unclassified == [], "add them to drift.SPEC_NULLABILITY, checking the published schema"


def test_the_nullability_facts_match_the_published_schema() -> None:
    """Each fact is checked at a real null: in a capture, or in one of the spec's own examples."""
    spec = load_spec()
    resolver = Resolver(spec)
    examples = [json.loads(p.read_text()) for p in sorted((SPEC_EXAMPLES / "server").glob("*.json"))] if SPEC_EXAMPLES.is_dir() else []
    payloads = [f.payload for f in drift.captured_server(FIXTURES)] + [e for e in examples if isinstance(e, dict)]
    checked, wrong = set(), []
    for payload in payloads:
        schema = spec_event_schema(spec, payload.get("type"))
        if schema is None:
            continue
        for path in drift.nulls(payload):
            key = f"{payload['type']} {drift.normalized(path)}"
            if key in drift.SPEC_NULLABILITY:
                checked.add(key)
                nullable = _spec_allows_null(resolver, schema, payload, steps(path))
                if nullable != drift.SPEC_NULLABILITY[key][0]:
                    wrong.append(f"{key}: the published schema says nullable={nullable}")
    assert wrong == []
    assert sorted(set(drift.SPEC_NULLABILITY) - checked) == [], "facts no capture or spec example lets us check"


def test_drift_counts_sources_not_payloads() -> None:
    delta = {"type": "response.output_text.delta", "event_id": "event_1", "response_id": "resp_1", "item_id": "item_1",
             "output_index": 0, "content_index": 0, "delta": "Hi", "obfuscation": "abc"}
    rows = drift.table([
        _captured(url="https://github.com/a/one/blob/" + "0" * 40 + "/x.md", payload=delta),
        _captured(url="https://github.com/a/one/blob/" + "1" * 40 + "/y.md", payload=delta, id="captured-b"),
        _captured(url="https://github.com/b/two/issues/7", payload=delta, id="captured-c"),
    ])
    (row,) = rows
    assert (row.kind, row.key, len(row.sources), row.fixtures) == ("undocumented member", "response.output_text.delta $.obfuscation", 2, ("captured-a", "captured-b", "captured-c"))


def test_drift_finds_nulls_the_spec_forbids_and_values_outside_its_enums() -> None:
    created = {"type": "response.created", "event_id": "event_1", "response": {"object": "realtime.response", "id": "resp_1",
               "status": "in_progress", "status_details": None, "output": [], "usage": None, "metadata": None}}
    limits = {"type": "rate_limits.updated", "event_id": "event_2", "rate_limits": [{"name": "minutes", "limit": 1, "remaining": 1, "reset_seconds": 1}]}
    rows = {(r.kind, r.key) for r in drift.table([_captured(payload=created), _captured(payload=limits, id="captured-b")])}
    assert rows == {
        ("null where the spec says non-nullable", "response.created $.response.status_details"),
        ("null where the spec says non-nullable", "response.created $.response.usage"),
        ("value outside the spec's enum", "rate_limits.updated $.rate_limits[].name"),
    }
    unknown = drift.table([_captured(payload=dict(created, response=dict(created["response"], output_modalities=None)))])
    assert ("null, nullability not yet classified", "response.created $.response.output_modalities") in {(r.kind, r.key) for r in unknown}


def test_the_readme_drift_table_is_the_generated_one() -> None:
    text = README.read_text()
    if DRIFT_START not in text or DRIFT_END not in text:
        pytest.skip(f"README.md has no {DRIFT_START} ... {DRIFT_END} section yet (the lead pastes it from notes)")
    published = text.split(DRIFT_START, 1)[1].split(DRIFT_END, 1)[0].strip()
    assert published == drift.markdown(drift.table(FIXTURES)).strip(), "regenerate it: realtime-conformance fixture drift"


def test_fixture_drift_prints_the_table() -> None:
    done = run("fixture", "drift")
    assert done.code == 0, done.err
    assert done.out == drift.markdown(drift.table(FIXTURES))
    as_json = run("fixture", "drift", "--format", "json")
    assert as_json.code == 0 and as_json.json() == [row.as_json() for row in drift.table(FIXTURES)]


# --- helpers ------------------------------------------------------------------------------------


def _captured(url: str = "https://github.com/o/r/blob/" + "0" * 40 + "/log.md", payload: Any = None, id: str = "captured-a", **provenance: Any) -> Fixture:
    fields = {"kind": "captured", "source": "a planted capture", "url": url, "retrieved": "2026-11-27",
              "server": "OpenAI Realtime API", "capture_method": "a raw frame log", **provenance}
    return Fixture.model_validate({
        "id": id, "description": "planted", "direction": "server", "protocol": "ga", "level": "MUST",
        "provenance": {k: v for k, v in fields.items() if v is not None},
        "payload": payload if payload is not None else {"type": "input_audio_buffer.cleared", "event_id": "event_1"},
        "expect": {"verdict": "valid"},
    })


def _spec_allows_null(resolver: Resolver, schema: dict[str, Any], value: Any, path: list[str | int]) -> bool | None:
    """Whether the published schema lets the member at ``path`` be null, following unions by the
    payload's own discriminators (``type``, ``role``); ``None`` when the path leaves the schema."""
    node = resolver.resolve(schema)
    for index, step in enumerate(path):
        node = _branch_for(resolver, node, value)
        if isinstance(step, int):
            node = resolver.resolve(node.get("items", {})) if node.get("type") == "array" or "items" in node else {}
        else:
            props = node.get("properties", {})
            if step not in props:
                return None
            node = resolver.resolve(props[step])
        value = value[step] if value is not None else None
        if index == len(path) - 1:
            return _allows_null(resolver, node)
    return None


def _branch_for(resolver: Resolver, node: dict[str, Any], value: Any) -> dict[str, Any]:
    options = node.get("anyOf") or node.get("oneOf")
    if not options:
        return node
    candidates = [_branch_for(resolver, resolver.resolve(o), value) for o in options]  # nested unions flattened
    candidates = [c for c in candidates if "properties" in c or "items" in c]
    if isinstance(value, dict):
        for candidate in candidates:
            props = candidate.get("properties", {})
            if all(_matches(resolver.resolve(props[k]), value.get(k)) for k in ("type", "role") if k in props and k in value):
                return candidate
    return candidates[0] if candidates else node


def _matches(schema: dict[str, Any], value: Any) -> bool:
    if "const" in schema:
        return schema["const"] == value
    if "enum" in schema:
        return value in schema["enum"]
    return True


def _allows_null(resolver: Resolver, node: dict[str, Any]) -> bool:
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind) or node.get("nullable") is True:
        return True
    return any(_allows_null(resolver, resolver.resolve(o)) for o in node.get("anyOf", []) + node.get("oneOf", []))
