"""Dialects of the Realtime protocol: GA (the default) and the variants other servers and older
sessions speak, each described as its differences from the dialect it is built on.

    from conformance.protocol import dialects
    xai = dialects.get("xai")          # built on first use; GA's models are never touched
    xai.server["ping"]                 # the model of an xAI-only event

The validator (``judge(..., dialect=...)``), the session checker, the fixture corpus and the check
families select a dialect by name. GA stays the default everywhere, on its own fast path.
"""

from __future__ import annotations

import importlib
from functools import cache

from .profile import Dialect, Difference, Ordering

#: Every dialect, GA first.
NAMES: tuple[str, ...] = ("ga", "beta", "azure-preview", "xai", "inworld")
_MODULES = {"ga": "ga", "beta": "beta", "azure-preview": "azure_preview", "xai": "xai", "inworld": "inworld"}


class UnknownDialect(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown dialect {name!r}; known: {', '.join(NAMES)}")


@cache
def get(name: str) -> Dialect:
    """The profile named ``name`` (its models are built the first time it is asked for)."""
    if name not in _MODULES:
        raise UnknownDialect(name)
    module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
    return module.GA if name == "ga" else module.dialect()


__all__ = ["NAMES", "Dialect", "Difference", "Ordering", "UnknownDialect", "get"]
