"""The `openai` Python SDK's beta realtime types and connection, under the beta dialect."""

NAME = "openai-beta"
ADAPTER = "adapter:OpenAIBetaAdapter"
