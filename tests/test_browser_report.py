"""The HTML report in a real browser: headless Chromium (Debian's ``chromium`` package, which
``.ci/run`` installs), driven over the DevTools protocol, renders a report built from real run
output, and the test reads what is *rendered* (``innerText`` leaves out what CSS hides):

* the front page leads with the findings, one row per implementation, and a MUST count leads to
  the findings on the implementation's page, each with links to the checks it explains;
* the matrix is there, with every implementation a column and no script on the page;
* a failing cell links to its implementation's detail page, and following it lands on the
  failing check, whose message and fixture payload are shown (click one);
* a known failure's payload is one more click away (click two);
* the family filter works with scripts off: it is CSS ``:target``, no script.

Skipped, saying why, only where no Chromium is installed.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.reports import html, reading

from .test_report_runs import KNOWN, real_runs

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: Every wait on the browser is bounded by this many seconds.
WAIT = 30.0


def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome-stable", "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    return None


class Browser:
    """Headless Chromium on a DevTools port the OS picks, and one page driven over its websocket."""

    def __init__(self, executable: str, profile: Path) -> None:
        from websockets.sync.client import connect

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.events: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        try:
            port = self._port(profile / "DevToolsActivePort")
            self.socket = connect(self._page(port), max_size=None, open_timeout=WAIT, proxy=None)
            self.call("Page.enable")
        except BaseException:
            self.close()
            raise

    def _port(self, announced: Path) -> int:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.process.returncode} before listening")
            lines = announced.read_text().splitlines() if announced.exists() else []
            if len(lines) >= 2:
                return int(lines[0])
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    def _page(self, port: int) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=WAIT) as answer:
                pages = [target for target in json.load(answer) if target.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.05)
        raise TimeoutError("chromium opened no page")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=WAIT))
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + WAIT
        while not any(message.get("method") == event for message in self.events):
            self.events.append(json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic()))))

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def follow(self, expression: str) -> None:
        """Run ``expression`` (a click on a link to another page) and wait for that page."""
        self.events.clear()
        self.evaluate(expression)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium here: install Debian's chromium package (apt-get install chromium; .ci/run does) to run the browser test")
    driven = Browser(executable, tmp_path / "profile")
    try:
        yield driven
    finally:
        driven.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[reading.Report]]:
    runs = real_runs(tmp_path_factory)
    reports = [reading.load(runs[name].report) for name in ("reference", "drops-name", "numbers")]
    out = tmp_path_factory.mktemp("site")
    html.write(reports, out)
    return out, reports


def test_the_page_leads_with_findings_and_a_count_leads_to_them(browser: Browser, site: tuple[Path, list[reading.Report]]) -> None:
    out, reports = site
    browser.open((out / "index.html").as_uri())
    first = "document.querySelector('main h2').innerText"
    assert browser.evaluate(first) == "Findings"
    rows = "[...document.querySelectorAll('table.findings tbody tr')]"
    assert browser.evaluate(f"{rows}.map(tr => tr.cells[0].innerText.trim())") == [report.implementation.name for report in reports]
    drops = f"{rows}[1].querySelector('td.lvcol-MUST')"
    assert browser.evaluate(f"{drops}.innerText").split() == ["1", "1", "new"]
    assert browser.evaluate(f"{rows}[0].querySelector('td.lvcol-MUST').innerText.trim()") == "0"  # the reference
    browser.follow(f"{drops}.querySelector('a').click()")
    assert browser.evaluate("location.hash") == "#findings-MUST"
    section = "document.getElementById('findings-MUST')"
    assert browser.evaluate(f"{section}.checkVisibility()")
    shown = browser.evaluate(f"{section}.innerText")
    assert "loses-member/response.function_call_arguments.done.name" in shown and "new: not in the baseline" in shown
    links = browser.evaluate(f"[...{section}.querySelectorAll('ul.explains a')].map(a => a.getAttribute('href'))")
    assert "#corpus/function-call-arguments-done/lossless-dump" in links
    browser.evaluate(f"{section}.querySelector('ul.explains a[href=\"#corpus/function-call-arguments-done/lossless-dump\"]').click()")
    target = "document.getElementById(decodeURIComponent(location.hash.slice(1)))"
    assert browser.evaluate(f"{target}.id") == "corpus/function-call-arguments-done/lossless-dump"
    assert '"name": "lookup_order"' in browser.evaluate(f"{target}.innerText")  # the check's input, one click on


def test_the_matrix_has_every_implementation_as_a_column(browser: Browser, site: tuple[Path, list[reading.Report]]) -> None:
    out, reports = site
    browser.open((out / "index.html").as_uri())
    assert browser.evaluate("document.querySelectorAll('table.matrix').length") == 1
    assert browser.evaluate("document.scripts.length") == 0
    headers = browser.evaluate("[...document.querySelectorAll('table.matrix thead th.impl a')].map(a => a.innerText)")
    assert headers == [report.implementation.name for report in reports]
    widths = browser.evaluate("[...document.querySelectorAll('table.matrix tbody tr')].map(tr => tr.cells.length)")
    assert widths and set(widths) == {1 + len(reports)}
    scopes = browser.evaluate("[...document.querySelectorAll('table.matrix th')].map(th => th.scope)")
    assert set(scopes) == {"col", "row"}


def test_a_failing_cell_leads_to_the_payload_in_two_clicks(browser: Browser, site: tuple[Path, list[reading.Report]]) -> None:
    out, _ = site
    browser.open((out / "index.html").as_uri())
    # The drops-name column (the second) in the corpus row of response.function_call_arguments.done.
    cell = (
        "[...document.querySelectorAll('tbody.fam-corpus tr:not(.family-row)')]"
        ".find(tr => tr.cells[0].innerText.includes('response.function_call_arguments')).cells[2]"
    )
    assert "fails" in browser.evaluate(f"{cell}.innerText")  # the word, not only the colour
    href = browser.evaluate(f"{cell}.querySelector('a').getAttribute('href')")
    assert href == "impl-broken-drops-function-call-name.html#corpus:response.function_call_arguments.done"

    browser.follow(f"{cell}.querySelector('a').click()")  # click one
    assert browser.evaluate("location.pathname").endswith("/impl-broken-drops-function-call-name.html")
    target = "document.getElementById(decodeURIComponent(location.hash.slice(1)))"
    assert browser.evaluate(f"{target}.checkVisibility()")
    shown = browser.evaluate(f"{target}.innerText")
    assert "corpus/function-call-arguments-done/lossless-dump" in shown
    assert "expected string \"lookup_order\", got absent" in shown  # the message
    assert '"name": "lookup_order"' in shown  # the fixture's payload, pretty-printed
    assert "final function arguments with the GA-required name" in shown  # and its description

    known = f"document.getElementById({json.dumps(KNOWN)})"
    assert "drops name (the beta shape)" in browser.evaluate(f"{known}.innerText")  # the baseline's reason
    assert '"name": "get_opening_hours"' not in browser.evaluate(f"{known}.innerText")
    browser.evaluate(f"{known}.querySelector('summary').click()")  # click two
    assert '"name": "get_opening_hours"' in browser.evaluate(f"{known}.innerText")


def test_the_snapshot_and_the_minimal_event_are_shown(browser: Browser, site: tuple[Path, list[reading.Report]]) -> None:
    out, _ = site
    browser.open((out / "impl-broken-numbers-as-strings-on-send.html").as_uri())
    sent = browser.evaluate("document.getElementById('snapshot/item-truncate/wire').innerText")
    assert "snapshots/item-truncate.json" in sent and '"audio_end_ms":' in sent
    browser.open((out / "impl-broken-drops-function-call-name.html").as_uri())
    generated = browser.evaluate("document.getElementById('property/response.function_call_arguments.done/lossless-round-trip').innerText")
    assert "minimal failing event" in generated and '"type": "response.function_call_arguments.done"' in generated


def test_the_family_filter_works_without_script(browser: Browser, site: tuple[Path, list[reading.Report]]) -> None:
    out, _ = site
    browser.open((out / "index.html").as_uri())
    visible = "[...document.querySelectorAll('tbody.fam')].filter(b => b.checkVisibility()).map(b => b.id)"
    assert browser.evaluate(visible) == ["family-corpus", "family-snapshot", "family-property"]
    browser.evaluate("document.querySelector('.view-default a[href=\"#only-all-snapshot\"]').click()")
    assert browser.evaluate(visible) == ["family-snapshot"]
    assert browser.evaluate("location.hash") == "#only-all-snapshot"
