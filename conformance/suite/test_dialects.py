"""The corpus and session families of every dialect other than GA, each check marked with its
dialect. The plugin keeps only the checks of the dialect under test (``--dialect``, or the
implementation's own), so a GA run collects none of them and a dialect run none of GA's."""

import pytest

from conformance.families import corpus, sessions
from conformance.protocol.dialects import NAMES

CHECKS = [
    pytest.param(check, marks=pytest.mark.realtime_dialect(name), id=check.id)
    for name in NAMES
    if name != "ga"
    for check in (*corpus.checks(dialect=name), *sessions.checks(dialect=name))
]


@pytest.mark.conformance
@pytest.mark.parametrize("check", CHECKS)
def test_dialect(check, conformance_run) -> None:
    conformance_run.settle(check)
