"""How the suite reaches an implementation: the adapter protocol, the built-in adapters, and
loading an adapter by name, entry point or import path."""

from .adapter import Adapter, Capability, NotImplementedCapability, Parsed
from .registry import AdapterLoadError, load_adapter

__all__ = ["Adapter", "AdapterLoadError", "Capability", "NotImplementedCapability", "Parsed", "load_adapter"]
