"""Conversation items and their content parts.

Three item variants share ``type: "message"``, so messages are discriminated twice: by ``type``
and then by ``role``. No content part lists ``type`` as required in the spec, so content parts are
one model per role with an optional ``type`` rather than a union.

Assistant content uses the GA names ``output_text`` / ``output_audio``. The spec contradicts
itself here: its schema allows only those, while its own examples of ``conversation.item.retrieved``
and ``response.output_item.done`` put the beta names ``text`` / ``audio`` there, and SDK fixes
(openai-agents-python, openai-agents-js, May 2026) report that servers sent both. A reader cannot be
called wrong for following either half, so in what a server sends we accept both vocabularies, and
the corpus fixtures that use the beta one are INFO: a library may accept or refuse them. What a
client sends is held to the schema (``nullability.REQUEST_CONSTRAINTS``). The streaming ``part`` of
``response.content_part.*`` is a different object whose enum really is ``text`` / ``audio`` (see
``server_events.ContentPart``).

``response.create`` input may also hold references to existing items (:class:`ItemReference`).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from .base import Base64, ItemStatus, JSONObject, Model


class SystemContent(Model):
    type: Literal["input_text"] | None = None
    text: str | None = None


class UserContent(Model):
    type: Literal["input_text", "input_audio", "input_image"] | None = None
    text: str | None = None
    audio: Base64 | None = None
    image_url: str | None = None
    detail: Literal["auto", "low", "high"] | None = None
    transcript: str | None = None


class AssistantContent(Model):
    #: ``text`` / ``audio``: the beta vocabulary, which the spec's own examples still use (see above).
    type: Literal["output_text", "output_audio", "text", "audio"] | None = None
    text: str | None = None
    audio: Base64 | None = None
    transcript: str | None = None


class _ItemFields(Model):
    id: str | None = None
    object: Literal["realtime.item"] | None = None
    status: ItemStatus | None = None


class SystemMessage(_ItemFields):
    type: Literal["message"]
    role: Literal["system"]
    content: list[SystemContent]


class UserMessage(_ItemFields):
    type: Literal["message"]
    role: Literal["user"]
    content: list[UserContent]


class AssistantMessage(_ItemFields):
    type: Literal["message"]
    role: Literal["assistant"]
    content: list[AssistantContent]


class FunctionCall(_ItemFields):
    type: Literal["function_call"]
    #: Optional in the spec, unlike ``function_call_output.call_id``.
    call_id: str | None = None
    name: str
    arguments: str


class FunctionCallOutput(_ItemFields):
    type: Literal["function_call_output"]
    call_id: str
    output: str


class MCPApprovalRequest(Model):
    type: Literal["mcp_approval_request"]
    id: str
    server_label: str
    name: str
    arguments: str


class MCPApprovalResponse(Model):
    type: Literal["mcp_approval_response"]
    id: str
    approval_request_id: str
    approve: bool
    reason: str | None = None


class MCPListedTool(Model):
    name: str
    description: str | None = None
    input_schema: JSONObject
    annotations: JSONObject | None = None


class MCPListTools(Model):
    type: Literal["mcp_list_tools"]
    id: str | None = None
    server_label: str
    tools: list[MCPListedTool]


class MCPProtocolError(Model):
    type: Literal["protocol_error"]
    code: int
    message: str


class MCPToolExecutionError(Model):
    type: Literal["tool_execution_error"]
    message: str


class MCPHTTPError(Model):
    type: Literal["http_error"]
    code: int
    message: str


MCPCallError = Annotated[
    Union[MCPProtocolError, MCPToolExecutionError, MCPHTTPError], Field(discriminator="type")
]


class MCPToolCall(Model):
    type: Literal["mcp_call"]
    id: str
    server_label: str
    name: str
    arguments: str
    approval_request_id: str | None = None
    output: str | None = None
    error: MCPCallError | None = None


class ItemReference(Model):
    """A reference to an item already in the session, only in ``response.create`` input. The GA
    schema dropped it (``RealtimeConversationItemWithReference`` is defined but referenced by
    nothing), yet the event's description says input accepts "raw Items and references to existing
    Items", the field's says it "can include references to items that previously appeared in the
    session using their id", and the spec's example sends one. The text and the example win."""

    type: Literal["item_reference"]
    id: str


Message = Annotated[Union[SystemMessage, UserMessage, AssistantMessage], Field(discriminator="role")]

#: Any conversation item. ``item_reference`` is not among them: it is not an item of the
#: conversation but a pointer to one, only valid in ``response.create`` input (:data:`InputItem`).
ConversationItem = Annotated[
    Union[
        Message,
        FunctionCall,
        FunctionCallOutput,
        MCPApprovalRequest,
        MCPApprovalResponse,
        MCPListTools,
        MCPToolCall,
    ],
    Field(discriminator="type"),
]

#: What ``response.create`` input holds: items, or references to existing items.
InputItem = Annotated[
    Union[
        Message,
        FunctionCall,
        FunctionCallOutput,
        MCPApprovalRequest,
        MCPApprovalResponse,
        MCPListTools,
        MCPToolCall,
        ItemReference,
    ],
    Field(discriminator="type"),
]
