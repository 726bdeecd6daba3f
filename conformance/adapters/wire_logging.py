"""What a library logs at warning level or above, as the application's ``log`` observations: a
library that logs an error it met has not swallowed it without a trace."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any


class LogCapture(logging.Handler):
    """Attached to the library's loggers from :meth:`start` to :meth:`stop` (one scenario)."""

    def __init__(self, client: Any, loggers: Sequence[str]) -> None:
        super().__init__(level=logging.WARNING)
        self.client = client
        self.loggers = [logging.getLogger(name) for name in loggers]

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is still a log line
            message = str(record.msg)
        self.client.saw("log", level=record.levelname, message=message[:300])

    def start(self) -> None:
        for logger in self.loggers:
            logger.addHandler(self)

    def stop(self) -> None:
        for logger in self.loggers:
            logger.removeHandler(self)
