"""The request form of a model: what a *client* may send, held to the spec's own nullability.

"Optional means nullable" (:mod:`.base`) is a decision about what *servers* send: their echoes
carry ``null`` where the spec says a field is non-nullable, and a reader that refused them would
refuse real traffic. It does not hold for what clients send. The spec types a client's
``event_id`` as a string of at most 512 characters, not as ``null``, and a client that sends
``"event_id": null`` is wrong, however tolerant a server may be.

So every model reachable from a client event is used in its *request form*: the same model with
``None`` taken out of every optional field, except the fields the spec lets a client set to
``null`` (:data:`NULLABLE_IN_REQUESTS`): those it types nullable, and those whose description says
``null`` turns the feature off. Request forms are derived, not written twice, so a fix to a model
reaches both directions. :data:`REQUEST_CONSTRAINTS` adds the few rules that bind only requests.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import Field, create_model

from .base import Model

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

#: Rules that bind only what a client asks for, by (model, field): the annotation that replaces it.
REQUEST_CONSTRAINTS: dict[tuple[str, str], Any] = {
    # "It is not possible to request both `text` and `audio` at the same time."
    ("_RealtimeSessionFields", "output_modalities"): Annotated[list[Literal["text", "audio"]], Field(max_length=1)],
    # "currently the only possible values are [\"audio\"], [\"text\"]"
    ("ResponseCreateParams", "output_modalities"): Annotated[list[Literal["text", "audio"]], Field(max_length=1)],
    # Clients are held to the schema's assistant vocabulary (items.py says why servers are not).
    ("AssistantContent", "type"): Literal["output_text", "output_audio"],
}


def request_form(annotation: Any) -> Any:
    """The request form of a model class, or of an annotation built from model classes."""
    return _rewrite(annotation)


@cache
def _request_model(model: type[Model]) -> type[Model]:
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        owner = _declaring_class(model, name)
        annotation = REQUEST_CONSTRAINTS.get((owner, name))
        if annotation is None:
            annotation = info.annotation
            if not info.is_required() and (owner, name) not in NULLABLE_IN_REQUESTS:
                annotation = _without_none(annotation)
            annotation = _rewrite(annotation)
        if annotation != info.annotation:
            fields[name] = (_with_field_metadata(annotation, info), ... if info.is_required() else info.default)
    if not fields:
        return model
    derived = create_model(model.__name__, __base__=model, __module__=__name__, __doc__=model.__doc__, **fields)  # type: ignore[call-overload]
    return derived


def _with_field_metadata(annotation: Any, info: Any) -> Any:
    """``annotation`` with what pydantic lifted out of the original field's annotation: constraints,
    validators and a discriminator."""
    metadata = list(info.metadata)
    if info.discriminator is not None:
        metadata.append(Field(discriminator=info.discriminator))
    return Annotated[(annotation, *metadata)] if metadata else annotation  # type: ignore[valid-type]


def _declaring_class(model: type[Model], name: str) -> str:
    for cls in model.__mro__:
        if name in getattr(cls, "__annotations__", {}):
            return cls.__name__
    return model.__name__


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        kept = tuple(arg for arg in typing.get_args(annotation) if arg is not type(None))
        return kept[0] if len(kept) == 1 else Union[kept]  # noqa: UP007 - a tuple of members
    return annotation


def _rewrite(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return _request_model(annotation)
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *metadata = typing.get_args(annotation)
        rewritten = _rewrite(base)
        return annotation if rewritten is base else Annotated[(rewritten, *metadata)]  # type: ignore[valid-type]
    if origin in (Union, types.UnionType):
        members = typing.get_args(annotation)
        rewritten_members = tuple(_rewrite(member) for member in members)
        return annotation if rewritten_members == members else Union[rewritten_members]  # noqa: UP007
    if origin is list:
        (item,) = typing.get_args(annotation)
        rewritten = _rewrite(item)
        return annotation if rewritten is item else list[rewritten]  # type: ignore[valid-type]
    if origin is dict:
        key, value = typing.get_args(annotation)
        rewritten = _rewrite(value)
        return annotation if rewritten is value else dict[key, rewritten]  # type: ignore[valid-type]
    return annotation
