"""The conformance suite's time per implementation env against the reference env's, on the same
checks (the parse-level families: corpus, snapshot, property, session), in one run:

  each env     ``pytest --pyargs conformance.suite.test_corpus ... --realtime-impl ENV`` with the
               ci profile, in the Python of that env's tox environment (``.tox/ENV``), on this
               source tree, when that environment exists (plain ``tox`` makes them)
  serial/-n 2  the reference env with pytest-xdist's two workers beside one process, when installed

    python benchmarks/suite.py [ENV ...]        # or: tox -e bench

Goal (issue 14): each parse-level implementation env at most 2 x the reference env's time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from goals import report as report_goals  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PARSE_LEVEL = ["conformance.suite.test_corpus", "conformance.suite.test_snapshots", "conformance.suite.test_properties", "conformance.suite.test_sessions"]
ENVS = ["reference", "pipecat", "openai", "openai-agents"]


def _python(env: str) -> Path | None:
    python = ROOT / ".tox" / env / "bin" / "python"
    return python if python.exists() else None


def _run(python: Path, env: str, *extra: str) -> tuple[float, str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0", "HYPOTHESIS_PROFILE": "ci"}
    command = [str(python), "-m", "pytest", "-p", "no:cacheprovider", "-q", "--pyargs", *PARSE_LEVEL, "--realtime-impl", env, *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=ROOT / "benchmarks", check=False)
    spent = time.perf_counter() - started
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    return spent, last


def main() -> int:
    envs = sys.argv[1:] or ENVS
    times: dict[str, float] = {}
    for env in envs:
        python = _python(env)
        if python is None:
            print(f"  {env:<15} skipped: .tox/{env} does not exist (run plain tox first)")
            continue
        times[env], last = _run(python, env)
        print(f"  {env:<15} {times[env]:7.1f} s   {last}")
    goals = []
    if "reference" in times:
        for env, spent in times.items():
            if env != "reference":
                ratio = spent / times["reference"]
                goals.append((f"{env}: {ratio:.2f} x the reference env's time on the same checks (goal <= 2.00)", ratio <= 2.0))
        python = _python("reference")
        xdist = subprocess.run([str(python), "-c", "import xdist"], capture_output=True, check=False).returncode == 0 if python else False
        if xdist:
            parallel, last = _run(python, "reference", "-n", "2")  # type: ignore[arg-type]
            print(f"  reference -n 2  {parallel:7.1f} s   {last}   ({times['reference'] / parallel:.2f} x one process)")
    report_goals(goals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
