"""The one WebSocket server under every live family: it records every frame of both directions with
its time and line, bounds every wait, survives handlers that fail or hang, refuses what its gate
refuses, and leaves no thread, task or socket behind."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from conformance.live.server import Connection, Handshake, LiveServer
from conformance.sessions.transcript import Header, open_transcript


async def echo_twice(connection: Connection) -> None:
    await connection.send_event({"type": "session.created", "event_id": "event_1"})
    for _ in range(2):
        frame = await connection.receive(timeout=2)
        if frame is None:
            return
        await connection.send_text(frame.raw if frame.raw is not None else json.dumps(frame.event))


def talk(url: str, *messages: str | bytes, path: str = "/v1/realtime?model=gpt-realtime", headers: dict[str, str] | None = None) -> list[str]:
    async def run() -> list[str]:
        received = []
        async with connect(url + path, additional_headers=headers or {}, open_timeout=5) as client:
            received.append(await asyncio.wait_for(client.recv(), 5))
            for message in messages:
                await client.send(message)
                received.append(await asyncio.wait_for(client.recv(), 5))
        return received

    return asyncio.run(run())


def test_every_frame_is_recorded_in_order_with_its_time_and_line(tmp_path: Path) -> None:
    with LiveServer(echo_twice, record_dir=tmp_path, header=Header(notes="echo")) as server:
        assert server.url.startswith("ws://127.0.0.1:") and server.port > 0
        replies = talk(server.url, '{"type":"response.create"}', "not json", headers={"Authorization": "Bearer sk-test-secret"})
        (connection,) = server.wait_for_connections(1, timeout=5)
    assert replies[1:] == ['{"type": "response.create"}', "not json"]
    kinds = [(frame.line, frame.dir, frame.event_type or frame.raw) for frame in connection.frames]
    assert kinds == [(2, "server", "session.created"), (3, "client", "response.create"), (4, "server", "response.create"), (5, "client", "not json"), (6, "server", "not json")]
    times = [frame.t for frame in connection.frames]
    assert times == sorted(times) and all(t is not None and t >= 0 for t in times)
    assert connection.handshake == Handshake("/v1/realtime", {"model": "gpt-realtime"}, connection.handshake.header_names)
    assert connection.handshake.has_credentials and "authorization" in connection.handshake.header_names
    written = open_transcript(tmp_path / "connection-1.jsonl")
    assert written.header.notes == "echo"
    assert [frame.to_line() for frame in written] == [frame.to_line() for frame in connection.frames]
    assert "sk-test-secret" not in (tmp_path / "connection-1.jsonl").read_text()


def test_binary_frames_are_kept() -> None:
    with LiveServer(echo_twice) as server:
        talk(server.url, b"\x00\x01")
        (connection,) = server.wait_for_connections(1, timeout=5)
    assert connection.frames[1].binary == b"\x00\x01"


def test_a_handler_that_raises_costs_only_its_connection() -> None:
    calls = []

    async def flaky(connection: Connection) -> None:
        calls.append(connection.number)
        if connection.number == 1:
            raise RuntimeError("boom")
        await echo_twice(connection)

    with LiveServer(flaky) as server:
        with pytest.raises(ConnectionClosed):
            talk(server.url)
        assert talk(server.url)[0] == '{"type":"session.created","event_id":"event_1"}'
        first, second = server.wait_for_connections(2, timeout=5)
    assert isinstance(first.error, RuntimeError) and second.error is None


def test_a_hanging_handler_is_cancelled_when_the_server_stops_within_the_bound() -> None:
    async def hangs(connection: Connection) -> None:
        await asyncio.sleep(3600)

    server = LiveServer(hangs, stop_timeout=0.5).start()
    opened = threading.Event()

    def client() -> None:
        async def run() -> None:
            async with connect(server.url, open_timeout=5) as socket_:
                opened.set()
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(socket_.recv(), 10)

        asyncio.run(run())

    thread = threading.Thread(target=client)
    thread.start()
    assert opened.wait(5)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5
    thread.join(10)
    assert not thread.is_alive()
    (connection,) = server.connections
    assert connection.finished.is_set() and isinstance(connection.error, TimeoutError)


def test_receive_is_bounded_and_reports_a_closed_socket() -> None:
    seen: list[object] = []

    async def waits(connection: Connection) -> None:
        seen.append(await connection.receive(timeout=0.2))  # nothing comes
        seen.append(await connection.receive(timeout=5))  # the client closes
        seen.append(connection.close_code)

    with LiveServer(waits) as server:

        async def run() -> None:
            async with connect(server.url, open_timeout=5) as client:
                await asyncio.sleep(0.4)
                await client.close(4000, "bye")

        asyncio.run(run())
        server.wait_for_connections(1, timeout=5)
    assert seen == [None, None, 4000]


def test_a_frame_over_the_size_limit_closes_with_1009_and_is_not_buffered() -> None:
    async def reads(connection: Connection) -> None:
        await connection.receive(timeout=5)

    with LiveServer(reads, max_frame_bytes=1024) as server:

        async def run() -> int | None:
            async with connect(server.url, open_timeout=5, max_size=None) as client:
                await client.send("x" * 4096)
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(client.recv(), 5)
                return closed.value.rcvd.code if closed.value.rcvd else None

        assert asyncio.run(run()) == 1009
        (connection,) = server.wait_for_connections(1, timeout=5)
    assert connection.close_code == 1009 and connection.frames == []


def test_the_gate_refuses_a_handshake_before_any_frame() -> None:
    def needs_credentials(handshake: Handshake) -> tuple[int, str] | None:
        return None if handshake.has_credentials else (401, "missing Authorization")

    with LiveServer(echo_twice, gate=needs_credentials) as server:
        with pytest.raises(InvalidStatus) as refused:
            talk(server.url)
        assert refused.value.response.status_code == 401
        assert talk(server.url, headers={"api-key": "x"})[0].startswith('{"type":"session.created"')


def test_nothing_is_left_behind() -> None:
    before = {thread.name for thread in threading.enumerate()}
    with LiveServer(echo_twice) as server:
        talk(server.url)
        port = server.port
    assert {thread.name for thread in threading.enumerate()} <= before
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT of the closed connection aside,
        probe.bind(("127.0.0.1", port))  # nothing listens there any more


def test_receive_message_gives_the_frame_exactly_as_it_came_and_frames_need_not_be_kept(tmp_path: Path) -> None:
    got: list[object] = []

    async def relay(connection: Connection) -> None:
        received = await connection.receive_message(timeout=5)
        assert received is not None
        frame, message = received
        got.append((frame.line, frame.event, message))
        await connection.send_text(message)  # type: ignore[arg-type]
        await connection.send_bytes(b"\x01\x02")

    with LiveServer(relay, record_dir=tmp_path, keep_frames=False) as server:

        async def run() -> list[object]:
            async with connect(server.url, open_timeout=5) as client:
                await client.send('{ "type" : "response.create",  "x": 1.0 }')
                return [await asyncio.wait_for(client.recv(), 5), await asyncio.wait_for(client.recv(), 5)]

        echoed = asyncio.run(run())
        (connection,) = server.wait_for_connections(1, timeout=5)
    assert got == [(2, {"type": "response.create", "x": 1.0}, '{ "type" : "response.create",  "x": 1.0 }')]
    assert echoed == ['{ "type" : "response.create",  "x": 1.0 }', b"\x01\x02"]
    assert connection.frames == [] and connection.count == 3
    written = list(open_transcript(tmp_path / "connection-1.jsonl"))
    assert [frame.dir for frame in written] == ["client", "server", "server"] and written[2].binary == b"\x01\x02"


def test_a_subprotocol_is_chosen_from_those_offered_and_its_value_is_not_kept() -> None:
    async def hello(connection: Connection) -> None:
        await connection.send_text(connection.socket.subprotocol or "")

    with LiveServer(hello, select_subprotocol=lambda offered: "realtime" if "realtime" in offered else None) as server:

        async def run() -> str:
            async with connect(server.url, open_timeout=5, subprotocols=["realtime", "openai-insecure-api-key.sk-secret-value"]) as client:  # type: ignore[list-item]
                return await asyncio.wait_for(client.recv(), 5)  # type: ignore[return-value]

        assert asyncio.run(run()) == "realtime"
        (connection,) = server.wait_for_connections(1, timeout=5)
    assert "sk-secret-value" not in repr(connection.handshake)
