"""The harness end of the harness protocol, for a Python :class:`~conformance.adapters.adapter.Adapter`.

``python -m conformance.adapters.harness_host NAME`` serves any adapter the suite can load over its
stdin and stdout, so that a Python library can run in a process (and an environment) of its own,
and the suite's own tests can drive the stdio adapter without another language.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from typing import IO, Any

from pydantic import TypeAdapter

from .adapter import Adapter
from .harness_protocol import (
    PROTOCOL_VERSION,
    Accepted,
    Built,
    DumpRequest,
    Dumped,
    ErrorDetail,
    Errored,
    Ignored,
    Implementation,
    ParseRequest,
    Rejected,
    Request,
    StartRequest,
    Started,
    StopRequest,
    _Message,
    capability_name,
)


#: Validates one request line.
REQUESTS: TypeAdapter[Any] = TypeAdapter(Request)
#: Parsed objects kept for dump requests; the suite dumps right after parsing, so a bound is safe.
KEPT_HANDLES = 1024


def serve(adapter: Adapter, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Answer harness requests for ``adapter`` until ``stop`` or the end of input."""
    objects: OrderedDict[str, Any] = OrderedDict()
    handles = iter(range(sys.maxsize))
    for line in stdin:
        request = REQUESTS.validate_json(line)
        if isinstance(request, StopRequest):
            return
        reply = answer(adapter, request, objects, lambda: f"h{next(handles)}")
        stdout.write(reply.model_dump_json().encode() + b"\n")
        stdout.flush()


def answer(adapter: Adapter, request: Any, objects: OrderedDict[str, Any], new_handle: Any) -> _Message:
    """The reply to one request (not ``stop``)."""
    try:
        if isinstance(request, StartRequest):
            return Started(id=request.id, version=PROTOCOL_VERSION, implementation=describe_adapter(adapter))
        if isinstance(request, ParseRequest):
            parsed = adapter.parse(request.direction, request.text)
            if parsed.outcome != "accepted":
                reply = Ignored if parsed.outcome == "ignored" else Rejected
                return reply(id=request.id, outcome=parsed.outcome, event_type=parsed.event_type, detail=parsed.detail)
            handle = new_handle()
            objects[handle] = parsed.obj
            while len(objects) > KEPT_HANDLES:
                objects.popitem(last=False)
            return Accepted(id=request.id, outcome="accepted", event_type=parsed.event_type or "", handle=handle, model_type=parsed.model_type)
        if isinstance(request, DumpRequest):
            if request.handle not in objects:
                raise KeyError(f"unknown or forgotten handle {request.handle!r}")
            return Dumped(id=request.id, wire=adapter.dump(request.direction, objects[request.handle]))
        return Built(id=request.id, text=adapter.build_client(request.event))
    except Exception as error:  # noqa: BLE001 - reported to the suite, which fails the check
        return Errored(id=request.id, error=ErrorDetail(message=f"{type(error).__name__}: {error}"))


def describe_adapter(adapter: Adapter) -> Implementation:
    described = adapter.describe()
    return Implementation(
        name=described["name"],
        version=described["version"],
        language=described["language"],
        dialect=described["dialect"],
        sides=described["sides"],
        transports=described["transports"],
        missing=sorted(capability_name(c) for c in adapter.missing),
        nulls_distinct=adapter.nulls_distinct,
    )


def main(argv: list[str] | None = None) -> int:
    from .registry import load_adapter

    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 1:
        print("usage: python -m conformance.adapters.harness_host IMPLEMENTATION", file=sys.stderr)
        return 2
    serve(load_adapter(arguments[0]), sys.stdin.buffer, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
