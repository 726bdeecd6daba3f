"""pipecat-ai's OpenAI realtime events module (`pipecat.services.openai.realtime.events`), as a model."""

NAME = "pipecat-events"
ADAPTER = "adapter:PipecatEventsAdapter"
