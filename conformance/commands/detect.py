"""``realtime-conformance detect PATH...``: which dialect a recorded stream or a folder of payloads
speaks, with its confidence and the evidence, and whether it mixes dialects (:mod:`conformance.detect`)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from . import EXIT_FAILED, EXIT_OK, add_max_line_bytes, paths


def register(commands: Any) -> None:
    detect = commands.add_parser(
        "detect",
        help="name the protocol dialect of recorded streams or folders of payloads",
        description="Judge every event under every dialect (ga, beta, azure-preview, xai, inworld) and name the dialect each "
        "input speaks, with its confidence and the events that decided it (line and reason). A .jsonl stream or transcript is "
        "one input; a folder gives one result per .jsonl stream in it and one for its .json payloads together. A stream whose "
        "events need more than one dialect is mixed: the dialect that fits most of it is named, and mixed lists the others. "
        "Exit status: 0 when one dialect is detected for every input, 1 when an input is mixed or undecided, 2 for usage errors.",
    )
    detect.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    detect.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_max_line_bytes(detect)
    detect.set_defaults(run=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..detect import detect_path, dumps, to_text

    unreadable = paths.problems(args.paths)
    if unreadable:
        parser.error(unreadable)
    detections = [detection for path in args.paths for detection in detect_path(path, args.max_line_bytes)]
    if args.format == "json":
        sys.stdout.write(dumps(detections) + "\n")
    else:
        for detection in detections:
            # One output line per line of text: a newline in a file name is shown escaped.
            evidence = [dataclasses.replace(piece, reason=paths.shown(piece.reason)) for piece in detection.evidence]
            print(to_text(dataclasses.replace(detection, path=paths.shown(detection.path), evidence=evidence)))
    return EXIT_OK if detections and all(detection.decided for detection in detections) else EXIT_FAILED
