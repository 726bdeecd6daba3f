"""Deriving models from the GA models: the same classes with the members that differ changed.

Every other form of a model is derived here and never written twice, so that a fix to a GA model
reaches every form: a dialect's models (:mod:`.dialects`) and the request and server forms that
hold ``null`` to the spec (:mod:`.nullability`). A dialect is described by its differences
(:class:`Changes`) and never by a copy of the GA models. A change names a member by the class
that declares it, or by the concrete class it is reached through (``("ServerEvent", "event_id")``
changes every server event; ``("ResponseDone", "usage")`` only one), and may:

* replace the member's annotation (its default is ``None`` when it becomes optional),
* remove it (:data:`REMOVED`): the dialect has no such member, so it is reported as unknown,
* add members a class lacks (:attr:`Changes.added`),
* substitute a whole class wherever it appears (:attr:`Changes.substitutes`, by class name).

Everything a changed class reaches is rewritten too, so a change deep in a sub-object (an item's
content part) reaches every event that carries it. Classes nothing changed are GA's own.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Union

from pydantic import create_model

from .base import Model

#: A change that takes a member away.
REMOVED: Any = type("Removed", (), {"__repr__": lambda self: "REMOVED"})()
#: The default of a member a change leaves required.
REQUIRED: Any = ...


@dataclass(frozen=True)
class Member:
    """A replacement member: its annotation and default (:data:`REQUIRED` for a required one)."""

    annotation: Any
    default: Any = None


@dataclass(frozen=True)
class Changes:
    #: (class name, member) -> a :class:`Member`, a bare annotation (optional, default ``None``), or :data:`REMOVED`.
    members: Mapping[tuple[str, str], Any] = field(default_factory=dict)
    #: class name -> {member: annotation or :class:`Member`} the class gains.
    added: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: class name -> the annotation that stands for the class wherever it appears.
    substitutes: Mapping[str, Any] = field(default_factory=dict)


class Deriver:
    """Rewrites GA annotations under one set of changes; each class is derived once."""

    def __init__(self, changes: Changes, module: str) -> None:
        self.changes = changes
        self.module = module
        self._done: dict[type, Any] = {}

    def __call__(self, annotation: Any) -> Any:
        return self._rewrite(annotation)

    def _rewrite(self, annotation: Any) -> Any:
        if isinstance(annotation, type) and issubclass(annotation, Model):
            return self._model(annotation)
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            base, *metadata = typing.get_args(annotation)
            rewritten = self._rewrite(base)
            return annotation if rewritten is base else Annotated[(rewritten, *metadata)]  # type: ignore[valid-type]
        if origin in (Union, types.UnionType):
            members = typing.get_args(annotation)
            rewritten_members = tuple(self._rewrite(member) for member in members)
            if all(new is old for new, old in zip(rewritten_members, members)):
                return annotation
            return Union[rewritten_members]  # noqa: UP007 - a tuple of members
        if origin is list:
            (item,) = typing.get_args(annotation)
            rewritten = self._rewrite(item)
            return annotation if rewritten is item else list[rewritten]  # type: ignore[valid-type]
        if origin is dict:
            key, value = typing.get_args(annotation)
            rewritten = self._rewrite(value)
            return annotation if rewritten is value else dict[key, rewritten]  # type: ignore[valid-type]
        return annotation

    def change_for(self, model: type[Model], owners: list[str], name: str, info: Any) -> Any:
        """The change of member ``name`` of ``model``, whose own and inherited class names are
        ``owners`` (most derived first): a :class:`Member`, an annotation, :data:`REMOVED`, or ``None``.
        Subclasses derive by rule rather than by list (the nullability forms do)."""
        return next((self.changes.members[(owner, name)] for owner in owners if (owner, name) in self.changes.members), None)

    def _model(self, model: type[Model]) -> Any:
        if model in self._done:
            return self._done[model]
        substitute = self.changes.substitutes.get(model.__name__)
        if substitute is not None and substitute is not model:
            self._done[model] = substitute
            derived = self._rewrite(substitute)
            self._done[model] = derived
            return derived
        self._done[model] = model  # a class that reaches itself is left as it is on the way round
        derived = self._derive(model)
        self._done[model] = derived
        return derived

    def _derive(self, model: type[Model]) -> type[Model]:
        names = [cls.__name__ for cls in model.__mro__ if isinstance(cls, type) and issubclass(cls, Model)]
        fields: dict[str, Any] = {}
        removed: set[str] = set()
        for name, info in model.model_fields.items():
            change = self.change_for(model, names, name, info)
            if change is REMOVED:
                removed.add(name)
                continue
            if change is not None:
                member = change if isinstance(change, Member) else Member(change)
                fields[name] = (self._rewrite(member.annotation), member.default)
                continue
            rewritten = self._rewrite(info.annotation)
            if rewritten is not info.annotation:
                fields[name] = (with_field_metadata(rewritten, info), ... if info.is_required() else info.default)
        for owner in names:
            for name, added in self.changes.added.get(owner, {}).items():
                if name not in model.model_fields and name not in fields:
                    member = added if isinstance(added, Member) else Member(added)
                    fields[name] = (self._rewrite(member.annotation), member.default)
        if not fields and not removed:
            return model
        if not removed:
            return create_model(model.__name__, __base__=model, __module__=self.module, __doc__=model.__doc__, **fields)  # type: ignore[call-overload]
        kept = {
            name: fields.get(name, (with_field_metadata(info.annotation, info), ... if info.is_required() else info.default))
            for name, info in model.model_fields.items()
            if name not in removed
        }
        kept.update({name: spec for name, spec in fields.items() if name not in kept})
        return create_model(model.__name__, __base__=Model, __module__=self.module, __doc__=model.__doc__, **kept)  # type: ignore[call-overload]


def with_field_metadata(annotation: Any, info: Any) -> Any:
    """``annotation`` with what pydantic lifted out of the original field's annotation: constraints,
    validators and a discriminator."""
    metadata = list(info.metadata)
    if info.discriminator is not None:
        from pydantic import Field

        metadata.append(Field(discriminator=info.discriminator))
    return Annotated[(annotation, *metadata)] if metadata else annotation  # type: ignore[valid-type]


def event_type(model: type[Model]) -> str:
    """The ``type`` a concrete event model stands for."""
    return typing.get_args(model.model_fields["type"].annotation)[0]


# --- building the events a dialect adds -----------------------------------------------------------


def renamed(model: type[Model], new_type: str, module: str) -> type[Model]:
    """``model`` under another event name (the beta's ``response.audio.delta`` is GA's
    ``response.output_audio.delta`` under its old name)."""
    from typing import Literal

    name = "".join(part.capitalize() for part in new_type.replace("_", ".").split("."))
    return create_model(name, __base__=model, __module__=module, __doc__=model.__doc__, type=(Literal[new_type], ...))  # type: ignore[call-overload]


def refused(reason: str) -> Any:
    """A member the dialect's endpoint refuses outright, whatever its value (a GA member sent to a
    beta endpoint answers ``unknown_parameter``): present at all, the event is invalid."""
    from pydantic import AfterValidator
    from pydantic_core import PydanticCustomError

    def refuse(value: Any) -> Any:
        raise PydanticCustomError("refused_member", "absent: {reason}", {"reason": reason})

    return Member(Annotated[Any, AfterValidator(refuse)], None)
