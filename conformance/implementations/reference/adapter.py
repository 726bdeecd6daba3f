"""The reference implementation: our own models. It is the default implementation under test, and
every check must pass against it."""

from __future__ import annotations

import json
from typing import Any

from ... import __version__, judge
from ...protocol import client_event_adapter
from ...adapters.adapter import Adapter, Direction, Parsed

_IGNORED = ("unknown-type", "beta-name")


class ReferenceAdapter(Adapter):
    name = "reference"
    #: The suite's own models, and a client on the wire (:mod:`.wire`): every check applies to it.
    conformance_class = ("model", "client")

    @property
    def version(self) -> str:
        return __version__

    def parse(self, direction: Direction, text: str) -> Parsed:
        verdict = judge(text, direction)
        if verdict.ok:
            return Parsed("accepted", verdict.type, verdict.event)
        detail = "; ".join(f"{e.path}: expected {e.expected}, got {e.got}" for e in verdict.errors)
        return Parsed("ignored" if verdict.verdict in _IGNORED else "rejected", verdict.type, detail=detail)

    def dump(self, direction: Direction, obj: Any) -> Any:
        return obj.wire()

    def build_client(self, event: dict[str, Any]) -> str:
        return json.dumps(client_event_adapter.validate_python(event).wire(), ensure_ascii=False)
