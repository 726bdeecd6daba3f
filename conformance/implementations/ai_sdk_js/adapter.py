"""``@ai-sdk/openai`` (npm) ``experimental_realtime`` model through its Node.js harness
``harnesses/ai-sdk-js/harness.mjs`` (found through ``$CONFORMANCE_HARNESSES`` outside a checkout;
``tox -e ai-sdk-js`` runs ``npm ci`` there first). A codec with no socket of its own: the harness
declares the class (model) and has no wire part."""

from __future__ import annotations

from ...adapters.stdio import StdioAdapter, node_harness


def ai_sdk_js() -> StdioAdapter:
    return node_harness("ai-sdk-js", name="ai-sdk-js")
