"""pydantic-ai's realtime sessions over OpenAI Realtime (`pydantic_ai.realtime.openai`), a client on the wire."""

NAME = "pydantic-ai"
ADAPTER = "adapter:PydanticAIAdapter"
WIRE = "wire:PydanticAIWireAdapter"
