"""One line per refused WebSocket handshake: no traceback, no credential.

websockets logs a failed opening handshake at ERROR with a traceback, and the exception's message
carries what the client sent: the request line with its query (``?api_key=…``), a header's value
(a key offered as a subprotocol). :class:`LiveServer <.server.LiveServer>` gives websockets
:class:`RefusalLog` instead, which says in one line who was refused and why, the why cut before any
value the client sent (``InvalidHeaderFormat: invalid Sec-WebSocket-Protocol header``) and scrubbed
by the credential scanner besides. A refusal by the server's own gate (a wrong path, no credential)
is one such line too. Lines go to the ``conformance.live`` logger at WARNING, which Python prints
on stderr when nothing else is configured (``serve``, ``record``).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from ..credentials import scrub

LOGGER = logging.getLogger("conformance.live")
#: How many causes of a failed handshake the line names (websockets wraps the parser's error once).
_CAUSES = 3


def peer(connection: Any) -> str:
    """``host:port`` of the client, or ``a client`` when the socket no longer says."""
    try:
        address = connection.remote_address
    except Exception:  # noqa: BLE001 - a closed transport may not answer
        address = None
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return "a client"


def why(error: BaseException | None) -> str:
    """What was wrong, from the exception and its causes, each cut before any value it quotes."""
    parts = []
    while error is not None and len(parts) < _CAUSES:
        words = str(error).partition(":")[0].strip()
        parts.append(f"{type(error).__name__}: {words}" if words else type(error).__name__)
        error = error.__cause__
    return scrub(" (caused by ".join(parts) + ")" * (len(parts) - 1)) if parts else "no reason given"


def refused(connection: Any, reason: str) -> None:
    """Log one refused handshake."""
    LOGGER.warning("refused a WebSocket handshake from %s: %s", peer(connection), scrub(reason))


class RefusalLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """The logger websockets' server gets: a failed handshake (or any other error it reports)
    becomes one line without a traceback; what it says below WARNING is dropped."""

    def __init__(self) -> None:
        super().__init__(LOGGER, {})

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 - logging's name
        return level >= logging.WARNING and LOGGER.isEnabledFor(level)

    def log(self, level: int, msg: object, *args: object, exc_info: Any = None, extra: Any = None, **_: Any) -> None:
        if not self.isEnabledFor(level):
            return
        error = sys.exc_info()[1] if exc_info is True else exc_info if isinstance(exc_info, BaseException) else None
        connection = (extra or {}).get("websocket")
        if str(msg).startswith("opening handshake failed"):
            refused(connection, why(error))
            return
        text = scrub(str(msg) % args if args else str(msg))
        LOGGER.log(level, "%s (%s)%s", text, peer(connection), f": {why(error)}" if error else "")
