"""LiteLLM's realtime proxy (`litellm`), probed through in front of the reference server."""

NAME = "litellm-proxy"
PROXY = "launcher:LiteLLM"
