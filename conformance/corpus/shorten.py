"""Shortening the audio in a payload so that its fixture fits the size budget.

Audio travels as base64 in three places: ``input_audio_buffer.append``'s ``audio``, the ``delta`` of
``response.output_audio.delta`` (and of its beta name ``response.audio.delta``), and the ``audio`` of
an item's audio content part. Shortening keeps a *prefix* of the audio: the first bytes the sender
sent, cut at a multiple of 6 bytes. Six is a whole number of 16-bit PCM samples (so the audio stays
sample-aligned; G.711 has 1-byte samples) and of 3-byte base64 groups, so the shortened text is
exactly a prefix of the original, in whole 4-character groups, with no padding, and decodes.
Text that is not valid base64 is never touched: its verdict is part of what the fixture records.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..jsonpath import ROOT, child, lookup, steps

#: Bytes per cut: a whole number of 16-bit samples and of 3-byte base64 groups.
_ALIGN_BYTES = 6
_ALIGN_CHARS = _ALIGN_BYTES // 3 * 4

_DELTA_AUDIO_EVENTS = frozenset({"response.output_audio.delta", "response.audio.delta"})
_AUDIO_PART_TYPES = frozenset({"input_audio", "output_audio", "audio"})


@dataclass(frozen=True)
class Shortened:
    path: str
    #: Decoded sizes in bytes, before and after.
    before: int
    after: int

    def __str__(self) -> str:
        return f"audio at {self.path} shortened from {self.before:,} to {self.after:,} bytes (a sample-aligned prefix) to fit the size budget"


class CannotShorten(ValueError):
    """The document is over the budget and no valid audio is left to shorten."""


def audio_paths(event: Any) -> list[str]:
    """The JSON paths (within ``event``) of the base64 audio strings it carries."""
    found: list[str] = []
    if isinstance(event, dict):
        kind = event.get("type")
        if kind == "input_audio_buffer.append" and isinstance(event.get("audio"), str):
            found.append(child(ROOT, "audio"))
        if kind in _DELTA_AUDIO_EVENTS and isinstance(event.get("delta"), str):
            found.append(child(ROOT, "delta"))
    found.extend(_audio_parts(event, ROOT))
    return found


def _audio_parts(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        if value.get("type") in _AUDIO_PART_TYPES and isinstance(value.get("audio"), str) and path != ROOT:
            yield child(path, "audio")
        for key, item in value.items():
            yield from _audio_parts(item, child(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _audio_parts(item, child(path, index))


def decodable(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(text) % 4 == 0


def shorten_to_fit(document: Any, audio_at: list[str], size: Callable[[Any], int], budget: int) -> list[Shortened]:
    """Shorten, in place, the audio strings at ``audio_at`` (paths within ``document``) until
    ``size(document) <= budget``, longest first. Returns what was shortened (one entry per path).
    Raises :class:`CannotShorten` when no valid audio is left and the document is still too big."""
    original = {path: lookup(document, path) for path in audio_at}
    while (excess := size(document) - budget) > 0:
        candidates = [p for p in audio_at if isinstance(lookup(document, p), str) and decodable(lookup(document, p)) and lookup(document, p)]
        if not candidates:
            raise CannotShorten(f"{excess:,} bytes over the {budget:,}-byte budget with no valid base64 audio left to shorten")
        longest = max(candidates, key=lambda p: len(lookup(document, p)))
        text = lookup(document, longest)
        # JSON carries base64 characters one byte each, so cutting `excess` characters is enough.
        # A whole number of 8-character groups below len(text): always progress, never padding.
        keep = max(0, (len(text) - excess) // _ALIGN_CHARS * _ALIGN_CHARS)
        _assign(document, longest, text[:keep])
    done = []
    for path, before in original.items():
        after = lookup(document, path)
        if after != before:
            done.append(Shortened(path, len(base64.b64decode(before)), len(base64.b64decode(after))))
    return done


def _assign(document: Any, path: str, value: Any) -> None:
    *parents, last = steps(path)
    target = document
    for step in parents:
        target = target[step]
    target[last] = value
