"""LiveKit at the parse level: not driven. The plugin has no standalone parse function
(implementations.md §2.6): its ``RealtimeSession`` reads each message inside its receive task, so
the wire family (:mod:`.wire`) is what judges it. This adapter exists so that ``--realtime-impl``
can name it, and declares every parse-level capability missing."""

from __future__ import annotations

import importlib.metadata

from ...adapters.adapter import Adapter, Capability


class LivekitAdapter(Adapter):
    """LiveKit at the parse level: not driven (no standalone parse function, implementations.md
    §2.6); the wire family is what judges it."""

    name = "livekit"
    #: ``RealtimeSession`` on the wire (wire.py) is a client; there is no model to judge.
    conformance_class = "client"
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})
    missing = frozenset(Capability)

    @property
    def version(self) -> str:
        return importlib.metadata.version("livekit-plugins-openai")
