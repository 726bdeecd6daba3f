"""Finding an adapter: a built-in name, a name registered by another package under the
``realtime_conformance.adapters`` entry-point group, an import path ``module:attribute``, or
``stdio:<command>``, a harness process in any language (:mod:`conformance.implementations.stdio`).
A built-in or registered name may stand for ``stdio:<command>`` too."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from .adapter import Adapter

ENTRY_POINT_GROUP = "realtime_conformance.adapters"
STDIO_PREFIX = "stdio:"

BUILT_IN: dict[str, str] = {
    "reference": "conformance.implementations.reference:ReferenceAdapter",
    "pipecat": "conformance.implementations.pipecat:PipecatAdapter",
    "openai": "conformance.implementations.openai_sdk:OpenAISDKAdapter",
    "openai-agents": "conformance.implementations.openai_agents:OpenAIAgentsAdapter",
    # dialects: each judged under its own (Adapter.dialect)
    "pipecat-xai": "conformance.implementations.pipecat_dialects:PipecatXaiAdapter",
    "pipecat-inworld": "conformance.implementations.pipecat_dialects:PipecatInworldAdapter",
    "openai-beta": "conformance.implementations.openai_beta:OpenAIBetaAdapter",
    # a Node.js harness in harnesses/js-agents-realtime, found through $CONFORMANCE_HARNESSES
    "agents-realtime-js": "conformance.implementations.stdio:agents_realtime_js",
    "livekit": "conformance.implementations.wire_livekit:LivekitAdapter",
}


class AdapterLoadError(Exception):
    """The named implementation could not be loaded; the message says what to do."""


def available() -> dict[str, str]:
    found = dict(BUILT_IN)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry.value)
    return found


def load_adapter(spec: str) -> Adapter:
    """An adapter instance for a built-in or registered name, for ``module:attribute``, or for
    ``stdio:<command>``."""
    target = spec if ":" in spec else available().get(spec)
    if target is None:
        raise AdapterLoadError(f"unknown implementation {spec!r}; known: {', '.join(sorted(available()))}, or give module:attribute or stdio:<command>")
    if target.startswith(STDIO_PREFIX):
        from .stdio import StdioAdapter

        return StdioAdapter(target.removeprefix(STDIO_PREFIX), name=None if target == spec else spec)
    module_name, _, attribute = target.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except ImportError as error:
        raise AdapterLoadError(f"cannot import the {spec!r} implementation ({error}); is its library installed? Try `tox -e {spec}`") from error
    except AttributeError:
        raise AdapterLoadError(f"{module_name!r} has no attribute {attribute!r}") from None
    adapter = factory() if isinstance(factory, type) or callable(factory) else factory
    if not isinstance(adapter, Adapter):
        raise AdapterLoadError(f"{target} did not give a conformance Adapter but {type(adapter).__name__}")
    return adapter
