"""--strict / --conformance-strict: SHOULD checks fail the run too."""

from __future__ import annotations

import pytest

from .conftest import outcomes, write_adapter
from .test_option_baseline import CHECK, LAX


@pytest.mark.parametrize("flag", ["--strict", "--conformance-strict"])
def test_should_failures_fail_only_when_strict(run_suite, pytester, flag: str) -> None:
    adapter = write_adapter(pytester, LAX)
    relaxed, report = run_suite("--realtime-impl", adapter, "--baseline=")
    relaxed.assert_outcomes(passed=5)
    assert outcomes(report)[CHECK] == "fail"
    relaxed.stdout.fnmatch_lines(["*1 SHOULD/INFO check(s) failed without failing the run*"])

    strict, report = run_suite("--realtime-impl", adapter, "--baseline=", flag)
    strict.assert_outcomes(passed=4, failed=1)
    assert report["options"]["strict"] is True
