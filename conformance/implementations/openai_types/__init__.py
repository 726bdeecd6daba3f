"""The `openai` Python SDK's realtime types (`openai.types.realtime`), as a model of the protocol."""

NAME = "openai-types"
ADAPTER = "adapter:OpenAITypesAdapter"
