"""Judging many events at once, with the loop over them kept in C wherever validity can be proved.

    judged = judge_batch(texts, "server")     # judged[i] is what judge(texts[i], "server") gives
    judged.counts                             # Counter({"valid": 4990, "invalid": 10})
    proofs = prove_lines(buffer, "server")    # a fastpath.Proof per line of JSON Lines, or None

Most of what a validator sees is valid. A run of short texts is decoded by msgspec into the structs
derived from the models (:mod:`conformance.fastpath`) one text after another inside C
(``list.extend(map(decoder.decode, run))``): each call reads exactly one text, so a text that is not
one valid event stops the run where it stands; it goes down the single-event path, and the run goes
on after it. The decoded run is then proved all at once by counting colons in C: a colon in JSON
text follows a member name or stands inside a string, and the structs encoded back hold every
member they decoded and every colon of their strings, so each text holds at least the colons of its
struct. When the run's texts hold exactly as many colons as its structs, every text does: none has a
member its struct skipped (one its model does not know) or a member twice. (A text may spell a colon
as ``\\u003a``, which the count cannot see: a run with such an escape is proved text by text.) What
is left per event in Python is what msgspec cannot check: the dispatch of nested unions (message
items by role) and which learned members (``obfuscation``) an event has.

A long text (an audio delta) goes through :func:`conformance.fastpath.valid_type` alone: its base64
is checked in place, never copied, and one call costs little against its kilobytes.

``tests/test_fast_path_differential.py`` holds the batch path to the full path on every input it
holds the single-event fast path to.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from . import fastpath

if TYPE_CHECKING:
    from .verdict import Direction, Verdict

try:  # the per-event loop in C (conformance/_cbatch.c), built where a compiler was at hand
    from . import _cbatch
except ImportError:  # pragma: no cover - an install without it: the Python loop below
    _cbatch = None  # type: ignore[assignment]
if os.environ.get("CONFORMANCE_PURE_PYTHON"):  # the Python loop on purpose (tests, comparisons)
    _cbatch = None  # type: ignore[assignment]

#: Texts decoded per run: a run whose colons do not add up is proved text by text.
RUN = 1024

_COLON = b":"
#: What every JSON escape of a colon (``\\u003a``, ``\\u003A``) starts with; a run holding it is
#: proved text by text, where only the colon's own escapes count.
_ESCAPE_PREFIX = b"\\u003"
_ESCAPED_COLONS = (b"\\u003a", b"\\u003A")

Proofs = list["fastpath.Proof | None"]


def prove_batch(texts: Sequence[bytes | str], direction: str = "auto", dialect: str = "ga", *, in_c: bool | None = None) -> Proofs:
    """The fast path's proof for each text (what :func:`conformance.fastpath.valid_type` gives),
    or ``None`` where the text is not proved valid, which says nothing either way. ``in_c``:
    whether to run the loop in C (default: where it was built); the proofs are the same."""
    if texts and all(map(bytes.__instancecheck__, texts)):
        return _Prover(direction, dialect).prove(texts, in_c=in_c)  # type: ignore[arg-type]
    return [_single(text, direction, dialect) for text in texts]


def prove_lines(data: bytes, direction: str = "auto", dialect: str = "ga", *, in_c: bool | None = None) -> tuple[list[bytes], Proofs]:
    """The lines of a JSON Lines buffer (split at ``\\n``; blank ones and a last empty one
    included, never proved) and the proof for each."""
    lines = data.split(b"\n")
    return lines, _Prover(direction, dialect).prove(lines, data, in_c=in_c)


def in_c() -> bool:
    """Whether the C loop (``conformance/_cbatch.c``) is built and in use."""
    return _cbatch is not None


#: Struct type -> what the C loop knows of it (a ``_cbatch.Shape``, or ``None``: not an event
#: struct it can prove), made when the loop first meets the type.
C_SHAPES: dict[type, Any] = {}


def c_shape(struct: type) -> Any:
    """What the C loop needs to know of a derived event struct: its event type, the member names
    it holds at the top (the model's, and those it learned), each learned member's proof, the
    check left to run in Python (:func:`conformance.fastpath.proof_of`, for the structs that carry
    one) and its one base64 member (for the in-place route)."""
    shape = fastpath._SHAPES.get(struct)
    if shape is None or shape.event_type is None or _cbatch is None:
        return None
    learned = tuple(name.encode() for _, name, _ in shape.learned)
    proofs = (shape.held_proof(),) if len(shape.learned) == 1 else tuple((shape.event_type, ((name, kind),)) for _, name, kind in shape.learned)
    return _cbatch.Shape(shape.event_type, tuple(name.encode() for name in shape.members), learned, proofs,
                         fastpath.proof_of if shape.checker is not None else None, shape.base64_only)


def _single(text: bytes | str, direction: str, dialect: str) -> fastpath.Proof | None:
    try:
        return fastpath.valid_type(text, direction, dialect)
    except Exception:  # noqa: BLE001 - not proved: the full path gives this text its verdict
        return None


class _Prover:
    def __init__(self, direction: str, dialect: str) -> None:
        self.direction, self.dialect = direction, dialect
        self.table = fastpath.tables(dialect)

    def prove(self, texts: list[bytes] | Sequence[bytes], joined: bytes | None = None, in_c: bool | None = None) -> Proofs:
        """The proofs of ``texts``; ``joined``, when given, is them joined with one byte between
        each (counted in place, without a copy)."""
        if self.table is None or self.table.decoders.get(self.direction) is None:
            return [None] * len(texts)
        if _cbatch is not None and in_c is not False:
            return self._in_c(texts if type(texts) is list else list(texts))
        lengths = list(map(len, texts))
        if max(lengths, default=0) < fastpath.LONG:
            return self._short(texts, joined)
        long_at = [index for index, length in enumerate(lengths) if length >= fastpath.LONG]
        proofs: Proofs = self._short([text for text, length in zip(texts, lengths) if length < fastpath.LONG])
        for index, proof in zip(long_at, self._long([texts[index] for index in long_at])):
            proofs.insert(index, proof)  # ascending: each lands where its text is
        return proofs

    def _in_c(self, texts: list[bytes]) -> Proofs:
        """The loop in C: it proves texts up to the first it cannot, which the single-event path
        judges here (and may teach the structs a member); then on from the next."""
        decoders, direction, dialect = self.table.decoders, self.direction, self.dialect  # type: ignore[union-attr]
        prove, shapes, long_at = _cbatch.prove_texts, C_SHAPES, fastpath.LONG
        proofs: Proofs = []
        start, end = 0, len(texts)
        while start < end:
            proved, stop = prove(decoders[direction].decode, shapes, c_shape, long_at, texts, start)  # the decoder fetched anew: it may have learned
            proofs += proved
            if stop < end:
                proofs.append(_single(texts[stop], direction, dialect))
                stop += 1
            start = stop
        return proofs

    def _short(self, texts: Sequence[bytes], joined: bytes | None = None) -> Proofs:
        """Short texts, a run at a time."""
        if joined is None:
            joined = b"\n".join(texts)
        proofs: Proofs = []
        start, end, low = 0, len(texts), 0
        while start < end:
            run = texts[start : start + RUN]
            decoded = self._decode(run)
            done = len(decoded)
            if done:
                proved = run if done == len(run) else run[:done]
                high = low + sum(map(len, proved)) + done  # where the proved texts end in joined, separators included
                if joined.count(_COLON, low, high) == _struct_colons(decoded) and joined.find(_ESCAPE_PREFIX, low, high) < 0:
                    proofs += self._proofs(proved, decoded)
                else:
                    proofs += self._one_by_one(proved, decoded)
                low = high
            if done < len(run):
                proofs.append(_single(run[done], self.direction, self.dialect))
                low += len(run[done]) + 1
                done += 1
            start += done
        return proofs

    def _long(self, texts: list[bytes]) -> Proofs:
        """Long texts: those whose last string is long base64 (audio) with it cut out and checked
        in place (:func:`conformance.fastpath.excised`), then proved together; the rest alone."""
        shorts = list(map(fastpath.excised, texts))
        cut = [short for short in shorts if short is not None]
        decoded = self._decode(cut) if cut else []
        proofs: Proofs = []
        held = fastpath.holds_stand_in
        proved = iter(self._proofs(cut[: len(decoded)], decoded)) if decoded and _struct_colons(decoded) == b"\n".join(cut[: len(decoded)]).count(_COLON) else None
        events = iter(decoded)
        for text, short in zip(texts, shorts):
            event = next(events, None) if short is not None else None
            proof = next(proved, None) if proved is not None and event is not None else None
            if proof is not None and held(event):
                proofs.append(proof)
            else:
                proofs.append(_single(text, self.direction, self.dialect))
        return proofs

    def _decode(self, texts: Sequence[bytes]) -> list[Any]:
        """The texts decoded into their structs, up to the first that is not a valid event of one."""
        decoder = self.table.decoders[self.direction]  # type: ignore[union-attr]  # fetched anew: the single path may have taught it a member
        decoded: list[Any] = []
        try:
            decoded.extend(map(decoder.decode, texts))
        except Exception:  # noqa: BLE001 - the caller sends that text down the single path
            pass
        return decoded

    def _proofs(self, texts: Sequence[bytes], decoded: list[Any]) -> Proofs:
        """The proofs of decoded texts whose colons add up; what each struct still checks is run."""
        try:
            plain, one, proof_of, unset = fastpath.PLAIN.get, fastpath.ONE_LEARNED.get, fastpath.proof_of, fastpath.UNSET
            # Written out, for speed: a plain struct's proof, else one learned member's (the
            # struct's learned_0 unset or not), else what proof_of finds.
            return [plain(kind := type(event))
                    or ((pair[0] if event.learned_0 is unset else pair[1]) if (pair := one(kind)) is not None else proof_of(event))
                    for event in decoded]
        except Exception:  # noqa: BLE001 - a check that fails unexpectedly: each text alone, as judge would
            return [_single(text, self.direction, self.dialect) for text in texts]

    def _one_by_one(self, texts: Sequence[bytes], decoded: list[Any]) -> Proofs:
        """Some text holds a member its struct does not (one it may learn), a member twice, or an
        escape: the texts whose own colons add up are proved here, the others alone."""
        proofs: Proofs = []
        for text, event in zip(texts, decoded):
            if text.count(_COLON) == _struct_colons(event) and _ESCAPED_COLONS[0] not in text and _ESCAPED_COLONS[1] not in text:
                proofs += self._proofs((text,), [event])
            else:
                proofs.append(_single(text, self.direction, self.dialect))
        return proofs


def _struct_colons(decoded: Any) -> int:
    """The colons of structs encoded back: every member they hold, and the colons of their strings."""
    return fastpath.msgspec.json.encode(decoded).count(_COLON)  # type: ignore[no-any-return]


class Judged(Sequence["Verdict"]):
    """The verdicts on a batch of texts, in order: item ``i`` is what :func:`conformance.judge`
    gives text ``i``. The verdicts of texts the batch path did not prove are made at once; those of
    proved texts when first asked for (most callers want :attr:`counts` or :attr:`kinds` alone)."""

    def __init__(self, texts: Sequence[bytes | str], proofs: Proofs, direction: Direction | Literal["auto"], dialect: str | None) -> None:
        from .verdict import judge  # here: proving needs no pydantic model, judging may

        self.texts, self.proofs, self.direction, self.dialect = texts, proofs, direction, dialect
        #: The verdicts of the texts not proved (invalid ones, and what the batch path leaves alone).
        self._judged: dict[int, Verdict] = {index: judge(texts[index], direction, dialect) for index in _unproved(proofs)}
        self._proved: dict[int, Verdict] = {}

    @property
    def counts(self) -> Counter[str]:
        """How many texts got each verdict."""
        counts = Counter(verdict.verdict for verdict in self._judged.values())
        counts["valid"] += len(self.proofs) - len(self._judged)
        return +counts

    @property
    def kinds(self) -> list[str]:
        """Each text's verdict (``valid``, ``invalid``, ...), in order."""
        kinds = ["valid"] * len(self.proofs)
        for index, verdict in self._judged.items():
            kinds[index] = verdict.verdict
        return kinds

    def __len__(self) -> int:
        return len(self.proofs)

    @overload
    def __getitem__(self, index: int) -> Verdict: ...
    @overload
    def __getitem__(self, index: slice) -> list[Verdict]: ...

    def __getitem__(self, index: int | slice) -> Verdict | list[Verdict]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        found = self._judged.get(index) or self._proved.get(index)
        if found is None:
            from .verdict import proved_verdict

            found = self._proved[index] = proved_verdict(self.proofs[index], self.texts[index], self.direction, self.dialect)  # type: ignore[arg-type]
        return found

    def __iter__(self) -> Iterator[Verdict]:
        return (self[index] for index in range(len(self)))


def _unproved(proofs: Proofs) -> Iterator[int]:
    """The indices of the ``None`` proofs, found in C."""
    index = -1
    while True:
        try:
            index = proofs.index(None, index + 1)
        except ValueError:
            return
        yield index


def judge_batch(texts: Sequence[bytes | str], direction: Direction | Literal["auto"] = "auto", dialect: str | None = None, *,
                in_c: bool | None = None) -> Judged:
    """Judge every text at once: what :func:`conformance.judge` gives each, in order."""
    return Judged(texts, prove_batch(texts, direction, dialect or "ga", in_c=in_c), direction, dialect)
