"""`@openai/agents-realtime` (npm), through its Node.js harness."""

NAME = "agents-realtime-js"
ADAPTER = "adapter:agents_realtime_js"
WIRE = "wire:AgentsRealtimeJSWireAdapter"
