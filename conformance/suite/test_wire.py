"""The wire family against the implementation under test: its client library on a live socket.

The wire checks belong to no one dialect: the scripted server speaks the implementation's own
(``Adapter.dialect``), so they run under every ``--dialect`` (``realtime_dialect(None)``; unmarked
checks are GA's and would be deselected under another)."""

import pytest

from conformance.families import wire

CHECKS = wire.checks()


@pytest.mark.conformance
@pytest.mark.realtime_dialect(None)
@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_wire(check, conformance_run) -> None:
    conformance_run.settle(check)
