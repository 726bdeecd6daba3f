"""strands-agents' bidirectional OpenAI realtime model (`strands.bidi.models.openai.realtime`)."""

NAME = "strands"
ADAPTER = "adapter:StrandsAdapter"
WIRE = "wire:StrandsWireAdapter"
