"""Deliberately broken harness processes: the stdio adapter's own test subjects.

Each is a real process that speaks the harness protocol for the reference implementation (its
parse part and its wire part), with one defect at the process level — it crashes, hangs, writes
garbage, names the wrong request, sends a reply that breaks the protocol, or fails after it replied —
on one kind of request only. Each names the checks that must fail against it (the reference passes
them all); every other check must still pass, which is what "isolated per check" means.
``tests/test_stdio_harness.py`` runs them, and :data:`BROKEN_HARNESSES` has the shape of
:data:`~conformance.broken.parsers.BROKEN`, so that the detection matrix can run them too;
:data:`BROKEN_WIRE_HARNESSES` break the wire part, and join the wire family's matrix.

:data:`UNSTARTABLE` are harnesses that never get going (they exit, stay silent, or answer ``start``
wrongly): no check catches those, the run refuses to start with a clear message instead.

    python -m conformance.broken.harnesses NAME     # one of them, on stdin/stdout

One is a JavaScript program on the protocol helper (``harnesses/broken/``): a failure that surfaces
only after a reply is a matter of an event loop, and the helper is what must blame the right request.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..adapters.harness_host import REQUESTS, answer
from ..adapters.harness_protocol import PROTOCOL_VERSION, WIRE_COMMANDS, StopRequest
from ..adapters.stdio import HarnessStartError, StdioAdapter, harness_directory
from ..adapters.wire_host import WireSession
from ..implementations.reference.adapter import ReferenceAdapter
from ..implementations.reference.wire import ReferenceWireAdapter

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
    #: A JavaScript program in ``harnesses/broken/`` instead of this module (needs Node.js).
    node_program: str | None = None

    def command(self) -> list[str]:
        if self.node_program is not None:
            return [shutil.which("node") or "node", str(harness_directory("broken", name="tests") / self.node_program)]
        return [sys.executable, "-m", "conformance.broken.harnesses", self.name]

    def unavailable(self) -> str | None:
        """Why it cannot run here (no Node.js, no checkout's harnesses), or ``None``."""
        if self.node_program is None:
            return None
        if shutil.which("node") is None:
            return "needs Node.js (node) on PATH"
        try:
            harness_directory("broken", name="tests")
        except HarnessStartError as error:
            return str(error)
        return None

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


def _garbled(seen: dict[str, Any]) -> bytes:
    """A seen line in words of its own: the member the protocol names is missing."""
    detail = dict(seen["seen"])
    return _line({"seen": {"kind": detail.pop("kind"), "words": detail.get("text", "")}})


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
    BrokenHarness("fails-after-reply", "answers a parse of response.output_text.delta, then an async listener it started rejects (JavaScript)",
                  ("corpus/output-text-delta/parses",),
                  "parse", "response.output_text.delta", _crash, node_program="fails-after-reply.mjs"),
)

#: Broken in the wire part: each session is a process of its own, so each fails only its scenarios.
BROKEN_WIRE_HARNESSES: tuple[BrokenHarness, ...] = (
    BrokenHarness("crashes-on-connect", "the process exits when asked to connect", ("wire/connect/sends-valid-events", "wire/function-call/round-trip"), "connect", None, _crash),
    BrokenHarness("hangs-on-send-text", "the process stops answering when the application sends text",
                  ("wire/function-call/round-trip", "wire/unknown-event-type/next-events-reach-app"), "send_text", None, _hang),
    BrokenHarness("garbage-seen-lines", "reports the transcript the application saw in a seen line the protocol does not have (words instead of text)",
                  ("wire/unknown-event-type/next-events-reach-app", "wire/replay-spoken-response/recorded-reply-reaches-app"), "seen", "transcript", _garbled),
)

UNSTARTABLE: tuple[BrokenHarness, ...] = (
    BrokenHarness("exits-at-start", "exits before answering start", (), "start", None, _crash),
    BrokenHarness("silent-at-start", "never answers start", (), "start", None, _hang),
    BrokenHarness("wrong-protocol-version", "answers start speaking protocol version 99", (), "start", None,
                  lambda r: _line({"id": r["id"], "version": 99, "implementation": {"name": "x", "version": "1", "language": "python", "sides": ["client"], "transports": ["websocket"]}})),
    BrokenHarness("start-without-sides", "answers start without saying which sides it plays", (), "start", None,
                  lambda r: _line({"id": r["id"], "version": PROTOCOL_VERSION, "implementation": {"name": "x", "version": "1", "language": "python", "transports": ["websocket"]}})),
)

BY_NAME: dict[str, BrokenHarness] = {broken.name: broken for broken in (*BROKEN_HARNESSES, *BROKEN_WIRE_HARNESSES, *UNSTARTABLE)}
assert len(BY_NAME) == len(BROKEN_HARNESSES) + len(BROKEN_WIRE_HARNESSES) + len(UNSTARTABLE)


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
    """The reference behind the harness protocol (both parts), with ``broken``'s defect."""
    adapter, wire = ReferenceAdapter(), ReferenceWireAdapter()
    objects: OrderedDict[str, Any] = OrderedDict()
    kinds: dict[str, str] = {}  # handle -> event type, for defects set off by a dump
    counter = iter(range(sys.maxsize))
    lock = threading.Lock()  # replies here, seen lines from the wire session's loop

    def write(value: dict[str, Any] | bytes) -> None:
        if isinstance(value, dict):
            seen = value.get("seen")
            garbled = broken.cmd == "seen" and isinstance(seen, dict) and seen.get("kind") == broken.event_type
            value = broken.misbehave(value) if garbled else _line(value)
        with lock:
            sys.stdout.buffer.write(value)
            sys.stdout.buffer.flush()

    session: WireSession | None = None
    try:
        for line in sys.stdin.buffer:
            raw = json.loads(line)
            if _concerns(broken, raw, kinds):
                write(broken.misbehave(raw))
                continue
            request = REQUESTS.validate_python(raw)
            if isinstance(request, StopRequest):
                return
            if request.cmd in WIRE_COMMANDS:
                session = session or WireSession(wire, write)
                write(session.answer(request).model_dump(mode="json", by_alias=True))
                continue
            answered = answer(adapter, request, objects, lambda: f"h{next(counter)}", wire)
            if getattr(answered, "handle", None) is not None:
                kinds[answered.handle] = answered.event_type  # type: ignore[attr-defined]
            write(answered.model_dump(mode="json", by_alias=True))
    finally:
        if session is not None:
            session.end()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in BY_NAME:
        print(f"usage: python -m conformance.broken.harnesses {{{','.join(BY_NAME)}}}", file=sys.stderr)
        raise SystemExit(2)
    serve_broken(BY_NAME[sys.argv[1]])
