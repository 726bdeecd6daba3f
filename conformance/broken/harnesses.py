"""Deliberately broken harness processes: the stdio adapter's own test subjects.

Each is a real process that speaks the harness protocol for the reference implementation, with one
defect at the process level — it crashes, hangs, writes garbage, names the wrong request, or sends
a reply that breaks the protocol — on one kind of request only. Each names the checks that must
fail against it (the reference passes them all); every other check must still pass, which is what
"isolated per check" means. ``tests/test_stdio_harness.py`` runs them, and
:data:`BROKEN_HARNESSES` has the shape of :data:`~conformance.broken.parsers.BROKEN`, so that
the detection matrix can run them too.

:data:`UNSTARTABLE` are harnesses that never get going (they exit, stay silent, or answer ``start``
wrongly): no check catches those, the run refuses to start with a clear message instead.

    python -m conformance.broken.harnesses NAME     # one of them, on stdin/stdout
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..adapters.harness_host import REQUESTS, answer
from ..adapters.harness_protocol import PROTOCOL_VERSION, StopRequest
from ..implementations.reference.adapter import ReferenceAdapter
from ..adapters.stdio import StdioAdapter

#: How long a broken harness may take to answer a call before the adapter counts it as hanging: short,
#: so that the hanging one is caught quickly, and shorter than the driver's (see ``call_timeout``).
HARNESS_TIMEOUT = 1.0

#: What a defect does instead of answering: returns the line to write, or never returns.
Misbehaviour = Callable[[dict[str, Any]], bytes]


@dataclass(frozen=True)
class BrokenHarness:
    name: str
    defect: str
    #: Check ids that must fail against it (the reference passes them all).
    caught_by: tuple[str, ...]
    #: The request that sets the defect off, and the event type it must concern (None: any).
    cmd: str
    event_type: str | None
    misbehave: Misbehaviour = field(repr=False)
    #: The driver's timeout for it: longer than the adapter's own, so that the adapter, not the
    #: driver, deals with a hang (kills and restarts the process, and the run goes on).
    call_timeout: float = 10.0

    def command(self) -> list[str]:
        return [sys.executable, "-m", "conformance.broken.harnesses", self.name]

    def adapter(self, **options: Any) -> StdioAdapter:
        options.setdefault("timeout", HARNESS_TIMEOUT)
        options.setdefault("start_timeout", 30.0)
        return StdioAdapter(self.command(), name=f"broken-harness:{self.name}", **options)


# --- what they do -------------------------------------------------------------------------------


def _crash(request: dict[str, Any]) -> bytes:
    sys.stderr.write(f"Traceback (most recent call last):\nRuntimeError: simulated crash on {request['cmd']} #{request['id']}\n")
    sys.stderr.flush()
    os._exit(70)


def _hang(request: dict[str, Any]) -> bytes:
    sys.stderr.write(f"stuck on {request['cmd']} #{request['id']}\n")
    sys.stderr.flush()
    time.sleep(3600)
    raise AssertionError("unreachable")


def _garbage(request: dict[str, Any]) -> bytes:
    return b"Segmentation fault (core dumped) -- not a reply\n"


def _wrong_id(request: dict[str, Any]) -> bytes:
    return _line({"id": request["id"] + 1000, "outcome": "ignored"})


def _no_handle(request: dict[str, Any]) -> bytes:
    return _line({"id": request["id"], "outcome": "accepted", "event_type": json.loads(request["text"])["type"], "handle": 7})


def _error_reply(request: dict[str, Any]) -> bytes:
    return _line({"id": request["id"], "error": {"message": "TypeError: Cannot read properties of undefined (reading 'audio')"}})


def _line(value: Any) -> bytes:
    return json.dumps(value).encode() + b"\n"


BROKEN_HARNESSES: tuple[BrokenHarness, ...] = (
    BrokenHarness("crashes-on-audio-delta", "the process exits while parsing a response.output_audio.delta",
                  ("corpus/output-audio-delta-20ms/parses", "corpus/output-audio-delta-g711/lossless-dump"),
                  "parse", "response.output_audio.delta", _crash),
    BrokenHarness("hangs-on-speech-started", "the process stops answering when it parses an input_audio_buffer.speech_started",
                  ("corpus/speech-started/parses", "corpus/speech-started-at-zero/parses"),
                  "parse", "input_audio_buffer.speech_started", _hang),
    BrokenHarness("garbage-on-text-delta", "writes a line that is not JSON instead of answering a parse of response.output_text.delta",
                  ("corpus/output-text-delta/parses",),
                  "parse", "response.output_text.delta", _garbage),
    BrokenHarness("wrong-id-on-response-done", "answers a parse of response.done naming another request",
                  ("corpus/response-done-completed-usage/parses", "corpus/response-done-function-call/lossless-dump"),
                  "parse", "response.done", _wrong_id),
    BrokenHarness("handle-not-a-string", "answers a parse of error with a number for the handle, which the protocol makes a string",
                  ("corpus/error-minimal-type-and-message/parses",),
                  "parse", "error", _no_handle),
    BrokenHarness("error-reply-on-dump", "reports an error (a caught crash) when dumping a session.created",
                  ("corpus/session-created-realtime-defaults/lossless-dump", "corpus/session-created-transcription/lossless-dump"),
                  "dump", "session.created", _error_reply),
    BrokenHarness("crashes-on-send-truncate", "the process exits while building a conversation.item.truncate to send",
                  ("snapshot/item-truncate/wire", "corpus/client-item-truncate/sends-unchanged"),
                  "build_client", "conversation.item.truncate", _crash),
)

UNSTARTABLE: tuple[BrokenHarness, ...] = (
    BrokenHarness("exits-at-start", "exits before answering start", (), "start", None, _crash),
    BrokenHarness("silent-at-start", "never answers start", (), "start", None, _hang),
    BrokenHarness("wrong-protocol-version", "answers start speaking protocol version 99", (), "start", None,
                  lambda r: _line({"id": r["id"], "version": 99, "implementation": {"name": "x", "version": "1", "language": "python", "sides": ["client"], "transports": ["websocket"]}})),
    BrokenHarness("start-without-sides", "answers start without saying which sides it plays", (), "start", None,
                  lambda r: _line({"id": r["id"], "version": PROTOCOL_VERSION, "implementation": {"name": "x", "version": "1", "language": "python", "transports": ["websocket"]}})),
)

BY_NAME: dict[str, BrokenHarness] = {broken.name: broken for broken in (*BROKEN_HARNESSES, *UNSTARTABLE)}
assert len(BY_NAME) == len(BROKEN_HARNESSES) + len(UNSTARTABLE)


# --- the process ----------------------------------------------------------------------------------


def _concerns(broken: BrokenHarness, request: dict[str, Any], kinds: dict[str, str]) -> bool:
    """Whether ``request`` sets the defect off."""
    if request.get("cmd") != broken.cmd:
        return False
    if broken.event_type is None:
        return True
    if broken.cmd == "parse":
        try:
            kind = json.loads(request["text"]).get("type")
        except (ValueError, AttributeError):
            return False
    elif broken.cmd == "dump":
        kind = kinds.get(request["handle"])
    else:
        kind = request["event"].get("type")
    return kind == broken.event_type


def serve_broken(broken: BrokenHarness) -> None:
    """The reference behind the harness protocol, with ``broken``'s defect."""
    adapter = ReferenceAdapter()
    objects: OrderedDict[str, Any] = OrderedDict()
    kinds: dict[str, str] = {}  # handle -> event type, for defects set off by a dump
    counter = iter(range(sys.maxsize))
    for line in sys.stdin.buffer:
        raw = json.loads(line)
        if _concerns(broken, raw, kinds):
            reply = broken.misbehave(raw)
        else:
            request = REQUESTS.validate_python(raw)
            if isinstance(request, StopRequest):
                return
            answered = answer(adapter, request, objects, lambda: f"h{next(counter)}")
            if getattr(answered, "handle", None) is not None:
                kinds[answered.handle] = answered.event_type  # type: ignore[attr-defined]
            reply = answered.model_dump_json().encode() + b"\n"
        sys.stdout.buffer.write(reply)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in BY_NAME:
        print(f"usage: python -m conformance.broken.harnesses {{{','.join(BY_NAME)}}}", file=sys.stderr)
        raise SystemExit(2)
    serve_broken(BY_NAME[sys.argv[1]])
