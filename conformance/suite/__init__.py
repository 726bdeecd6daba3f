"""The conformance checks, one module per family, collected by pytest against the implementation
chosen with ``--realtime-impl``: ``pytest --pyargs conformance``."""
