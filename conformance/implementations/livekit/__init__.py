"""LiveKit Agents' OpenAI realtime model (`livekit-plugins-openai`)."""

NAME = "livekit"
ADAPTER = "adapter:LivekitAdapter"
WIRE = "wire:LivekitWireAdapter"
