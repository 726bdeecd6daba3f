"""The OpenAI Agents SDK's realtime model (`agents.realtime`)."""

NAME = "openai-agents"
ADAPTER = "adapter:OpenAIAgentsAdapter"
WIRE = "wire:OpenAIAgentsWireAdapter"
