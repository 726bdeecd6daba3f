"""--hypothesis-profile: the suite's profiles (``ci``, ``dev``, ``fuzz``) are registered before
Hypothesis loads the one asked for, in a run of the conformance checks and in this repository's
own test runs (whose configuration made Hypothesis's hook run first)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
from hypothesis import settings

def test_profile():
    assert settings.default.max_examples == 1000, settings.default
"""


def _run(tmp_path: Path, profile: str) -> subprocess.CompletedProcess[str]:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(probe), f"--hypothesis-profile={profile}"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_the_fuzz_profile_is_loaded_when_asked_for(tmp_path: Path) -> None:
    run = _run(tmp_path, "fuzz")
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr


def test_the_conformance_run_accepts_the_profile(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--pyargs", "conformance", "-k", "property/input_audio_buffer.cleared/",
                                           "--hypothesis-profile=fuzz")
    result.assert_outcomes(passed=2)


def test_an_unknown_profile_is_still_refused(tmp_path: Path) -> None:
    run = _run(tmp_path, "no-such-profile")
    assert run.returncode != 0
    assert "no-such-profile" in run.stdout + run.stderr
