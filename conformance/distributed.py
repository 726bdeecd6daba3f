"""Judging an archive of recordings larger than one machine handles, with Dask.

    pip install 'realtime-conformance[distributed]'
    python -m conformance.distributed ARCHIVE --out RESULTS                  # a local cluster
    python -m conformance.distributed ARCHIVE --out RESULTS --scheduler tcp://scheduler:8786

The archive is a directory of ``.jsonl`` (and ``.json``) recordings, partitioned into
subdirectories however it was collected (per day, per customer). A ``dask.bag`` over its files maps
:func:`judge_file` — a plain, picklable function — onto the cluster's workers; each writes one result
file per input file, ``RESULTS/<path in the archive>.json``, in exactly the shape
``realtime-conformance validate --format json`` prints for that file, and returns its counts. The
archive and the results directory must be reachable from every worker (a shared filesystem, or a
mount of the same bucket). Nothing is gathered in one place but the counts, so the archive can be
as large as the cluster's disks.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import bulk, payloads


def judge_file(path: str, *, archive: str, results: str, direction: str = "auto", dialect: str | None = None) -> dict[str, Any]:
    """Judge one recording and write its result file; returns where, and its verdicts counted."""
    source = Path(path)
    target = Path(results) / (str(source.relative_to(archive)) + ".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        counts = bulk.validate([source], out, direction=direction, fmt="json", dialect=dialect)
    partial.replace(target)  # a result file is whole or absent, even if a worker dies mid-file
    return {"path": path, "result": str(target), "events": sum(counts.values()), "verdicts": dict(counts)}


def judge_archive(archive: str | Path, results: str | Path, *, scheduler: Any = None, direction: str = "auto", dialect: str | None = None,
                  partitions: int | None = None) -> list[dict[str, Any]]:
    """Judge every recording under ``archive`` on a Dask cluster (``scheduler``: a
    ``distributed.Client``, its address, or a Dask scheduler name; ``None``: Dask's default), one
    result file each under ``results``; returns what :func:`judge_file` returned, in file order."""
    import dask
    import dask.bag as db

    archive = Path(archive).resolve()
    files = [str(path) for path in payloads.expand([archive])]
    if not files:
        return []
    bag = db.from_sequence(files, npartitions=partitions or min(len(files), 256))
    judged = bag.map(judge_file, archive=str(archive), results=str(Path(results).resolve()), direction=direction, dialect=dialect)
    if isinstance(scheduler, str) and "://" in scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            return list(judged.compute(scheduler=client))
    if scheduler is not None:
        return list(judged.compute(scheduler=scheduler))
    with dask.config.set(scheduler="processes"):
        return list(judged.compute())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.distributed", description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path, help="a directory of .jsonl/.json recordings, in subdirectories or not")
    parser.add_argument("--out", type=Path, required=True, help="where the result files go: <out>/<path in the archive>.json")
    parser.add_argument("--scheduler", help="a Dask scheduler address (tcp://host:8786); default: a local cluster of one worker per core")
    parser.add_argument("--direction", choices=("client", "server", "auto"), default="auto")
    parser.add_argument("--dialect", default=None)
    args = parser.parse_args(argv)
    if not args.archive.is_dir():
        parser.error(f"not a directory: {args.archive}")
    if args.scheduler:
        found = judge_archive(args.archive, args.out, scheduler=args.scheduler, direction=args.direction, dialect=args.dialect)
    else:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster, Client(cluster) as client:
            found = judge_archive(args.archive, args.out, scheduler=client, direction=args.direction, dialect=args.dialect)
    totals: Counter[str] = Counter()
    for entry in found:
        totals.update(entry["verdicts"])
    print(f"{len(found)} files, {sum(totals.values())} events: " + ", ".join(f"{n} {verdict}" for verdict, n in sorted(totals.items())))
    return 0 if totals and totals["valid"] == sum(totals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
