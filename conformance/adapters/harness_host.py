"""The harness end of the harness protocol, for a Python :class:`~conformance.adapters.adapter.Adapter`
and its :class:`~conformance.adapters.wire.WireAdapter`.

``python -m conformance.adapters.harness_host NAME`` serves any implementation the suite can load over
its stdin and stdout — the parse part, and the wire part when it has a wire adapter — so that a Python
library can run in a process (and an environment) of its own, and the suite's own tests can drive
the stdio adapter without another language.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import OrderedDict
from typing import IO, Any

from pydantic import TypeAdapter

from .adapter import Adapter
from .harness_protocol import (
    PROTOCOL_VERSION,
    WIRE_COMMANDS,
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
    Untyped,
    WireSpec,
    _Message,
    capability_name,
    scope_spec,
)
from .wire import WireAdapter
from .wire_host import WireSession


#: Validates one request line.
REQUESTS: TypeAdapter[Any] = TypeAdapter(Request)
#: Parsed objects kept for dump requests; the suite dumps right after parsing, so a bound is safe.
KEPT_HANDLES = 1024


def serve(adapter: Adapter, stdin: IO[bytes], stdout: IO[bytes], wire: WireAdapter | None = None) -> None:
    """Answer harness requests for ``adapter`` (and, with ``wire``, one wire session) until ``stop``
    or the end of input."""
    objects: OrderedDict[str, Any] = OrderedDict()
    handles = iter(range(sys.maxsize))
    lock = threading.Lock()  # replies here, seen lines from the session's loop

    def write(value: dict[str, Any]) -> None:
        with lock:
            stdout.write(json.dumps(value, ensure_ascii=False).encode() + b"\n")
            stdout.flush()

    session: WireSession | None = None
    try:
        for line in stdin:
            request = REQUESTS.validate_json(line)
            if isinstance(request, StopRequest):
                return
            if request.cmd in WIRE_COMMANDS:
                if wire is None:
                    reply: _Message = Errored(id=request.id, error=ErrorDetail(message=f"{adapter.name} has no wire part"))
                else:
                    session = session or WireSession(wire, write)
                    reply = session.answer(request)
            else:
                reply = answer(adapter, request, objects, lambda: f"h{next(handles)}", wire)
            write(reply.model_dump(mode="json", by_alias=True, exclude=_older(request)))
    finally:
        if session is not None:
            session.end()


def _older(request: Any) -> dict[str, Any] | None:
    """What a start reply leaves out for a suite that speaks version 1 (its reply model has none of it)."""
    if isinstance(request, StartRequest) and request.version < 2:
        return {"implementation": {"conformance_class", "scope", "wire"}}
    return None


def _reported_type(event_type: Any) -> str | None:
    """The type an adapter reports, as the protocol's string: a lax library that keeps ``"type": 5``
    reports the number, which is its verdict to judge, not a broken reply."""
    if event_type is None or isinstance(event_type, str):
        return event_type
    try:
        return json.dumps(event_type)
    except (TypeError, ValueError):
        return repr(event_type)


def answer(adapter: Adapter, request: Any, objects: OrderedDict[str, Any], new_handle: Any, wire: WireAdapter | None = None) -> _Message:
    """The reply to one parse-part request (not ``stop``)."""
    try:
        if isinstance(request, StartRequest):
            version = min(request.version, PROTOCOL_VERSION)  # a suite that speaks 1 gets a version 1 reply
            return Started(id=request.id, version=version, implementation=describe_adapter(adapter, wire))
        if isinstance(request, ParseRequest):
            parsed = adapter.parse(request.direction, request.text)
            reported = _reported_type(parsed.event_type)
            if parsed.outcome == "accepted" and parsed.untyped:
                handle = new_handle()
                objects[handle] = parsed.obj
                return Untyped(id=request.id, outcome="untyped", event_type=reported or "", handle=handle, detail=parsed.detail)
            if parsed.outcome != "accepted":
                reply = Ignored if parsed.outcome == "ignored" else Rejected
                return reply(id=request.id, outcome=parsed.outcome, event_type=reported, detail=parsed.detail)
            handle = new_handle()
            objects[handle] = parsed.obj
            while len(objects) > KEPT_HANDLES:
                objects.popitem(last=False)
            return Accepted(id=request.id, outcome="accepted", event_type=reported or "", handle=handle, model_type=parsed.model_type)
        if isinstance(request, DumpRequest):
            if request.handle not in objects:
                raise KeyError(f"unknown or forgotten handle {request.handle!r}")
            return Dumped(id=request.id, wire=adapter.dump(request.direction, objects[request.handle]))
        return Built(id=request.id, text=adapter.build_client(request.event))
    except Exception as error:  # noqa: BLE001 - reported to the suite, which fails the check
        return Errored(id=request.id, error=ErrorDetail(message=f"{type(error).__name__}: {error}"))


def describe_adapter(adapter: Adapter, wire: WireAdapter | None = None) -> Implementation:
    described = adapter.describe()
    klass = adapter.conformance_class
    return Implementation(
        name=described["name"],
        version=described["version"],
        language=described["language"],
        dialect=described["dialect"],
        sides=described["sides"],
        transports=described["transports"],
        missing=sorted(capability_name(c) for c in adapter.missing),
        nulls_distinct=adapter.nulls_distinct,
        conformance_class=list(klass) if isinstance(klass, tuple) else klass,
        scope=scope_spec(adapter.scope),
        wire=None if wire is None else WireSpec(missing=dict(wire.missing), leaves_to_application=dict(wire.leaves_to_application)),
        application_paths={kind: list(paths) for kind, paths in adapter.application_paths.items()},
        builds_events=adapter.builds_events,
        refusal_ends_receive=adapter.refusal_ends_receive,
        typed_listeners=adapter.typed_listeners,
    )


def main(argv: list[str] | None = None) -> int:
    from .registry import WireAdapterMissing, WireAdapterUnavailable, load_adapter, wire_adapter_for

    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 1:
        print("usage: python -m conformance.adapters.harness_host IMPLEMENTATION", file=sys.stderr)
        return 2
    adapter = load_adapter(arguments[0])
    try:
        wire: WireAdapter | None = wire_adapter_for(adapter)
    except WireAdapterMissing:
        wire = None
    except WireAdapterUnavailable as error:
        print(f"no wire part: {error}", file=sys.stderr)  # the suite shows it with the wire checks' outcome
        wire = None
    serve(adapter, sys.stdin.buffer, sys.stdout.buffer, wire)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
