"""pipecat-ai's OpenAI realtime service (`OpenAIRealtimeLLMService`)."""

NAME = "pipecat"
ADAPTER = "adapter:PipecatAdapter"
WIRE = "wire:PipecatWireAdapter"
