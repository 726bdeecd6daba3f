"""pipecat-ai's Inworld realtime models, under the inworld dialect."""

NAME = "pipecat-inworld"
ADAPTER = "adapter:PipecatInworldAdapter"
WIRE = "wire:PipecatInworldWireAdapter"
