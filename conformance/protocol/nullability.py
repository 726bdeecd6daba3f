"""Where ``null`` is allowed: the spec's own nullability, and the forms of the models that follow it.

"Optional means nullable" (:mod:`.base`) is how the reference *reads* what servers send: their
echoes carry ``null`` where the spec says a member is non-nullable, and a validator that refused
them would refuse real traffic. It is not a rule anybody else must follow:

* **What a client sends** is held to the spec. A client's ``event_id`` is a string of at most 512
  characters, not ``null``. Every model reachable from a client event is used in its *request
  form*: ``None`` taken out of every optional member, except the members the spec lets a client
  set to ``null`` (:data:`NULLABLE_IN_REQUESTS`): those it types nullable, and those whose
  description says ``null`` turns the feature off. :data:`REQUEST_CONSTRAINTS` adds the few rules
  that bind only requests.
* **What the suite asks a library to read** is what servers are shown to send. The property family
  generates server events from their *server form* (:func:`server_form`): ``null`` only where the
  spec allows it or where the spec's own examples or captures show a server sending it
  (:data:`NULLABLE_FROM_SERVERS`). A library that refuses ``null`` anywhere else follows the spec
  and is not called wrong.

Both forms are derived from the one set of models, never written twice, so a fix to a model
reaches every form.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import Field

from .base import Model
from .derive import Changes, Deriver, Member, with_field_metadata

#: (model, field) pairs a client may set to ``null``, with where the spec says so.
NULLABLE_IN_REQUESTS: dict[tuple[str, str], str] = {
    ("AudioInput", "turn_detection"): "RealtimeTurnDetection is anyOf [..., null]: null turns voice detection off",
    ("AudioInput", "transcription"): "'can be set to `null` to turn off once on'",
    ("AudioInput", "noise_reduction"): "'can be set to `null` to turn off'",
    ("ServerVAD", "idle_timeout_ms"): "idle_timeout_ms is anyOf [integer, null]",
    ("_RealtimeSessionFields", "tracing"): "'Set to null to disable tracing' (nullable: true)",
    ("_RealtimeSessionFields", "prompt"): "Prompt is anyOf [object, null]",
    ("ResponseCreateParams", "prompt"): "Prompt is anyOf [object, null]",
    ("ResponseCreateParams", "metadata"): "Metadata is anyOf [object, null]",
    ("Prompt", "version"): "version is anyOf [string, null]",
    ("Prompt", "variables"): "ResponsePromptVariables is anyOf [object, null]",
    ("InputImageContent", "image_url"): "image_url is anyOf [string, null]",
    ("InputImageContent", "file_id"): "file_id is anyOf [string, null]",
    ("InputFileContent", "file_id"): "file_id is anyOf [string, null]",
    ("MCPTool", "headers"): "headers is anyOf [object, null]",
    ("MCPTool", "allowed_tools"): "allowed_tools is anyOf [array, filter, null]",
    ("MCPTool", "allowed_callers"): "allowed_callers is anyOf [array, null]",
    ("MCPTool", "require_approval"): "require_approval is anyOf [filter, string, null]",
    ("ToolChoiceMCP", "name"): "name is anyOf [string, null]",
    ("MCPApprovalResponse", "reason"): "reason is anyOf [string, null]",
    ("MCPListedTool", "description"): "description is anyOf [string, null]",
    ("MCPListedTool", "annotations"): "annotations is anyOf [object, null]",
    ("MCPToolCall", "approval_request_id"): "approval_request_id is anyOf [string, null]",
    ("MCPToolCall", "output"): "output is anyOf [string, null]",
    ("MCPToolCall", "error"): "error is anyOf [..., null]",
}

#: (model, member) pairs a server may send as ``null``: where the spec allows it, or where the spec's
#: own examples, or captures, show a server doing it (inventory §9).
NULLABLE_FROM_SERVERS: dict[tuple[str, str], str] = {
    **{(model, "previous_item_id"): "previous_item_id is anyOf [string, null]" for model in ("ConversationItemCreated", "ConversationItemAdded", "ConversationItemDone", "InputAudioBufferCommitted")},
    ("InputAudioTranscriptionCompleted", "logprobs"): "logprobs is anyOf [array, null]",
    ("InputAudioTranscriptionDelta", "logprobs"): "logprobs is anyOf [array, null]",
    ("ErrorDetails", "code"): "code is anyOf [string, null]",
    ("ErrorDetails", "param"): "param is anyOf [string, null]",
    ("ErrorDetails", "event_id"): "event_id is anyOf [string, null]",
    ("TranscriptionErrorDetails", "param"): "the spec's own transcription.failed example sends param null",
    ("ResponseMCPCallArgumentsDelta", "obfuscation"): "obfuscation is anyOf [string, null]",
    ("_RealtimeSessionFields", "tracing"): "tracing is anyOf [..., null]",
    ("_RealtimeSessionFields", "prompt"): "Prompt is anyOf [object, null]",
    ("_RealtimeSessionFields", "include"): "the spec's own session.created/updated examples send include null",
    ("TranscriptionSession", "include"): "the spec's own session examples send include null",
    ("AudioInputEcho", "turn_detection"): "RealtimeTurnDetection is anyOf [..., null]: null means voice detection is off",
    ("AudioInputEcho", "transcription"): "'can be set to `null` to turn off'; the spec's own examples send it",
    ("AudioInputEcho", "noise_reduction"): "'can be set to `null` to turn off'; the spec's own examples send it",
    ("TranscriptionAudioInputEcho", "turn_detection"): "turn_detection is anyOf [object, null]",
    ("TranscriptionAudioInputEcho", "transcription"): "'can be set to `null` to turn off'",
    ("TranscriptionAudioInputEcho", "noise_reduction"): "'can be set to `null` to turn off'",
    ("ServerVAD", "idle_timeout_ms"): "idle_timeout_ms is anyOf [integer, null]",
    ("Response", "conversation_id"): "'If none, ... the value of conversation_id will be null'",
    ("Response", "metadata"): "Metadata is anyOf [object, null]",
    ("Response", "status_details"): "the spec's own response.created and response.done examples send status_details null",
    ("Response", "usage"): "the spec's own response.created example sends usage null",
    ("UserContent", "transcript"): "captures show a user input_audio part's transcript null in conversation.item.added/done",
    ("AudioTranscriptionEcho", "language"): "captures show session.updated echoing transcription.language null",
    ("AudioTranscriptionEcho", "prompt"): "captures show session.updated echoing transcription.prompt null",
    **{key: reason for key, reason in NULLABLE_IN_REQUESTS.items() if key[0] in (
        "Prompt", "InputImageContent", "InputFileContent", "MCPTool", "ToolChoiceMCP",
        "MCPApprovalResponse", "MCPListedTool", "MCPToolCall")},
}

#: Rules that bind only what a client asks for, by (model, field): the annotation that replaces it.
REQUEST_CONSTRAINTS: dict[tuple[str, str], Any] = {
    # "It is not possible to request both `text` and `audio` at the same time."
    ("_RealtimeSessionFields", "output_modalities"): Annotated[list[Literal["text", "audio"]], Field(max_length=1)],
    # "currently the only possible values are [\"audio\"], [\"text\"]"
    ("ResponseCreateParams", "output_modalities"): Annotated[list[Literal["text", "audio"]], Field(max_length=1)],
    # Clients are held to the schema's assistant vocabulary (items.py says why servers are not).
    ("AssistantContent", "type"): Literal["output_text", "output_audio"],
}


Form = Literal["request", "server"]
_NULLABLE: dict[Form, dict[tuple[str, str], str]] = {"request": NULLABLE_IN_REQUESTS, "server": NULLABLE_FROM_SERVERS}
_CONSTRAINTS: dict[Form, dict[tuple[str, str], Any]] = {"request": REQUEST_CONSTRAINTS, "server": {}}


class _NullabilityDeriver(Deriver):
    """Derives a form by rule: every optional member loses ``None``, except those its allowlist names."""

    def __init__(self, form: Form, module: str) -> None:
        super().__init__(Changes(), module)
        self.form = form

    def change_for(self, model: type[Model], owners: list[str], name: str, info: Any) -> Any:
        declared = next((cls.__name__ for cls in model.__mro__ if name in getattr(cls, "__annotations__", {})), model.__name__)
        constraint = _CONSTRAINTS[self.form].get((declared, name))
        if constraint is not None:
            return Member(constraint, ... if info.is_required() else info.default)
        if info.is_required() or (declared, name) in _NULLABLE[self.form]:
            return None
        stripped = _without_none(info.annotation)
        return None if stripped is info.annotation else Member(with_field_metadata(stripped, info), info.default)


_DERIVERS: dict[Form, Deriver] = {"request": _NullabilityDeriver("request", __name__), "server": _NullabilityDeriver("server", f"{__name__}.server")}


def request_form(annotation: Any) -> Any:
    """The request form of a model class, or of an annotation built from model classes."""
    return _DERIVERS["request"](annotation)


def server_form(annotation: Any) -> Any:
    """The form of a server model that allows ``null`` only where servers are shown to send it."""
    return _DERIVERS["server"](annotation)


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        kept = tuple(arg for arg in typing.get_args(annotation) if arg is not type(None))
        return kept[0] if len(kept) == 1 else Union[kept]  # noqa: UP007 - a tuple of members
    return annotation
