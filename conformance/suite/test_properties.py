"""The property family against the implementation under test."""

import pytest

from conformance.families import properties

CHECKS = properties.checks()


@pytest.mark.conformance
@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_property(check, conformance_run) -> None:
    conformance_run.settle(check)
