"""The wire family against the implementation under test: its client library on a live socket."""

import pytest

from conformance.families import wire

CHECKS = wire.checks()


@pytest.mark.conformance
@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_wire(check, conformance_run) -> None:
    conformance_run.settle(check)
