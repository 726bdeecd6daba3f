"""The ``openai`` SDK's beta realtime types (``openai.types.beta.realtime``), judged under the beta
dialect, through the beta connection's own receive and send paths.

``client.beta.realtime.connect()`` returns ``openai.resources.beta.realtime.realtime.RealtimeConnection``:
``recv``/``parse_event`` is ``construct_type_unchecked`` over the beta ``RealtimeServerEvent`` union
(realtime.py ``parse_event``), and ``send`` serializes a dict with ``maybe_transform`` (its resource
methods, ``connection.session.update(session=…)``, hand it a dict). It connects over WebSocket only.
Everything else is as for the GA types (:mod:`.openai_sdk`).
"""

from __future__ import annotations

from ..openai.adapter import OpenAISDKAdapter, _CapturingSocket


class OpenAIBetaAdapter(OpenAISDKAdapter):
    name = "openai-beta"
    dialect = "beta"
    transports = frozenset({"websocket"})

    def __init__(self) -> None:
        from openai.resources.beta.realtime.realtime import RealtimeConnection

        self._connection_class = RealtimeConnection
        self._receiver = RealtimeConnection(_CapturingSocket())  # type: ignore[arg-type]
