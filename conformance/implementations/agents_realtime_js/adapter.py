"""``@openai/agents-realtime`` (npm) at the parse level, through its Node.js harness
``harnesses/js-agents-realtime/harness.mjs`` (found through ``$CONFORMANCE_HARNESSES`` outside a
checkout; ``tox -e agents-realtime-js`` runs ``npm ci`` there first)."""

from __future__ import annotations

from ...adapters.stdio import StdioAdapter, node_harness


def agents_realtime_js() -> StdioAdapter:
    return node_harness("js-agents-realtime", name="agents-realtime-js")
