"""A conformance suite for the OpenAI Realtime API event protocol.

The public surface is small: :func:`judge` gives the verdict on one payload, and the reference
models live in :mod:`conformance.protocol`. Both are imported when first used, so that a command
that needs neither (``validate`` on valid events proves them without the models) starts quickly.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FieldError", "UnknownField", "Verdict", "judge", "judge_value"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import verdict

        return getattr(verdict, name)
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("realtime-conformance")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
