"""A conformance suite for the OpenAI Realtime API event protocol.

The public surface is small: :func:`judge` gives the verdict on one payload, and the reference
models live in :mod:`conformance.protocol`.
"""

from importlib.metadata import PackageNotFoundError, version

from .verdict import FieldError, UnknownField, Verdict, judge, judge_value

__all__ = ["FieldError", "UnknownField", "Verdict", "judge", "judge_value"]

try:
    __version__ = version("realtime-conformance")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"
