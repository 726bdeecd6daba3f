"""Portkey's AI gateway as a process: ``node`` on the gateway ``npm ci`` installed in
``harnesses/portkey-gateway/`` (found through ``$CONFORMANCE_HARNESSES`` outside a checkout), in
front of an upstream (the reference server), ready when it answers on loopback (bounded), and killed
and reaped with its whole process group whatever happens.

The gateway has no option for its listening address (``serve({fetch, port})`` without a hostname in
``build/start-server.js``: every interface). ``harnesses/portkey-gateway/loopback.cjs``, preloaded
with ``node --require``, makes it listen on 127.0.0.1 only, reports the port the system picked for
``--port=0``, and refuses any outgoing connection that is not to loopback. The launcher also checks
the address the gateway listens on before it is used.

The client names the upstream in headers (the gateway has no configuration file for this): provider
``azure-ai``, whose base URL is ``x-portkey-azure-foundry-url`` as given, here the reference server
on 127.0.0.1. Provider ``openai`` would not do: its base URL is hard-coded to api.openai.com and the
realtime route ignores ``x-portkey-custom-host``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from ...adapters.adapter import AdapterLoadError
from ...adapters.process_group import log_tail, stop_group
from ...adapters.stdio import harness_directory

#: The pinned gateway release (harnesses/portkey-gateway/package.json and its package-lock.json).
PINNED = "1.15.2"
NAME = "portkey-gateway"
#: The folder under harnesses/ with the npm project that installs the gateway.
FOLDER = "portkey-gateway"
GATEWAY = Path("node_modules/@portkey-ai/gateway")
LOOPBACK = "127.0.0.1"
#: What the gateway answers on ``GET /`` (build/start-server.js: ``Lu.get("/",...)``).
GREETING = b"AI Gateway says hey!"
#: What the gateway prints once it is done starting. It listens a second earlier (a start-up
#: animation runs in between), but only installs its handlers for uncaught exceptions after it:
#: until then, an exception in a socket's event handler ends the process.
READY = b"Ready for connections!"
#: The only variables of the caller's environment the gateway gets. It reads many more (an outbound
#: HTTP_PROXY, REDIS_CONNECTION_STRING, AWS_* and AZURE_* credentials, NODE_OPTIONS for node): none of
#: them may change what it does here.
KEPT_ENVIRONMENT = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "SYSTEMROOT")


class Portkey:
    """``with Portkey(upstream_port, workdir) as proxy:`` - Portkey's gateway on loopback, forwarding
    to ``ws://127.0.0.1:<upstream_port>/v1/realtime``, ready when the block starts, killed and reaped
    (its whole process group) when it ends."""

    name = NAME
    language = "javascript"

    def __init__(self, upstream_port: int, workdir: Path, ready_timeout: float = 60.0) -> None:
        self.upstream_port = upstream_port
        self.workdir = workdir
        self.ready_timeout = ready_timeout
        # The upstream's credential: the gateway forwards it as the upstream's Authorization; the
        # reference server only checks that one is there. Fresh for each run, never a real key.
        self.upstream_key = "sk-" + secrets.token_hex(24)
        self.log = workdir / "portkey-gateway.log"
        self.address_file = workdir / "portkey-gateway.address"
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0

    @property
    def directory(self) -> Path:
        return harness_directory(FOLDER, name=NAME)

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the gateway is not running")
        return f"ws://{LOOPBACK}:{self.port}/v1/realtime"

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """What a client sends the gateway to reach the upstream: the provider whose base URL is the
        one given, that base URL (always loopback), and the upstream's credential."""
        return (
            ("x-portkey-provider", "azure-ai"),
            ("x-portkey-azure-foundry-url", f"http://{LOOPBACK}:{int(self.upstream_port)}/v1"),
            ("Authorization", f"Bearer {self.upstream_key}"),
        )

    @property
    def version(self) -> str:
        return installed_version()

    def command(self) -> list[str]:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Portkey's gateway needs Node.js (node) on PATH")
        directory = self.directory
        script = directory / GATEWAY / "build" / "start-server.js"
        if not script.is_file():
            raise RuntimeError(f"Portkey's gateway is not installed: run `npm ci` in {directory} (`tox -e {NAME}` does)")
        return [node, "--require", str(directory / "loopback.cjs"), str(script), "--port=0", "--headless"]

    def environment(self) -> dict[str, str]:
        env = {key: os.environ[key] for key in KEPT_ENVIRONMENT if key in os.environ}
        env["REALTIME_CONFORMANCE_ADDRESS_FILE"] = str(self.address_file)
        return env

    def start(self) -> Portkey:
        command = self.command()
        self.address_file.unlink(missing_ok=True)
        started = time.monotonic()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=self.environment(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.workdir, start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = round(time.monotonic() - started, 1)
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.ready_timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Portkey's gateway exited with status {self.process.returncode} before it was ready:\n{self.log_tail()}")
            if self.port is None:
                self.port = self._listening_port()
            if self.port is not None:
                with contextlib.suppress(OSError):
                    with opener.open(f"http://{LOOPBACK}:{self.port}/", timeout=2) as answer:
                        if answer.status == 200 and answer.read(200).startswith(GREETING) and READY in self.log.read_bytes():
                            return
            time.sleep(0.2)
        raise TimeoutError(f"Portkey's gateway did not answer within {self.ready_timeout:g} s:\n{self.log_tail()}")

    def _listening_port(self) -> int | None:
        """The port the gateway listens on, from what loopback.cjs wrote; refuses any address but
        127.0.0.1 (the preload did not take)."""
        try:
            lines = [line for line in self.address_file.read_text().splitlines() if line.strip()]
        except OSError:
            return None
        if not lines:
            return None
        addresses = [json.loads(line) for line in lines]
        wrong = [a for a in addresses if a.get("address") != LOOPBACK]
        if wrong:
            raise RuntimeError(f"Portkey's gateway listens on {wrong[0].get('address')!r}, not only on {LOOPBACK}; refusing to use it")
        return int(addresses[0]["port"])

    def log_tail(self, lines: int = 30) -> str:
        return log_tail(self.log, self.upstream_key, lines)

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL after a bound; always reaps."""
        process, self.process = self.process, None
        if process is not None:
            stop_group(process, term_wait=10)

    def __enter__(self) -> Portkey:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def installed_version() -> str:
    """The version of the gateway installed in harnesses/portkey-gateway/, or "" without one."""
    try:
        package = harness_directory(FOLDER, name=NAME) / GATEWAY / "package.json"
        return str(json.loads(package.read_text()).get("version", ""))
    except (OSError, ValueError, AdapterLoadError):
        return ""
