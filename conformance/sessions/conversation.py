"""The conversation's items (session-rules.md 24, 30, 40–42): every item is added, then done; an
output item of an in-band response is mirrored into the conversation; previous_item_id names an
item the session knows; nothing names an item after it was deleted.

Whether an item was ever added or done is decided at the end of the transcript (the order of these
events against ``response.*`` is not promised, §3 item 1), from the bounded item window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .context import Context, ItemInfo, code, item_kind, obj, text
from .state import Window

Handler = Callable[[dict[str, Any]], None]


class Conversation:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.server: dict[str, Handler] = {
            "conversation.item.added": self.added,
            "conversation.item.created": self.added,
            "conversation.item.done": self.done,
            "conversation.item.deleted": self.deleted,
            "input_audio_buffer.committed": self.committed,
            "mcp_list_tools.in_progress": self.listing,
            "mcp_list_tools.completed": self.listing,
            "mcp_list_tools.failed": self.listing,
        }
        #: MCP tool listings: item id -> [in_progress line, completed/failed line].
        self.listings: Window[str, list[int]] = Window(1024)
        self.client: dict[str, Handler] = {}

    def any_event(self, event: dict[str, Any]) -> None:
        """Rule 41 (SHOULD): no server event names an item after it was deleted."""
        ctx = self.ctx
        if ctx.type in ("conversation.item.deleted", "error"):
            return
        for key in ("item_id", "previous_item_id"):
            item_id = text(event, key)
            info = ctx.items.get(item_id) if item_id else None
            if info is not None and info.deleted is not None:
                ctx.emit("item.delete-retrieve-acked", "SHOULD", f"{code(ctx.type)} names item {item_id} ({key}), which was deleted at line "
                         f"{info.deleted}", related=(info.deleted,))

    def _previous(self, event: dict[str, Any]) -> None:
        """Rule 42: previous_item_id is null or an item already known and not deleted."""
        ctx = self.ctx
        previous = text(event, "previous_item_id")
        if previous is None:
            return
        info = ctx.items.get(previous)
        if info is None and not ctx.unknown_ok(ctx.items):
            ctx.emit("item.previous-id-known", "SHOULD", f"{code(ctx.type)} has previous_item_id {previous!r}, an item this session never showed")

    def added(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        item = obj(event, "item")
        item_id = text(item, "id")
        if item_id is None:
            return
        self._previous(event)
        info = ctx.item(item_id)
        # The legacy .created, or a dialect with no conversation.item.done at all (the beta, xAI): nothing more is owed.
        legacy = ctx.type == "conversation.item.created" or not ctx.ordering.items_owe_done
        self._out_of_band(item_id, info)
        if info.added is not None and info.deleted is None:
            if info.legacy == legacy:
                ctx.emit("item.conversation-mirror", "SHOULD", f"a second {code(ctx.type)} for item {item_id} (first at line {info.added})",
                         related=(info.added,))
                return
        else:  # first announced, or created again after a delete
            if info.deleted is not None:
                info.deleted = info.done = None
            info.added, info.legacy = ctx.line, legacy
        info.kind = info.kind or item_kind(item)
        content = item.get("content") if isinstance(item, dict) else None
        if isinstance(content, list) and any(text(part, "type") == "input_audio" for part in content):
            info.input_audio = True
        call_id = text(item, "call_id")
        if text(item, "type") == "function_call" and call_id:
            ctx.calls[call_id] = ctx.line

    def done(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        item_id = text(obj(event, "item"), "id")
        if item_id is None:
            return
        self._previous(event)
        info = ctx.item(item_id)
        if info.done is not None:
            ctx.emit("item.conversation-mirror", "SHOULD", f"a second `conversation.item.done` for item {item_id} (first at line {info.done})",
                     related=(info.done,))
            return
        info.done = ctx.line
        self._out_of_band(item_id, info)
        if info.added is None and not ctx.unknown_ok(ctx.items):
            rule, level = _origin(info)
            ctx.emit(rule, level, f"`conversation.item.done` for item {item_id} before any `conversation.item.added` for it")  # type: ignore[arg-type]

    def _out_of_band(self, item_id: str, info: ItemInfo) -> None:
        """Rule 13: an out-of-band response's output never enters the conversation."""
        if info.out_of_band is not None:
            self.ctx.emit("response.out-of-band", "MUST", f"{code(self.ctx.type)} for item {item_id}, an output of the out-of-band response "
                          f"{info.response_id} (line {info.out_of_band}); out-of-band output is not added to the conversation",
                          related=(info.out_of_band,))

    def deleted(self, event: dict[str, Any]) -> None:
        item_id = text(event, "item_id")
        if item_id is not None:
            self.ctx.item(item_id).deleted = self.ctx.line

    def committed(self, event: dict[str, Any]) -> None:
        ctx = self.ctx
        item_id = text(event, "item_id")
        self._previous(event)
        if item_id is None:
            return
        info = ctx.item(item_id)
        info.committed = ctx.line
        info.kind = info.kind or "message:user"
        info.input_audio = True

    def listing(self, event: dict[str, Any]) -> None:
        """Rule 27: each MCP tool listing in progress ends exactly once, completed or failed."""
        ctx = self.ctx
        item_id = text(event, "item_id")
        if item_id is None:
            return
        state = self.listings.get(item_id)
        if ctx.type == "mcp_list_tools.in_progress":
            if state is None:
                self.listings[item_id] = [ctx.line, 0]
            return
        if state is None:
            if not ctx.unknown_ok(self.listings):
                ctx.emit("mcp.list-tools", "SHOULD", f"{code(ctx.type)} for {item_id} without `mcp_list_tools.in_progress` first")
            self.listings[item_id] = [0, ctx.line]
        elif state[1]:
            ctx.emit("mcp.list-tools", "SHOULD", f"{code(ctx.type)} for {item_id}, whose listing already ended at line {state[1]}", related=(state[1],))
        else:
            state[1] = ctx.line

    def finish(self) -> None:
        """Items that were owed conversation.item.added or .done and never got them."""
        ctx = self.ctx
        for item_id, (started, ended) in self.listings.items():
            if started and not ended:
                went_on = ctx.last_response_done > started
                ctx.emit("mcp.list-tools", "SHOULD" if went_on else "INFO", f"the MCP tool listing {item_id} never ended (no "
                         "`mcp_list_tools.completed` or `.failed`)" + ("" if went_on else " before the transcript ends"),
                         ref=(started, "mcp_list_tools.in_progress", None))
        # Evidence that the server went past an item (so what it owes is missing, not in flight when
        # the recording stopped): the latest item of the same origin that did get its done.
        done_committed = max((info.committed or 0 for info in ctx.items.values() if info.done is not None), default=0)
        done_created = max((info.created_by or 0 for info in ctx.items.values() if info.done is not None), default=0)
        done_mirrored = max((info.mirror_due[0] for info in ctx.items.values() if info.mirror_due and info.done is not None), default=0)
        for item_id, info in ctx.items.items():
            if info.deleted is not None:
                continue
            owes_done = info.added is not None and info.done is None and not info.legacy
            if info.committed is not None and (info.added is None or owes_done):
                # added follows the commit at once ("a conversation.item.created event will also be sent"); done may wait.
                overtaken = ctx.last_response_done > info.committed if info.added is None else done_committed > info.committed
                missing = "`conversation.item.added`" if info.added is None else "`conversation.item.done`"
                ctx.emit("input.commit-creates-item", "MUST" if overtaken else "INFO", f"the user item {item_id} committed here never got "
                         f"{missing}" + ("" if overtaken else " before the transcript ends"), ref=(info.committed, "input_audio_buffer.committed", None))
            elif info.created_by is not None and info.response_id is None and owes_done:
                overtaken = done_created > info.created_by
                ctx.emit("item.create-acked", "MUST" if overtaken else "INFO", f"item {item_id}, added at line {info.added}, never got "
                         "`conversation.item.done`" + ("" if overtaken else " before the transcript ends"),
                         ref=(info.created_by, "conversation.item.create", None), related=(info.added,))  # type: ignore[arg-type]
            elif info.mirror_due is not None and (info.added is None or owes_done):
                added, ended = info.mirror_due
                overtaken = done_mirrored > added or ctx.last_response_done > ended
                missing = "`conversation.item.added`" if info.added is None else "`conversation.item.done`"
                ctx.emit("item.conversation-mirror", "SHOULD" if overtaken else "INFO", f"output item {item_id} of an in-band response never "
                         f"got {missing}; the conversation mirrors every item a response adds to it", ref=(added, "response.output_item.added", None))


def _origin(info: ItemInfo) -> tuple[str, str]:
    """The rule whose added-then-done order an item breaks, by where the item came from."""
    if info.committed is not None:
        return "input.commit-creates-item", "MUST"
    if info.created_by is not None and info.response_id is None:
        return "item.create-acked", "MUST"
    return "item.conversation-mirror", "SHOULD"

