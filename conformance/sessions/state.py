"""Bounded session state: what the session checker remembers, and how it keeps memory flat.

A recorded session can run for hours, and a hostile one can announce a million ids. Everything the
checker remembers therefore lives in containers with a fixed capacity:

* :class:`Window` remembers the most recent ``capacity`` keys (event ids, item ids, call ids,
  finished responses). When it is full the oldest key is forgotten and :attr:`Window.overflowed`
  turns true. A check that would flag a *missing* key ("an error names no client event") stops
  flagging once its window has overflowed, because a forgotten key and a key never seen can no
  longer be told apart: a bounded window costs detections, never false alarms. A check that flags
  a *repeated* key (a reused event id) simply misses repeats further apart than the window.
* :class:`Digest` stands in for a streamed text (the deltas of a transcript, the arguments of a
  call): its length, a running hash and the first characters for messages, so that comparing the
  concatenation of the deltas with the final text costs constant memory however long it is.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

#: How many ids of each kind a session remembers (a full window of event ids costs about 15 MB).
ID_WINDOW = 65_536
#: How many responses may be open at once before the oldest is forgotten.
OPEN_RESPONSES = 1_024
#: Output items one response may announce, and content parts one item may open, before the
#: checker stops tracking new ones (real responses have a handful).
ITEMS_PER_RESPONSE = 4_096
PARTS_PER_ITEM = 64
#: Client requests awaiting an answer.
PENDING_REQUESTS = 4_096


class Window(Generic[K, V]):
    """A mapping that remembers the most recent ``capacity`` keys."""

    __slots__ = ("_entries", "capacity", "overflowed")

    def __init__(self, capacity: int = ID_WINDOW) -> None:
        self._entries: OrderedDict[K, V] = OrderedDict()
        self.capacity = capacity
        self.overflowed = False

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[K]:
        return iter(self._entries)

    def get(self, key: K, default: V | None = None) -> V | None:
        return self._entries.get(key, default)

    def __getitem__(self, key: K) -> V:
        return self._entries[key]

    def __setitem__(self, key: K, value: V) -> None:
        entries = self._entries
        if key in entries:
            entries[key] = value
            return
        entries[key] = value
        if len(entries) > self.capacity:
            entries.popitem(last=False)
            self.overflowed = True

    def pop(self, key: K, default: V | None = None) -> V | None:
        return self._entries.pop(key, default)

    def values(self) -> Iterator[V]:
        return iter(self._entries.values())

    def items(self) -> Iterator[tuple[K, V]]:
        return iter(self._entries.items())


class Digest:
    """A streamed text, remembered as its length, a running hash and its first characters."""

    __slots__ = ("_hash", "length", "head")

    HEAD = 80

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=16)
        self.length = 0
        self.head = ""

    def add(self, text: str) -> None:
        self._hash.update(text.encode("utf-8", "surrogatepass"))
        self.length += len(text)
        if len(self.head) < self.HEAD:
            self.head = (self.head + text)[: self.HEAD]

    def equals(self, text: str) -> bool:
        if len(text) != self.length:
            return False
        other = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16)
        return other.digest() == self._hash.digest()

    def difference(self, text: str) -> str:
        """Where the concatenation and ``text`` part, for a message."""
        for index, (mine, theirs) in enumerate(zip(self.head, text)):
            if mine != theirs:
                return f"they differ at character {index}: {_quote(self.head[index:index + 20])} vs {_quote(text[index:index + 20])}"
        return f"the deltas add up to {self.length} characters ({_quote(self.head[:40])}…), the final text has {len(text)} ({_quote(text[:40])}…)"


def _quote(text: str) -> str:
    return repr(text)


def base64_length(text: str) -> int:
    """The number of bytes a padded base64 string decodes to, without decoding it."""
    size = len(text)
    if size == 0:
        return 0
    padding = 2 if text.endswith("==") else 1 if text.endswith("=") else 0
    return size * 3 // 4 - padding
