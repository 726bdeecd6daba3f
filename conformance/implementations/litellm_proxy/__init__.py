"""LiteLLM's realtime proxy (`litellm`), a `proxy` (docs/classes.md): probed through in front of the reference server."""

NAME = "litellm-proxy"
PROXY = "launcher:LiteLLM"
