"""Running the live commands as a user does, and what a hostile peer sends them (the redaction
corpus and the hostile-peer tests share these)."""

from __future__ import annotations

import base64
import json
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from websockets.datastructures import Headers
from websockets.http11 import Response

from conformance.live.server import Connection, LiveServer

from . import secret_forms as planted


def written(path: Path) -> str:
    """Everything in a file or folder the command wrote, binary frames of transcripts decoded."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    parts = []
    for file in files:
        text = file.read_text(encoding="utf-8", errors="replace")
        parts.append(text)
        for line in text.splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("binary"), str):
                parts.append(base64.b64decode(value["binary"]).decode("latin-1"))
    return "\n".join(parts)


@contextmanager
def started(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    """Start the command, wait (bounded) for its first line; yields (process, first line, [stdout
    rest, stderr] once stopped). Always stopped (SIGINT, then kill) and reaped."""
    child = subprocess.Popen([sys.executable, "-m", "conformance", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(child.stdout.readline() if child.stdout else ""))
    reader.start()
    reader.join(30)
    rest: list[str] = []
    try:
        assert first and first[0], "the command printed nothing within 30 s"
        yield child, first[0], rest
    finally:
        child.send_signal(signal.SIGINT)
        try:
            rest.extend(child.communicate(timeout=20))
        except subprocess.TimeoutExpired:
            child.kill()
            rest.extend(child.communicate(timeout=10))


def bad_handshakes(port: int) -> None:
    """Handshakes a server must refuse, each carrying a credential where websockets would quote it."""
    requests = [
        f"GET /v1/realtime?model=m&api_key={planted.URL_API_KEY} HTTP/1.0\r\nHost: x\r\n\r\n",
        f"GET /v1/realtime?key={planted.URL_KEY} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {planted.BEARER_TOKEN}\r\n"
        f"Sec-WebSocket-Protocol: realtime, openai-insecure-api-key.{planted.MEMBERS['password']}, @@\r\n\r\n",
        f"{planted.OPENAI_KEY} nonsense\r\n\r\n",
    ]
    for request in requests:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(request.encode())
            raw.settimeout(5)
            try:
                while raw.recv(4096):
                    pass
            except OSError:
                pass


async def _closes(connection: Connection) -> None:
    await connection.close()


class RedirectsToHttp(LiveServer):
    """Answers every handshake with a redirect to an http:// URL carrying the credentials."""

    def __init__(self, location: str) -> None:
        super().__init__(_closes)
        self.location = location

    def _process_request(self, connection: object, request: object) -> Response:
        return Response(302, "Found", Headers({"Location": self.location, "Content-Length": "0"}), b"")
