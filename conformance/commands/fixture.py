"""``realtime-conformance fixture``: grow the corpus (``fixture add``) and report what captured
payloads show that the spec does not say (``fixture drift``).

``fixture add PATH`` turns a payload file, a ``.jsonl`` of events or a transcript into fixtures
(see :mod:`conformance.corpus.add`). Metadata comes from options; on a terminal, what is missing is
asked for; without one (a script, CI) a missing field is a usage error, never a hang. The corpus and
the id registry default to the repository's and can be redirected with ``--fixtures-root`` /
``--registry`` or the ``CONFORMANCE_FIXTURES_ROOT`` / ``CONFORMANCE_ID_REGISTRY`` environment
variables (tests use a temporary copy).

Exit status: 0 when the fixtures were written (or would be, with ``--dry-run``), 1 when the batch is
refused (a duplicate or retired id, a credential, a verdict that differs from the claim), 2 for
usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from ..corpus import add, hygiene
from ..corpus.fixtures import FIXTURES_ROOT
from ..protocol.names import TRANSPORTS
from ..sessions.transcript import Header
from . import EXIT_FAILED, EXIT_OK, add_max_line_bytes, paths

ROOT_VARIABLE = "CONFORMANCE_FIXTURES_ROOT"
REGISTRY_VARIABLE = "CONFORMANCE_ID_REGISTRY"
_KINDS = ("authored", "documented", "captured")
_VERDICTS = ("valid", "invalid", "unknown-type", "beta-name")


def register(commands: Any) -> None:
    fixture = commands.add_parser(
        "fixture",
        help="add payloads to the corpus; report what captures show beyond the spec",
        description="Grow and inspect the fixture corpus.",
    )
    actions = fixture.add_subparsers(title="actions", required=True, metavar="ACTION")
    _register_add(actions)
    _register_drift(actions)


def _register_add(actions: Any) -> None:
    parser = actions.add_parser(
        "add",
        help="turn a payload, a .jsonl of events or a transcript into fixtures",
        description="Validate, redact and shorten each event of PATH (.json: one payload; .jsonl: "
        "bare events or a transcript), then write one fixture per event in the corpus layout "
        "(fixtures/<direction>/<event type>/<id>.json) and register the ids. With several events, "
        "--id is a prefix: <id>-<event type>-<n>. Missing metadata is asked for on a terminal and "
        "is a usage error otherwise. Exit status: 0 written, 1 refused (with the reason), 2 usage.",
    )
    parser.add_argument("path", type=Path, metavar="PATH")
    meta = parser.add_argument_group("metadata")
    meta.add_argument("--id", help="the fixture id (a prefix when PATH holds several events)")
    meta.add_argument("--description", help="one line; with several events it may use {type}, {n} and {line}")
    meta.add_argument("--provenance-kind", choices=_KINDS, help="authored, documented or captured")
    meta.add_argument("--source", help="how the payload was obtained, in a sentence")
    meta.add_argument("--url", help="where the source is public (with a commit, or give --published)")
    meta.add_argument("--no-url", action="store_true", help="the source is not public (a local recording)")
    meta.add_argument("--published", metavar="YYYY-MM-DD", help="when the source published it")
    meta.add_argument("--retrieved", metavar="YYYY-MM-DD", help="when the source was read")
    meta.add_argument("--server", help="which server sent it, as the source says")
    meta.add_argument("--model", help="the model of the session, as the source says")
    meta.add_argument("--capture-method", help="how it was recorded (a frame log; a logger that re-serializes ...)")
    meta.add_argument("--alteration", action="append", default=[], help="a way it differs from the wire (repeatable); redaction and shortening are added for you")
    meta.add_argument("--expect", choices=_VERDICTS, help="the verdict you claim (default: the reference's); a different one is refused")
    meta.add_argument("--reason", help="why the payload is not valid (required when the reference finds it invalid)")
    meta.add_argument("--level", choices=("MUST", "SHOULD", "INFO"), help="requirement level (default: MUST, SHOULD for invalid)")
    which = parser.add_argument_group("which events")
    which.add_argument("--direction", choices=("client", "server", "auto"), default="auto", help="who sent them (default: a transcript's dir, else by type)")
    which.add_argument("--only", action="append", metavar="TYPE", help="only events of this type (repeatable)")
    which.add_argument("--lines", metavar="LIST", help="only these lines of a .jsonl, e.g. 3,5-9")
    where = parser.add_argument_group("where")
    where.add_argument("--fixtures-root", type=Path, help=f"the corpus directory (default: ${ROOT_VARIABLE} or the repository's fixtures/)")
    where.add_argument("--registry", type=Path, help=f"the id registry (default: ${REGISTRY_VARIABLE} or conformance/data/ids.json)")
    where.add_argument("--dry-run", action="store_true", help="check and show what would be written; write nothing")
    session = parser.add_argument_group("keeping a transcript whole (for the session corpus)")
    session.add_argument("--session-out", type=Path, metavar="FILE", help="write PATH whole as one transcript here instead of fixtures (not registered)")
    session.add_argument("--transport", choices=TRANSPORTS, default="websocket", help="the session's transport (default websocket)")
    session.add_argument("--excerpt", action="store_true", help="the transcript starts or ends mid-session")
    session.add_argument("--notes", help="free text for the transcript header")
    add_max_line_bytes(parser)
    parser.set_defaults(run=run_add)


def _register_drift(actions: Any) -> None:
    parser = actions.add_parser(
        "drift",
        help="what captured payloads show that the spec does not say",
        description="From the captured server fixtures: undocumented members, nulls where the spec "
        "says non-nullable, and values outside the spec's enums, each with how many distinct "
        "sources show it. Exit status 0.",
    )
    parser.add_argument("--fixtures-root", type=Path, help=f"the corpus directory (default: ${ROOT_VARIABLE} or the repository's fixtures/)")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.set_defaults(run=run_drift)


# --- add ----------------------------------------------------------------------------------------


def run_add(args: argparse.Namespace, parser: argparse.ArgumentParser, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    stdin, out = stdin or sys.stdin, out or sys.stdout
    unreadable = paths.problems([args.path])
    if unreadable or args.path.is_dir():
        parser.error(unreadable or f"{paths.shown(args.path)}: a directory; give one payload, .jsonl or transcript file")
    if args.url and args.no_url:
        parser.error("--url and --no-url exclude each other")
    root = args.fixtures_root or Path(os.environ.get(ROOT_VARIABLE) or FIXTURES_ROOT)
    registry_path = args.registry or Path(os.environ.get(REGISTRY_VARIABLE) or hygiene.REGISTRY)
    if not args.session_out and not registry_path.is_file():
        parser.error(f"no id registry at {registry_path}")
    try:
        lines = add.parse_lines(args.lines) if args.lines else None
    except ValueError as problem:
        parser.error(f"--lines: {problem}")
    asker = _Asker(args, parser, stdin, out)
    try:
        if args.session_out:
            return _keep_session(args, asker, out)
        events = add.select(add.read_events(args.path, args.max_line_bytes), args.only, lines)
        prepared = [add.prepare(event, args.direction) for event in events]
        for item in prepared:
            out.write(f"{_shown(item.event.where, args)}  {item.event_type or '-'}  {item.verdict.verdict}\n")
        needs_reason = any(p.verdict.verdict != "valid" and not add.default_reason(p.verdict) for p in prepared)
        meta = add.Metadata(
            id=asker.get("id", "fixture id (a prefix for several events)"),
            description=asker.get("description", "one-line description"),
            provenance=_provenance(args, asker),
            expect=args.expect,
            reason=asker.get("reason", "why it is not valid") if needs_reason and args.expect != "valid" else args.reason,
            level=args.level,
        )
        planned = add.plan(prepared, meta, root, hygiene.load_registry(registry_path))
        if not args.dry_run:
            add.write(planned, registry_path)
    except add.Refused as why:
        sys.stderr.write(f"refused: {_shown(str(why), args)}\n")
        return EXIT_FAILED
    verb = "would write" if args.dry_run else "wrote"
    for item in planned:
        out.write(f"{verb} {paths.shown(item.path)}  ({item.fixture.expect.verdict})\n")
        for alteration in item.fixture.provenance.alterations or []:
            out.write(f"    altered: {alteration}\n")
    out.write(f"{len(planned)} fixture{'s' if len(planned) != 1 else ''} {verb.split()[-1] if args.dry_run else 'written'}; ids {'not ' if args.dry_run else ''}registered in {paths.shown(registry_path)}\n")
    return EXIT_OK


def _shown(text: str, args: argparse.Namespace) -> str:
    """``text`` with the input file's name shown escaped (a newline in it would forge a line)."""
    return text.replace(str(args.path), paths.shown(args.path))


def _keep_session(args: argparse.Namespace, asker: _Asker, out: TextIO) -> int:
    header = Header(
        id=asker.get("id", "session id"),
        description=asker.get("description", "one-line description"),
        transport=args.transport,
        excerpt=args.excerpt,
        provenance=add.Provenance.model_validate(_provenance(args, asker)),
        notes=args.notes,
    )
    if args.dry_run:
        out.write(f"would write {paths.shown(args.session_out)}\n")
        return EXIT_OK
    frames, alterations = add.write_session(args.session_out, args.path, header, max_line=args.max_line_bytes)
    out.write(f"wrote {paths.shown(args.session_out)}: {frames} frames\n")
    for alteration in alterations:
        out.write(f"    altered: {alteration}\n")
    return EXIT_OK


def _provenance(args: argparse.Namespace, asker: _Asker) -> dict[str, Any]:
    kind = asker.get("provenance_kind", f"provenance kind ({', '.join(_KINDS)})", choices=_KINDS)
    source = asker.get("source", "source (how the payload was obtained)")
    url = args.url
    if url is None and not args.no_url and kind != "authored":
        url = asker.get("url", "URL where it is public (with a commit or date)")
    return add.provenance_fields(
        {
            "kind": kind,
            "source": source,
            "url": url,
            "published": args.published,
            "retrieved": args.retrieved,
            "server": args.server,
            "model": args.model,
            "capture_method": args.capture_method,
            "alterations": args.alteration,
        }
    )


class _Asker:
    """Options first; then, on a terminal only, a prompt; otherwise a usage error naming the option."""

    def __init__(self, args: argparse.Namespace, parser: argparse.ArgumentParser, stdin: TextIO, out: TextIO) -> None:
        self.args, self.parser, self.stdin, self.out = args, parser, stdin, out

    def get(self, name: str, prompt: str, choices: tuple[str, ...] | None = None) -> str:
        value = getattr(self.args, name)
        option = "--" + name.replace("_", "-")
        while not value:
            if not self.stdin.isatty():
                self.parser.error(f"{option} is required (stdin is not a terminal, so it cannot be asked for)")
            self.out.write(f"{prompt}: ")
            self.out.flush()
            answer = self.stdin.readline()
            if not answer:  # end of input: stop asking
                self.parser.error(f"{option} is required")
            value = answer.strip()
            if choices and value not in choices:
                self.out.write(f"one of: {', '.join(choices)}\n")
                value = ""
        if choices and value not in choices:
            self.parser.error(f"{option} must be one of {', '.join(choices)}")
        setattr(self.args, name, value)
        return value


# --- drift --------------------------------------------------------------------------------------


def run_drift(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..corpus import drift, load

    root = args.fixtures_root or Path(os.environ.get(ROOT_VARIABLE) or FIXTURES_ROOT)
    if not root.is_dir():
        parser.error(f"no fixture corpus at {root}")
    fixtures, _ = load(root)
    table = drift.table(fixtures)
    if args.format == "json":
        json.dump([row.as_json() for row in table], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(drift.markdown(table))
    return EXIT_OK

