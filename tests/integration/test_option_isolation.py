"""--isolation: an in-process (Python) adapter runs in a worker process by default, so that what it
does to its process — exit, crash, hang, leave a thread or a child running, print without end — costs
the check in flight and nothing else (issue 21.7). ``--isolation none`` keeps the old behaviour, which
the first test shows is what the worker protects against."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from .conftest import outcomes, write_adapter

#: speech-started's parse misbehaves; the unknown-type checks after it must still be judged.
SELECTION = "corpus/speech-started/ or unknown-type-xai-ping"
LATER = ("corpus/unknown-type-xai-ping/tolerates-unknown-type", "corpus/unknown-type-xai-ping/not-typed-as-known-event")

MISBEHAVES = """
import ctypes, os, sys, threading, time
from conformance.implementations.reference.adapter import ReferenceAdapter

LOCK = threading.Lock()  # a library stuck inside holds its locks: the next call waits for it too

class Adapter(ReferenceAdapter):
    name = "misbehaves"

    def parse(self, direction, text):
        with LOCK:
            if "speech_started" in text:
                {action}
            return super().parse(direction, text)
"""

ACTIONS = {
    "exits": "os._exit(3)",
    "segfaults": "ctypes.string_at(0)",
    "hangs": "time.sleep(600)",
    "prints-without-end": "sys.stdout.write('x' * 50_000_000); sys.stdout.flush(); sys.stderr.write('y' * 50_000_000); raise ValueError('printed')",
}


def misbehaving(pytester: pytest.Pytester, action: str) -> str:
    return write_adapter(pytester, MISBEHAVES.format(action=ACTIONS[action]))


@pytest.mark.parametrize("action", ["exits", "segfaults", "hangs", "prints-without-end"])
def test_a_check_whose_call_brings_the_worker_down_fails_and_the_run_goes_on(run_suite, pytester, action: str) -> None:
    result, report = run_suite("--realtime-impl", misbehaving(pytester, action), "--call-timeout", "3", selection=SELECTION)
    assert report is not None, result.stdout.str()[-2000:]
    found = outcomes(report)
    assert found["corpus/speech-started/parses"] == "fail"
    assert all(found[check] == "pass" for check in LATER), found  # the worker was started again
    assert len(result.stdout.str()) + len(result.stderr.str()) < 2_000_000  # what it printed stays bounded


def test_without_isolation_an_exit_in_the_adapter_ends_the_run_with_no_report(run_suite, pytester) -> None:
    result, report = run_suite("--realtime-impl", misbehaving(pytester, "exits"), "--isolation", "none", selection=SELECTION)
    assert report is None and result.ret == 3


LEAVES_THINGS_RUNNING = """
import os, threading, time
from conformance.implementations.reference.adapter import ReferenceAdapter

MARKER = {marker!r}

class Adapter(ReferenceAdapter):
    name = "leaves-things-running"

    def __init__(self):
        super().__init__()
        threading.Thread(target=time.sleep, args=(600,), daemon=False).start()  # pytest would wait for it
        if os.fork() == 0:  # a child that would outlive the run
            os.execlp("sleep", "sleep", "600", MARKER)
"""


def test_a_thread_or_a_child_the_adapter_leaves_running_is_gone_when_the_run_ends(run_suite, pytester, tmp_path: Path) -> None:
    marker = f"conformance-marker-{os.getpid()}-{tmp_path.name}"
    result, report = run_suite("--realtime-impl", write_adapter(pytester, LEAVES_THINGS_RUNNING.format(marker=marker)), selection="corpus/speech-started/")
    assert report is not None and result.ret == 0, result.stdout.str()[-2000:]
    assert not _processes_with(marker), "the adapter's child outlived the run"


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    for pid in found:  # never leave them behind, whatever the assertion says
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0)  # nothing to wait for: SIGKILL is immediate
    return found
