"""The corpus: fixtures (recorded and authored payloads), client-event scenarios, and the hygiene
that keeps both honest (permanent ids, no credentials, a size budget).

``from conformance import corpus; corpus.load()`` reads the fixtures; the format lives in
:mod:`conformance.corpus.fixtures`.
"""

from .fixtures import FIXTURES_ROOT, Fixture, LoadError, load, schema

__all__ = ["FIXTURES_ROOT", "Fixture", "LoadError", "load", "schema"]
