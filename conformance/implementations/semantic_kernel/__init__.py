"""Semantic Kernel's OpenAI realtime client over WebSocket (`semantic_kernel.connectors.ai.open_ai.OpenAIRealtimeWebsocket`)."""

NAME = "semantic-kernel"
ADAPTER = "adapter:SemanticKernelAdapter"
WIRE = "wire:SemanticKernelWireAdapter"
