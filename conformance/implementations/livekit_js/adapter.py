"""``@livekit/agents-plugin-openai`` (npm) ``RealtimeModel`` / ``RealtimeSession`` through its Node.js
harness ``harnesses/livekit-js/harness.mjs`` (found through ``$CONFORMANCE_HARNESSES`` outside a
checkout; ``tox -e livekit-js`` runs ``npm ci`` there first). The harness declares the class
(client), the scope, ``builds_events: false`` and the wire part in its start reply, so the wire
family runs through :mod:`conformance.adapters.stdio_wire`."""

from __future__ import annotations

from ...adapters.stdio import StdioAdapter, node_harness


def livekit_js() -> StdioAdapter:
    return node_harness("livekit-js", name="livekit-js")
