"""The wire part of the harness protocol, from the suite's end: a client library in any language on a
live socket, through a harness process (:mod:`.harness_protocol`).

One application session is one process of the harness's command, so that a crash or a hang stays
within its scenario: started when the scenario's client is made and asked ``start`` (it must declare
the wire part), then told what the application does (``connect``, ``send_text``, ``append_audio``,
``interrupt``, ``close``), while it reports what the application sees as ``seen`` lines as it
happens. A process that exits mid-session (a crash), does not answer a command in time (a hang: it is
killed with its process group) or writes a line outside the protocol fails that scenario only; the
next scenario starts a new process. Nothing outlives its session: :meth:`HarnessWireClient.close`
asks the process to stop, and kills it when it does not.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .adapter import DEFAULT_CALL_TIMEOUT
from .harness_protocol import PROTOCOL_VERSION, Errored, Implementation, ReplyProblem, Started, read_reply, read_seen
from .wire import ClientCrashed, Settings, WireAdapter, WireClient

#: How long the process may take to start and answer ``start`` (Node loading a package is slow on a busy machine).
START_TIMEOUT = 30.0
#: How long it may take to exit once told to stop.
EXIT_TIMEOUT = 3.0
#: Lines of stderr kept, and shown with a crash.
STDERR_LINES = 40
STDERR_SHOWN = 5


class LibraryError(Exception):
    """The harness answered a command with an error reply: the library raised. The application sees it."""


class HarnessSession:
    """One harness process serving one session: requests out; replies and seen lines in (a reader
    thread per stream). ``start`` is sent at once, so that the process boots while the scenario's
    server comes up."""

    def __init__(self, command: Sequence[str], client: WireClient, *, cwd: str | Path | None = None, env: Mapping[str, str] | None = None, timeout: float = DEFAULT_CALL_TIMEOUT) -> None:
        self.client = client
        self.timeout = timeout
        # A session of its own, so that killing its process group also stops what a wrapper started.
        self.process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1, start_new_session=True
        )
        self.replies: dict[int, dict[str, Any]] = {}
        self.stderr: deque[str] = deque(maxlen=STDERR_LINES)
        #: Why the stream is out of step (a line outside the protocol), once it is.
        self.broken: str | None = None
        self.killed = False
        self.ids = itertools.count(1)
        self.threads = [threading.Thread(target=self._read_stdout, daemon=True), threading.Thread(target=self._read_stderr, daemon=True)]
        for thread in self.threads:
            thread.start()
        self._write({"cmd": "start", "id": 0, "version": PROTOCOL_VERSION})

    # --- reading ---------------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                value = json.loads(line)
            except ValueError:
                self._break(f"a line that is not JSON: {line.rstrip()[:120]!r}")
                return
            if isinstance(value, dict) and "seen" in value:
                try:
                    record = read_seen(value)
                except ReplyProblem as problem:
                    self._break(f"a seen line that does not match the harness protocol: {problem}")
                    return
                detail = record.seen.model_dump()
                self.client.saw(detail.pop("kind"), **detail)
            elif isinstance(value, dict) and isinstance(value.get("id"), int) and not isinstance(value.get("id"), bool):
                self.replies[value["id"]] = value
            else:
                self._break(f"a line that is neither a reply nor a seen line: {line.rstrip()[:120]!r}")
                return

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.rstrip()[:300])

    def _break(self, why: str) -> None:
        """The stream is out of step: nothing it says can be trusted any more."""
        self.broken = f"the harness wrote {why}"
        self.kill()

    # --- state -----------------------------------------------------------------------------------

    def gone(self) -> str | None:
        """Why the session cannot go on (the process exited, or broke the protocol), or ``None``."""
        if self.broken:
            return self.broken
        code = self.process.poll()
        if code is None:
            return None
        return f"the harness process exited with code {code}" + self.stderr_tail()

    def stderr_tail(self) -> str:
        tail = " ⏎ ".join(list(self.stderr)[-STDERR_SHOWN:])
        return f" [stderr: {tail}]" if tail else ""

    # --- requests --------------------------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError):
            pass  # it is gone: the reader, or the next wait, says why

    async def started(self, timeout: float = START_TIMEOUT) -> Started:
        """The start reply, which must declare the wire part."""
        reply = await self._reply(0, "start", timeout)
        assert isinstance(reply, Started)
        if reply.implementation.wire is None:
            self.kill()
            raise ClientCrashed(f"the harness answered start without a wire part (protocol version {reply.version})")
        return reply

    async def request(self, cmd: str, timeout: float | None = None, **fields: Any) -> Any:
        number = next(self.ids)
        if self.gone():
            raise ClientCrashed(self.gone())
        self._write({"cmd": cmd, "id": number, **fields})
        return await self._reply(number, cmd, self.timeout if timeout is None else timeout)

    async def _reply(self, number: int, cmd: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while number not in self.replies:
            if self.gone():
                raise ClientCrashed(f"{self.gone()} (during {cmd})")
            if time.monotonic() > deadline:
                self.kill()
                raise ClientCrashed(f"the harness did not answer {cmd!r} within {timeout:g} s (hanging); it was killed{self.stderr_tail()}")
            await asyncio.sleep(0.01)
        try:
            reply = read_reply(cmd, self.replies.pop(number))
        except ReplyProblem as problem:
            self._break(f"a reply to {cmd} that does not match the harness protocol: {problem}")
            raise ClientCrashed(self.broken) from None
        if isinstance(reply, Errored):
            raise LibraryError(reply.error.message)
        return reply

    # --- ending ----------------------------------------------------------------------------------

    def kill(self) -> None:
        if self.process.poll() is None:
            self.killed = True
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)

    def finish(self, grace: float) -> bool:
        """Ask it to stop, close its stdin, and kill it after ``grace`` seconds. True when it exited by itself."""
        self._write({"cmd": "stop", "id": next(self.ids)})
        with contextlib.suppress(OSError, ValueError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(grace)
            exited = not self.killed
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


class HarnessWireClient(WireClient):
    """One application session in a harness process."""

    def __init__(self, command: Sequence[str], *, cwd: str | Path | None = None, env: Mapping[str, str] | None = None, timeout: float = DEFAULT_CALL_TIMEOUT, start_timeout: float = START_TIMEOUT) -> None:
        super().__init__()
        self.session = HarnessSession(command, self, cwd=cwd, env=env, timeout=timeout)
        self.start_timeout = start_timeout
        self.left: list[str] = []
        self.finished = False

    async def connect(self, url: str, settings: Settings) -> None:
        await self.session.started(self.start_timeout)
        await self.session.request("connect", url=url, settings=settings.to_json())

    async def send_text(self, text: str) -> None:
        await self.session.request("send_text", text=text)

    async def append_audio(self, pcm: bytes) -> None:
        await self.session.request("append_audio", audio=base64.b64encode(pcm).decode("ascii"))

    async def interrupt(self) -> None:
        await self.session.request("interrupt")

    async def close(self) -> None:
        if self.finished:
            return
        self.finished = True
        try:
            if not self.session.gone():
                await self.session.request("close", timeout=EXIT_TIMEOUT)
                await asyncio.sleep(0.2)  # let the close frame go out before the process is told to stop
        finally:
            already = self.session.killed or bool(self.session.broken)  # killed for a hang or garbage: reported as such
            exited = await asyncio.to_thread(self.session.finish, EXIT_TIMEOUT)
            if not exited and not already:
                self.left.append("the harness process, which did not exit after the session closed (killed)")

    def alive(self) -> bool | None:
        return not self.session.gone() and not any(seen.kind in ("closed", "crash") for seen in self.seen)

    def crashed(self) -> str | None:
        if self.session.broken:
            return self.session.broken
        if self.finished:
            return None
        if self.session.killed:
            return "the harness process was killed after hanging"
        return self.session.gone()

    def leftovers(self) -> list[str]:
        return list(self.left)


class HarnessWireAdapter(WireAdapter):
    """The wire part of a harness, as its ``start`` reply declared it."""

    def __init__(
        self,
        command: Sequence[str],
        implementation: Implementation,
        *,
        name: str | None = None,
        cwd: str | Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_CALL_TIMEOUT,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        assert implementation.wire is not None, "a harness without a wire part has no wire adapter"
        self.command = list(command)
        self.implementation = implementation
        self.name = name or implementation.name  # type: ignore[misc]
        self.language = implementation.language  # type: ignore[misc]
        self.dialect = implementation.dialect  # type: ignore[misc]
        self.missing = dict(implementation.wire.missing)  # type: ignore[misc]
        self.leaves_to_application = dict(implementation.wire.leaves_to_application)  # type: ignore[misc]
        self.cwd, self.env = cwd, env
        self.timeout, self.start_timeout = timeout, start_timeout

    @property
    def version(self) -> str:
        return self.implementation.version

    def client(self) -> WireClient:
        return HarnessWireClient(self.command, cwd=self.cwd, env=self.env, timeout=self.timeout, start_timeout=self.start_timeout)
