"""`@openai/agents-realtime` (npm), through its Node.js harness: the parse part and the wire part of
the harness protocol in one program (harnesses/js-agents-realtime/harness.mjs)."""

NAME = "agents-realtime-js"
ADAPTER = "adapter:agents_realtime_js"
