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
from typing import Any, get_args

from ...adapters.adapter import Adapter, Direction, Parsed


class OpenAITypesAdapter(Adapter):
    name = "openai-types"
    conformance_class = "model"
    #: The SDK is a client's: it reads server events and builds client events; nothing in it reads
    #: client events, so they are judged on what it builds.
    sides = frozenset({"client"})

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
            value = json.loads(text)
            event = self._model(direction, value)
        except Exception as error:  # pydantic's ValidationError, or text that is not JSON
            return Parsed("rejected", detail=self._why(direction, value if "value" in locals() else None, error))
        return Parsed("accepted", event.type, event, model_type=_declared_type(event))

    def _why(self, direction: Direction, value: Any, error: Exception) -> str:
        """The errors of the union's member for the event's type, not of all 46 members."""
        kind = value.get("type") if isinstance(value, dict) else None
        union = get_args(self._unions[direction])[0]  # Annotated[Union[...], PropertyInfo(...)]
        for member in get_args(union):
            if _declared_type(member) == kind:
                try:
                    member.model_validate(value)
                except Exception as specific:
                    return f"{member.__name__}: {_summary(specific)}"
        if isinstance(kind, str):
            return f"the union has no member for type {kind!r}"
        return _summary(error)

    def dump(self, direction: Direction, obj: Any) -> Any:
        return obj.to_dict(mode="json")

    def build_client(self, event: dict[str, Any]) -> str:
        return self._model("client", event).to_json(use_api_names=True, exclude_unset=True)


def _declared_type(event: Any) -> str | None:
    """The event type the object's class (or the class itself) stands for: its ``type`` is a one-value Literal."""
    cls = event if isinstance(event, type) else type(event)
    field = getattr(cls, "model_fields", {}).get("type")
    args = getattr(field.annotation, "__args__", ()) if field else ()
    return args[0] if args else None


def _summary(error: Exception) -> str:
    """pydantic's first three errors, each as ``where: what``."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors()[:3])[:400]
    return str(error).splitlines()[0][:400] if str(error) else type(error).__name__
