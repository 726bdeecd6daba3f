"""The `openai` Python SDK's realtime connection (`client.realtime.connect()`)."""

NAME = "openai"
ADAPTER = "adapter:OpenAISDKAdapter"
WIRE = "wire:OpenAIWireAdapter"
