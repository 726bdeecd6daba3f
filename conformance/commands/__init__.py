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

MODULES: tuple[str, ...] = ("validate", "schema", "baseline", "matrix", "fixture", "report", "serve", "probe", "proxy", "session", "record", "detect")
