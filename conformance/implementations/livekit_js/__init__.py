"""LiveKit Agents' OpenAI realtime plugin for Node.js (`@livekit/agents-plugin-openai`): its
`RealtimeModel` and the `RealtimeSession` it opens, through its Node.js harness: the parse part and
the wire part of the harness protocol in one program (harnesses/livekit-js/harness.mjs)."""

NAME = "livekit-js"
ADAPTER = "adapter:livekit_js"
