"""One payload in, one verdict out.

:func:`judge` never raises for bad input: every payload gets exactly one of the verdicts in
:data:`VERDICTS`, with the errors that explain it (JSON path, what was expected, what was found)
and the unknown fields the reference models kept. The CLI, the fixture corpus and the adapters
all judge payloads through this one function.

Object member order is not significant in JSON (RFC 8259 §4), so "the dump gives back the wire
JSON" means the same members, values and array order; dumps list declared fields first.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from . import decoding, fastpath
from .jsonpath import ROOT, child, describe, json_type
from .protocol import CLIENT_EVENT_MODELS, SERVER_EVENT_MODELS, any_event_adapter, client_event_adapter, server_event_adapter
from .protocol.base import Model
from .protocol.names import BETA_CLIENT_TYPES, BETA_RENAMES, BETA_SERVER_TYPES

from .kinds import VERDICTS, VerdictKind  # noqa: E402 - re-exported

Direction = Literal["client", "server"]

_MODELS: dict[Direction, dict[str, type[Model]]] = {
    "client": CLIENT_EVENT_MODELS,  # type: ignore[dict-item]
    "server": SERVER_EVENT_MODELS,  # type: ignore[dict-item]
}
_BETA: dict[Direction, frozenset[str]] = {"client": BETA_CLIENT_TYPES, "server": BETA_SERVER_TYPES}
_ADAPTERS = {"client": client_event_adapter, "server": server_event_adapter, "auto": any_event_adapter}


@dataclass(frozen=True)
class FieldError:
    path: str
    expected: str
    got: str


@dataclass(frozen=True)
class UnknownField:
    path: str
    type: str


@dataclass(slots=True)
class Verdict:
    verdict: VerdictKind
    type: str | None = None
    direction: Direction | None = None
    errors: tuple[FieldError, ...] = ()
    unknown_fields: tuple[UnknownField, ...] = ()
    #: Something worth knowing that does not change the verdict (a legacy alias, say).
    note: str | None = None
    #: The parsed reference event, for ``valid`` verdicts.
    event: Model | None = field(default=None, compare=False, repr=False)
    #: The dialect that judged it, when one was asked for (``None``: GA, by default).
    dialect: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "valid"


def judge(data: bytes | str, direction: Direction | Literal["auto"] = "auto", dialect: str | None = None) -> Verdict:
    """Judge the wire text of one event; under ``dialect`` (a name in ``protocol.dialects.NAMES``)
    when one is given, with GA's fast path untouched when none is."""
    if dialect is not None:
        return _judge_under(data, direction, dialect)
    proved = fastpath.valid_type(data, direction)  # _judge_valid_fast, inline: one call less per event
    if proved is not None:
        return _proved_valid(proved, data)
    return _judge_valid_pydantic(data, direction) or _judge(data, direction)


def _judge_valid_fast(data: bytes | str, direction: str) -> Verdict | None:
    """The common case, a valid event: proved by the structs derived from the models
    (:mod:`conformance.fastpath`), else in one pass of pydantic-core. ``None`` sends the payload
    down the full path, which explains failures, finds NaN (which pydantic-core's decoder accepts
    inside free-form objects) and locates duplicate member names."""
    proved = fastpath.valid_type(data, direction)
    if proved is not None:
        return _proved_valid(proved, data)
    return _judge_valid_pydantic(data, direction)


def _judge_valid_pydantic(data: bytes | str, direction: str) -> Verdict | None:
    """A valid event the derived structs do not cover (one with unknown members, or of a type
    they do not mirror), in one pass of pydantic-core over the bytes with no intermediate Python
    dict."""
    try:
        event = _ADAPTERS[direction].validate_json(data)
    except ValidationError:
        return None
    unknown: list[UnknownField] = []
    if not event.__pydantic_extra__ and not _container_fields(type(event)):
        members = len(event.__pydantic_fields_set__)  # flat and fully known: most events
    else:
        try:
            members = _inventory(event, ROOT, unknown)
        except _NotFinite:
            return None
    if not decoding.colons_match(data, members) and decoding.may_repeat_a_member(data):
        return None
    event_type = event.type  # type: ignore[attr-defined]
    found, note = _TYPE_FACTS[event_type]
    return Verdict("valid", event_type, found, (), tuple(unknown), note, event)


class _ParsedOnDemand(Verdict):
    """A ``valid`` verdict of the fast path. Its reference event is parsed from the text the first
    time someone asks for it: most callers want the verdict alone (the CLI, the session checker)."""

    __slots__ = ("_source",)

    @property  # type: ignore[override]
    def event(self) -> Model | None:
        try:
            return _EVENT_SLOT.__get__(self)  # type: ignore[no-any-return]
        except AttributeError:  # not parsed yet
            data, model = self._source
            event = model.model_validate_json(data)
            _EVENT_SLOT.__set__(self, event)
            return event  # type: ignore[no-any-return]

    @event.setter
    def event(self, value: Model | None) -> None:
        _EVENT_SLOT.__set__(self, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _COMPARED)

    __hash__ = None  # type: ignore[assignment]


_EVENT_SLOT: Any = Verdict.__dict__["event"]
_COMPARED = tuple(f.name for f in dataclasses.fields(Verdict) if f.compare)
_NEW = object.__new__


def _proved_valid(proof: fastpath.Proof, data: bytes | str) -> Verdict:
    facts = _PROOFS.get(proof) or _proof_facts(proof)
    verdict = _NEW(_ParsedOnDemand)  # the slots set directly: this runs once per event of hours of traffic
    verdict.verdict, verdict.errors, verdict.dialect = "valid", (), None
    verdict.type, verdict.direction, verdict.note, verdict.unknown_fields, model = facts
    verdict._source = (data, model)
    return verdict


def _proof_facts(proof: fastpath.Proof) -> tuple[str, Direction, str | None, tuple[UnknownField, ...], type[Model]]:
    event_type, names = (proof, ()) if type(proof) is str else proof
    found, note, model = _PROVED_FACTS[event_type]  # type: ignore[index]
    facts = (event_type, found, note, tuple(UnknownField(child(ROOT, name), kind) for name, kind in names), model)
    if len(_PROOFS) < 4096:  # bounded: a stream of ever new unknown names must not grow it
        _PROOFS[proof] = facts  # type: ignore[assignment]
    return facts  # type: ignore[return-value]


#: What each proof of the fast path stands for, shared: the same few on every event.
_PROOFS: dict[fastpath.Proof, tuple[str, Direction, str | None, tuple[UnknownField, ...], type[Model]]] = {}


_alias_note = fastpath.alias_note


_TYPE_FACTS: dict[str, tuple[Direction, str | None]] = {
    **{name: ("client", _alias_note(name)) for name in CLIENT_EVENT_MODELS},
    **{name: ("server", _alias_note(name)) for name in SERVER_EVENT_MODELS},
}
_PROVED_FACTS: dict[str, tuple[Direction, str | None, type[Model]]] = {
    name: (found, note, _MODELS[found][name]) for name, (found, note) in _TYPE_FACTS.items()
}


def _judge(data: bytes | str, direction: Direction | Literal["auto"]) -> Verdict:
    return _judge_text(data, lambda value: judge_value(value, direction))


def _not_an_event(value: Any) -> Verdict | None:
    """The verdict on a decoded value that is not an object with a string ``type``, whatever
    the dialect; ``None`` for one that is."""
    if not isinstance(value, dict):
        return Verdict("invalid", errors=(FieldError(ROOT, "a JSON object (an event)", describe(value)),))
    event_type = value.get("type")
    if not isinstance(event_type, str):
        got = "absent" if "type" not in value else describe(event_type)
        return Verdict("invalid", errors=(FieldError("$.type", "a string naming the event type", got),))
    return None


def judge_value(value: Any, direction: Direction | Literal["auto"] = "auto", dialect: str | None = None) -> Verdict:
    """Judge an already decoded event (under ``dialect``, when one is given)."""
    if dialect is not None:
        return _value_under(value, direction, dialect)
    shapeless = _not_an_event(value)
    if shapeless is not None:
        return shapeless
    event_type = value["type"]

    found = _direction_of(event_type) if direction == "auto" else direction
    model = _MODELS[found].get(event_type) if found else None
    if model is None:
        return _unmodelled(event_type, found, direction)
    try:
        event = model.model_validate(value)
    except ValidationError as failure:
        return Verdict("invalid", event_type, found, errors=_field_errors(failure, value))
    return Verdict("valid", event_type, found, unknown_fields=tuple(unknown_fields(event)), note=_alias_note(event_type), event=event)


def _direction_of(event_type: str) -> Direction | None:
    for direction in ("client", "server"):
        if event_type in _MODELS[direction] or event_type in _BETA[direction]:
            return direction  # type: ignore[return-value]
    return None


def _unmodelled(event_type: str, found: Direction | None, asked: str) -> Verdict:
    if found and event_type in _BETA[found]:
        successor = BETA_RENAMES[event_type]
        return Verdict(
            "beta-name",
            event_type,
            found,
            errors=(FieldError("$.type", f"the GA name '{successor}'", f"legacy beta name {event_type!r}"),),
            note=f"legacy beta event; GA replaced it with '{successor}'",
        )
    other = _direction_of(event_type)
    if other and asked != "auto" and other != asked:
        expected = f"a GA {asked} event type"
        got = f"{event_type!r}, which is a {other} event"
    else:
        expected = "a GA event type" if asked == "auto" else f"a GA {asked} event type"
        got = f"unknown type {event_type!r}"
    return Verdict("unknown-type", event_type, found, errors=(FieldError("$.type", expected, got),))


# --- dialects -----------------------------------------------------------------------------------
# Under a dialect the verdict says which one judged it, and one that is not valid says under which
# other dialects the event is valid, so that a user who picked the wrong dialect finds out at once.


def _judge_under(data: bytes | str, direction: Direction | Literal["auto"], name: str) -> Verdict:
    if name == "ga":
        verdict = _judge_valid_fast(data, direction) or _judge(data, direction)
    else:
        verdict = _dialect_valid_fast(data, direction, name) or _judge_text(data, lambda value: _dialect_value(value, direction, _dialect(name)))
    if verdict.verdict not in ("valid", "not-json"):
        try:
            value = decoding.decode(data)
        except decoding.NotJSON:
            value = None
        _note_elsewhere(verdict, value, direction, name)
    verdict.dialect = name
    return verdict


def _dialect_valid_fast(data: bytes | str, direction: Direction | Literal["auto"], name: str) -> Verdict | None:
    """A valid event of a dialect, proved by the structs derived from its models (as GA's)."""
    proof = fastpath.valid_type(data, direction, name)
    if proof is None:
        return None
    return _dialect_proved(proof, data, direction, name)


def _dialect_proved(proof: fastpath.Proof, data: bytes | str, direction: Direction | Literal["auto"], name: str) -> Verdict:
    event_type, names = (proof, ()) if type(proof) is str else proof
    dialect = _dialect(name)
    found = direction if direction != "auto" else dialect.direction_of(event_type)
    unknown = tuple(UnknownField(child(ROOT, member), kind) for member, kind in names)
    verdict = _NEW(_ParsedOnDemand)
    verdict.verdict, verdict.type, verdict.direction, verdict.errors, verdict.unknown_fields = "valid", event_type, found, (), unknown
    verdict.note, verdict.dialect = dialect.notes.get(event_type), None
    verdict._source = (data, dialect.models(found)[event_type])
    return verdict


def proved_verdict(proof: fastpath.Proof, data: bytes | str, direction: Direction | Literal["auto"] = "auto", dialect: str | None = None) -> Verdict:
    """The verdict :func:`judge` gives ``data`` when the fast path proves it valid with ``proof``
    (its reference event parsed from ``data`` when first asked for)."""
    if dialect is None:
        return _proved_valid(proof, data)
    verdict = _proved_valid(proof, data) if dialect == "ga" else _dialect_proved(proof, data, direction, dialect)
    verdict.dialect = dialect
    return verdict


def _value_under(value: Any, direction: Direction | Literal["auto"], name: str) -> Verdict:
    verdict = judge_value(value, direction) if name == "ga" else _dialect_value(value, direction, _dialect(name))
    if verdict.verdict != "valid":
        _note_elsewhere(verdict, value, direction, name)
    verdict.dialect = name
    return verdict


def valid_under(value: Any, direction: Direction | Literal["auto"] = "auto", skip: str | None = None) -> list[str]:
    """The dialects (other than ``skip``) under which the decoded event is valid, GA first."""
    from .protocol.dialects import NAMES

    found = []
    for name in NAMES:
        if name == skip:
            continue
        if verdict_under(value, direction, name).ok:
            found.append(name)
    return found


def verdict_under(value: Any, direction: Direction | Literal["auto"], dialect: str) -> Verdict:
    """One dialect's verdict on a decoded event, without asking the others (the detector asks
    every dialect itself)."""
    return judge_value(value, direction) if dialect == "ga" else _dialect_value(value, direction, _dialect(dialect))


def _note_elsewhere(verdict: Verdict, value: Any, direction: Direction | Literal["auto"], name: str) -> None:
    if not isinstance(value, dict):
        return
    elsewhere = valid_under(value, direction, skip=name)
    if elsewhere:
        said = "valid under " + ", ".join(elsewhere)
        verdict.note = f"{verdict.note}; {said}" if verdict.note else said


def _dialect(name: str) -> Any:
    from .protocol import dialects

    return dialects.get(name)


def _judge_text(data: bytes | str, judging: Any) -> Verdict:
    """As :func:`_judge`, with ``judging`` deciding on the decoded value."""
    try:
        value = decoding.decode(data)
    except decoding.NotJSON as reason:
        return Verdict("not-json", errors=(FieldError(ROOT, "a JSON document", str(reason)),))
    verdict = judging(value)
    duplicate = decoding.find_duplicate_key(data, value)
    if duplicate is None:
        return verdict
    path, key = duplicate
    problem = FieldError(child(path, key), "member names unique within an object", f"{key!r} appears more than once; the last one was used")
    kind: VerdictKind = "invalid" if verdict.verdict == "valid" else verdict.verdict
    return Verdict(kind, verdict.type, verdict.direction, (problem, *verdict.errors), verdict.unknown_fields, verdict.note)


def _dialect_value(value: Any, direction: Direction | Literal["auto"], dialect: Any) -> Verdict:
    """:func:`judge_value` with one dialect's models."""
    shapeless = _not_an_event(value)
    if shapeless is not None:
        return shapeless
    event_type = value["type"]
    found = dialect.direction_of(event_type) if direction == "auto" else direction
    model = dialect.models(found).get(event_type) if found else None
    if model is None:
        return _dialect_unmodelled(event_type, found, direction, dialect)
    try:
        event = model.model_validate(value)
    except ValidationError as failure:
        return Verdict("invalid", event_type, found, errors=_field_errors(failure, value))
    return Verdict("valid", event_type, found, unknown_fields=tuple(unknown_fields(event)), note=dialect.notes.get(event_type), event=event)


def _dialect_unmodelled(event_type: str, found: Direction | None, asked: str, dialect: Any) -> Verdict:
    name = dialect.name
    successor = dialect.successors.get(event_type)
    if found and successor is not None:
        return Verdict(
            "beta-name",
            event_type,
            found,
            errors=(FieldError("$.type", f"the {name} name '{successor}'", f"legacy beta name {event_type!r}"),),
            note=f"legacy beta event; {name} names it '{successor}'",
        )
    own = dialect.spellings.get(event_type)
    if found and own is not None:
        return Verdict("unknown-type", event_type, found, errors=(FieldError("$.type", f"the {name} name '{own}'", f"{event_type!r}, which is another dialect's name for it"),))
    absent = dialect.absent.get(event_type)
    if absent is not None:
        where = found or _direction_of(event_type)
        return Verdict("unknown-type", event_type, where, errors=(FieldError("$.type", f"a {name} event type", f"{event_type!r}, which {absent}"),))
    other = dialect.direction_of(event_type)
    if other and asked != "auto" and other != asked:
        return Verdict("unknown-type", event_type, found, errors=(FieldError("$.type", f"a {name} {asked} event type", f"{event_type!r}, which is a {other} event"),))
    expected = f"a {name} event type" if asked == "auto" else f"a {name} {asked} event type"
    return Verdict("unknown-type", event_type, found, errors=(FieldError("$.type", expected, f"unknown type {event_type!r}"),))


# --- unknown fields -----------------------------------------------------------------------------


def unknown_fields(value: Any, path: str = ROOT) -> list[UnknownField]:
    """Every member the reference models kept without knowing it, with its JSON path."""
    found: list[UnknownField] = []
    _inventory(value, path, found)
    return found


class _NotFinite(ValueError):
    """A NaN or infinity where only free-form JSON is allowed (typed numbers refuse them already)."""


def _inventory(value: Any, path: str, unknown: list[UnknownField]) -> int:
    """Collect the unknown members under ``value`` and return how many object members it holds
    on the wire, counted exactly (the duplicate-name check relies on the count). Raises
    :class:`_NotFinite` for NaN or infinity in free-form values, which pydantic-core's decoder
    lets through."""
    if isinstance(value, BaseModel):
        extra = value.__pydantic_extra__
        members = len(value.__pydantic_fields_set__)
        if extra:
            for key, item in extra.items():
                unknown.append(UnknownField(child(path, key), json_type(item)))
                members += _inventory(item, child(path, key), [])
        for name in _container_fields(type(value)):
            item = getattr(value, name)
            if item is not None:
                members += _inventory(item, child(path, name), unknown)
        return members
    if type(value) is list:
        members = 0
        for index, item in enumerate(value):
            if type(item) not in _SCALARS:
                members += _inventory(item, child(path, index), unknown)
        return members
    if type(value) is dict:
        members = len(value)
        for key, item in value.items():
            if type(item) not in _SCALARS:
                members += _inventory(item, child(path, key), unknown)
        return members
    if type(value) is float and not math.isfinite(value):
        raise _NotFinite(path)
    return 0


_SCALARS = (str, int, bool, type(None))


@cache
def _container_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` whose values can hold objects or arrays; the rest need no walk."""
    return tuple(name for name, info in model.model_fields.items() if not _is_scalar(info.annotation))


def _is_scalar(annotation: Any) -> bool:
    if annotation in _SCALARS or annotation is float:
        return True
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return True
    if origin is typing.Annotated:
        return _is_scalar(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return all(_is_scalar(arg) for arg in typing.get_args(annotation))
    return False


# --- validation errors --------------------------------------------------------------------------

_EXPECTED = {
    "string_type": "string",
    "int_type": "integer",
    "float_type": "number",
    "bool_type": "boolean",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
    "list_type": "array",
    "finite_number": "a finite number",
    "none_required": "null",
}


def _field_errors(failure: ValidationError, value: Any) -> tuple[FieldError, ...]:
    merged: dict[str, tuple[list[str], str]] = {}
    for error in failure.errors(include_url=False):
        kind, ctx = error["type"], error.get("ctx") or {}
        path, found, present = _resolve(error["loc"], value, missing=kind == "missing")
        if kind in ("union_tag_invalid", "union_tag_not_found") and "discriminator" in ctx:
            tag = str(ctx["discriminator"]).strip("'")
            if tag.isidentifier():
                path = child(path, tag)
                present = isinstance(found, dict) and tag in found
                found = found.get(tag) if present else None
        expected = _expected(kind, ctx, error["msg"])
        got = "absent" if kind == "missing" or not present else describe(found)
        if kind == "base64":
            got = f"{got}: {error['msg']}"
        expectations, _ = merged.setdefault(path, ([], got))
        if expected not in expectations:
            expectations.append(expected)
    return tuple(FieldError(path, " or ".join(expected), got) for path, (expected, got) in merged.items())


def _resolve(loc: tuple[Any, ...], value: Any, *, missing: bool) -> tuple[str, Any, bool]:
    """Follow a pydantic error location through the input, skipping the union branch labels that
    pydantic inserts ("str", "literal['auto']", a tag such as "audio/pcm"); returns the JSON path,
    the value there, and whether it is present. A missing field's name is the last step."""
    path, current = ROOT, value
    for index, step in enumerate(loc):
        if missing and index == len(loc) - 1:
            return child(path, step), None, False
        if isinstance(current, dict) and isinstance(step, str) and step in current:
            path, current = child(path, step), current[step]
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            path, current = child(path, step), current[step]
    return path, current, True


def _expected(kind: str, ctx: dict[str, Any], message: str) -> str:
    if kind == "missing":
        return "a required field"
    if kind == "literal_error":
        return str(ctx['expected'])
    if kind in ("union_tag_invalid",):
        return f"one of {ctx.get('expected_tags', '')}".strip()
    if kind == "union_tag_not_found":
        discriminator = str(ctx.get("discriminator", "type"))
        if discriminator.endswith("()"):  # a callable discriminator: the value is of no known kind
            return "a value of one of the allowed kinds"
        return f"an object with a {discriminator} field"
    if kind == "base64":
        return "base64 text (RFC 4648, padded)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()))
        return f"a number {sign} {bound}"
    if kind == "number_range":
        return f"a number from {ctx['minimum']} to {ctx['maximum']}"
    if kind == "string_too_long":
        return f"a string of at most {ctx['max_length']} characters"
    if kind == "too_short":
        return f"at least {ctx['min_length']} item(s)"
    if kind == "too_long":
        return f"at most {ctx['max_length']} item(s)"
    if kind == "string_pattern_mismatch":
        return f"a string matching {ctx['pattern']}"
    return _EXPECTED.get(kind, message)
