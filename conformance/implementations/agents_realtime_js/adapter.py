"""``@openai/agents-realtime`` (npm) through its Node.js harness ``harnesses/js-agents-realtime/harness.mjs``
(found through ``$CONFORMANCE_HARNESSES`` outside a checkout; ``tox -e agents-realtime-js`` runs
``npm ci`` there first). The harness serves the parse part and the wire part of the harness
protocol: its start reply declares the class (client) and the wire part, so the wire family runs
through :mod:`conformance.adapters.stdio_wire`, one harness process per scenario."""

from __future__ import annotations

from ...adapters.stdio import StdioAdapter, node_harness


def agents_realtime_js() -> StdioAdapter:
    return node_harness("js-agents-realtime", name="agents-realtime-js")
