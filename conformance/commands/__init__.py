"""The ``realtime-conformance`` subcommands, one module each.

Every module has ``register(commands)``, which adds its subparser and sets ``run(args, parser) ->
exit status`` as the parser's default. :data:`MODULES` lists them in the order ``--help`` shows.
"""

import argparse
import os

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def jobs(text: str) -> int:
    """``--jobs N`` (argparse ``type``): N processes, 0 for one per core."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if count < 0:
        raise argparse.ArgumentTypeError("--jobs must be 0 (one per core) or more")
    return count or os.cpu_count() or 1


def add_max_line_bytes(parser: argparse.ArgumentParser) -> None:
    """``--max-line-bytes``: the file commands hold no longer line in memory."""
    from ..lines import MAX_LINE_BYTES, limit_of

    parser.add_argument("--max-line-bytes", type=limit_of, default=MAX_LINE_BYTES, metavar="N",
                        help="the longest line (or .json document) read, in bytes, with an optional K, M or G; a longer one is skipped "
                        f"unread and gets a not-json verdict of its own, and the run goes on (default: {MAX_LINE_BYTES >> 20}M)")


MODULES: tuple[str, ...] = ("validate", "schema", "baseline", "matrix", "fixture", "report", "serve", "probe", "proxy", "session", "record", "detect")
