"""pydantic-ai at the parse level: not driven. Its realtime session reads each frame inside its
OpenAI connection (``pydantic_ai/realtime/openai.py``: ``_decode_frame`` -> ``map_event``), with no
standalone parser an application would call, so the wire family (:mod:`.wire`) is what judges it.
This adapter exists so that ``--realtime-impl pydantic-ai`` can name it, declares every parse-level
capability missing, and says what the library can send (its scope)."""

from __future__ import annotations

import importlib.metadata

from ...adapters.adapter import Adapter, Capability
from ...adapters.scope import FEATURES, Scope

SETTINGS = "pydantic_ai/realtime/settings.py"
OPENAI = "pydantic_ai/realtime/openai.py"
#: What a pydantic-ai application cannot send over OpenAI Realtime, and where that shows.
CANNOT_SEND = {
    "session.transcription": f"only the transcription model can be chosen (RealtimeModelSettings.input_transcription_model, {SETTINGS}:135); nothing configures a language or a prompt",
    "transcription-sessions": "a realtime session is always a conversation (Agent.realtime(...).session())",
    "out-of-band-responses": "RealtimeSession.create_response() takes no conversation or input (pydantic_ai/realtime/_session.py:2173)",
    "output-audio-buffer": f"the OpenAI model connects over a WebSocket (or a WebRTC sideband with no audio methods, {OPENAI})",
}


class PydanticAIAdapter(Adapter):
    """pydantic-ai's realtime session over OpenAI Realtime: a client, judged on the wire only."""

    name = "pydantic-ai"
    conformance_class = "client"
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})
    missing = frozenset(Capability)
    scope = Scope(sends=frozenset(FEATURES) - set(CANNOT_SEND), why=CANNOT_SEND)

    @property
    def version(self) -> str:
        return importlib.metadata.version("pydantic-ai-slim")
