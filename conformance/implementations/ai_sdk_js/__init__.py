"""The Vercel AI SDK's OpenAI realtime model (`@ai-sdk/openai`'s `experimental_realtime`): its codec,
`parseServerEvent` and `serializeClientEvent`, through its Node.js harness (parse part only:
harnesses/ai-sdk-js/harness.mjs)."""

NAME = "ai-sdk-js"
ADAPTER = "adapter:ai_sdk_js"
