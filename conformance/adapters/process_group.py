"""A program the suite starts in a process group of its own (a proxy under test): stopped with
everything it started, and its log read back without the secret it was given."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

#: How long a group gets after SIGKILL before the suite goes on without waiting.
KILL_WAIT = 10.0


def stop_group(process: subprocess.Popen[bytes] | subprocess.Popen[str], term_wait: float) -> None:
    """SIGTERM the process's group, SIGKILL it after ``term_wait`` seconds, and reap the process;
    whatever of the group is left then gets SIGKILL too."""
    for signum, wait in ((signal.SIGTERM, term_wait), (signal.SIGKILL, KILL_WAIT)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signum)
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def log_tail(log: Path, secret: str, lines: int = 30) -> str:
    """The last ``lines`` lines of ``log``, with ``secret`` redacted."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]).replace(secret, "REDACTED")
