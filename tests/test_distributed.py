"""Judging a partitioned archive of recordings on a local Dask cluster (two worker processes on
127.0.0.1): one result file per recording, each exactly what ``validate --format json`` prints for
it, hostile lines and an empty file included. Skipped where Dask is not installed (the
``[distributed]`` extra; ``tox -e distributed`` runs it)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

pytest.importorskip("dask.bag", reason="dask is not installed: pip install 'realtime-conformance[distributed]' (tox -e distributed)")
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed: pip install 'realtime-conformance[distributed]'")

from conformance import bulk  # noqa: E402
from conformance.distributed import judge_archive, judge_file, main  # noqa: E402

from .test_cli_jobs import LINES  # noqa: E402


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    for day in ("2026-11-01", "2026-11-02"):
        for customer in ("acme", "globex"):
            folder = root / day / customer
            folder.mkdir(parents=True)
            for index in range(3):
                lines = LINES[index:] + LINES[:index]
                (folder / f"session-{index}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "2026-11-02" / "empty.jsonl").write_text("")
    (root / "2026-11-02" / "one-event.json").write_text(LINES[0])
    return root


def _expected(path: Path) -> str:
    out = io.StringIO()
    bulk.validate([path], out, fmt="json")
    return out.getvalue()


def test_an_archive_is_judged_on_a_local_cluster_one_result_file_each(archive: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        found = judge_archive(archive, results, scheduler=client)
    recordings = sorted(p for p in archive.rglob("*") if p.suffix in (".jsonl", ".json"))
    assert [entry["path"] for entry in found] == [str(p.resolve()) for p in recordings]
    for entry, recording in zip(found, recordings):
        written = Path(entry["result"])
        assert written == (results / recording.relative_to(archive)).resolve().with_name(recording.name + ".json")
        assert written.read_text(encoding="utf-8") == _expected(recording.resolve())
        records = json.loads(written.read_text(encoding="utf-8"))
        assert entry["events"] == len(records)
        assert entry["verdicts"] == {v: sum(r["verdict"] == v for r in records) for v in {r["verdict"] for r in records}}
    assert not list(results.rglob("*.partial"))


def test_the_judge_is_a_plain_function_that_pickles(archive: Path, tmp_path: Path) -> None:
    import pickle

    recording = next(archive.rglob("session-1.jsonl"))
    judge = pickle.loads(pickle.dumps(judge_file))
    entry = judge(str(recording), archive=str(archive), results=str(tmp_path / "out"))
    assert Path(entry["result"]).read_text(encoding="utf-8") == _expected(recording)


def test_the_command_runs_a_local_cluster(archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main([str(archive), "--out", str(tmp_path / "results")])
    assert status == 1  # the recordings hold invalid events
    assert "14 files" in capsys.readouterr().out
    assert len(list((tmp_path / "results").rglob("*.json"))) == 14
