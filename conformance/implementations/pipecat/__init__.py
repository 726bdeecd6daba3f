"""pipecat-ai's OpenAI realtime service (`OpenAIRealtimeLLMService`), as a client."""

NAME = "pipecat"
ADAPTER = "adapter:PipecatServiceAdapter"
WIRE = "wire:PipecatWireAdapter"
