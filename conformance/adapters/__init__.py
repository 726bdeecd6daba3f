"""How the suite reaches an implementation: the parse-level adapter protocol (:mod:`.adapter`), the
wire-level one (:mod:`.wire`), the harness protocol for any language (:mod:`.harness_protocol`; the
suite's end: :mod:`.stdio` for the parse part, :mod:`.stdio_wire` for the wire part; the Python
harness end: :mod:`.harness_host` with :mod:`.wire_host`), and finding an implementation by name
(:mod:`.registry`)."""

from .adapter import Adapter, AdapterLoadError, Capability, NotImplementedCapability, Parsed
from .registry import load_adapter

__all__ = ["Adapter", "AdapterLoadError", "Capability", "NotImplementedCapability", "Parsed", "load_adapter"]
