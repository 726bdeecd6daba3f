"""The `openai` npm package's realtime WebSocket client (`OpenAIRealtimeWS`), through its Node.js
harness: the parse part and the wire part of the harness protocol in one program
(harnesses/openai-js/harness.mjs)."""

NAME = "openai-js"
ADAPTER = "adapter:openai_js"
