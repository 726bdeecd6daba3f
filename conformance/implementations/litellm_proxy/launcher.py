"""LiteLLM as a process: a proxy on a free loopback port in front of an upstream (the reference
server), configured in a temporary directory with a generated master key, ready when its health
endpoint answers (bounded), and killed and reaped with its whole process group whatever happens."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ...adapters.process_group import log_tail, stop_group

#: The pinned LiteLLM release (driving-real-implementations.md; requirements.txt beside this file).
PINNED = "1.110.2"
MODEL = "gpt-realtime"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def litellm_config(upstream_port: int) -> str:
    # The upstream key only has to be present: the reference server checks presence, nothing else.
    return (
        "model_list:\n"
        f"  - model_name: {MODEL}\n"
        f"    litellm_params: {{model: openai/{MODEL}, api_key: upstream-placeholder, api_base: http://127.0.0.1:{upstream_port}}}\n"
        "    model_info: {mode: realtime}\n"
    )


class LiteLLM:
    """``with LiteLLM(upstream_port, workdir) as proxy:`` - a LiteLLM proxy process on loopback,
    ready when the block starts, killed and reaped (its whole process group) when it ends."""

    def __init__(self, upstream_port: int, workdir: Path, ready_timeout: float = 240.0) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.master_key = "sk-" + secrets.token_hex(24)
        self.ready_timeout = ready_timeout
        self.log = workdir / "litellm.log"
        self.config = workdir / "config.yaml"
        self.config.write_text(litellm_config(upstream_port))
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0

    name = "litellm-proxy"
    language = "python"
    #: What it is (docs/classes.md): a proxy, judged on GA-valid traffic passing unchanged.
    conformance_class = "proxy"

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v1/realtime"

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("Authorization", f"Bearer {self.master_key}"),)

    @property
    def version(self) -> str:
        return installed_version()

    def command(self) -> list[str]:
        executable = shutil.which("litellm", path=str(Path(sys.executable).parent)) or shutil.which("litellm")
        if executable is None:
            raise RuntimeError(f"the litellm command is not installed (pip install litellm=={PINNED} ...)")
        return [executable, "--config", str(self.config), "--host", "127.0.0.1", "--port", str(self.port)]

    def start(self) -> LiteLLM:
        env = {**os.environ, "LITELLM_MASTER_KEY": self.master_key, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        started = time.monotonic()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(self.command(), env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.workdir, start_new_session=True)
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
                raise RuntimeError(f"LiteLLM exited with status {self.process.returncode} before it was ready:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                with opener.open(f"http://127.0.0.1:{self.port}/health/liveliness", timeout=2) as answer:
                    if answer.status == 200:
                        return
            time.sleep(0.5)
        raise TimeoutError(f"LiteLLM did not answer within {self.ready_timeout:g} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return log_tail(self.log, self.master_key, lines)

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL after a bound; always reaps."""
        process, self.process = self.process, None
        if process is not None:
            stop_group(process, term_wait=15)

    def __enter__(self) -> LiteLLM:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def installed_version() -> str:
    try:
        return version("litellm")
    except PackageNotFoundError:
        return ""
