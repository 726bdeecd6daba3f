"""The harness protocol: its shipped JSON Schema is the generated one and describes every line both
ends write; a reply that breaks it is refused with a message naming the member; the Python end
(``serve``) answers every request."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path
from unittest.mock import ANY

import jsonschema
import pytest

from conformance.adapters.adapter import Capability, Parsed
from conformance.adapters.harness_protocol import (
    PROTOCOL_VERSION,
    Accepted,
    Built,
    Dumped,
    Errored,
    Ignored,
    Rejected,
    ReplyProblem,
    Started,
    capability,
    capability_name,
    read_reply,
    schema,
)
from conformance.adapters.harness_host import REQUESTS, answer, serve
from conformance.implementations.reference.adapter import ReferenceAdapter
from conformance.schema import SHIPPED_SCHEMAS

from .cli import run

EXAMPLE_JS = Path(__file__).resolve().parents[1] / "harnesses" / "example-js" / "harness.mjs"
SHIPPED = json.loads((SHIPPED_SCHEMAS / "harness.schema.json").read_text())

SPEECH_STARTED = json.dumps({"type": "input_audio_buffer.speech_started", "event_id": "event_1", "audio_start_ms": 1000, "item_id": "item_1"})
#: One of every request, in the order a run makes them; ids as the suite gives them.
CONVERSATION = [
    {"cmd": "start", "id": 0, "version": PROTOCOL_VERSION},
    {"cmd": "parse", "id": 1, "direction": "server", "text": SPEECH_STARTED},
    {"cmd": "dump", "id": 2, "direction": "server", "handle": "h0"},
    {"cmd": "parse", "id": 3, "direction": "server", "text": '{"type": "input_audio_buffer.speech_started"}'},
    {"cmd": "parse", "id": 4, "direction": "server", "text": '{"type": "xai.ping"}'},
    {"cmd": "dump", "id": 5, "direction": "server", "handle": "no-such-handle"},
    {"cmd": "build_client", "id": 6, "event": {"type": "response.cancel", "event_id": "event_2"}},
    {"cmd": "stop", "id": 7},
]
REPLY_TO = {request["id"]: request["cmd"] for request in CONVERSATION}


def validator(definition: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**SHIPPED, "$ref": f"#/$defs/{definition}"})


def test_the_shipped_schema_is_the_generated_one() -> None:
    assert SHIPPED == schema(), "regenerate it: realtime-conformance schema --harness > conformance/schemas/harness.schema.json"
    jsonschema.Draft202012Validator.check_schema(SHIPPED)
    assert SHIPPED["x-protocol-version"] == PROTOCOL_VERSION


def test_the_schema_command_prints_it() -> None:
    done = run("schema", "--harness")
    assert done.code == 0 and done.json() == schema()


def test_every_request_the_suite_writes_matches_the_schema() -> None:
    requests = validator("request")
    for request in CONVERSATION:
        requests.validate(request)
        REQUESTS.validate_python(request)
    assert not requests.is_valid({"cmd": "parse", "id": 1, "direction": "sideways", "text": "{}"})


def _conversation_with(command: list[str]) -> list[dict]:
    lines = "".join(json.dumps(request) + "\n" for request in CONVERSATION)
    done = subprocess.run(command, input=lines, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _check_replies(replies: list[dict]) -> dict[int, dict]:
    by_id = {reply["id"]: reply for reply in replies}
    assert set(by_id) == set(REPLY_TO) - {7}, "every request but stop is answered, once"
    for request_id, reply in by_id.items():
        validator(f"reply_to_{REPLY_TO[request_id]}").validate(reply)
        read_reply(REPLY_TO[request_id], reply)  # the adapter's own reading agrees
    return by_id


def test_the_python_end_answers_every_request_within_the_schema() -> None:
    replies = _check_replies(_conversation_with([sys.executable, "-m", "conformance.adapters.harness_host", "reference"]))
    assert replies[0]["implementation"]["name"] == "reference" and replies[0]["version"] == PROTOCOL_VERSION
    assert replies[1]["outcome"] == "accepted" and replies[1]["event_type"] == "input_audio_buffer.speech_started"
    assert replies[2]["wire"] == json.loads(SPEECH_STARTED)
    assert replies[3]["outcome"] == "rejected" and "$.event_id" in replies[3]["detail"]
    assert replies[4]["outcome"] == "ignored"
    assert "unknown or forgotten handle" in replies[5]["error"]["message"]
    assert json.loads(replies[6]["text"]) == {"type": "response.cancel", "event_id": "event_2"}


@pytest.mark.skipif(shutil.which("node") is None or not (EXAMPLE_JS.parent / "node_modules").is_dir(), reason="needs Node.js and `npm ci` in harnesses/example-js")
def test_the_javascript_kit_answers_every_request_within_the_schema() -> None:
    replies = _check_replies(_conversation_with(["node", str(EXAMPLE_JS)]))
    assert replies[0]["implementation"] == {
        "name": "example-js", "version": "1.0.0", "language": "javascript", "dialect": "ga", "sides": ["client", "server"],
        "transports": ["websocket", "webrtc", "sip"], "missing": [], "nulls_distinct": True, "class": ["model", "client"], "scope": None,
        "wire": {"missing": {}, "leaves_to_application": {"playback": ANY, "sequencing": ANY}},
    }
    assert replies[2]["wire"] == json.loads(SPEECH_STARTED)
    assert replies[4] == {"id": 4, "outcome": "accepted", "event_type": "xai.ping", "handle": "h2", "model_type": None}
    assert "unknown or forgotten handle" in replies[5]["error"]["message"]


@pytest.mark.parametrize(
    ("cmd", "reply", "named"),
    [
        ("parse", {"id": 1}, "$.outcome: expected 'accepted', 'untyped', 'ignored' or 'rejected' (or an error reply), got absent"),
        ("parse", {"id": 1, "outcome": "maybe"}, "$.outcome: expected 'accepted', 'untyped', 'ignored' or 'rejected' (or an error reply), got string \"maybe\""),
        ("parse", {"id": 1, "outcome": ["accepted"]}, "$.outcome: expected 'accepted', 'untyped', 'ignored' or 'rejected' (or an error reply), got array of 1 item"),
        ("parse", {"id": 1, "outcome": "accepted", "event_type": "error", "handle": 7}, "$.handle: expected a valid string, got integer 7"),
        ("parse", {"id": 1, "outcome": "accepted", "handle": "h1"}, "$.event_type: required, but absent"),
        ("parse", {"id": 1, "outcome": "rejected", "reason": "bad"}, "$.reason: not a member of a parse reply: rejected"),
        ("parse", {"id": "1", "outcome": "ignored"}, "$.id: expected a valid integer, got string \"1\""),
        ("dump", {"id": 2}, "$.wire: required, but absent"),
        ("build_client", {"id": 3, "text": {"type": "response.cancel"}}, "$.text: expected a valid string, got object"),
        ("start", {"id": 0, "version": 1, "implementation": {"name": "x", "version": "1", "language": "go", "transports": ["websocket"]}}, "$.implementation.sides: required, but absent"),
        ("start", {"id": 0, "version": 1, "implementation": {"name": "x", "version": "1", "language": "go", "sides": ["client"], "transports": ["carrier-pigeon"]}}, "$.implementation.transports[0]: expected 'websocket', 'webrtc' or 'sip'"),
        ("start", {"id": 0, "version": 1, "implementation": {"name": "x", "version": "1", "language": "go", "sides": ["client"], "transports": ["sip"], "missing": ["parse server events"]}}, "$.implementation.missing[0]: expected 'parse_server'"),
        ("dump", {"id": 2, "error": {}}, "$.error.message: required, but absent"),
        ("dump", ["not", "an", "object"], "$: expected a JSON object (a reply), got array of 3 items"),
    ],
)
def test_a_reply_that_breaks_the_protocol_is_refused_naming_the_member(cmd: str, reply: object, named: str) -> None:
    with pytest.raises(ReplyProblem) as refused:
        read_reply(cmd, reply)
    assert str(refused.value).startswith(named)
    if isinstance(reply, dict):
        assert not validator(f"reply_to_{cmd}").is_valid(reply), "the shipped schema refuses it too"


@pytest.mark.parametrize(
    ("cmd", "reply", "model"),
    [
        ("start", {"id": 0, "version": 1, "implementation": {"name": "x", "version": "1", "language": "go", "sides": ["client"], "transports": ["sip"]}}, Started),
        ("parse", {"id": 1, "outcome": "accepted", "event_type": "error", "handle": "h"}, Accepted),
        ("parse", {"id": 1, "outcome": "ignored"}, Ignored),
        ("parse", {"id": 1, "outcome": "rejected", "event_type": None, "detail": "x"}, Rejected),
        ("dump", {"id": 2, "wire": None}, Dumped),
        ("build_client", {"id": 3, "text": "{}"}, Built),
        ("parse", {"id": 4, "error": {"message": "boom", "stack": "at x"}}, Errored),
    ],
)
def test_a_good_reply_is_read_as_its_kind(cmd: str, reply: dict, model: type) -> None:
    assert isinstance(read_reply(cmd, reply), model)
    assert validator(f"reply_to_{cmd}").is_valid(reply)


def test_capabilities_are_named_by_their_enum_names() -> None:
    assert {capability(capability_name(c)) for c in Capability} == set(Capability)
    assert capability_name(Capability.BUILD_CLIENT) == "build_client"


def test_the_python_end_turns_an_adapter_exception_into_an_error_reply_and_goes_on() -> None:
    class Crashes(ReferenceAdapter):
        def build_client(self, event):
            raise ZeroDivisionError("division by zero")

    request = REQUESTS.validate_python({"cmd": "build_client", "id": 9, "event": {"type": "response.cancel"}})
    reply = answer(Crashes(), request, OrderedDict(), lambda: "h")
    assert isinstance(reply, Errored) and reply.error.message == "ZeroDivisionError: division by zero"
    lines = io.BytesIO(b"".join(json.dumps(r).encode() + b"\n" for r in CONVERSATION[:2]) + b'{"cmd": "stop", "id": 3}\n{"cmd": "start", "id": 4, "version": 1}\n')
    out = io.BytesIO()
    serve(Crashes(), lines, out)
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [0, 1], "stop ends it; nothing after is answered"


def test_a_type_the_library_keeps_as_a_number_is_its_verdict_not_a_broken_reply() -> None:
    class KeepsTheNumber(ReferenceAdapter):
        def parse(self, direction, text):
            return Parsed("accepted", obj=json.loads(text), event_type=json.loads(text)["type"])

    request = REQUESTS.validate_python({"cmd": "parse", "id": 2, "direction": "server", "text": '{"type": 5}'})
    reply = answer(KeepsTheNumber(), request, OrderedDict(), lambda: "h")
    assert isinstance(reply, Accepted) and reply.event_type == "5"
