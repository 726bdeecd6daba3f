"""``@openai/agents-realtime`` (npm) on the wire, through a Node driver process:
``harnesses/js-agents-realtime/wire-driver.mjs``, in the same npm project as the parse-level harness
(found the same way, :func:`conformance.adapters.stdio.harness_directory`).

Each application session is one driver process: started when the scenario's client is made, told
what to do in JSON lines on its stdin (``connect``, ``send_text``, ``interrupt``, ``close``), and
reporting what the application sees on its stdout as it happens. A process that exits mid-session
(a crash) or does not answer a command in time (a hang, then it is killed with its process group)
fails that scenario only: the next scenario starts a new process. Nothing outlives its scenario —
:meth:`DriverClient.close` ends the process, by force when it does not exit by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from typing import Any

from ...adapters.wire import ClientCrashed, Settings, WireAdapter, WireClient

#: How long one command may take before the driver counts as hanging.
COMMAND_TIMEOUT = 10.0
#: How long the driver may take to start and load the package.
START_TIMEOUT = 30.0
#: How long it may take to exit once told to close.
EXIT_TIMEOUT = 3.0


class DriverProcess:
    """A driver process: requests out, replies and observations in (a reader thread per stream)."""

    def __init__(self, command: list[str], cwd: str, client: WireClient, command_timeout: float = COMMAND_TIMEOUT) -> None:
        self.client = client
        self.command_timeout = command_timeout
        self.process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1, start_new_session=True
        )
        self.replies: dict[int, dict[str, Any]] = {}
        self.ready = threading.Event()
        self.version = "unknown"
        self.stderr: deque[str] = deque(maxlen=40)
        self.ids = itertools.count(1)
        self.killed = False
        self.threads = [threading.Thread(target=self._read_stdout, daemon=True), threading.Thread(target=self._read_stderr, daemon=True)]
        for thread in self.threads:
            thread.start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                self.stderr.append(f"(stdout, not JSON) {line.rstrip()[:200]}")
                continue
            if "seen" in message:
                seen = dict(message["seen"])
                self.client.saw(seen.pop("kind", "event"), **seen)
            elif message.get("ready"):
                self.version = str(message.get("version", "unknown"))
                self.ready.set()
            elif isinstance(message.get("id"), int):
                self.replies[message["id"]] = message

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.rstrip()[:300])

    def gone(self) -> str | None:
        code = self.process.poll()
        if code is None:
            return None
        tail = " ⏎ ".join(list(self.stderr)[-5:])
        return f"the driver process exited with code {code}" + (f" [stderr: {tail}]" if tail else "")

    async def request(self, cmd: str, timeout: float | None = None, **fields: Any) -> dict[str, Any]:
        timeout = self.command_timeout if timeout is None else timeout
        number = next(self.ids)
        if self.gone():
            raise ClientCrashed(self.gone())
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({"id": number, "cmd": cmd, **fields}) + "\n")
            self.process.stdin.flush()
        except OSError as error:
            raise ClientCrashed(self.gone() or f"the driver process's stdin is closed ({error})") from error
        deadline = time.monotonic() + timeout
        while number not in self.replies:
            if self.gone():
                raise ClientCrashed(self.gone())
            if time.monotonic() > deadline:
                self.kill()
                raise ClientCrashed(f"the driver process did not answer {cmd!r} within {timeout:g} s (hanging); it was killed")
            await asyncio.sleep(0.01)
        reply = self.replies.pop(number)
        if "error" in reply:
            raise RuntimeError(str(reply["error"]))
        return reply

    def kill(self) -> None:
        if self.process.poll() is None:
            self.killed = True
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)

    def finish(self, grace: float) -> bool:
        """Close stdin and let it exit; kill it after ``grace`` seconds. True when it exited by itself."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(grace)
            exited = True
        except subprocess.TimeoutExpired:
            self.kill()
            exited = False
        for thread in self.threads:
            thread.join(2)
        for stream in (self.process.stdout, self.process.stderr):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        return exited


class DriverClient(WireClient):
    """A wire client in another language: a driver process speaking the JSON-lines protocol of
    ``harnesses/js-agents-realtime/wire-driver.mjs``."""

    def __init__(self, command: list[str], cwd: str, command_timeout: float = COMMAND_TIMEOUT) -> None:
        super().__init__()
        self.driver = DriverProcess(command, cwd, self, command_timeout)
        self.left: list[str] = []
        self.finished = False

    async def connect(self, url: str, settings: Settings) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not self.driver.ready.is_set():
            if self.driver.gone():
                raise ClientCrashed(self.driver.gone())
            if time.monotonic() > deadline:
                self.driver.kill()
                raise ClientCrashed(f"the driver process did not start within {START_TIMEOUT:g} s")
            await asyncio.sleep(0.01)
        await self.driver.request("connect", url=url, settings=settings.to_json())

    async def send_text(self, text: str) -> None:
        await self.driver.request("send_text", text=text)

    async def interrupt(self) -> None:
        await self.driver.request("interrupt")

    async def close(self) -> None:
        if self.finished:
            return
        self.finished = True
        try:
            if not self.driver.gone():
                await self.driver.request("close", timeout=EXIT_TIMEOUT)
                await asyncio.sleep(0.2)  # let the close frame go out before stdin closes
        finally:
            exited = await asyncio.to_thread(self.driver.finish, EXIT_TIMEOUT)
            if not exited:
                self.left.append("the driver process, which did not exit after the session closed (killed)")

    def alive(self) -> bool | None:
        return not self.driver.gone() and not any(seen.kind == "closed" for seen in self.seen)

    def crashed(self) -> str | None:
        if self.driver.killed and not self.finished:
            return "the driver process was killed after hanging"
        return self.driver.gone() if not self.finished else None

    def leftovers(self) -> list[str]:
        return list(self.left)


class AgentsRealtimeJSWireAdapter(WireAdapter):
    name = "agents-realtime-js"
    language = "javascript"

    def __init__(self) -> None:
        from ...adapters.stdio import harness_directory

        self.directory = harness_directory("js-agents-realtime", name=self.name)
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("the agents-realtime-js wire driver needs Node.js (node) on PATH")
        self.command = [node, str(self.directory / "wire-driver.mjs")]

    @property
    def version(self) -> str:
        try:
            return json.loads((self.directory / "node_modules" / "@openai" / "agents-realtime" / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            return "unknown"

    def client(self) -> WireClient:
        return DriverClient(self.command, str(self.directory))
