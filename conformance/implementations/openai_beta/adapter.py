"""The ``openai`` SDK's beta realtime types (``openai.types.beta.realtime``) and the beta connection
that hands them to an application (``client.beta.realtime.connect()``), judged under the beta dialect.

A model and a client in one: the beta connection is a thin layer over the beta types, so the two are
driven through the same paths. ``recv``/``parse_event`` is ``construct_type_unchecked`` over the
beta ``RealtimeServerEvent`` union (openai/resources/beta/realtime/realtime.py:488), which validates
with the types first and builds without validating only what they refuse (openai/_models.py:639-667);
``send`` serializes a dict with ``maybe_transform`` (its resource methods,
``connection.session.update(session=…)``, hand it a dict). The application gets the typed object of
every type and builds every event itself. It connects over WebSocket only. Everything else is as for
the GA connection (:mod:`..openai`).
"""

from __future__ import annotations

from ...adapters.scope import FEATURES, Scope
from ..openai.adapter import OpenAISDKAdapter, _CapturingSocket


class OpenAIBetaAdapter(OpenAISDKAdapter):
    name = "openai-beta"
    dialect = "beta"
    transports = frozenset({"websocket"})
    #: The beta types as a model of the beta dialect, and the beta connection as a client: the model
    #: asks more at the parse level; the client's scope is the whole protocol.
    conformance_class = ("model", "client")
    scope = Scope(consumes=None, sends=frozenset(FEATURES))

    def __init__(self) -> None:
        from openai.resources.beta.realtime.realtime import RealtimeConnection

        self._connection_class = RealtimeConnection
        self._receiver = RealtimeConnection(_CapturingSocket())  # type: ignore[arg-type]
