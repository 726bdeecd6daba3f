"""The session family against the implementation under test."""

import pytest

from conformance.families import sessions

CHECKS = sessions.checks()


@pytest.mark.conformance
@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_session(check, conformance_run) -> None:
    conformance_run.settle(check)
