"""msgspec's base64 acceptance equals the models' own check (``check_base64``), which is what lets
the fast path type base64 members as ``bytes`` and check them while it decodes
(:mod:`conformance.fastpath`): every string over an alphabet of the characters that matter (the
two alphabets' letters, padding, whitespace, non-ASCII, NUL) up to five characters, long strings
broken at every kind of place, and whatever Hypothesis makes, through msgspec's JSON decoder and
through ``msgspec.convert`` (the session checker's route). The C loop's own in-place check of long
audio (``conformance/_cbatch.c``: ``base64_valid``) is held to the same strings."""

from __future__ import annotations

import base64
import itertools
import json

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from conformance import batch
from conformance.protocol.base import check_base64


class _Holder(msgspec.Struct):
    value: bytes


_DECODER = msgspec.json.Decoder(_Holder)
#: The characters whose handling could differ: both alphabets' extra letters, padding in and out
#: of place, letters whose low bits matter for non-canonical padding, whitespace, non-ASCII, NUL.
ALPHABET = ("A", "Q", "z", "9", "+", "/", "-", "_", "=", " ", "\n", "é", "\x00")


def models_accept(text: str) -> bool:
    try:
        check_base64(text)
    except (PydanticCustomError, ValueError):
        return False
    return True


def msgspec_accepts(text: str) -> bool:
    try:
        decoded = _DECODER.decode(json.dumps({"value": text}).encode()).value
    except msgspec.ValidationError:
        decoded = None
    try:
        converted = msgspec.convert({"value": text}, _Holder).value
    except msgspec.ValidationError:
        converted = None
    assert decoded == converted, text
    accepted = decoded is not None
    if batch.in_c():  # the C loop's in-place check, on the UTF-8 text as it lies in a JSON text
        assert batch._cbatch.base64_valid(text.encode("utf-8", "surrogatepass")) == accepted, text
    return accepted


@pytest.mark.parametrize("length", range(6))
def test_every_short_string_is_judged_alike(length: int) -> None:
    differ = [text for text in map("".join, itertools.product(ALPHABET, repeat=length)) if msgspec_accepts(text) != models_accept(text)]
    assert not differ, differ[:10]


LONG = base64.b64encode(bytes(range(256)) * 20).decode()


@pytest.mark.parametrize("bad", ["=", "==", "A", "-", "_", " ", "\n", "é", "\x00", "\\"])
def test_a_long_string_broken_anywhere_is_judged_alike(bad: str) -> None:
    for at in (0, 1, 2, 3, 17, 32, 33, 64, 1000, len(LONG) - 4, len(LONG) - 3, len(LONG) - 2, len(LONG) - 1, len(LONG)):
        for text in (LONG[:at] + bad + LONG[at:], LONG[:at] + bad + LONG[at + len(bad):]):
            assert msgspec_accepts(text) == models_accept(text), (at, bad)
    assert msgspec_accepts(LONG) and models_accept(LONG)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from(ALPHABET), max_size=64),
                 st.binary(max_size=300).map(lambda raw: base64.b64encode(raw).decode()),
                 st.tuples(st.binary(min_size=1, max_size=300), st.integers(0, 400), st.sampled_from(ALPHABET))
                 .map(lambda t: (lambda text: text[: t[1]] + t[2] + text[t[1]:])(base64.b64encode(t[0]).decode())),
                 st.text(max_size=40)))
def test_generated_strings_are_judged_alike(text: str) -> None:
    assert msgspec_accepts(text) == models_accept(text)


@pytest.mark.skipif(not batch.in_c(), reason="the C extension is not built")
@pytest.mark.parametrize("length", [0, 4, 60, 64, 68, 124, 128, 132, 6400, 6404])
def test_the_c_check_at_every_position_of_its_blocks(length: int) -> None:
    """The C check works 64 bytes at a time, then byte by byte: a bad byte is found in either, at
    every position, and the padding rules hold at every length."""
    good = (LONG * 3)[:length]
    assert batch._cbatch.base64_valid(good.encode()) == models_accept(good)
    for at in range(length):
        for bad in ("=", "-", "\x00", "\x80", "A="):
            text = good[:at] + bad + good[at + len(bad):] if at + len(bad) <= length else good
            assert batch._cbatch.base64_valid(text.encode()) == models_accept(text), (at, bad)
