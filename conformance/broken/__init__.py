"""Deliberately broken implementations, each the reference with one behaviour changed, naming the
checks that must catch it: parsers and senders (:mod:`.parsers`), clients on a live socket
(:mod:`.clients`), servers (:mod:`.servers`), harness processes (:mod:`.harnesses`) and dialect
implementations (:mod:`.dialects`). They test the suite; none is an implementation under test.
"""
