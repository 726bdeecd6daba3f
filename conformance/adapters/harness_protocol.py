"""The harness protocol: how the suite drives an implementation written in any language.

A *harness* is a small program that wraps one implementation and speaks JSON Lines over its
standard input and output: the suite writes one request per line, the harness writes one reply per
line. Every request carries an ``id`` (an integer) and every reply names the ``id`` it answers, so
that many requests can be in flight and replies may come in any order. Anything the harness writes
to standard error is kept by the suite and attached to the check that was running.

The protocol has two parts (version 2; a version 1 harness has only the first):

* **parse** (one long-lived process): ``start``; ``parse`` (``direction``, ``text``: one event's wire
  text) answered ``accepted`` as ``event_type`` with the object kept under ``handle``, ``untyped``
  (delivered to the application only raw, as a ``'*'`` listener gets it, with a ``handle`` too),
  ``ignored`` (declined without an error) or ``rejected`` (with a ``detail``); ``dump``
  (``direction``, ``handle``): the wire JSON of that object; ``build_client`` (``event`` and its
  exact wire ``text``): the wire ``text`` the implementation's send path produces; ``stop``.
* **wire** (one process per application session): ``start``, then ``connect`` (``url``,
  ``settings``), any of ``send_text``, ``append_audio`` (base64 PCM), ``interrupt``, then ``close``
  and ``stop``; each answered ``{"id": n, "ok": true}`` once the library's call returned. Meanwhile
  the harness writes what the application sees, as it happens, as ``{"seen": {"kind": ..., ...}}``
  lines (:class:`SeenRecord`) with no ``id``.

The ``start`` reply says what the harness wraps (:class:`Implementation`): name, version, language,
dialect, sides, transports, the capabilities its side lacks (``missing``), its conformance ``class``
and ``scope`` (:mod:`.scope`), and ``wire``: whether it has the wire part, with the actions it lacks
and the behaviours it leaves to the application (the vocabulary of :data:`.wire.NEEDS`).

Any request may instead be answered ``{"id": ..., "error": {"message": ...}}``: the implementation
crashed on it (the harness caught the exception). The check in flight fails; the harness goes on.

The pydantic models below are the protocol's definition; ``realtime-conformance schema --harness``
prints their JSON Schema (shipped as ``conformance/schemas/harness.schema.json``). The protocol's
other end for a Python adapter is :mod:`conformance.adapters.harness_host`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..jsonpath import ROOT, child, describe
from ..protocol.names import Transport
from .adapter import Capability, Direction, Side
from .scope import FEATURES, ConformanceClass, Scope
from .wire import NEEDS

#: The protocol version this suite speaks, and every version it still reads: a version 1 harness has
#: the parse part only. A harness that answers ``start`` with another fails to load.
PROTOCOL_VERSION = 2
SUPPORTED_VERSIONS = (1, 2)

#: The vocabulary of a client's scope and of a wire part's declarations.
Feature = Literal[tuple(FEATURES)]  # type: ignore[valid-type]
Need = Literal[NEEDS]  # type: ignore[valid-type]

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
    text: str | None = Field(
        default=None,
        description="the same event as wire text (version 2): exact where a JSON parser would not be, e.g. an integer beyond 2^53, "
        "for a harness that hands the library text",
    )


class StopRequest(_Message):
    model_config = ConfigDict(title="stop")
    cmd: Literal["stop"]
    id: RequestId


# --- the wire part: one application session per harness process ---------------------------------


class ToolSettings(_Message):
    name: str
    description: str
    parameters: dict[str, Any] = Field(description="the function's JSON Schema")
    output: str = Field(description="what the application's function returns when the model calls it")


class WireSettings(_Message):
    """What the application configures (``conformance.adapters.wire.Settings.to_json()``)."""

    instructions: str | None
    turn_detection: Literal["default", "off"] | dict[str, Any] = Field(
        description="default: leave it to the library and the server; off: voice activity detection off (turn_detection: null on the wire); "
        "an object: the GA turn_detection the application asks for"
    )
    tools: list[ToolSettings]
    transcription: Literal["off"] | dict[str, Any] | None = Field(default=None, description="absent: leave it alone; off: null on the wire; an object: the GA setting")
    noise_reduction: Literal["off"] | dict[str, Any] | None = Field(default=None, description="as transcription")
    voice: str | None = None
    output_modalities: list[str] | None = None


class ConnectRequest(_Message):
    model_config = ConfigDict(title="connect")
    cmd: Literal["connect"]
    id: RequestId
    url: str = Field(description="ws://127.0.0.1:PORT, no path: the harness adds what its library needs (/v1/realtime?model=...)")
    settings: WireSettings


class SendTextRequest(_Message):
    model_config = ConfigDict(title="send_text")
    cmd: Literal["send_text"]
    id: RequestId
    text: str = Field(description="the user says this: add it to the conversation and ask for a response")


class AppendAudioRequest(_Message):
    model_config = ConfigDict(title="append_audio")
    cmd: Literal["append_audio"]
    id: RequestId
    audio: str = Field(description="base64 of 16-bit mono PCM at 24 kHz, as a microphone gives it: hand it to the library's input audio API")


class InterruptRequest(_Message):
    model_config = ConfigDict(title="interrupt")
    cmd: Literal["interrupt"]
    id: RequestId


class CloseRequest(_Message):
    model_config = ConfigDict(title="close")
    cmd: Literal["close"]
    id: RequestId


WIRE_COMMANDS = ("connect", "send_text", "append_audio", "interrupt", "close")

Request = Annotated[
    StartRequest | ParseRequest | DumpRequest | BuildClientRequest | StopRequest | ConnectRequest | SendTextRequest | AppendAudioRequest | InterruptRequest | CloseRequest,
    Field(discriminator="cmd"),
]


# --- replies (harness -> suite) -----------------------------------------------------------------


class ScopeSpec(_Message):
    """A client's scope (:class:`conformance.adapters.scope.Scope`); ``null`` means all of it."""

    consumes: list[str] | None = Field(default=None, description="the server event types it hands to the application, typed or raw (null: every one)")
    sends: list[Feature] | None = Field(default=None, description="the features it can send (null: every one)")
    why: dict[str, str] = Field(default_factory=dict, description="for each feature it cannot send, why, with the file and line in the library")


def scope_of(spec: ScopeSpec | None) -> Scope:
    if spec is None:
        return Scope()
    return Scope(None if spec.consumes is None else frozenset(spec.consumes), None if spec.sends is None else frozenset(spec.sends), dict(spec.why) or None)


def scope_spec(scope: Scope) -> ScopeSpec | None:
    if scope.consumes is None and scope.sends is None:
        return None
    return ScopeSpec(consumes=None if scope.consumes is None else sorted(scope.consumes), sends=None if scope.sends is None else sorted(scope.sends), why=dict(scope.why or {}))


class WireSpec(_Message):
    """The wire part: the harness can drive the library's public API on a live socket."""

    missing: dict[Need, str] = Field(default_factory=dict, description="actions its public API lacks, with why: checks that need one are not-implemented")
    leaves_to_application: dict[Need, str] = Field(
        default_factory=dict, description="behaviours it leaves to the application by design, with why: checks of them do not apply"
    )


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
    conformance_class: ConformanceClass | list[ConformanceClass] = Field(
        default="model", alias="class", description="what kind of implementation it is: model, client, server or proxy (several: judged as the one that asks most)"
    )
    scope: ScopeSpec | None = Field(default=None, description="for a client: what it hands to its application and what it can send (absent: all of it)")
    wire: WireSpec | None = Field(default=None, description="the wire part (version 2): present when the harness can drive a live session")
    application_paths: dict[str, list[str]] = Field(
        default_factory=dict,
        description="for a client: per server event type, the JSON paths (each with what is below it) its application receives; a type not listed reaches it whole",
    )
    builds_events: bool = Field(
        default=True,
        description="whether its application builds protocol events and sends them through it (an SDK connection); false for a service that builds them itself, judged on the wire",
    )
    typed_listeners: bool = Field(
        default=False,
        description="for a client whose application has typed listeners beside a raw one: an event it delivers only raw (untyped) misses them, an INFO finding",
    )
    refusal_ends_receive: str = Field(
        default="",
        description="for a client whose receive loop ends when its parser refuses an event: why, with the file and line (empty: a refused event is dropped and the loop goes on)",
    )

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _wire_needs_a_client(self) -> Implementation:
        classes = self.classes()
        if self.wire is not None and "client" not in classes:
            raise ValueError(f"a wire part is judged only for a client, but the class is {'+'.join(classes)}: declare \"class\": \"client\"")
        return self

    def classes(self) -> tuple[ConformanceClass, ...]:
        klass = self.conformance_class
        return tuple(klass) if isinstance(klass, list) else (klass,)


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


class Untyped(_Message):
    model_config = ConfigDict(title="parse reply: untyped")
    id: RequestId
    outcome: Literal["untyped"]
    event_type: str | None = Field(default=None, description="the event's own type, as the raw event names it (null: it names none, an array or a type that is no string)")
    handle: str = Field(description="names the raw object in later dump requests")
    detail: str = Field(default="", description="why it was not typed, in the implementation's words")


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


class Done(_Message):
    model_config = ConfigDict(title="wire reply")
    id: RequestId
    ok: Literal[True] = Field(description="the library's call returned")


class ErrorDetail(_Message):
    message: str
    stack: str | None = Field(default=None, description="a stack trace, if the language has one")


class Errored(_Message):
    model_config = ConfigDict(title="error reply")
    id: RequestId
    error: ErrorDetail


# --- what the application saw (wire part): lines with no id --------------------------------------


class _Seen(BaseModel):
    # Closed to JSON types, open to members a harness adds (an item_id, an error code).
    model_config = ConfigDict(extra="allow", strict=True)


class SeenAudio(_Seen):
    kind: Literal["audio"]
    bytes: int = Field(ge=0, description="bytes of audio the application got")


class SeenText(_Seen):
    kind: Literal["transcript", "text"] = Field(description="transcript: the assistant's audio transcript; text: its text")
    text: str


class SeenFunctionCall(_Seen):
    kind: Literal["function-call"]
    call_id: str
    name: str
    arguments: str


class SeenError(_Seen):
    kind: Literal["error", "crash"] = Field(description="error: delivered through the library's API; crash: the library brought the application down (an uncaught exception)")
    message: str


class SeenLog(_Seen):
    kind: Literal["log"]
    level: str = Field(description="WARNING, ERROR, ...")
    message: str


class SeenEvent(_Seen):
    kind: Literal["event", "raw"] = Field(description="event: handed over as the library's typed object; raw: handed over raw and untyped (a '*' listener)")
    type: str


class SeenClosed(_Seen):
    kind: Literal["closed"]
    reason: str = ""


class SeenRecord(_Message):
    model_config = ConfigDict(title="seen")
    seen: Annotated[SeenAudio | SeenText | SeenFunctionCall | SeenError | SeenLog | SeenEvent | SeenClosed, Field(discriminator="kind")]


_OUTCOMES: dict[str, type[_Message]] = {"accepted": Accepted, "untyped": Untyped, "ignored": Ignored, "rejected": Rejected}
#: The reply model of each request that has one (besides :class:`Errored`).
REPLIES: dict[str, type[_Message]] = {"start": Started, "dump": Dumped, "build_client": Built, **{cmd: Done for cmd in WIRE_COMMANDS}}


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
            raise ReplyProblem(f"$.outcome: expected 'accepted', 'untyped', 'ignored' or 'rejected' (or an error reply), got {got}")
        return _validate(_OUTCOMES[outcome], value)
    return _validate(REPLIES[cmd], value)


def read_seen(value: Any) -> SeenRecord:
    """A seen line, validated; :class:`ReplyProblem` names what is wrong."""
    if not isinstance(value, dict):
        raise ReplyProblem(f"{ROOT}: expected a JSON object (a seen line), got {describe(value)}")
    kind = value.get("seen", {}).get("kind") if isinstance(value.get("seen"), dict) else None
    if "seen" in value and not (isinstance(kind, str) and kind in SEEN_KINDS):
        got = describe(kind) if isinstance(value.get("seen"), dict) and "kind" in value["seen"] else "absent"
        raise ReplyProblem(f"$.seen.kind: expected one of {', '.join(SEEN_KINDS)}, got {got}")
    return _validate(SeenRecord, value)  # type: ignore[return-value]


SEEN_KINDS = ("event", "raw", "audio", "transcript", "text", "function-call", "error", "log", "closed", "crash")


def _validate(model: type[_Message], value: dict[str, Any]) -> _Message:
    try:
        return model.model_validate(value)
    except ValidationError as failure:
        error = failure.errors(include_url=False)[0]
        path = ROOT
        loc = error["loc"]
        for index, step in enumerate(loc):
            if (model is SeenRecord and index == 1) or step == "[key]":
                continue  # a union's tag, or pydantic's mark of a key: the path is the member's
            path = child(path, step)
        if error["type"] == "value_error":
            raise ReplyProblem(f"{path}: {error['ctx']['error']}") from None
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

    requests = [StartRequest, ParseRequest, DumpRequest, BuildClientRequest, StopRequest, ConnectRequest, SendTextRequest, AppendAudioRequest, InterruptRequest, CloseRequest]
    models = [*requests, Started, Accepted, Untyped, Ignored, Rejected, Dumped, Built, Done, Errored, SeenRecord]
    _, document = models_json_schema([(model, "validation") for model in models], ref_template="#/$defs/{model}", by_alias=True)
    defs = document["$defs"]

    def ref(model: type[BaseModel]) -> dict[str, str]:
        return {"$ref": f"#/$defs/{model.__name__}"}

    defs["request"] = {"description": "One line the suite writes.", "oneOf": [ref(m) for m in requests]}
    replies = {"start": [Started], "parse": [Accepted, Untyped, Ignored, Rejected], "dump": [Dumped], "build_client": [Built], **{cmd: [Done] for cmd in WIRE_COMMANDS}}
    for cmd, answers in replies.items():
        defs[f"reply_to_{cmd}"] = {"description": f"The reply to a {cmd} request.", "anyOf": [*map(ref, answers), ref(Errored)]}
    defs["reply"] = {
        "description": "One line the harness writes: the reply to the request its id names (stop has none).",
        "anyOf": [{"$ref": f"#/$defs/reply_to_{cmd}"} for cmd in replies],
    }
    defs["seen"] = {"description": "A line a wire session writes, with no id, whenever the application sees something.", **ref(SeenRecord)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Realtime conformance harness protocol",
        "description": f"JSON Lines over a harness's stdin (requests) and stdout (replies and seen lines), version {PROTOCOL_VERSION} "
        f"(versions {', '.join(map(str, SUPPORTED_VERSIONS))} are read). $defs/reply_to_<cmd> is the reply to each request; $defs/seen a line of what a wire session's application saw.",
        "x-protocol-version": PROTOCOL_VERSION,
        "anyOf": [{"$ref": "#/$defs/request"}, {"$ref": "#/$defs/reply"}, {"$ref": "#/$defs/seen"}],
        "$defs": defs,
    }
