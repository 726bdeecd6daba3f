"""The pre-commit hook (``.pre-commit-hooks.yaml``): its ``files`` pattern picks recordings and
fixtures and leaves other JSON alone, and its ``entry`` runs, as pre-commit runs it (the entry,
then the matching files), passing valid events and failing invalid ones with file and line."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def hook_field(name: str) -> str:
    """One scalar field of the (single) hook, read from the YAML text (no YAML parser is a
    dependency of the suite; the fields are plain scalars)."""
    found = re.search(rf"^  {name}: (.+)$", HOOKS.read_text(), re.MULTILINE)
    assert found, f"{HOOKS} has no {name}"
    return found[1].strip()


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("recordings/turn.jsonl", True),
        ("tests/recordings/2025/turn.json", True),
        ("transcripts/barge-in.jsonl", True),
        ("realtime-fixtures/speech-started.json", True),
        ("tests/realtime_recordings/a.jsonl", True),
        ("tests/fixtures/realtime/response-done.json", True),
        ("package.json", False),
        ("tests/fixtures/users.json", False),  # other fixtures: not ours to judge
        ("recordings/notes.txt", False),
        ("myrecordings/turn.jsonl", False),
    ],
)
def test_files_picks_recordings_and_fixtures_only(path: str, matched: bool) -> None:
    assert bool(re.search(hook_field("files"), path)) is matched


def test_the_entry_runs_on_what_the_pattern_picks(tmp_path: Path) -> None:
    entry = shlex.split(hook_field("entry"))
    assert entry[0] == "realtime-conformance" and hook_field("language") == "python"
    executable = shutil.which(entry[0], path=str(Path(sys.executable).parent)) or shutil.which(entry[0])
    assert executable, "the realtime-conformance command is not installed beside this Python"
    (tmp_path / "recordings").mkdir()
    good = tmp_path / "recordings" / "turn.jsonl"
    good.write_text(json.dumps({"type": "input_audio_buffer.cleared", "event_id": "event_1"}) + "\n")
    done = subprocess.run([executable, *entry[1:], "recordings/turn.jsonl"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "recordings" / "bad.jsonl"
    bad.write_text(good.read_text() + json.dumps({"type": "input_audio_buffer.speech_started", "event_id": "e", "audio_start_ms": "1000", "item_id": "i"}) + "\n")
    done = subprocess.run([executable, *entry[1:], "recordings/turn.jsonl", "recordings/bad.jsonl"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "recordings/bad.jsonl:2" in done.stdout and "$.audio_start_ms" in done.stdout
