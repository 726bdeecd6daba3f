"""``pytest -n 2`` (pytest-xdist): the checks run in worker processes, and the report the controller
writes is the one a serial run writes, check for check (the workers' records reach it)."""

from __future__ import annotations

import pytest

pytest.importorskip("xdist", reason="pytest-xdist is not installed")

#: Several families, so that the checks spread over both workers.
SELECTION = "corpus/speech-started/ or invalid-speech-started-ms-as-string or property/input_audio_buffer or snapshot/"


def test_the_report_under_xdist_is_the_serial_report(run_suite) -> None:
    serial, report = run_suite(selection=SELECTION)
    parallel, parallel_report = run_suite("-n", "2", selection=SELECTION)
    assert serial.ret == parallel.ret == 0, parallel.stdout.str()
    assert report is not None and parallel_report is not None
    assert parallel_report == report
    assert len(report["checks"]) > 20
    parallel.stdout.fnmatch_lines(["*realtime conformance*", "reference *(model+client): no findings", "checks: *pass*"])


def test_a_failing_check_fails_the_parallel_run_and_is_in_its_report(run_suite, tmp_path) -> None:
    from .conftest import baseline, outcomes

    listed = baseline(tmp_path / "baseline.json", "reference", {"corpus/speech-started/parses": "listed so that it passes unexpectedly"})
    parallel, report = run_suite("-n", "2", "--baseline", listed, selection=SELECTION)
    assert parallel.ret == 1
    assert report is not None and outcomes(report)["corpus/speech-started/parses"] == "unexpected-pass"
