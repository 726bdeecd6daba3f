"""The stdio adapter: an implementation in any language, driven through a harness process that
speaks the harness protocol (:mod:`conformance.adapters.harness_protocol`) over its stdin
and stdout.

    pytest --pyargs conformance --realtime-impl stdio:'node harnesses/example-js/harness.mjs'

The process is started, and asked ``start``, when the adapter is made: a harness that cannot be run,
exits, stays silent or answers ``start`` wrongly fails the run at once with a clear message
(:class:`HarnessStartError`, an :class:`~conformance.adapters.adapter.AdapterLoadError`).
After that, every failure is confined to the check in flight (:class:`HarnessFailed`):

* the process exits (a crash): the check fails, and the next call starts a new process;
* no reply within ``timeout`` seconds (a hang): the process is killed (its whole process group, so
  that a wrapper script's children go too), the check fails, and the next call starts a new one.
  When the driver's own timeout is the shorter, the driver gives up first and the next call, finding
  the abandoned one still waiting, kills the process;
* a reply that is not JSON, answers another request or does not match the protocol: the check fails
  with a message naming the member; the process is restarted unless the stream is still in step;
* an ``error`` reply (the harness caught the implementation crashing): the check fails, the process
  goes on.

What the process writes to stderr meanwhile is attached to the failure (bounded). Calls are serial, as
the driver makes them; :meth:`StdioAdapter.parse_many` puts many ``parse`` requests in flight at once,
for callers with many events at hand.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import select
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .adapter import DEFAULT_CALL_TIMEOUT, Adapter, AdapterLoadError, Direction, ImplementationFailed, Parsed
from .harness_protocol import PROTOCOL_VERSION, SUPPORTED_VERSIONS, Accepted, Built, Dumped, Errored, Implementation, ReplyProblem, Started, Untyped, capability, read_reply, scope_of
from .stdio_wire import HarnessWireAdapter
from .wire import WireAdapter, WireAdapterMissing


#: Seconds a harness may take to answer ``start`` (Node loading a large package is slow on a busy machine).
DEFAULT_START_TIMEOUT = 30.0
#: Bytes of a process's stderr kept, and the most attached to one failure.
STDERR_KEPT = 16384
STDERR_SHOWN = 1500
#: A reply line longer than this is garbage, not a reply.
MAX_LINE = 64 * 1024 * 1024
#: Restarts in a row that may fail before later calls fail at once instead of trying again.
RESTART_ATTEMPTS = 3
#: Where the harnesses shipped in this repository's ``harnesses/`` folder are found outside a checkout.
HARNESSES_VARIABLE = "CONFORMANCE_HARNESSES"


class HarnessStartError(AdapterLoadError):
    """The harness could not be started: the run cannot go on with it."""


class HarnessFailed(ImplementationFailed):
    """The harness crashed, hung or answered wrongly during one call: that check fails."""


class _Exited(Exception):
    pass


class _NoReply(Exception):
    pass


class _Garbage(Exception):
    """A line that is not a reply at all; the stream is out of step."""


@dataclass(frozen=True)
class _Handle:
    """A parsed object held by the harness process of one generation."""

    generation: int
    handle: str


class _Process:
    """One running harness: its pipes, and its stderr kept in a bounded buffer by a thread."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str] | None, cwd: str | Path | None) -> None:
        # A session of its own, so that killing its process group also stops what a wrapper started.
        self.popen = subprocess.Popen(
            list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, start_new_session=True
        )
        assert self.popen.stdin and self.popen.stdout and self.popen.stderr
        self._stdin = self.popen.stdin
        self._stdout = self.popen.stdout.fileno()
        self._pending = bytearray()
        self._stderr = bytearray()
        self._stderr_total = 0
        self._stderr_lock = threading.Lock()
        #: The stderr mark when its last reply was read: what it wrote after that (an asynchronous
        #: failure of that request, say) belongs to a crash before the next reply.
        self.answered_mark = 0
        self._drain = threading.Thread(target=self._keep_stderr, name=f"harness-stderr-{self.popen.pid}", daemon=True)
        self._drain.start()

    def _keep_stderr(self) -> None:
        assert self.popen.stderr
        fd = self.popen.stderr.fileno()
        while chunk := os.read(fd, 4096):
            with self._stderr_lock:
                self._stderr += chunk
                self._stderr_total += len(chunk)
                del self._stderr[:-STDERR_KEPT]

    def stderr_mark(self) -> int:
        with self._stderr_lock:
            return self._stderr_total

    def stderr_since(self, mark: int) -> str:
        """What the process wrote to stderr after ``mark`` (as much of it as is kept), once it is in."""
        if self.popen.poll() is not None:
            self._drain.join(1.0)  # a crashing process's last words arrive just after it exits
        with self._stderr_lock:
            fresh = min(self._stderr_total - mark, len(self._stderr))
            data = bytes(self._stderr[len(self._stderr) - fresh :]) if fresh > 0 else b""
        return data.decode("utf-8", "replace")

    def send(self, message: dict[str, Any]) -> None:
        try:
            self._stdin.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
            self._stdin.flush()
        except (BrokenPipeError, ConnectionResetError, ValueError, OSError) as error:
            raise _Exited(str(error)) from None

    def send_all(self, messages: Sequence[dict[str, Any]]) -> None:
        """Send them all; a process that has gone is the reader's to report."""
        try:
            for message in messages:
                self.send(message)
        except _Exited:
            pass

    def receive(self, deadline: float) -> Any:
        """The next line, decoded; :class:`_NoReply` at the deadline, :class:`_Exited` at EOF."""
        while (end := self._pending.find(b"\n")) < 0:
            if len(self._pending) > MAX_LINE:
                raise _Garbage(f"a line longer than {MAX_LINE // (1024 * 1024)} MiB")
            remaining = deadline - time.monotonic()
            try:
                ready = remaining > 0 and select.select([self._stdout], [], [], remaining)[0]
                chunk = os.read(self._stdout, 1 << 16) if ready else None
            except (OSError, ValueError) as error:  # the pipe was closed under us
                raise _Exited(str(error)) from None
            if chunk is None:
                raise _NoReply
            if not chunk:
                raise _Exited("end of output")
            self._pending += chunk
        line = bytes(self._pending[:end])
        del self._pending[: end + 1]
        try:
            return json.loads(line)
        except (ValueError, RecursionError):
            shown = line[:120].decode("utf-8", "replace")
            raise _Garbage(f"a line that is not JSON: {shown!r}{'…' if len(line) > 120 else ''}") from None

    def status(self) -> str:
        code = self.popen.poll()
        if code is None:
            return "still running"
        return f"killed by signal {-code}" if code < 0 else f"exit status {code}"

    def kill(self) -> None:
        """Stop the process and whatever it started. Safe from any thread, and twice."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self, grace: float = 0.0) -> None:
        """Kill (after ``grace`` seconds to exit on its own), reap, and close the pipes."""
        if grace:
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        try:
            self.popen.wait(5.0)
        except subprocess.TimeoutExpired:
            pass
        self._drain.join(1.0)
        for pipe in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            try:
                pipe.close()  # type: ignore[union-attr]
            except OSError:
                pass


class StdioAdapter(Adapter):
    """An implementation behind a harness process. ``command`` is a shell-like string or an argv list."""

    def __init__(
        self,
        command: str | Sequence[str],
        *,
        name: str | None = None,
        timeout: float = DEFAULT_CALL_TIMEOUT,
        start_timeout: float = DEFAULT_START_TIMEOUT,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.command = shlex.split(command) if isinstance(command, str) else list(command)
        if not self.command:
            raise HarnessStartError("stdio: needs a command that runs the harness, e.g. stdio:'node harness.mjs'")
        self._timeout, self.start_timeout = timeout, start_timeout
        self._env, self._cwd = env, cwd
        self._lock = threading.Lock()
        self._ids = itertools.count()
        #: Counts the processes started, so that a handle from an earlier one is recognised.
        self._generation = 0
        self._failed_starts = 0
        self._last_start_failure = ""
        self._process: _Process | None = None
        #: A replacement started as soon as a process is discarded, with its start request sent:
        #: it boots while the suite moves on, and the next call only reads its reply.
        self._booting: tuple[_Process, int] | None = None
        self._process, started = self._handshake(*self._spawn())
        atexit.register(self.close)
        info: Implementation = started.implementation
        #: What the harness says it wraps; ``name`` may differ (the name the suite loaded it by).
        self.implementation = info
        #: The protocol version the harness speaks (1: the parse part only).
        self.protocol = started.version
        self.name = name or info.name  # type: ignore[misc]
        self.language = info.language  # type: ignore[misc]
        self.dialect = info.dialect  # type: ignore[misc]
        self.sides = frozenset(info.sides)  # type: ignore[misc]
        self.transports = frozenset(info.transports)  # type: ignore[misc]
        self.missing = frozenset(capability(missing) for missing in info.missing)  # type: ignore[misc]
        self.nulls_distinct = info.nulls_distinct  # type: ignore[misc]
        classes = info.classes()
        self.conformance_class = classes[0] if len(classes) == 1 else classes  # type: ignore[misc]
        self.scope = scope_of(info.scope)  # type: ignore[misc]
        self.application_paths = {kind: tuple(paths) for kind, paths in info.application_paths.items()}  # type: ignore[misc]
        self.builds_events = info.builds_events  # type: ignore[misc]
        self.refusal_ends_receive = info.refusal_ends_receive  # type: ignore[misc]
        self.typed_listeners = info.typed_listeners  # type: ignore[misc]
        #: The wire part, when the harness has one: each session a process of the same command.
        self._wire = (
            HarnessWireAdapter(self.command, info, name=self.name, cwd=self._cwd, env=self._env, timeout=timeout, start_timeout=start_timeout)
            if info.wire is not None and started.version >= 2
            else None
        )

    @property
    def version(self) -> str:
        return self.implementation.version

    @property
    def timeout(self) -> float:
        """Seconds one call may take; the plugin sets ``--call-timeout`` here, for the wire part's commands too."""
        return self._timeout

    @timeout.setter
    def timeout(self, seconds: float) -> None:
        self._timeout = seconds
        if self._wire is not None:
            self._wire.timeout = seconds

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "harness": {"implementation": self.implementation.name, "protocol": self.protocol, "wire": self._wire is not None}}

    def wire_adapter(self) -> WireAdapter:
        """The harness's wire part (:mod:`.stdio_wire`); :class:`WireAdapterMissing` when it has none."""
        if self._wire is None:
            why = "speaks protocol version 1, which has no wire part" if self.protocol < 2 else "declares no wire part in its start reply"
            raise WireAdapterMissing(f"the harness of {self.name} {why} (docs/harness.md: the wire part)")
        return self._wire

    # --- the adapter operations -------------------------------------------------------------------

    def parse(self, direction: Direction, text: str) -> Parsed:
        return self._parsed(self._request("parse", {"direction": direction, "text": text}))

    def dump(self, direction: Direction, obj: Any) -> Any:
        if not isinstance(obj, _Handle):
            raise TypeError(f"not an object this harness parsed: {type(obj).__name__}")
        if obj.generation != self._generation:
            raise HarnessFailed("the object was parsed by a harness process that has since been restarted")
        reply = self._request("dump", {"direction": direction, "handle": obj.handle})
        assert isinstance(reply, Dumped)
        return reply.wire

    def build_client(self, event: dict[str, Any]) -> str:
        # The text too: a harness that hands its library text keeps integers a JSON parser would round.
        reply = self._request("build_client", {"event": event, "text": json.dumps(event, ensure_ascii=False)})
        assert isinstance(reply, Built)
        return reply.text

    def parse_many(self, direction: Direction, texts: Sequence[str]) -> list[Parsed]:
        """Parse many events with all the requests in flight: a writer thread sends them while this
        one reads the replies (so that neither pipe can fill up and stall both ends), and the
        harness works through them without waiting a round trip for each. Replies may come in any
        order; a failure fails the whole batch."""
        results: list[Parsed | None] = [None] * len(texts)
        with self._calling() as process:
            first = next(self._ids)
            self._ids = itertools.count(first + len(texts))
            requests = [{"cmd": "parse", "id": first + index, "direction": direction, "text": text} for index, text in enumerate(texts)]
            writer = threading.Thread(target=process.send_all, args=(requests,), name="harness-writer", daemon=True)
            mark = process.stderr_mark()
            with self._failures(process, "parse", mark):
                writer.start()
                for _ in texts:
                    value = process.receive(time.monotonic() + self.timeout)
                    named = value.get("id") if isinstance(value, dict) else None
                    index = named - first if isinstance(named, int) and not isinstance(named, bool) else -1
                    if not 0 <= index < len(texts) or results[index] is not None:
                        raise _Garbage(f"a reply naming id {json.dumps(named)[:40]}, which no parse request in flight has")
                    results[index] = self._parsed(self._checked("parse", value, process, mark))
                process.answered_mark = process.stderr_mark()
            writer.join()
        return [result for result in results if result is not None]

    def close(self) -> None:
        """Ask the harness to stop, then make sure it has. A later call starts it again."""
        atexit.unregister(self.close)
        booting, self._booting = self._booting, None
        if booting is not None:
            booting[0].close()
        process, self._process = self._process, None
        if process is not None:
            try:
                process.send({"cmd": "stop", "id": next(self._ids)})
            except _Exited:
                pass
            process.close(grace=2.0)

    # --- requests -----------------------------------------------------------------------------------

    def _parsed(self, reply: Any) -> Parsed:
        if isinstance(reply, Accepted):
            return Parsed("accepted", reply.event_type, _Handle(self._generation, reply.handle), model_type=reply.model_type)
        if isinstance(reply, Untyped):
            return Parsed("accepted", reply.event_type, _Handle(self._generation, reply.handle), reply.detail, untyped=True)
        return Parsed(reply.outcome, reply.event_type, None, reply.detail)

    def _request(self, cmd: str, fields: dict[str, Any]) -> Any:
        with self._calling() as process:
            request_id = next(self._ids)
            mark = process.stderr_mark()
            with self._failures(process, cmd, mark):
                process.send({"cmd": cmd, "id": request_id, **fields})
                value = process.receive(time.monotonic() + self.timeout)
                named = value.get("id") if isinstance(value, dict) else None
                if named != request_id:
                    raise _Garbage(f"a reply naming id {json.dumps(named)[:40]}, not {request_id} (the request in flight)")
                process.answered_mark = process.stderr_mark()
                return self._checked(cmd, value, process, mark)

    def _checked(self, cmd: str, value: dict[str, Any], process: _Process, mark: int) -> Any:
        try:
            reply = read_reply(cmd, value)
        except ReplyProblem as problem:
            # The reply named the right request, so the stream is still in step: no restart.
            raise HarnessFailed(_with_stderr(f"the harness's reply to {cmd} does not match the harness protocol: {problem}", process.stderr_since(mark))) from None
        if isinstance(reply, Errored):
            raise HarnessFailed(_with_stderr(f"the implementation failed on {cmd}: {reply.error.message}", process.stderr_since(mark)))
        return reply

    @contextlib.contextmanager
    def _calling(self) -> Iterator[_Process]:
        """The live process, for this call alone."""
        self._take_turn()
        try:
            yield self._running()
        finally:
            self._lock.release()

    def _take_turn(self) -> None:
        """Wait for the lock. Calls are serial, so one still in flight was abandoned by a driver that
        timed out: kill its process, so that it returns (and the harness restarts)."""
        if self._lock.acquire(blocking=False):
            return
        process = self._process
        if process is not None:
            process.kill()
        if not self._lock.acquire(timeout=10.0):
            raise HarnessFailed("an earlier call into the harness is still stuck after its process was killed")

    @contextlib.contextmanager
    def _failures(self, process: _Process, cmd: str, mark: int) -> Iterator[None]:
        """Turn a crash, a hang or garbage during one request into :class:`HarnessFailed`, having
        discarded the process (and started its replacement)."""
        try:
            yield
        except _Exited:
            self._discard(process, grace=1.0)  # let it finish exiting, so that its status is its own
            reason = f"the harness process ended ({process.status()}) during {cmd}; it will be restarted"
            mark = min(mark, process.answered_mark)  # its last words may predate this request
        except _NoReply:
            self._discard(process)
            reason = f"no reply to {cmd} within {self.timeout:g} s (hanging); the harness was killed and will be restarted"
        except _Garbage as garbage:
            self._discard(process)
            reason = f"the harness answered {cmd} with {garbage}; it will be restarted"
        else:
            return
        raise HarnessFailed(_with_stderr(reason, process.stderr_since(mark)))

    def _discard(self, process: _Process, grace: float = 0.0) -> None:
        process.close(grace)
        if self._process is process:
            self._process = None
        if self._booting is None and self._failed_starts < RESTART_ATTEMPTS:
            try:
                self._booting = self._spawn()
            except HarnessStartError as error:
                self._note_failed_start(error)

    def _running(self) -> _Process:
        """The live process: the current one, else the replacement that is booting, else a new one."""
        if self._process is not None:
            return self._process
        if self._failed_starts >= RESTART_ATTEMPTS:
            raise HarnessFailed(f"not attempted: the harness could not be restarted {RESTART_ATTEMPTS} times in a row ({self._last_start_failure})")
        booting, self._booting = self._booting, None
        try:
            self._process, _ = self._handshake(*(booting or self._spawn()))
        except HarnessStartError as error:
            self._note_failed_start(error)
            raise HarnessFailed(f"the harness could not be restarted: {error}") from None
        self._failed_starts = 0
        return self._process

    def _note_failed_start(self, error: HarnessStartError) -> None:
        self._failed_starts += 1
        self._last_start_failure = str(error)

    def _spawn(self) -> tuple[_Process, int]:
        """A new process, with its start request sent."""
        try:
            process = _Process(self.command, self._env, self._cwd)
        except OSError as error:
            raise HarnessStartError(f"cannot run the harness `{shlex.join(self.command)}`: {error}") from None
        request_id = next(self._ids)
        try:
            process.send({"cmd": "start", "id": request_id, "version": PROTOCOL_VERSION})
        except _Exited:
            pass  # it is gone already; the handshake says so
        return process, request_id

    def _handshake(self, process: _Process, request_id: int) -> tuple[_Process, Started]:
        """Read the start reply; a harness that does not give a good one is closed."""
        shown = shlex.join(self.command)
        try:
            reply = read_reply("start", process.receive(time.monotonic() + self.start_timeout))
            if isinstance(reply, Errored):
                raise ReplyProblem(f"an error reply: {reply.error.message}")
            assert isinstance(reply, Started)
            if reply.id != request_id:
                raise ReplyProblem(f"$.id: expected {request_id}, the id of the start request, got {reply.id}")
            if reply.version not in SUPPORTED_VERSIONS:
                spoken = " and ".join(map(str, SUPPORTED_VERSIONS))
                raise ReplyProblem(f"$.version: the harness speaks protocol version {reply.version}; this suite speaks {spoken}")
        except _NoReply:
            reason = f"the harness `{shown}` did not answer start within {self.start_timeout:g} s"
            process.close()
        except _Exited:
            process.close(grace=1.0)
            reason = f"the harness `{shown}` ended ({process.status()}) before answering start"
        except (_Garbage, ReplyProblem) as problem:
            process.close()
            reason = f"the harness `{shown}` answered start wrongly: {problem}"
        else:
            self._generation += 1
            return process, reply
        raise HarnessStartError(_with_stderr(reason, process.stderr_since(0)))


def _with_stderr(reason: str, stderr: str) -> str:
    """``reason``, with the bounded tail of what the harness wrote to stderr, on one line (the
    driver reports the first line of a failure)."""
    text = stderr.strip()
    if not text:
        return reason
    if len(text) > STDERR_SHOWN:
        text = "…" + text[-STDERR_SHOWN:]
    return f"{reason} [stderr: {' ⏎ '.join(line.rstrip() for line in text.splitlines() if line.strip())}]"


# --- the harnesses shipped in this repository ----------------------------------------------------


def harness_directory(folder: str, *, name: str) -> Path:
    """``harnesses/<folder>`` of this repository: from ``$CONFORMANCE_HARNESSES``, else from the
    source checkout the package runs from. A wheel does not carry the harnesses (they need their own
    ``npm ci``), hence the variable."""
    configured = os.environ.get(HARNESSES_VARIABLE)
    root = Path(configured) if configured else Path(__file__).resolve().parents[2] / "harnesses"
    directory = root / folder
    if not directory.is_dir():
        where = f"${HARNESSES_VARIABLE} is {configured!r}, which has no {folder}/" if configured else f"set ${HARNESSES_VARIABLE} to that harnesses/ directory"
        raise HarnessStartError(
            f"cannot find the {folder} harness: it lives in harnesses/{folder}/ of a checkout of realtime-conformance ({where}); "
            f"`tox -e {name}` sets it up"
        )
    return directory


def node_harness(folder: str, *, name: str) -> StdioAdapter:
    """A shipped Node.js harness, whose dependencies ``npm ci`` installed in its folder."""
    directory = harness_directory(folder, name=name)
    node = shutil.which("node")
    if node is None:
        raise HarnessStartError(f"the {name} harness needs Node.js (node) on PATH")
    if (directory / "package.json").exists() and not (directory / "node_modules").is_dir():
        raise HarnessStartError(f"the {name} harness's dependencies are not installed: run `npm ci` in {directory}")
    return StdioAdapter([node, str(directory / "harness.mjs")], name=name, cwd=directory)
