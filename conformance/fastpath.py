"""The fast path of :func:`conformance.verdict.judge`: proving an event valid in one C pass.

Most of what a validator sees on a long recording is valid, and most of it is small (deltas,
voice activity, commits) or one long audio string. This module derives, from the reference
pydantic models, msgspec structs that accept a *subset* of what the models accept: strict types,
the same literals, lengths and bounds, tagged unions dispatched as pydantic dispatches them, base64
members typed as ``bytes`` so that msgspec checks them while it decodes (its acceptance equals the
models' ``check_base64``: ``tests/test_base64_equivalence.py``), other after-validators run on the
decoded values. The pydantic models stay the
single source of truth: the structs are built from their core schemas at first use, and a
construct the derivation cannot mirror exactly (a pattern, a free-form ``Any``, a validator of
another kind, a union msgspec cannot tell apart) leaves what holds it to pydantic.

:func:`valid_type` answers only "valid" (a :data:`Proof`: the event's type, and the top-level
members its model does not know, which the verdict reports) or "don't know" (``None``); every
other verdict, and every explanation, comes from the full path, so the fast path can only be
wrong by calling valid what the models refuse. ``tests/test_fast_path_differential.py`` generates
valid, invalid and member-repeating events of every type, of GA and of every dialect, and hostile
inputs, and proves it never does.

Three routes: a short event is decoded straight into its struct by msgspec (faster than any
decoder that builds a dict); a long one whose last string is long base64 (audio) has that string
checked where it lies in the text and the rest decoded as a short event; any other long one is
decoded by pydantic-core's ``from_json`` (the full path's decoder, the fastest on long strings)
and converted into its struct. Repeated member names are ruled out by counting colons
(:func:`conformance.decoding.proves_unique`). An event's struct skips top-level members its model
does not know; an event with one is proved through ``from_json``, and the struct then learns the
member (``obfuscation``, which real servers put on every delta), so that the next ones are proved
in one decode and still have it reported.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

from pydantic_core import from_json

try:
    import msgspec
    from msgspec import UNSET, Meta, UnsetType
    from pybase64 import b64decode
except ImportError:  # pragma: no cover - a dependency; without it every event takes pydantic's path
    msgspec = None  # type: ignore[assignment]

from . import decoding
from .jsonpath import json_type

#: Texts at least this long take the dict route (``from_json`` + ``msgspec.convert``).
LONG = 2048

_LARGEST = 1.7976931348623157e308
#: Every float is finite: ``from_json`` reads 1e400 as infinity, which the models refuse.
_FINITE: Mapping[str, float] = {"ge": -_LARGEST, "le": _LARGEST}


class _Unsupported(Exception):
    """A construct the derivation cannot mirror exactly; its event stays with pydantic."""


# --- what each derived struct needs after decoding ------------------------------------------------


class _Shape:
    """What the judging needs to know of one derived struct, worked out once."""

    __slots__ = ("checker", "counter", "flat", "event_type", "base64_only", "members", "learned", "learned_names", "owner", "_held_proof")

    def __init__(self, checker: Callable[[Any], None] | None, counter: int | Callable[[Any], int], flat: bool, base64_only: str | None,
                 members: frozenset[str], learned: tuple[tuple[str, str, str], ...] = ()) -> None:
        #: The member names the model knows (its tag included).
        self.members = members
        #: Members the model does not know that the struct holds all the same (attribute, name,
        #: JSON type): ones seen on earlier events of its type (:meth:`_Tables.learn`).
        self.learned = learned
        self.learned_names = frozenset(name for _, name, _ in learned)
        #: The tables a top-level event struct belongs to (what learns).
        self.owner: _Tables | None = None
        self._held_proof: Any = None
        #: Runs the models' after-validators (base64) on a decoded struct; raises as they do.
        self.checker = checker
        #: The attribute of the struct's one base64 field, when that is all its checker checks.
        self.base64_only = base64_only
        #: The members the struct stands for on the wire: a number, or a function that returns
        #: -1 when a nested object makes counting by hand not worth it.
        self.counter = counter
        #: No object at any depth: a decoded dict's length is its member count.
        self.flat = flat
        #: For a top-level event: its type.
        self.event_type: str | None = None

    def held_proof(self) -> Any:
        """The proof of an event with its one learned member (made once: the same on every delta)."""
        if self._held_proof is None:
            _, name, kind = self.learned[0]
            self._held_proof = (self.event_type, ((name, kind),))
        return self._held_proof


_SHAPES: dict[type, _Shape] = {}


def _checker(direct: list[tuple[str, Callable[[Any], Any], bool]], nested: list[str]) -> Callable[[Any], None] | None:
    if not direct and not nested:
        return None
    if len(direct) == 1 and not nested and not direct[0][2]:
        name, check, _ = direct[0]

        def one(event: Any) -> None:  # the common case (an audio delta), without a loop
            value = getattr(event, name)
            if value is not None and value is not UNSET:
                check(value)

        return one

    def every(event: Any) -> None:
        for name, check, each in direct:
            value = getattr(event, name)
            if value is None or value is UNSET:
                continue
            if each:
                for item in value:
                    check(item)
            else:
                check(value)
        for name in nested:
            _walk(getattr(event, name))

    return every


def _walk(value: Any) -> None:
    kind = type(value)
    if kind is list:
        for item in value:
            _walk(item)
    elif kind is dict:
        for item in value.values():
            _walk(item)
    else:
        shape = _SHAPES.get(kind)
        if shape is not None and shape.checker is not None:
            shape.checker(value)


def _counter(required: int, optional: list[str], nested: list[str]) -> int | Callable[[Any], int]:
    if not optional and not nested:
        return required

    def count(event: Any) -> int:
        members = required
        for name in optional:
            if getattr(event, name) is not UNSET:
                members += 1
        for name in nested:
            value = getattr(event, name)
            if value is None:
                members += 1
            elif value is UNSET:
                continue
            else:
                return -1
        return members

    return count


def _holds_checked(annotation: Any) -> bool:
    """Whether values of ``annotation`` may hold a struct with after-validators."""
    shape = _SHAPES.get(annotation) if isinstance(annotation, type) else None
    if shape is not None:
        return shape.checker is not None
    return any(_holds_checked(argument) for argument in getattr(annotation, "__args__", ()) or ())


# --- deriving structs from pydantic core schemas --------------------------------------------------

#: The JSON types of unknown members a struct may learn, and the msgspec types that hold exactly
#: them (not "number": a float field takes integers too, and would report them as numbers).
_LEARNABLE: Mapping[str, Any] = {"string": str, "integer": int, "boolean": bool}
#: At most this many unknown members learned per event type: what real servers add is one or two.
LEARN_AT_MOST = 4

#: A type no JSON value matches (a string matching no pattern, and nothing else).
_ABSENT: Any = None if msgspec is None else Annotated[str, Meta(pattern="(?!)")]

_SCALAR_KINDS = frozenset({"str", "int", "float", "bool", "literal", "none"})
_STR_CONSTRAINTS = {"max_length", "min_length"}
_NUMBER_CONSTRAINTS = {"ge", "le", "gt", "lt", "multiple_of"}
_COLLECTION_CONSTRAINTS = {"max_length", "min_length"}
_HARMLESS = {"type", "metadata", "ref", "strict", "serialization", "custom_error_type", "custom_error_message", "custom_error_context"}


class _Derivation:
    def __init__(self) -> None:
        self._definitions: dict[str, Any] = {}
        #: How many times the derivation left something to pydantic (a member, a union branch):
        #: an event whose struct grew it is covered only in part.
        self.omissions = 0
        self._partial: set[Any] = set()
        self._structs: dict[tuple[type, str | None, str | None, bool], Any] = {}
        #: The structs made, each after those it holds (what :func:`generated_source` writes out).
        self.created: list[type] = []

    def event(self, model: type, learned: tuple[tuple[str, str], ...] = ()) -> type | None:
        """The tagged struct of a top-level event model, or ``None`` if it cannot be mirrored;
        with the ``learned`` members (name, JSON type) the model does not know, for the judging
        to report."""
        try:
            schema = self._resolve(model.__pydantic_core_schema__)
            if schema["type"] != "model":
                raise _Unsupported("an event that is not a plain model")
            struct = self._model(schema, ("type", None), top=True, learned=learned)
            msgspec.json.Decoder(struct)  # msgspec refuses unions it cannot tell apart here
        except (_Unsupported, TypeError, ValueError):
            return None
        return struct  # type: ignore[no-any-return]

    # Each ``_type`` call returns the msgspec type of one schema node. ``checks`` collects the
    # after-validators met on the way to a scalar (the caller turns them into field checks);
    # ``tag`` asks for a tagged struct (a member of a union discriminated on that field).
    def _type(self, schema: Mapping[str, Any], *, checks: list[Any], tag: tuple[str, str | None] | None = None) -> Any:
        kind = schema["type"]
        if kind == "definitions":
            for definition in schema["definitions"]:
                self._definitions[definition["ref"]] = definition
            return self._type(schema["schema"], checks=checks, tag=tag)
        if kind == "definition-ref":
            return self._type(self._definitions[schema["schema_ref"]], checks=checks, tag=tag)
        if kind == "model":
            return self._model(schema, tag)
        if tag is not None:
            raise _Unsupported(f"a {kind} where a tagged model was expected")
        if kind == "str":
            return _constrained(str, schema, _STR_CONSTRAINTS)
        if kind == "int":
            return _constrained(int, schema, _NUMBER_CONSTRAINTS)
        if kind == "float":
            if schema.get("allow_inf_nan"):
                raise _Unsupported("a float allowing infinity")
            return _constrained(float, schema, _NUMBER_CONSTRAINTS, floor=_FINITE)
        if kind == "bool":
            return _constrained(bool, schema, set())
        if kind == "none":
            return type(None)
        if kind == "literal":
            expected = schema["expected"]
            if not expected or not all(type(value) is str or (type(value) is int) for value in expected):
                raise _Unsupported("a literal of other than strings and integers")
            return Literal[tuple(expected)]  # type: ignore[misc]
        if kind == "nullable":
            return Union[self._type(schema["schema"], checks=checks), None]
        if kind == "list":
            if "items_schema" not in schema:
                raise _Unsupported("a list of anything")
            inner: list[Any] = []
            item = self._type(schema["items_schema"], checks=inner)
            if any(where not in ("value", "base64") for where, _ in inner):
                raise _Unsupported("a validator below a list item's list")
            checks.extend(("each", check) for where, check in inner if where == "value")
            return _constrained(list[item], schema, _COLLECTION_CONSTRAINTS, structural={"items_schema"})  # type: ignore[valid-type]
        if kind == "dict":
            keys = self._type(schema.get("keys_schema") or {"type": "any"}, checks=[])
            values: list[Any] = []
            value = self._type(schema.get("values_schema") or {"type": "any"}, checks=values)
            if keys is not str or values:
                raise _Unsupported("a dict with other than string keys, or with validated values")
            return _constrained(dict[str, value], schema, _COLLECTION_CONSTRAINTS, structural={"keys_schema", "values_schema"})  # type: ignore[valid-type]
        if kind == "function-after":
            function = schema["function"]
            if function.get("type") != "no-info":
                raise _Unsupported("an after-validator with info")
            inner_checks: list[Any] = []
            inner_type = self._type(schema["schema"], checks=inner_checks)
            if inner_checks or not _is_scalar(schema["schema"]):
                raise _Unsupported("an after-validator on other than a plain scalar")
            from .protocol.base import check_base64

            if function["function"] is check_base64 and inner_type is str:
                # msgspec checks base64 while it decodes, accepting exactly what check_base64
                # accepts (tests/test_base64_equivalence.py): no check left to run in Python.
                checks.append(("base64", None))
                return bytes
            checks.append(("value", _portable(function["function"])))
            return inner_type
        if kind == "union":
            return self._union([choice[0] if isinstance(choice, tuple) else choice for choice in schema["choices"]], checks)
        if kind == "tagged-union":
            return self._tagged_union(schema, checks)
        raise _Unsupported(f"a {kind} schema")

    def _union(self, choices: list[Mapping[str, Any]], checks: list[Any]) -> Any:
        inner: list[Any] = []
        types = tuple(self._type(choice, checks=inner) for choice in choices)
        if any(where != "base64" for where, _ in inner):
            raise _Unsupported("a validator inside a union")
        return Union[types]  # msgspec refuses (at the decoder) a union whose members it cannot tell apart

    def _tagged_union(self, schema: Mapping[str, Any], checks: list[Any]) -> Any:
        discriminator = schema["discriminator"]
        choices: Mapping[Any, Mapping[str, Any]] = schema["choices"]
        if isinstance(discriminator, str):
            if any(not isinstance(value, str) for value in choices):
                raise _Unsupported("a non-string tag")
            if any(self._resolve(choice)["type"] != "model" for choice in choices.values()):
                # A union inside a union (messages: by type, then by role), which msgspec's tags
                # cannot say: decoded as an object, then dispatched as pydantic does.
                checks.append(("value", self._dispatcher(schema)))
                return dict[str, Any]
            types = []
            for value, choice in choices.items():
                try:
                    types.append(self._type(choice, checks=[], tag=(discriminator, value)))
                except _Unsupported:
                    self.omissions += 1
                    continue  # a member left out: msgspec refuses its tag, and pydantic judges it
            if not types or len(set(types)) != len(types):
                raise _Unsupported("no model, or one model under several tags")
            return Union[tuple(types)]
        if callable(discriminator) and _dispatches_by_json_kind(discriminator, {tag: self._resolve(choice) for tag, choice in choices.items()}):
            return self._union(list(choices.values()), checks)
        raise _Unsupported("a discriminator msgspec cannot mirror")

    def _dispatcher(self, schema: Mapping[str, Any]) -> Callable[[Any], None]:
        """A check that picks the model of a decoded object by its tag, through nested tagged
        unions, converts the object into that model's struct and runs its checks; it raises what
        the models would refuse."""
        field = schema["discriminator"]
        if not isinstance(field, str):
            raise _Unsupported("a nested union with a callable discriminator")
        targets: dict[str, Any] = {}
        for tag, choice in schema["choices"].items():
            resolved = self._resolve(choice)
            try:
                if resolved["type"] == "tagged-union":
                    targets[tag] = self._dispatcher(resolved)
                elif resolved["type"] == "model":
                    targets[tag] = self._model(resolved, None)  # untagged: the tag stays a literal field
            except _Unsupported:
                self.omissions += 1
                continue  # a member left out: the dispatch refuses its tag, and pydantic judges it
        if not targets:
            raise _Unsupported("a tagged union of nothing the derivation mirrors")
        return _dispatch(field, targets)

    def _resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """The schema a reference stands for."""
        while schema["type"] in ("definitions", "definition-ref"):
            if schema["type"] == "definitions":
                for definition in schema["definitions"]:
                    self._definitions[definition["ref"]] = definition
                schema = schema["schema"]
            else:
                schema = self._definitions[schema["schema_ref"]]
        return schema

    def _model(self, schema: Mapping[str, Any], tag: tuple[str, str | None] | None, top: bool = False,
               learned: tuple[tuple[str, str], ...] = ()) -> Any:
        """A model's struct. An event's own struct (``top``) skips members it does not know, for
        the judging to report (an event with one is still valid); every struct below refuses them,
        which leaves such an event to pydantic."""
        cls = schema["cls"]
        if schema.get("root_model") or schema.get("custom_init") or schema.get("post_init"):
            raise _Unsupported("a root model or a model with its own init")
        fields_schema = schema["schema"]
        if fields_schema["type"] != "model-fields" or fields_schema.get("extras_schema") is not None:
            raise _Unsupported("a model with typed extras")
        if schema.get("config", {}).get("extra_fields_behavior") == "ignore":
            raise _Unsupported("a model that ignores unknown members")
        fields: Mapping[str, Mapping[str, Any]] = fields_schema["fields"]
        tag_field, tag_value = tag if tag else (None, None)
        if tag_field is not None:
            literal = fields.get(tag_field, {}).get("schema", {})
            if literal.get("type") != "literal" or len(literal["expected"]) != 1 or type(literal["expected"][0]) is not str:
                raise _Unsupported("a tagged model whose tag is not one string literal")
            if tag_value is None:
                tag_value = literal["expected"][0]
            elif literal["expected"][0] != tag_value:
                raise _Unsupported("a tag that differs from its model's literal")
        key = (cls, tag_field, tag_value, top, learned)
        if key in self._structs:
            if key in self._partial:
                self.omissions += 1
            found = self._structs[key]
            if found is None:
                raise _Unsupported("a recursive model, or one that cannot be mirrored")
            return found
        self._structs[key] = None  # in progress; stays None if it fails
        omissions = self.omissions
        definitions, checks, walked, rename, decoded_base64 = [], [], [], {}, []
        required, optional, nested = 0 if tag_field is None else 1, [], []
        flat = True
        for index, (name, field) in enumerate(fields.items()):
            if name == tag_field:
                continue
            if field.get("validation_alias") is not None or field["type"] != "model-field":
                raise _Unsupported("an aliased field")
            field_schema = field["schema"]
            is_optional = field_schema["type"] == "default"
            if is_optional:
                field_schema = field_schema["schema"]
            found_checks: list[Any] = []
            try:
                annotation = self._type(field_schema, checks=found_checks)
            except _Unsupported:
                if not is_optional:
                    raise
                # An optional member the derivation cannot mirror must be absent here: an event
                # that has it is left to pydantic.
                annotation, found_checks = _ABSENT, []
                self.omissions += 1
            attribute = name if name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_") else f"field_{index}"
            if attribute != name:
                rename[attribute] = name
            for where, check in found_checks:
                if where == "base64":
                    decoded_base64.append(attribute)
                else:
                    checks.append((attribute, check, where == "each"))
            if _is_scalar(field_schema):
                if is_optional:
                    optional.append(attribute)
                else:
                    required += 1
            else:
                nested.append(attribute)
                flat = flat and _is_scalar_list(field_schema)
                if _holds_checked(annotation):
                    walked.append(attribute)
            if is_optional:
                definitions.append((attribute, Union[annotation, UnsetType], UNSET))
            else:
                definitions.append((attribute, annotation))
        held = []
        for index, (name, kind) in enumerate(learned):
            attribute = f"learned_{index}"
            rename[attribute] = name
            held.append((attribute, name, kind))
            definitions.append((attribute, Union[_LEARNABLE[kind], UnsetType], UNSET))
        options: dict[str, Any] = {"forbid_unknown_fields": not top, "kw_only": True, "rename": rename or None}
        if tag_field is not None:
            options.update(tag_field=tag_field, tag=tag_value)
        base64_only = decoded_base64[0] if len(decoded_base64) == 1 and not checks and not walked else None
        plain = definitions[: len(definitions) - len(held)]
        struct = _struct(f"{cls.__name__}Struct", plain, options, checks=checks, walked=walked, required=required, optional=optional,
                         nested=nested, flat=flat, base64_only=base64_only, members=tuple(fields), learned=tuple(held))
        if not held:
            self.created.append(struct)
        self._structs[key] = struct
        if self.omissions > omissions:
            self._partial.add(key)
        return struct


#: Struct -> how it was made: (name, definitions without learned members, defstruct options, the
#: arguments of its shape), so that it can be made again with learned members, or written out.
_SPECS: dict[type, tuple[str, list[tuple[Any, ...]], dict[str, Any], dict[str, Any]]] = {}


def _struct(name: str, definitions: list[tuple[Any, ...]], options: dict[str, Any], *, checks: list[tuple[str, Any, bool]], walked: list[str],
            required: int, optional: list[str], nested: list[str], flat: bool, base64_only: str | None, members: tuple[str, ...],
            learned: tuple[tuple[str, str, str], ...] = ()) -> Any:
    """A derived struct and its :class:`_Shape`, from what the derivation found (or what
    ``conformance/_derived.py`` says it found), with ``learned`` members (attribute, name, JSON
    type) added at the end."""
    held = [(attribute, Union[_LEARNABLE[kind], UnsetType], UNSET) for attribute, _, kind in learned]
    rename = dict(options.get("rename") or {})
    rename.update((attribute, name) for attribute, name, _ in learned)
    struct = msgspec.defstruct(name, [*definitions, *held], **{**options, "rename": rename or None})
    _SHAPES[struct] = _Shape(_checker(checks, walked), _counter(required, optional, nested), flat, base64_only, frozenset(members), learned)
    _SPECS[struct] = (name, definitions, options, {"checks": checks, "walked": walked, "required": required, "optional": optional,
                                                   "nested": nested, "flat": flat, "base64_only": base64_only, "members": members})
    return struct


def _within(minimum: float, maximum: float) -> Callable[[Any], Any]:
    """The models' ``bounded_number`` check: a number within ``[minimum, maximum]``, else refused."""

    def check(value: Any) -> Any:
        if not minimum <= value <= maximum:
            raise ValueError(f"outside [{minimum}, {maximum}]")
        return value

    check.spec = ("_within", minimum, maximum)  # type: ignore[attr-defined]
    return check


def _portable(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An after-validator of the models as a check that can be written out: ``bounded_number``'s
    as :func:`_within`; any other stays itself (and a struct that runs it cannot be generated)."""
    if getattr(function, "__qualname__", "") == "bounded_number.<locals>.check" and function.__closure__:
        bound = dict(zip(function.__code__.co_freevars, (cell.cell_contents for cell in function.__closure__)))
        if set(bound) == {"minimum", "maximum"}:
            return _within(bound["minimum"], bound["maximum"])
    return function


def _dispatch(field: str, targets: Mapping[str, Any]) -> Callable[[Any], None]:
    """A check that picks the model of a decoded object by its tag ``field``, through nested
    tagged unions (``targets``: tag -> an untagged struct, or another dispatch), converts the
    object into that struct and runs its checks; it raises what the models would refuse."""

    def dispatch(value: Any) -> None:
        tag = value.get(field) if type(value) is dict else None
        target = targets.get(tag) if type(tag) is str else None
        if target is None:
            raise ValueError(f"no model for {field}={tag!r}")
        if isinstance(target, type):
            checker = _SHAPES[target].checker
            converted = msgspec.convert(value, target)
            if checker is not None:
                checker(converted)
        else:
            target(value)

    dispatch.spec = ("_dispatch", field, dict(targets))  # type: ignore[attr-defined]
    return dispatch


def _constrained(base: Any, schema: Mapping[str, Any], allowed: set[str], floor: Mapping[str, float] | None = None,
                 structural: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
    constraints = {name: schema[name] for name in schema if name not in _HARMLESS and name not in structural}
    unknown = set(constraints) - allowed
    if unknown:
        raise _Unsupported(f"constraints {sorted(unknown)}")
    if floor:
        for name, bound in floor.items():
            if name == "ge" and ("gt" in constraints or constraints.get("ge", -math.inf) >= bound):
                continue
            if name == "le" and ("lt" in constraints or constraints.get("le", math.inf) <= bound):
                continue
            constraints[name] = bound
    return Annotated[base, Meta(**constraints)] if constraints else base



def _is_scalar(schema: Mapping[str, Any]) -> bool:
    kind = schema["type"]
    if kind in _SCALAR_KINDS:
        return True
    if kind in ("nullable", "function-after", "default"):
        return _is_scalar(schema["schema"])
    if kind == "union":
        return all(_is_scalar(choice[0] if isinstance(choice, tuple) else choice) for choice in schema["choices"])
    if kind == "tagged-union":
        return all(_is_scalar(choice) for choice in schema["choices"].values())
    return False


def _is_scalar_list(schema: Mapping[str, Any]) -> bool:
    kind = schema["type"]
    if kind in ("nullable", "default"):
        return _is_scalar_list(schema["schema"])
    return kind == "list" and "items_schema" in schema and _is_scalar(schema["items_schema"])


#: Values of every JSON kind, to learn what a callable discriminator does with each.
_SAMPLES: Mapping[str, tuple[Any, ...]] = {
    "string": ("", "x", "function", "auto", "inf", "object", "string"),
    "integer": (0, 1, -5, 10**20),
    "number": (0.5, -1.25),
    "boolean": (True, False),
    "null": (None,),
    "array": ([], ["x"], [{}]),
    "object": ({}, {"type": "function"}, {"type": "mcp"}, {"type": "x"}, {"id": "x"}),
}
_KIND_OF_SCHEMA = {"str": "string", "literal": None, "int": "integer", "float": "number", "bool": "boolean", "none": "null",
                   "list": "array", "dict": "object", "model": "object", "model-fields": "object", "tagged-union": None}


def _dispatches_by_json_kind(discriminator: Callable[[Any], Any], choices: Mapping[Any, Mapping[str, Any]]) -> bool:
    """Whether a callable discriminator picks its choice by the value's JSON kind alone, with each
    choice of its own kind: then a msgspec union of the choices, which dispatches the same way,
    accepts exactly what pydantic accepts. Learned by asking it about values of every kind."""
    kinds: dict[Any, str] = {}
    for tag, choice in choices.items():
        kind = _json_kind(choice)
        if kind is None or kind in kinds.values():
            return False
        kinds[tag] = kind
    for kind, samples in _SAMPLES.items():
        picked = set()
        for sample in samples:
            try:
                picked.add(discriminator(sample))
            except Exception:  # noqa: BLE001 - a discriminator that cannot read a value is not kind-based
                return False
        owners = [tag for tag, owned in kinds.items() if owned == kind]
        if owners and picked != {owners[0]}:
            return False
    return True


def _json_kind(schema: Mapping[str, Any]) -> str | None:
    kind = schema["type"]
    if kind == "literal":
        values = schema["expected"]
        if all(type(value) is str for value in values):
            return "string"
        if all(type(value) is int for value in values):
            return "integer"
        return None
    if kind == "tagged-union":
        found = {_json_kind(choice) for choice in schema["choices"].values()}
        return found.pop() if len(found) == 1 else None
    return _KIND_OF_SCHEMA.get(kind)


# --- the tables, per direction ---------------------------------------------------------------------


class _Tables:
    """The derived structs of one set of event models, and the decoders over them."""

    def __init__(self, structs: Mapping[str, Mapping[str, Any]], partial: set[str], created: list[type] = (), written: bool = False) -> None:  # type: ignore[assignment]
        #: Whether these are the written-out structs of ``conformance/_derived.py``.
        self.written = written
        #: Event types whose struct leaves some of what the models accept to pydantic.
        self.partial = set(partial)
        #: Every struct made for these models, each after those it holds.
        self.created = list(created)
        self.structs: dict[str, dict[str, Any]] = {direction: dict(found) for direction, found in structs.items()}
        for found in self.structs.values():
            for event_type, struct in found.items():
                _SHAPES[struct].event_type, _SHAPES[struct].owner = event_type, self
        self.structs["auto"] = {name: struct for direction in structs for name, struct in self.structs[direction].items()}
        self.decoders: dict[str, Any] = {}
        self._build_decoders()
        #: The decoders before anything was learned: for an event whose unknown member is not of
        #: the type learned (``"obfuscation": 7``), which the learned struct refuses.
        self.unlearned = dict(self.decoders)
        #: The structs before anything was learned, for the same reason (the dict routes), and to
        #: learn from (:meth:`learn`).
        self.unlearned_structs = {direction: dict(found) for direction, found in self.structs.items()}

    @classmethod
    def derived(cls, models: Mapping[str, Mapping[str, type]]) -> _Tables:
        """The structs derived from the models' core schemas."""
        derivation = _Derivation()
        partial: set[str] = set()
        structs: dict[str, dict[str, Any]] = {}
        for direction, by_type in models.items():
            found = {}
            for event_type, model in by_type.items():
                omissions = derivation.omissions
                struct = derivation.event(model)
                if struct is None or derivation.omissions > omissions:
                    partial.add(event_type)
                if struct is not None:
                    found[event_type] = struct
            structs[direction] = found
        return cls(structs, partial, derivation.created)

    def convert(self, value: dict, direction: str) -> Any:
        """A decoded event as its type's struct, learned or, when a learned member has another
        JSON type in it, unlearned, with the models' own checks passed; ``None`` when it has no
        struct or either refuses it."""
        event_type = value.get("type")
        if type(event_type) is not str:
            return None
        for structs in (self.structs[direction], self.unlearned_structs[direction]):
            struct = structs.get(event_type)
            if struct is None:
                return None
            try:
                event = msgspec.convert(value, struct)
            except msgspec.ValidationError:
                continue
            return event if _passes_checks(event) else None
        return None

    def _build_decoders(self) -> None:
        for direction, structs in self.structs.items():
            if structs:
                self.decoders[direction] = msgspec.json.Decoder(Union[tuple(structs.values())])

    def learn(self, shape: _Shape, unknown: tuple[tuple[str, str], ...]) -> None:
        """Let the event type's struct hold the unknown members an event of it had (string,
        integer or boolean ones at the top), so that the next events like it, which real
        servers send by the thousand (``obfuscation`` on every delta), are proved in one decode
        and still have them reported. What is proved does not change: only how fast. The new
        struct is the unlearned one made again with the members added (no model needed)."""
        event_type = shape.event_type
        have = tuple((name, kind) for _, name, kind in shape.learned)
        new = tuple((name, kind) for name, kind in unknown if kind in _LEARNABLE and name not in shape.learned_names)
        if not new or event_type is None or len(have) >= LEARN_AT_MOST:
            return
        base = self.unlearned_structs["auto"].get(event_type)
        if base is None or base not in _SPECS:
            return
        name, definitions, options, made = _SPECS[base]
        learned = tuple((f"learned_{index}", member, kind) for index, (member, kind) in enumerate((have + new)[:LEARN_AT_MOST]))
        struct = _struct(name, definitions, options, **made, learned=learned)
        _SHAPES[struct].event_type, _SHAPES[struct].owner = event_type, self
        for structs in self.structs.values():
            if event_type in structs:
                structs[event_type] = struct
        self._build_decoders()


_TABLES: dict[str, _Tables | None] = {}


def tables(dialect: str = "ga") -> _Tables | None:
    """The derived structs of a dialect's models (``None`` without msgspec). GA's come from
    ``conformance/_derived.py``, written out from the models by :func:`generate`, while it was
    written from the models as they are (so that proving needs no pydantic model at all);
    otherwise, and for the other dialects, they are derived from the models."""
    if msgspec is None:
        return None
    found = _TABLES.get(dialect)
    if found is None:
        if dialect == "ga":
            found = _generated()
            if found is None:
                from .protocol import CLIENT_EVENT_MODELS, SERVER_EVENT_MODELS

                found = _Tables.derived({"client": CLIENT_EVENT_MODELS, "server": SERVER_EVENT_MODELS})
        else:
            from .protocol import dialects

            profile = dialects.get(dialect)
            found = _Tables.derived({"client": profile.client, "server": profile.server})
        _TABLES[dialect] = found
    return found


# --- GA's structs written out: conformance/_derived.py ---------------------------------------------
#
# ``python -m conformance.fastpath`` writes the module; tests/test_fast_path_differential.py checks
# that writing it again gives the same file. It carries a digest of the sources it was written
# from (the models and this module): where they differ (a model edited and the module not written
# again), the structs are derived from the models instead, so a stale module is never used.

_DERIVED = "_derived.py"


def source_digest() -> str:
    """A digest of what GA's derived structs depend on: the GA models' sources and this module."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in [*sorted((here / "protocol").glob("*.py")), here / "fastpath.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


_WRITTEN: list[_Tables] = []


def _generated() -> _Tables | None:
    """GA's tables from ``conformance/_derived.py``, when it was written from these sources."""
    if _WRITTEN:
        return _WRITTEN[0]
    try:
        from . import _derived
    except ImportError:
        return None
    if getattr(_derived, "DIGEST", None) != source_digest():
        return None
    _WRITTEN.append(_derived.build(_struct, _within, _dispatch, _Tables))
    return _WRITTEN[0]


def alias_note(event_type: str) -> str | None:
    """The note a valid GA event of a legacy alias type carries (the verdict's)."""
    from .protocol.names import LEGACY_GA_ALIASES

    if event_type in LEGACY_GA_ALIASES:
        return f"'{event_type}' is in the GA union but GA documents '{LEGACY_GA_ALIASES[event_type]}' instead"
    return None


def ga_notes() -> Mapping[str, str] | None:
    """The note a valid GA event of each type carries, from ``conformance/_derived.py`` while GA's
    tables come from it (so the verdict of a proved event is known without the models)."""
    table = _TABLES.get("ga") or tables("ga")
    if table is None or not table.written:
        return None
    from ._derived import NOTES

    return NOTES  # type: ignore[no-any-return]


def generate(table: _Tables | None = None) -> str:
    """The source of ``conformance/_derived.py``: GA's structs derived from the models (or those
    of ``table``), their shapes, the tables over them, the notes the verdicts of proved events
    carry, and the dialects' names, for a validator that needs no pydantic model until an event does."""
    from .protocol import CLIENT_EVENT_MODELS, SERVER_EVENT_MODELS
    from .protocol.dialects import NAMES

    _alias_note = alias_note
    models = {"client": CLIENT_EVENT_MODELS, "server": SERVER_EVENT_MODELS}
    if table is None:
        table = _Tables.derived(models)
    names = {struct: f"S{index}" for index, struct in enumerate(table.created)}
    lines = [
        '"""GA\'s derived msgspec structs (:mod:`conformance.fastpath`), written out from the reference models by',
        "``python -m conformance.fastpath``, so that proving an event valid needs no pydantic model. Do not edit: write it",
        "again (tests/test_fast_path_differential.py checks that doing so gives this file). While DIGEST is not the digest of",
        'the sources it was written from, the structs are derived from the models instead."""',
        "",
        "# ruff: noqa: E501",
        "from typing import Any, Literal, Union  # noqa: F401",
        "",
        "from typing import Annotated",
        "",
        "from msgspec import UNSET, Meta, UnsetType",
        "",
        f"DIGEST = {source_digest()!r}",
        f"DIALECTS = {tuple(NAMES)!r}",
        "#: The note a valid event of each type carries (``judge``'s, for the templates of proved events).",
        "NOTES = {",
        *(f"    {name!r}: {note!r}," for name in sorted({*CLIENT_EVENT_MODELS, *SERVER_EVENT_MODELS}) if (note := _alias_note(name)) is not None),
        "}",
        "",
        "",
        "def build(_struct: Any, _within: Any, _dispatch: Any, _Tables: Any) -> Any:",
        '    """GA\'s tables, made with fastpath\'s own makers (this module imports nothing of the package)."""',
    ]
    for struct in table.created:
        name, definitions, options, made = _SPECS[struct]
        fields = ", ".join("(" + ", ".join([repr(item[0]), _written(item[1], names), *(["UNSET"] if len(item) > 2 else [])]) + ")" for item in definitions)
        option_text = ", ".join(f"{key!r}: {value!r}" for key, value in options.items())
        checks = ", ".join(f"({attribute!r}, {_written_check(check, names)}, {each!r})" for attribute, check, each in made["checks"])
        lines.append(f"    {names[struct]} = _struct({name!r}, [{fields}], {{{option_text}}}, checks=[{checks}], walked={made['walked']!r}, "
                     f"required={made['required']!r}, optional={made['optional']!r}, nested={made['nested']!r}, flat={made['flat']!r}, "
                     f"base64_only={made['base64_only']!r}, members={made['members']!r})")
    lines.append("    return _Tables({")
    for direction in models:
        lines.append(f"        {direction!r}: {{")
        lines.extend(f"            {event_type!r}: {names[struct]}," for event_type, struct in table.unlearned_structs[direction].items())
        lines.append("        },")
    lines.append(f"    }}, {sorted(table.partial)!r}, [{', '.join(names[struct] for struct in table.created)}], written=True)")
    return "\n".join(lines) + "\n"


def _written(annotation: Any, names: Mapping[type, str]) -> str:
    """Python source for a derived annotation."""
    import typing

    if annotation is type(None) or annotation is None:
        return "None"
    if annotation in names:
        return names[annotation]
    if annotation in (str, int, float, bool, bytes):
        return annotation.__name__
    if annotation is Any:
        return "Any"
    if annotation is UnsetType:
        return "UnsetType"
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        return f"Literal[{', '.join(map(repr, arguments))}]"
    if origin is Annotated:
        meta = annotation.__metadata__
        if len(meta) != 1 or not isinstance(meta[0], Meta):
            raise ValueError(f"cannot write {annotation!r}")
        keys = ("gt", "ge", "lt", "le", "multiple_of", "pattern", "min_length", "max_length")
        shown = ", ".join(f"{key}={getattr(meta[0], key)!r}" for key in keys if getattr(meta[0], key) is not None)
        return f"Annotated[{_written(arguments[0], names)}, Meta({shown})]"
    if origin is Union:
        return f"Union[{', '.join(_written(argument, names) for argument in arguments)}]"
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_written(argument, names) for argument in arguments)}]"
    raise ValueError(f"cannot write {annotation!r}")


def _written_check(check: Any, names: Mapping[type, str]) -> str:
    spec = getattr(check, "spec", None)
    if spec is None:
        raise ValueError(f"cannot write the check {check!r}: an after-validator of the models the derivation does not know")
    if spec[0] == "_within":
        return f"_within({spec[1]!r}, {spec[2]!r})"
    field, targets = spec[1], spec[2]
    shown = ", ".join(f"{tag!r}: {names[target] if isinstance(target, type) else _written_check(target, names)}" for tag, target in targets.items())
    return f"_dispatch({field!r}, {{{shown}}})"


def write_derived() -> None:
    """Write ``conformance/_derived.py`` (``python -m conformance.fastpath``)."""
    from pathlib import Path

    (Path(__file__).resolve().parent / _DERIVED).write_text(generate(), encoding="utf-8")


def covered(dialect: str = "ga") -> tuple[frozenset[str], frozenset[str]]:
    """The event types whose every valid event the fast path can prove (absent unknown members
    deeper than the top), and those it can prove only in part; the rest are pydantic's."""
    table = tables(dialect)
    if table is None:
        return frozenset(), frozenset()
    every = frozenset(table.structs["auto"])
    return every - table.partial, every & table.partial


# --- judging ---------------------------------------------------------------------------------------
#
# A proof is the event's type, or ``(type, unknown)`` when the event has members its model does
# not know: ``unknown`` holds their names and JSON types, in wire order, for the verdict to report.

Proof = Union[str, tuple[str, tuple[tuple[str, str], ...]]]

#: What a models' after-validator raises for a value it refuses (pydantic turns these into errors).
_REFUSALS = (ValueError, TypeError, AssertionError)
#: What msgspec raises for text it cannot decode into a struct.
_UNDECODABLE = (ValueError, RecursionError) if msgspec is None else (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError)
#: dialect -> direction -> the decoder of the union of its derived event structs.
_DECODERS: dict[str, dict[str, Any]] = {}


def _passes_checks(event: Any) -> bool:
    """Whether a decoded struct passes the models' own after-validators (base64) its struct carries."""
    checker = _SHAPES[type(event)].checker
    if checker is None:
        return True
    try:
        checker(event)
    except _REFUSALS:
        return False
    return True


def valid_type(data: bytes | str, direction: str, dialect: str = "ga") -> Proof | None:
    """Prove ``data`` a valid event of ``direction`` (``client``, ``server`` or ``auto``): its
    :data:`Proof`, or ``None`` when not proved, which says nothing either way."""
    try:
        decoder = _DECODERS[dialect][direction]
    except KeyError:
        table = tables(dialect)
        if table is None:
            return None
        decoder = _DECODERS.setdefault(dialect, table.decoders).get(direction)
    if decoder is None:
        return None
    if len(data) >= LONG:
        return _valid_excised(data, decoder) or _valid_long(data, direction, _TABLES[dialect])  # type: ignore[arg-type]
    try:
        event = decoder.decode(data)
    except _UNDECODABLE:
        unlearned = _TABLES[dialect].unlearned.get(direction)  # type: ignore[union-attr]
        if unlearned is decoder:
            return None
        try:
            event = unlearned.decode(data)
        except _UNDECODABLE:
            return None
    shape = _SHAPES[type(event)]
    if shape.checker is not None:  # _passes_checks, inline: this runs once per event
        try:
            shape.checker(event)
        except _REFUSALS:
            return None
    colons = data.count(":") if type(data) is str else data.count(b":")  # type: ignore[arg-type]
    if colons == shape.counter and not shape.learned:
        return shape.event_type  # as many colons as members: no member unknown or repeated, no colon in a string
    proof = _counted(data, event, shape, colons)
    if proof is not None:
        return proof
    # A member the struct does not hold, or a colon in a string: the decoder the full path uses
    # tells which (it keeps the full path's limits on what it reads).
    try:
        value = from_json(data, allow_inf_nan=False)
    except ValueError:
        return None
    return _with_unknown(data, value, event, shape, colons)


#: Struct -> its event type, for the event structs with no check left to run and no learned member:
#: their proof once the colons of their text are accounted for (the batch path's common case).
PLAIN: dict[type, str] = {}
#: Struct -> (proof without, proof with) its one learned member (``learned_0``), for the event
#: structs with no check left to run: the other common case (deltas and their ``obfuscation``).
ONE_LEARNED: dict[type, tuple[str, Proof]] = {}


def proof_of(event: Any) -> Proof | None:
    """The proof of an event decoded into its struct, once its text is known to hold no member the
    struct does not hold, none twice and no colon the struct does not (the batch path counts the
    colons of a whole run of texts at once): its remaining checks passed, and the learned members
    it has. ``None``: the single-event path decides."""
    shape = _SHAPES[type(event)]
    if shape.checker is not None:
        try:
            shape.checker(event)
        except _REFUSALS:
            return None
    learned = shape.learned
    if not learned:
        if shape.checker is None and shape.event_type is not None:
            PLAIN[type(event)] = shape.event_type
        return shape.event_type
    if len(learned) == 1:
        if shape.checker is None and shape.event_type is not None:
            ONE_LEARNED[type(event)] = (shape.event_type, shape.held_proof())
        return shape.event_type if getattr(event, learned[0][0]) is UNSET else shape.held_proof()
    held = _held(event, learned)
    if len(held) > 1:
        return None  # their wire order is for the decoded value to tell
    return (shape.event_type, held) if held else shape.event_type  # type: ignore[return-value]


def _counted(text: bytes | str, event: Any, shape: _Shape, colons: int) -> Proof | None:
    """The proof of a decoded event when the colons of its text add up to the members the struct
    holds: then no member is unknown (but those it learned) or repeated, and no string holds a
    colon; or else to the colons of the struct's own JSON, which holds every member it holds and
    every colon of their strings, and no member twice (a colon in a string, objects below).
    ``None``: look closer (a member the struct does not hold)."""
    counter = shape.counter
    learned = shape.learned
    if type(counter) is int and len(learned) == 1 and colons == counter + 1 and getattr(event, learned[0][0]) is not UNSET:
        return shape.held_proof()  # the common case of real deltas: the member servers add, and nothing else
    known = counter if type(counter) is int else counter(event)  # type: ignore[operator]
    held = _held(event, learned) if learned else ()
    if len(held) > 1:
        return None  # their wire order is for the decoded value to tell
    if known < 0 or colons != known + len(held):  # type: ignore[operator]
        if colons != msgspec.json.encode(event).count(b":") or _escaped_colon(text):
            return None
    return (shape.event_type, held) if held else shape.event_type  # type: ignore[return-value]


def _with_unknown(data: bytes | str, value: Any, event: Any, shape: _Shape, colons: int) -> Proof | None:
    """The proof of an event whose known members are valid (``event``, its struct), once its text
    shows no member repeated: with the members its model does not know, in wire order. The
    struct accounts for the members it knows (and the colons of their strings), the decoded value
    for the others."""
    if type(value) is not dict:
        return None
    unknown = value.keys() - shape.members
    members = strings = 0
    held = shape.learned_names
    for name in unknown:  # the members the struct does not hold, and what is below them
        if name in held:
            continue
        item = value[name]
        members += 1
        strings += name.count(":")
        kind = type(item)
        if kind is str:
            strings += item.count(":")
        elif kind is dict or kind is list:
            below, colons_below = decoding.members_and_colons(item)
            members += below
            strings += colons_below
    counter = shape.counter
    known = counter if type(counter) is int else counter(event)
    if held and known >= 0:  # type: ignore[operator]
        known += len(_held(event, shape.learned))  # type: ignore[operator]
    if colons != known + members + strings or known < 0:  # type: ignore[operator]
        # A colon in a known member's string, or an object below: the struct's own JSON holds them.
        if colons != msgspec.json.encode(event).count(b":") + members + strings or _escaped_colon(data):
            return None
    elif strings and _escaped_colon(data):
        return None
    if not unknown:
        return shape.event_type
    if len(unknown) == 1:
        name = unknown.pop()
        found: tuple[tuple[str, str], ...] = ((name, _json_type(value[name])),)
    else:
        found = tuple((name, _json_type(item)) for name, item in value.items() if name in unknown)
    if shape.owner is not None:
        shape.owner.learn(shape, found)
    return (shape.event_type, found)


def _held(event: Any, learned: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The learned unknown members the event has, as (name, JSON type)."""
    if len(learned) == 1:
        attribute, name, kind = learned[0]
        return () if getattr(event, attribute) is UNSET else _ONE_HELD.setdefault((name, kind), ((name, kind),))
    return tuple((name, kind) for attribute, name, kind in learned if getattr(event, attribute) is not UNSET)


_ONE_HELD: dict[tuple[str, str], tuple[tuple[str, str]]] = {}


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null", list: "array", dict: "object"}


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value)) or json_type(value)


#: What stands for a long base64 string cut out of the text: the one JSON string that decodes, as
#: base64, to no bytes (any other string is either not base64 or decodes to at least one byte).
_STAND_IN, _STAND_IN_VALUE = b'""', b""


def _valid_excised(data: bytes | str, decoder: Any) -> Proof | None:
    """A long event whose last string is long base64 (audio): the string is checked where it
    lies in the text, by the models' own base64 check, and the rest is judged as a short event
    with a stand-in in its place (:func:`excised`), so that the audio is never copied into a
    Python string. Otherwise the ordinary long route decides."""
    short = excised(data)
    if short is None:
        return None
    try:
        event = decoder.decode(short)
    except _UNDECODABLE:
        return None
    if not holds_stand_in(event):
        return None
    return _counted(short, event, _SHAPES[type(event)], short.count(b":"))


def excised(data: bytes | str) -> bytes | None:
    """``data`` with its last string, long valid base64, replaced by the stand-in ``""``; ``None``
    when its last string is not that.

    The last quote of a JSON text closes its last string. The stretch before it, back to the
    previous quote, passes the base64 check, so it holds no quote, backslash or colon. If the
    shorter text decodes with the event's one base64 field empty (:func:`holds_stand_in`), and
    ``""`` occurs in it once, then the stand-in is that field's whole string (no other spelling of
    a string decodes to no bytes), so the stretch was that field's exact value; and the shorter
    text has every colon of the original."""
    if type(data) is not bytes:
        return None
    end = data.rfind(b'"')
    start = data.rfind(b'"', 0, end)
    if end - start < LONG // 2:
        return None
    try:
        b64decode(memoryview(data)[start + 1 : end], validate=True)
    except ValueError:
        return None
    short = data[:start] + _STAND_IN + data[end + 1 :]
    return short if short.count(_STAND_IN) == 1 else None


def holds_stand_in(event: Any) -> bool:
    """Whether a struct decoded from an :func:`excised` text has its one base64 member, and
    nothing else the models check, and that member is the stand-in."""
    attribute = _SHAPES[type(event)].base64_only
    return attribute is not None and getattr(event, attribute) == _STAND_IN_VALUE


def _valid_long(data: bytes | str, direction: str, table: _Tables) -> Proof | None:
    """A long event through pydantic-core's decoder, the fastest on long strings."""
    try:
        value = from_json(data, allow_inf_nan=False)
    except ValueError:
        return None
    if type(value) is not dict:
        return None
    event = table.convert(value, direction)
    if event is None:
        return None
    return _with_unknown(data, value, event, _SHAPES[type(event)], decoding.count_colons(data))


def valid_value_type(value: Any, direction: str, dialect: str = "ga") -> Proof | None:
    """As :func:`valid_type`, for an event already decoded from JSON text (a transcript frame):
    no text, so no question of repeated members."""
    if type(value) is not dict:
        return None
    table = _TABLES.get(dialect) or tables(dialect)
    if table is None:
        return None
    event = table.convert(value, direction)
    if event is None:
        return None
    event_type = value["type"]
    unknown = value.keys() - _SHAPES[type(event)].members
    if not unknown:
        return event_type  # type: ignore[no-any-return]
    return (event_type, tuple((name, _json_type(item)) for name, item in value.items() if name in unknown))


def _escaped_colon(data: bytes | str) -> bool:
    """Whether a string may spell a colon as ``\\u003a``: its decoded colons then stand for no
    colon in the text, and the colon count proves nothing (the full path looks instead)."""
    return ("\\u003" in data) if type(data) is str else (b"\\u003" in data)  # type: ignore[operator]


if __name__ == "__main__":
    from conformance import fastpath as _package  # the package's module, not this __main__ copy

    _package.write_derived()
