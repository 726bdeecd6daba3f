"""The ``openai`` SDK's realtime types, ``openai.types.realtime``, as a *model* of the protocol: every
event modelled and read back losslessly, every client event built unchanged. Its connection, which
hands these types to an application, is judged as a client in :mod:`..openai`.

Reading: the models' own validation of the event unions (``RealtimeServerEvent``,
``RealtimeClientEvent``): ``openai._models.validate_type``, a cached pydantic ``TypeAdapter`` of the
union (_models.py:868-873, :919-920), which is also what ``construct_type`` tries first on a union
(_models.py:639-643). A payload it refuses is rejected. The models allow undeclared members
(``extra="allow"``, _models.py:149-151) and keep which members were set, so ``to_dict()`` (by the
API's names, ``exclude_unset=True``, _models.py:170-206) gives back what they hold, explicit nulls
included.

Building: a client event's model validated from the caller's values, serialized as the connection
sends a model (``event.to_json(use_api_names=True, exclude_unset=True)``,
resources/realtime/realtime.py:879-881).
"""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any

from ...adapters.adapter import Adapter, Direction, Parsed


class OpenAITypesAdapter(Adapter):
    name = "openai-types"
    conformance_class = "model"

    def __init__(self) -> None:
        from openai._models import validate_type
        from openai.types.realtime import RealtimeClientEvent, RealtimeServerEvent

        self._validate = validate_type
        self._unions = {"server": RealtimeServerEvent, "client": RealtimeClientEvent}

    @property
    def version(self) -> str:
        return importlib.metadata.version("openai")

    def _model(self, direction: Direction, value: Any) -> Any:
        return self._validate(type_=self._unions[direction], value=value)

    def parse(self, direction: Direction, text: str) -> Parsed:
        try:
            event = self._model(direction, json.loads(text))
        except Exception as error:  # pydantic's ValidationError, or text that is not JSON
            return Parsed("rejected", detail=_summary(error))
        return Parsed("accepted", event.type, event, model_type=_declared_type(event))

    def dump(self, direction: Direction, obj: Any) -> Any:
        return obj.to_dict(mode="json")

    def build_client(self, event: dict[str, Any]) -> str:
        return self._model("client", event).to_json(use_api_names=True, exclude_unset=True)


def _declared_type(event: Any) -> str | None:
    """The event type the object's class stands for (its ``type`` is a one-value Literal)."""
    field = getattr(type(event), "model_fields", {}).get("type")
    args = getattr(field.annotation, "__args__", ()) if field else ()
    return args[0] if args else None


def _summary(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " / ".join(lines[:3])[:400]
