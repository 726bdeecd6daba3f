"""The ``realtime-conformance`` subcommands, one module each.

Every module has ``register(commands)``, which adds its subparser and sets ``run(args, parser) ->
exit status`` as the parser's default. :data:`MODULES` lists them in the order ``--help`` shows.
"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

MODULES: tuple[str, ...] = ("validate", "schema", "baseline", "matrix", "fixture", "report", "serve", "probe", "session", "record", "detect")
