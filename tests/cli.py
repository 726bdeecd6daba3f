"""Running the real command in a subprocess, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Far above any honest run; a command that takes this long is hanging.
TIMEOUT_SECONDS = 120


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run(*args: str | Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "conformance", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    return Run(done.returncode, done.stdout, done.stderr)
