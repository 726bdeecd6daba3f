"""The built-in implementations, one folder each: its adapters, its baseline, its pins and a README.

A folder's ``__init__`` declares ``NAME`` (the name ``--realtime-impl`` takes), ``ADAPTER`` and, for
a client on the wire, ``WIRE`` (``module:attribute`` within the folder); it imports nothing, so that
the registry (:mod:`conformance.adapters.registry`) can list every implementation without its
library installed.
"""
