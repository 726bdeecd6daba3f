"""``openai`` (npm) ``OpenAIRealtimeWS`` through its Node.js harness ``harnesses/openai-js/harness.mjs``
(found through ``$CONFORMANCE_HARNESSES`` outside a checkout; ``tox -e openai-js`` runs ``npm ci``
there first). The harness declares the class (client), the scope and the wire part in its start
reply, so the wire family runs through :mod:`conformance.adapters.stdio_wire`."""

from __future__ import annotations

from ...adapters.stdio import StdioAdapter, node_harness


def openai_js() -> StdioAdapter:
    return node_harness("openai-js", name="openai-js")
