"""In-process adapters in a worker process of their own.

A Python adapter loaded by name or ``module:attribute`` runs, by default, behind the harness protocol
in a worker process (``python -m conformance.adapters.harness_host NAME``), as a ``stdio:`` harness
does: a crash (``os._exit``, a segfault) or a hang costs the call in flight, the worker is started
again and the run goes on; what the library prints is kept bounded and attached to failures; at the
end the worker's whole process group is killed, with any thread it left running and any child it
forked. ``--isolation`` chooses:

* ``process`` (the default): the parse-level calls in the worker; the wire family's scenarios in the
  suite's process, each on a thread and event loop of its own, within its time bound;
* ``full``: each wire scenario in a worker process of its own too (a library that can bring the
  process down on the wire is then contained as well, at the cost of starting it once per scenario);
* ``none``: everything in the suite's process (a hard crash then ends the run).
"""

from __future__ import annotations

import sys
from typing import Any, Literal

from .adapter import Adapter
from .stdio import StdioAdapter

Isolation = Literal["process", "full", "none"]
ISOLATIONS: tuple[Isolation, ...] = ("process", "full", "none")


class IsolatedAdapter(StdioAdapter):
    """The adapter ``spec`` names, in a worker process. The wire family, unless ``isolation`` is
    ``full``, runs the same adapter loaded in this process, on first use only: a run that judges the
    parse level never loads the library here at all."""

    def __init__(self, spec: str, isolation: Isolation = "process", **options: Any) -> None:
        super().__init__([sys.executable, "-m", "conformance.adapters.harness_host", spec], **options)
        self.spec = spec
        self.isolation = isolation
        self._local: Adapter | None = None

    def wire_adapter(self) -> Any:
        if self.isolation == "full":
            return super().wire_adapter()
        from .registry import load_adapter, wire_adapter_for

        if self._local is None:
            self._local = load_adapter(self.spec)
        return wire_adapter_for(self._local)


def in_a_worker(spec: str, isolation: Isolation) -> bool:
    """Whether the implementation ``spec`` names runs in a worker: a Python adapter (built in,
    registered, or ``module:attribute``) unless ``isolation`` is ``none``; a ``stdio:`` harness is a
    process already."""
    from .registry import STDIO_PREFIX, available

    target = spec if ":" in spec else available().get(spec)
    return isolation != "none" and target is not None and not target.startswith(STDIO_PREFIX)
