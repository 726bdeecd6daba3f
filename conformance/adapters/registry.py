"""Finding an implementation by name.

A name is one of:

* a built-in implementation: a folder under ``conformance/implementations/`` whose ``__init__``
  declares ``NAME``, ``ADAPTER`` (``module:attribute`` of its parse-level adapter, relative to the
  folder) and, for a client with a wire adapter, ``WIRE``; its baseline is the folder's
  ``baseline.json``;
* a name another package registers under the ``realtime_conformance.adapters`` entry-point group
  (and its wire adapter under ``realtime_conformance.wire_adapters``);
* ``module:attribute``, an adapter class or instance anywhere on the path;
* ``stdio:<command>``, a harness process in any language (:mod:`conformance.adapters.stdio`).

A folder's ``__init__`` holds data only (no import of the library), so that listing the built-in
implementations never needs one installed.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from .adapter import Adapter, AdapterLoadError
# The wire adapter's errors live with it (adapters.wire), where a harness's wire part raises them too.
from .wire import WireAdapter, WireAdapterMissing, WireAdapterUnavailable  # noqa: F401 - re-exported

ENTRY_POINT_GROUP = "realtime_conformance.adapters"
WIRE_ENTRY_POINT_GROUP = "realtime_conformance.wire_adapters"
STDIO_PREFIX = "stdio:"
#: The package whose sub-packages are the built-in implementations.
IMPLEMENTATIONS_PACKAGE = "conformance.implementations"


@dataclass(frozen=True)
class Implementation:
    """A built-in implementation, as its folder declares it."""

    name: str
    #: ``module:attribute`` of its parse-level adapter (``None`` for a proxy, which the probe drives).
    adapter: str | None
    #: ``module:attribute`` of its wire adapter, if it has one.
    wire: str | None
    folder: Path
    #: ``module:attribute`` of a proxy's launcher (:mod:`conformance.commands.proxy`).
    proxy: str | None = None

    @property
    def baseline(self) -> Path:
        return self.folder / "baseline.json"


@cache
def built_in() -> dict[str, Implementation]:
    """Every folder of ``conformance/implementations/``, by implementation name."""
    package = importlib.import_module(IMPLEMENTATIONS_PACKAGE)
    found: dict[str, Implementation] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{IMPLEMENTATIONS_PACKAGE}.{info.name}")
        name = getattr(module, "NAME", None)
        if name is None:
            continue
        folder = Path(module.__file__).parent  # type: ignore[arg-type]
        adapter, wire, proxy = (getattr(module, key, None) for key in ("ADAPTER", "WIRE", "PROXY"))
        found[name] = Implementation(name, *(_absolute(module.__name__, t) if t else None for t in (adapter, wire)), folder, _absolute(module.__name__, proxy) if proxy else None)
    return found


def _absolute(package: str, target: str) -> str:
    """``adapter:X`` in package ``p`` is ``p.adapter:X``; ``stdio:…`` and absolute targets stay."""
    if target.startswith(STDIO_PREFIX) or target.startswith("conformance."):
        return target
    module, _, attribute = target.partition(":")
    return f"{package}.{module}:{attribute}"


def available() -> dict[str, str]:
    """Every implementation name and its adapter's target: the built-in ones and those registered."""
    found = {name: implementation.adapter for name, implementation in built_in().items() if implementation.adapter}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry.value)
    return found


def baseline_path(name: str) -> Path | None:
    """Where the shipped baseline of the implementation ``name`` lives, if it is built in."""
    implementation = built_in().get(name)
    return implementation.baseline if implementation else None


def load_adapter(spec: str) -> Adapter:
    """An adapter instance for a built-in or registered name, for ``module:attribute``, or for
    ``stdio:<command>``."""
    target = spec if ":" in spec else available().get(spec)
    if target is None:
        raise AdapterLoadError(f"unknown implementation {spec!r}; known: {', '.join(sorted(available()))}, or give module:attribute or stdio:<command>")
    if target.startswith(STDIO_PREFIX):
        from .stdio import StdioAdapter

        return StdioAdapter(target.removeprefix(STDIO_PREFIX), name=None if target == spec else spec)
    module_name, _, attribute = target.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except ImportError as error:
        hint = f"try `tox -e {spec}`" if spec in built_in() else "is it importable? `python -m pytest` puts the current directory on the path, plain `pytest` does not"
        raise AdapterLoadError(f"cannot import the {spec!r} implementation ({error}); is its library installed? {hint}") from error
    except AttributeError:
        raise AdapterLoadError(f"{module_name!r} has no attribute {attribute!r}") from None
    adapter = factory() if isinstance(factory, type) or callable(factory) else factory
    if not isinstance(adapter, Adapter):
        raise AdapterLoadError(f"{target} did not give a conformance Adapter but {type(adapter).__name__}")
    return adapter


# --- wire adapters --------------------------------------------------------------------------------


_LOADED: dict[str, WireAdapter] = {}


def wire_adapter_for(adapter: Any) -> WireAdapter:
    """The wire adapter of a parse-level adapter: its own ``wire_adapter()`` when it has one (the
    broken clients and harnesses that speak the wire part of the harness protocol do), else the one
    registered under its name. One instance per name per process, so that each scenario runs once
    per run however many checks read it."""
    own = getattr(adapter, "wire_adapter", None)
    if callable(own):
        return own()
    name = adapter.name
    if name in _LOADED:
        return _LOADED[name]
    implementation = built_in().get(name)
    target = (implementation.wire if implementation else None) or next(
        (entry.value for entry in entry_points(group=WIRE_ENTRY_POINT_GROUP) if entry.name == name), None
    )
    if target is None:
        with_wire = sorted(n for n, i in built_in().items() if i.wire)
        raise WireAdapterMissing(f"{name} has no wire adapter (built in: {', '.join(with_wire)}; others register under {WIRE_ENTRY_POINT_GROUP}, or speak the wire part of the harness protocol)")
    module_name, _, attribute = target.partition(":")
    try:
        _LOADED[name] = getattr(importlib.import_module(module_name), attribute)()
    except Exception as error:  # noqa: BLE001 - reported on every wire check, which then fails
        hint = f"`tox -e {name}` sets it up" if implementation else "is its library installed?"
        raise WireAdapterUnavailable(f"the wire adapter of {name} cannot be loaded: {type(error).__name__}: {_line(error)} ({hint})") from error
    return _LOADED[name]


def _line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else "(no message)"
