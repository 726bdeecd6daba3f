"""The harness protocol: how the suite drives an implementation written in any language.

A *harness* is a small program that wraps one implementation and speaks JSON Lines over its
standard input and output: the suite writes one request per line, the harness writes one reply per
line. Every request carries an ``id`` (an integer) and every reply names the ``id`` it answers, so
that many requests can be in flight and replies may come in any order. Anything the harness writes
to standard error is kept by the suite and attached to the check that was running.

Requests (``cmd``):

* ``start`` (``version``: the protocol version the suite speaks): the harness answers with the
  protocol version it speaks and what it wraps (:class:`Implementation`): name, version, language,
  dialect, the sides of a connection it plays, the transports it uses, and the capabilities its side
  needs that it lacks (``missing``).
* ``parse`` (``direction``, ``text``: one event's wire text): the implementation ``accepted`` it as
  ``event_type`` and keeps the object under ``handle``; or ``ignored`` it (declined without an error,
  as a receive loop skips an event type it does not know); or ``rejected`` it (with a ``detail``).
* ``dump`` (``direction``, ``handle``): the wire JSON the implementation gives for that object.
* ``build_client`` (``event``: a client event as the reference's wire JSON): the wire ``text`` the
  implementation would send for it, produced through its own send path.
* ``stop``: the harness exits. No reply.

Any request may instead be answered ``{"id": ..., "error": {"message": ...}}``: the implementation
crashed on it (the harness caught the exception). The check in flight fails; the harness goes on.

The pydantic models below are the protocol's definition; ``realtime-conformance schema --harness``
prints their JSON Schema (shipped as ``conformance/schemas/harness.schema.json``). The protocol's
other end for a Python adapter is :mod:`conformance.adapters.harness_host`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..jsonpath import ROOT, child, describe
from ..protocol.names import Transport
from .adapter import Capability, Direction, Side

#: The protocol version this suite speaks. A harness that answers ``start`` with another fails to load.
PROTOCOL_VERSION = 1

#: ``missing`` names capabilities by the names of :class:`~conformance.adapters.adapter.Capability`,
#: in lower case; ``build_client`` is also the name of the request that needs it.
CapabilityName = Literal["parse_server", "dump_server", "parse_client", "dump_client", "build_client"]


def capability(name: CapabilityName) -> Capability:
    return Capability[name.upper()]


def capability_name(capability: Capability) -> CapabilityName:
    return capability.name.lower()  # type: ignore[return-value]


class _Message(BaseModel):
    # Strict and closed: a harness that misspells a member, or sends "1" for 1, hears about it.
    model_config = ConfigDict(extra="forbid", strict=True)


RequestId = Annotated[int, Field(ge=0, description="chosen by the suite; the reply names it")]


# --- requests (suite -> harness) ----------------------------------------------------------------


class StartRequest(_Message):
    model_config = ConfigDict(title="start")
    cmd: Literal["start"]
    id: RequestId
    version: int = Field(description="the protocol version the suite speaks")


class ParseRequest(_Message):
    model_config = ConfigDict(title="parse")
    cmd: Literal["parse"]
    id: RequestId
    direction: Direction = Field(description="who sent the event: server events are what a client receives")
    text: str = Field(description="the event's wire text, exactly as it would arrive")


class DumpRequest(_Message):
    model_config = ConfigDict(title="dump")
    cmd: Literal["dump"]
    id: RequestId
    direction: Direction
    handle: str = Field(description="a handle an earlier parse reply gave")


class BuildClientRequest(_Message):
    model_config = ConfigDict(title="build_client")
    cmd: Literal["build_client"]
    id: RequestId
    event: dict[str, Any] = Field(description="a client event, as the reference implementation's wire JSON")


class StopRequest(_Message):
    model_config = ConfigDict(title="stop")
    cmd: Literal["stop"]
    id: RequestId


Request = Annotated[StartRequest | ParseRequest | DumpRequest | BuildClientRequest | StopRequest, Field(discriminator="cmd")]


# --- replies (harness -> suite) -----------------------------------------------------------------


class Implementation(_Message):
    """What the harness wraps, in the vocabulary of the Python adapters."""

    name: str = Field(min_length=1, description="the implementation's name, e.g. its package name")
    version: str = Field(description="the implementation's version")
    language: str = Field(min_length=1, description="the language it is written in, e.g. javascript")
    dialect: str = Field(default="ga", description="the protocol variant it speaks")
    sides: list[Side] = Field(min_length=1, description="the sides of a connection it plays: a client parses server events and sends client events")
    transports: list[Transport] = Field(min_length=1, description="how it reaches the other side")
    missing: list[CapabilityName] = Field(default_factory=list, description="capabilities its side needs that it lacks; checks that need one are not-implemented")
    nulls_distinct: bool = Field(default=True, description="whether an application can tell an explicit null from an absent member in what it parsed")


class Started(_Message):
    model_config = ConfigDict(title="start reply")
    id: RequestId
    version: int = Field(description="the protocol version the harness speaks")
    implementation: Implementation


class Accepted(_Message):
    model_config = ConfigDict(title="parse reply: accepted")
    id: RequestId
    outcome: Literal["accepted"]
    event_type: str = Field(description="the event type the implementation thinks it is (what it reports, e.g. the object's type)")
    handle: str = Field(description="names the parsed object in later dump requests")
    model_type: str | None = Field(default=None, description="the event type the object's class stands for, where the implementation has one class per type")


class Ignored(_Message):
    model_config = ConfigDict(title="parse reply: ignored")
    id: RequestId
    outcome: Literal["ignored"]
    event_type: str | None = None
    detail: str = ""


class Rejected(_Message):
    model_config = ConfigDict(title="parse reply: rejected")
    id: RequestId
    outcome: Literal["rejected"]
    event_type: str | None = None
    detail: str = Field(default="", description="why, in the implementation's words")


class Dumped(_Message):
    model_config = ConfigDict(title="dump reply")
    id: RequestId
    wire: Any = Field(description="the wire JSON of the parsed object")


class Built(_Message):
    model_config = ConfigDict(title="build_client reply")
    id: RequestId
    text: str = Field(description="the wire text the implementation would send")


class ErrorDetail(_Message):
    message: str
    stack: str | None = Field(default=None, description="a stack trace, if the language has one")


class Errored(_Message):
    model_config = ConfigDict(title="error reply")
    id: RequestId
    error: ErrorDetail


_OUTCOMES: dict[str, type[_Message]] = {"accepted": Accepted, "ignored": Ignored, "rejected": Rejected}
#: The reply model of each request that has one (besides :class:`Errored`).
REPLIES: dict[str, type[_Message]] = {"start": Started, "dump": Dumped, "build_client": Built}


class ReplyProblem(ValueError):
    """A reply that does not match the protocol; the message names the member and what was expected."""


def read_reply(cmd: str, value: Any) -> _Message:
    """The reply to a ``cmd`` request, validated; :class:`ReplyProblem` names what is wrong."""
    if not isinstance(value, dict):
        raise ReplyProblem(f"{ROOT}: expected a JSON object (a reply), got {describe(value)}")
    if "error" in value:
        return _validate(Errored, value)
    if cmd == "parse":
        outcome = value.get("outcome")
        if not isinstance(outcome, str) or outcome not in _OUTCOMES:
            got = "absent" if "outcome" not in value else describe(outcome)
            raise ReplyProblem(f"$.outcome: expected 'accepted', 'ignored' or 'rejected' (or an error reply), got {got}")
        return _validate(_OUTCOMES[outcome], value)
    return _validate(REPLIES[cmd], value)


def _validate(model: type[_Message], value: dict[str, Any]) -> _Message:
    try:
        return model.model_validate(value)
    except ValidationError as failure:
        error = failure.errors(include_url=False)[0]
        path = ROOT
        for step in error["loc"]:
            path = child(path, step)
        if error["type"] == "extra_forbidden":
            raise ReplyProblem(f"{path}: not a member of a {model.model_config.get('title', model.__name__)} (expected {', '.join(model.model_fields)})") from None
        if error["type"] == "missing":
            raise ReplyProblem(f"{path}: required, but absent") from None
        expected = error["msg"].removeprefix("Input should be ").removeprefix("Value should be ")
        raise ReplyProblem(f"{path}: expected {expected}, got {describe(error.get('input'))}") from None


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the protocol: ``$defs`` holds every request and reply;
    ``request``, ``reply_to_<cmd>`` and ``reply`` say which line may carry which."""
    from pydantic.json_schema import models_json_schema

    models = [StartRequest, ParseRequest, DumpRequest, BuildClientRequest, StopRequest, Started, Accepted, Ignored, Rejected, Dumped, Built, Errored]
    _, document = models_json_schema([(model, "validation") for model in models], ref_template="#/$defs/{model}")
    defs = document["$defs"]

    def ref(model: type[BaseModel]) -> dict[str, str]:
        return {"$ref": f"#/$defs/{model.__name__}"}

    defs["request"] = {"description": "One line the suite writes.", "oneOf": [ref(m) for m in (StartRequest, ParseRequest, DumpRequest, BuildClientRequest, StopRequest)]}
    replies = {"start": [Started], "parse": [Accepted, Ignored, Rejected], "dump": [Dumped], "build_client": [Built]}
    for cmd, answers in replies.items():
        defs[f"reply_to_{cmd}"] = {"description": f"The reply to a {cmd} request.", "anyOf": [*map(ref, answers), ref(Errored)]}
    defs["reply"] = {
        "description": "One line the harness writes: the reply to the request its id names (stop has none).",
        "anyOf": [{"$ref": f"#/$defs/reply_to_{cmd}"} for cmd in replies],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Realtime conformance harness protocol",
        "description": f"JSON Lines over a harness's stdin (requests) and stdout (replies), version {PROTOCOL_VERSION}. "
        "$defs/reply_to_<cmd> is the reply to each request.",
        "x-protocol-version": PROTOCOL_VERSION,
        "anyOf": [{"$ref": "#/$defs/request"}, {"$ref": "#/$defs/reply"}],
        "$defs": defs,
    }
