"""The reference implementation of a dialect: our models of it, as :class:`ReferenceAdapter` is of
GA. Every check of a dialect must pass against it, and the broken dialect implementations
(:mod:`.broken_dialects`) are it with one behaviour changed.

``pytest --pyargs conformance --dialect xai`` runs the xAI checks against it (the plugin swaps it in
for ``reference`` when another dialect is asked for).
"""

from __future__ import annotations

import json
from typing import Any

from ... import judge
from ...protocol import dialects
from ...adapters.adapter import Direction, Parsed
from .adapter import ReferenceAdapter

_IGNORED = ("unknown-type", "beta-name")


class DialectReferenceAdapter(ReferenceAdapter):
    name = "reference"

    def __init__(self, dialect: str = "ga") -> None:
        self.profile = dialects.get(dialect)
        self.dialect = dialect  # type: ignore[misc]

    def parse(self, direction: Direction, text: str) -> Parsed:
        if self.dialect == "ga":
            return super().parse(direction, text)
        verdict = judge(text, direction, self.dialect)
        if verdict.ok:
            return Parsed("accepted", verdict.type, verdict.event)
        detail = "; ".join(f"{e.path}: expected {e.expected}, got {e.got}" for e in verdict.errors)
        return Parsed("ignored" if verdict.verdict in _IGNORED else "rejected", verdict.type, detail=detail)

    def wire_adapter(self) -> Any:
        """The reference wire client speaking this dialect (one per adapter, so that each scenario runs once)."""
        from .wire import ReferenceWireAdapter

        if "_wire" not in self.__dict__:
            self._wire = ReferenceWireAdapter(self.dialect)
        return self._wire

    def build_client(self, event: dict[str, Any]) -> str:
        if self.dialect == "ga":
            return super().build_client(event)
        model = self.profile.client.get(event.get("type"))
        if model is None:
            raise LookupError(f"{event.get('type')!r} is not a {self.dialect} client event")
        return json.dumps(model.model_validate(event).wire(), ensure_ascii=False)


def for_dialect(dialect: str) -> ReferenceAdapter:
    return ReferenceAdapter() if dialect == "ga" else DialectReferenceAdapter(dialect)
