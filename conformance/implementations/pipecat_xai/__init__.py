"""pipecat-ai's xAI (Grok) realtime models, under the xai dialect."""

NAME = "pipecat-xai"
ADAPTER = "adapter:PipecatXaiAdapter"
WIRE = "wire:PipecatXaiWireAdapter"
