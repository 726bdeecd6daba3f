"""The redaction corpus (issue 21): every form of credential planted in what ``record``, ``probe``,
``serve --record``, ``fixture add`` and ``report`` read, and none found in anything they write —
transcripts (binary frames decoded), reports, fixtures, stdout and stderr. Each command runs as a
user runs it, in a process of its own, against servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from conformance import corpus
from conformance.corpus import hygiene
from conformance.live.server import Connection, LiveServer

from . import secret_forms as planted
from .cli import run
from .live_client import nothing_left_behind
from .live_commands import RedirectsToHttp, bad_handshakes, started, written

#: The credential the probe is given, and the one a client of record and serve sends.
HEADER_KEY = "plainHeaderCredential4730"


async def send_everything(url: str, headers: dict[str, str]) -> None:
    """A client that sends every planted form (events, raw text, a binary frame) and reads a little."""
    async with connect(url, additional_headers=headers, open_timeout=5, close_timeout=2, max_size=None) as client:
        for text in planted.texts():
            await client.send(text)
        await client.send(planted.binary())
        try:
            for _ in range(30):
                await asyncio.wait_for(client.recv(), 1)
        except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - whatever it answers, or that it closed
            pass


async def plants_everything(connection: Connection) -> None:
    """A server that sends every planted form, and the header value it was given echoed back."""
    request = connection.socket.request
    echoed = request.headers.get("Authorization", "") if request is not None else ""
    await connection.send_event({"type": "session.created", "event_id": "e1", "session": {"type": "realtime", "object": "realtime.session", "id": "s",
                                 "client_secret": {"value": planted.EPHEMERAL, "expires_at": 1}, "instructions": f"you sent {echoed}"}})
    for text in planted.texts():
        await connection.send_text(text)
    await connection.send_bytes(planted.binary())
    await connection.receive(timeout=3)


def assert_clean(**outputs: str) -> None:
    found = {name: planted.leaks(text) for name, text in outputs.items() if planted.leaks(text)}
    found.update({name: [HEADER_KEY] for name, text in outputs.items() if HEADER_KEY in text})
    assert found == {}


def test_record_writes_no_credential_anywhere(tmp_path: Path) -> None:
    out = tmp_path / "session.jsonl"
    with nothing_left_behind(), LiveServer(plants_everything) as upstream:
        upstream_url = upstream.url.replace("ws://", f"ws://user:{planted.USER_INFO}@") + f"/?api_key={planted.URL_API_KEY}"
        with started("record", "--upstream", upstream_url, "--listen", "127.0.0.1:0", "--out", str(out)) as (_, first, rest):
            url = re.search(r"ws://127\.0\.0\.1:(\d+)", first)
            assert url, first
            bad_handshakes(int(url.group(1)))
            asyncio.run(send_everything(url.group(0) + "/v1/realtime", {"Authorization": f"Bearer {HEADER_KEY}"}))
        upstream.wait_for_connections(1, timeout=10)
    stdout, stderr = first + rest[0], rest[1]
    text = written(out)
    assert_clean(transcript=text, stdout=stdout, stderr=stderr)
    assert "REDACTED" in text and "binary" in text
    assert "client and" in stdout  # the summary was printed
    assert stderr.count("refused a WebSocket handshake") == 3 and "Traceback" not in stderr


def test_serve_record_writes_no_credential_anywhere(tmp_path: Path) -> None:
    record = tmp_path / "sessions"
    with started("serve", "--port", "0", "--pace", "0", "--record", str(record)) as (_, first, rest):
        url = re.search(r"ws://127\.0\.0\.1:(\d+)/v1/realtime", first)
        assert url, first
        bad_handshakes(int(url.group(1)))
        asyncio.run(send_everything(url.group(0) + "?model=gpt-realtime", {"Authorization": f"Bearer {HEADER_KEY}"}))
    stdout, stderr = first + rest[0], rest[1]
    text = written(record)
    assert_clean(transcripts=text, stdout=stdout, stderr=stderr)
    assert "session.updated" in text and "REDACTED" in text
    assert stderr.count("refused a WebSocket handshake") == 3 and "Traceback" not in stderr


def test_probe_writes_no_credential_anywhere(tmp_path: Path) -> None:
    report, record, site = tmp_path / "report.json", tmp_path / "sessions", tmp_path / "site"
    header = f"Authorization: Bearer {HEADER_KEY}"
    with nothing_left_behind(), LiveServer(plants_everything) as server:
        done = run("probe", server.url + "/v1/realtime", "--header", header, "--scenario", "handshake", "--scenario", "text-response",
                   "--conformance-report", report, "--record", record, "--transport-timeout", "2")
    assert done.code == 1, done.out + done.err  # the planted events are no GA session
    rendered = run("report", report, "--html", site, "--markdown", tmp_path / "summary.md")
    assert rendered.code == 0, rendered.err
    assert "REDACTED" in written(record)
    assert_clean(transcripts=written(record), report=report.read_text(), stdout=done.out, stderr=done.err,
                 html=written(site), markdown=(tmp_path / "summary.md").read_text(), report_output=rendered.out + rendered.err)


def test_probe_redirected_to_http_writes_no_credential_anywhere(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    with nothing_left_behind(), RedirectsToHttp(f"http://127.0.0.1:9/v1/realtime?api_key={HEADER_KEY}&key={planted.URL_KEY}") as server:
        done = run("probe", server.url + "/v1/realtime", "--header", f"Authorization: Bearer {HEADER_KEY}", "--scenario", "handshake",
                   "--conformance-report", report, "--transport-timeout", "2")
    assert done.code == 1 and report.exists(), done.out + done.err
    assert_clean(report=report.read_text(), stdout=done.out, stderr=done.err)


@pytest.fixture
def place(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "fixtures"
    shutil.copytree(corpus.FIXTURES_ROOT, root)
    registry = tmp_path / "ids.json"
    shutil.copy(hygiene.REGISTRY, registry)
    return root, registry


def test_fixture_add_writes_no_credential_anywhere(tmp_path: Path, place: tuple[Path, Path]) -> None:
    root, registry = place
    source = tmp_path / "planted.jsonl"
    lines = [{"transcript": {"transport": "websocket"}}]
    lines += [{"dir": "client", "event": event} for event in planted.events()]
    lines += [{"dir": "server", "raw": planted.texts()[-1]}, {"dir": "server", "binary": base64.b64encode(planted.binary()).decode()}]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    options = ("--description", "planted credentials: {type}", "--provenance-kind", "captured", "--source", "a test", "--no-url", "--reason", "planted")
    fixtures = run("fixture", "add", source, "--id", "captured-planted", "--fixtures-root", root, "--registry", registry, *options)
    assert fixtures.code == 0, fixtures.err
    session = run("fixture", "add", source, "--id", "captured-planted-session", "--session-out", tmp_path / "kept.jsonl", *options)
    assert session.code == 0, session.err
    added = [path for path in root.rglob("captured-planted-*.json")]
    assert len(added) == 3
    for path in added:  # what it wrote passes the corpus's own credential check
        assert hygiene.credential_problems(json.loads(path.read_text()), path.name) == []
    assert_clean(fixtures="".join(path.read_text() for path in added), session=written(tmp_path / "kept.jsonl"),
                 stdout=fixtures.out + session.out, stderr=fixtures.err + session.err)
