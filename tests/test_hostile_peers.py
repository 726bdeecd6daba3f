"""The live half against a hostile or unlucky peer (issue 21): serve keeps nothing of a finished
connection; a refused handshake is one scrubbed line; record never prints an upstream credential
and says why it ended a session; a number beyond a float is recorded as it came; the probe
survives a redirect to http:// and a bad URL is a usage error that says so. Every server binds
127.0.0.1 on a port the OS picks; every wait is bounded."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from conformance.cli import _parser
from conformance.commands import serve as serve_command
from conformance.live.recorder import Recorder
from conformance.live.server import Connection, Handshake, LiveServer
from conformance.sessions.rules import check_transcript
from conformance.sessions.transcript import open_transcript

from .cli import run
from .live_client import AUTH, nothing_left_behind
from .live_commands import RedirectsToHttp, bad_handshakes, started

KEY = "plainUpstreamKey4740"
BIG_TEXT = "x" * 2_000_000


def wait_until(condition: Callable[[], bool], timeout: float = 10) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


# --- serve: bounded memory (item 1) -------------------------------------------------------------


async def send_one_big_frame(url: str) -> None:
    frame = json.dumps({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": BIG_TEXT}]}})
    async with connect(url + "?model=gpt-realtime", additional_headers=AUTH, open_timeout=5, close_timeout=2, max_size=None) as client:
        await asyncio.wait_for(client.recv(), 5)  # session.created
        await client.send(frame)
        await asyncio.wait_for(client.recv(), 5)  # conversation.item.added: the server has it


def test_serve_keeps_no_frame_and_lets_a_finished_connection_go(tmp_path: Path) -> None:
    args = _parser().parse_args(["serve", "--port", "0", "--pace", "0", "--record", str(tmp_path)])
    server = serve_command.reference_server(args)
    with nothing_left_behind(), server:
        for _ in range(3):
            asyncio.run(send_one_big_frame(server.url))
        assert wait_until(lambda: not server.connections), f"{len(server.connections)} finished connection(s) still kept"
    # What --record asked for was written out, the large frame included.
    written = sorted(tmp_path.glob("connection-*.jsonl"))
    assert len(written) == 3
    for path in written:
        frames = list(open_transcript(path))
        assert any(frame.event_type == "conversation.item.create" and frame.event["item"]["content"][0]["text"] == BIG_TEXT for frame in frames)


def test_serve_keeps_no_frame_of_an_open_connection() -> None:
    args = _parser().parse_args(["serve", "--port", "0", "--pace", "0"])
    server = serve_command.reference_server(args)

    async def talk() -> list[int]:
        async with connect(server.url + "?model=gpt-realtime", additional_headers=AUTH, open_timeout=5, close_timeout=2) as client:
            await asyncio.wait_for(client.recv(), 5)
            await client.send(json.dumps({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}}))
            await asyncio.wait_for(client.recv(), 5)
            return [len(connection.frames) for connection in server.connections]

    with nothing_left_behind(), server:
        assert asyncio.run(talk()) == [0]


# --- refused handshakes: one line each (item 4) -------------------------------------------------


def test_a_refused_handshake_is_one_scrubbed_line_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    async def never(connection: Connection) -> None:
        await connection.close()

    def gate(handshake: Handshake) -> tuple[int, str] | None:
        return None if handshake.has_credentials else (401, "no credentials")

    async def without_credentials(url: str) -> None:
        with pytest.raises(InvalidStatus):
            await connect(url + "?api_key=plainQueryKey", open_timeout=5)

    with caplog.at_level(logging.DEBUG), nothing_left_behind(), LiveServer(never, gate=gate) as server:
        bad_handshakes(server.port)
        asyncio.run(without_credentials(server.url))
    records = [record for record in caplog.records if record.name in ("conformance.live", "websockets.server")]
    assert len(records) == 4 and all(record.exc_info is None and record.levelno == logging.WARNING for record in records)
    lines = [record.getMessage() for record in records]
    assert all(line.startswith("refused a WebSocket handshake from 127.0.0.1:") and "\n" not in line for line in lines)
    assert "InvalidHeaderFormat: invalid Sec-WebSocket-Protocol header" in " ".join(lines) and "HTTP 401, no credentials" in " ".join(lines)
    assert not any(re.search(r"urlQuery|plantedBearer|memberPassword|sk-proj|plainQueryKey", line) for line in lines)


def test_why_names_each_cause_and_no_value() -> None:
    from conformance.live.refusals import why

    try:
        try:
            raise ValueError("invalid HTTP request line: GET /?api_key=plainSecret HTTP/1.0")
        except ValueError as inner:
            raise RuntimeError("did not receive a valid HTTP request") from inner
    except RuntimeError as outer:
        assert why(outer) == "RuntimeError: did not receive a valid HTTP request (caused by ValueError: invalid HTTP request line)"


# --- record: the upstream's credential, and why a session ended (items 5, 9) -------------------


def test_record_prints_no_credential_of_the_upstream_url(tmp_path: Path) -> None:
    with started("record", "--upstream", f"ws://user:{KEY}@127.0.0.1:9/v1?key={KEY}", "--listen", "127.0.0.1:0", "--out", str(tmp_path / "s.jsonl")) as (_, first, rest):
        assert "ws://127.0.0.1:9/v1" in first
    assert KEY not in first + "".join(rest)
    refused = run("record", "--upstream", f"http://user:{KEY}@h/", "--out", tmp_path / "x.jsonl")
    assert refused.code == 2 and KEY not in refused.out + refused.err and "ws:// or wss://" in refused.err


def test_a_frame_over_the_limit_ends_the_session_and_the_transcript_and_summary_say_why(tmp_path: Path) -> None:
    out = tmp_path / "big.jsonl"

    async def answers(connection: Connection) -> None:
        await connection.send_event({"type": "rate_limits.updated", "event_id": "e1", "rate_limits": []})
        await connection.receive(timeout=5)

    async def oversize(url: str) -> int | None:
        client = await connect(url, open_timeout=5, close_timeout=2, max_size=None)
        try:
            await asyncio.wait_for(client.recv(), 5)
            await client.send(["x" * 2**20] * 16 + ["x"])  # one message in fragments: 16 MiB and a byte
            await asyncio.wait_for(client.recv(), 10)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        finally:
            await client.close()
        return None

    with nothing_left_behind(), LiveServer(answers) as upstream:
        with started("record", "--upstream", upstream.url, "--listen", "127.0.0.1:0", "--out", str(out)) as (_, first, rest):
            url = re.search(r"ws://127\.0\.0\.1:\d+", first)
            assert url, first
            assert asyncio.run(oversize(url.group(0))) == 1009
            assert wait_until(lambda: "recorder ended" in out.read_text())
        upstream.wait_for_connections(1, timeout=10)
    header = open_transcript(out).header
    assert header.notes and "the client sent a frame over 16,777,216 bytes (16 MiB)" in header.notes and "1009" in header.notes
    assert [frame.event_type for frame in open_transcript(out)] == ["rate_limits.updated"]
    assert "the client sent a frame over 16,777,216 bytes" in rest[0]


def test_an_upstream_frame_over_the_limit_is_named_too(tmp_path: Path) -> None:
    out = tmp_path / "up.jsonl"

    async def floods(connection: Connection) -> None:
        await connection.send_text("y" * 70_000)
        await connection.receive(timeout=5)

    async def listen(url: str) -> None:
        async with connect(url, open_timeout=5, close_timeout=2) as client:
            try:
                await asyncio.wait_for(client.recv(), 5)
            except ConnectionClosed:
                pass

    with nothing_left_behind(), LiveServer(floods) as upstream, Recorder(upstream.url, out, max_frame_bytes=65_536) as recorder:
        asyncio.run(listen(recorder.url))
        recorder.live.wait_for_connections(1, timeout=15)
    (recording,) = recorder.recordings
    assert recording.ended and recording.ended.startswith("the upstream sent a frame over 65,536 bytes")
    assert "the upstream sent a frame over 65,536 bytes" in (open_transcript(out).header.notes or "")


# --- numbers beyond a float (item 8) ------------------------------------------------------------


def test_a_number_beyond_a_float_is_recorded_with_its_digits_and_the_session_command_reads_it(tmp_path: Path) -> None:
    out = tmp_path / "huge.jsonl"
    sent = '{"type":"rate_limits.updated","event_id":"e1","rate_limits":[{"name":"requests","limit":1e400,"remaining":5,"reset_seconds":-2.5E+999}]}'

    async def huge(connection: Connection) -> None:
        await connection.send_text(sent)
        await connection.receive(timeout=5)

    async def client(url: str) -> str:
        async with connect(url, open_timeout=5, close_timeout=2) as socket:
            got = await asyncio.wait_for(socket.recv(), 5)
            await socket.send('{"type":"response.create","event_id":"c1","response":{"max_output_tokens":1e400}}')
            return got  # type: ignore[return-value]

    with nothing_left_behind(), LiveServer(huge) as upstream, Recorder(upstream.url, out) as recorder:
        assert asyncio.run(client(recorder.url)) == sent  # forwarded unchanged
        recorder.live.wait_for_connections(1, timeout=15)
    text = out.read_text()
    assert "Infinity" not in text and '"limit":1e400' in text and '"reset_seconds":-2.5E+999' in text and '"max_output_tokens":1e400' in text
    frames = list(open_transcript(out))
    assert all(frame.problem is None for frame in frames)
    assert not [f for f in check_transcript(open_transcript(out)).findings if f.rule == "transcript.line"]
    session = run("session", out)
    assert "transcript.line" not in session.out and "not JSON" not in session.out, session.out


# --- the probe: redirects and URLs (items 3, 9) -------------------------------------------------


def test_a_redirect_to_http_fails_that_scenario_and_the_probe_goes_on(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    with nothing_left_behind(), RedirectsToHttp(f"http://127.0.0.1:9/v1/realtime?api_key={KEY}") as server:
        done = run("probe", server.url + "/v1/realtime", "--header", f"Authorization: Bearer {KEY}", "--scenario", "handshake", "--scenario", "empty-commit",
                   "--conformance-report", report, "--transport-timeout", "2")
    assert done.code == 1 and "Traceback" not in done.err and KEY not in done.out + done.err
    assert re.search(r"^FAIL handshake", done.out, re.MULTILINE) and re.search(r"^FAIL empty-commit", done.out, re.MULTILINE)
    checks = {check["id"]: check for check in json.loads(report.read_text())["checks"]}
    assert "redirected the handshake to a URL that is not ws:// or wss://" in checks["probe/empty-commit/runs"]["message"]


def test_a_missing_answer_is_named_in_a_sentence() -> None:
    """At e48e404: "no an error for the unknown event type within 0.3 s"."""
    from conformance.families.probe import SCENARIOS_BY_ID
    from conformance.live.probe import Limits, Target, play

    async def silent(connection: Connection) -> None:
        await connection.send_event({"type": "session.created", "event_id": "e1", "session": {"type": "realtime", "object": "realtime.session", "id": "s"}})
        while await connection.receive(timeout=2) is not None:
            pass

    with nothing_left_behind(), LiveServer(silent, stop_timeout=1) as server:
        run_ = asyncio.run(play("unknown-client-event", SCENARIOS_BY_ID["unknown-client-event"].steps, Target(server.url), Limits(timeout=0.3, settle=0.05)))
    assert run_.failure_message == "an error for the unknown event type did not come within 0.3 s (the server hangs)"


@pytest.mark.parametrize("url", ["ws://127.0.0.1:99999/v1/realtime", "ws://[::1/v1/realtime", "ws:///v1/realtime", "wss://h:port/x"])
def test_a_bad_url_is_a_usage_error_that_says_so(url: str) -> None:
    probed = run("probe", url, "--scenario", "handshake")
    assert probed.code == 2 and "the URL" in probed.err and "baseline" not in probed.err
    recorded = run("record", "--upstream", url, "--out", "unused.jsonl")
    assert recorded.code == 2 and "--upstream: the URL" in recorded.err
