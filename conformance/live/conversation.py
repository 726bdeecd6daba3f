"""The reference server's conversation: ordered items, inserted where the client says.

``conversation.item.create`` inserts after ``previous_item_id`` (``"root"`` for the start, absent or
``null`` for the end), and every acknowledgement names the item before the new one (``null`` at the
start); spec ``RealtimeClientEventConversationItemCreate``, session rules 40 and 42.
"""

from __future__ import annotations

import copy
from typing import Any


class UnknownItem(KeyError):
    """No item with that id is in the conversation."""


class Conversation:
    def __init__(self) -> None:
        self._items: list[dict[str, Any]] = []
        #: Audio the server keeps beside an item (user audio, for retrieval), by item id.
        self.audio: dict[str, bytes] = {}
        #: Milliseconds of assistant audio generated for an item (the bound of a truncation).
        self.audio_ms: dict[str, int] = {}

    def __contains__(self, item_id: object) -> bool:
        return any(item.get("id") == item_id for item in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[dict[str, Any]]:
        return list(self._items)

    def get(self, item_id: str) -> dict[str, Any]:
        for item in self._items:
            if item.get("id") == item_id:
                return item
        raise UnknownItem(item_id)

    def insert(self, item: dict[str, Any], after: str | None = None) -> str | None:
        """Insert ``item`` after the item ``after`` (``"root"``: first; ``None``: last) and return
        the id of the item now before it."""
        if after is None:
            index = len(self._items)
        elif after == "root":
            index = 0
        else:
            index = self._index(after) + 1
        self._items.insert(index, item)
        return self._items[index - 1]["id"] if index > 0 else None

    def previous_of(self, item_id: str) -> str | None:
        index = self._index(item_id)
        return self._items[index - 1]["id"] if index > 0 else None

    def replace(self, item: dict[str, Any]) -> None:
        self._items[self._index(item["id"])] = item

    def delete(self, item_id: str) -> None:
        del self._items[self._index(item_id)]
        self.audio.pop(item_id, None)
        self.audio_ms.pop(item_id, None)

    def last(self, **members: Any) -> dict[str, Any] | None:
        """The last item whose members equal ``members``."""
        for item in reversed(self._items):
            if all(item.get(key) == value for key, value in members.items()):
                return item
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self._items)

    def _index(self, item_id: str) -> int:
        for index, item in enumerate(self._items):
            if item.get("id") == item_id:
                return index
        raise UnknownItem(item_id)
