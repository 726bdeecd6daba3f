"""The wire part of the harness protocol: a client library behind a harness runs the wire family as it
would in process, one harness process per session; a broken wire harness fails only the scenarios of
the command it breaks; version 1 harnesses still load, without a wire part; the JavaScript helper
blames an asynchronous failure on the request that caused it and hands build_client the exact text."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from conformance.adapters.registry import AdapterLoadError, wire_adapter_for
from conformance.adapters.stdio import HarnessFailed, StdioAdapter
from conformance.adapters.stdio_wire import HarnessWireClient
from conformance.adapters.wire import WireAdapterMissing
from conformance.broken.harnesses import BROKEN_WIRE_HARNESSES, BY_NAME
from conformance.detection import client_matrix, run
from conformance.families import wire, wire_connections
from conformance.implementations.reference.adapter import ReferenceAdapter

HARNESSES = Path(__file__).resolve().parents[1] / "harnesses"
HELPER = HARNESSES / "protocol" / "index.mjs"
PYTHON_REFERENCE = [sys.executable, "-m", "conformance.adapters.harness_host", "reference"]
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


def _installed(folder: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(shutil.which("node") is None or not (HARNESSES / folder / "node_modules").is_dir(), reason=f"needs Node.js and `npm ci` in harnesses/{folder}")


def _watched(adapter: StdioAdapter) -> list[HarnessWireClient]:
    """Every session client the adapter's wire part makes, to check their processes are gone."""
    made: list[HarnessWireClient] = []
    part = adapter.wire_adapter()
    make = part.client
    part.client = lambda: made.append(make()) or made[-1]  # type: ignore[method-assign]
    return made


def _passing(results: dict) -> set[str]:
    return {check_id for check_id, result in results.items() if result.passed}


# --- the reference behind a harness ----------------------------------------------------------------


def test_the_reference_wire_client_behind_a_harness_passes_every_wire_check_it_passes_in_process() -> None:
    checks = wire.checks()
    in_process = _passing(run(ReferenceAdapter(), checks))
    adapter = StdioAdapter(PYTHON_REFERENCE)
    made = _watched(adapter)
    try:
        behind = run(adapter, checks)
    finally:
        adapter.close()
    assert len(in_process) > 20, "the reference passes the wire family in process"
    missed = {check_id: behind[check_id].message for check_id in in_process - _passing(behind)}
    assert missed == {}
    repeated = wire_connections.CONNECTIONS - 1  # first-update-every-connection opens that many more
    assert len(made) == len(wire.SCENARIOS) + repeated, "one harness process per connection"
    assert all(client.session.process.poll() is not None for client in made), "every session's process is gone"


def test_the_start_reply_declares_the_class_scope_and_wire_part() -> None:
    adapter = StdioAdapter(PYTHON_REFERENCE)
    try:
        assert adapter.conformance_class == ("model", "client") and adapter.scope.consumes is None
        part = wire_adapter_for(adapter)
        assert (part.name, part.missing, part.leaves_to_application) == ("reference", {}, {})
        assert adapter.describe()["harness"] == {"implementation": "reference", "protocol": 2, "wire": True}
    finally:
        adapter.close()


# --- broken wire harnesses -------------------------------------------------------------------------


@pytest.mark.parametrize("broken", BROKEN_WIRE_HARNESSES, ids=[b.name for b in BROKEN_WIRE_HARNESSES])
def test_a_broken_wire_harness_fails_the_scenarios_of_the_command_it_breaks(broken) -> None:
    scenarios = sorted({check_id.split("/")[1] for check_id in broken.caught_by} | {"connect"})
    checks = wire.checks([wire.SCENARIOS_BY_ID[name] for name in scenarios])
    adapter = broken.adapter()
    made = _watched(adapter)
    try:
        results = run(adapter, checks)
    finally:
        adapter.close()
    failing = {check_id for check_id, result in results.items() if not result.passed}
    assert set(broken.caught_by) <= failing, f"{broken.name} slipped through"
    if broken.cmd != "connect":  # isolated: the session that never sends text or sees a transcript is fine
        assert {check_id for check_id in failing if check_id.startswith("wire/connect/")} == set()
    assert all(client.session.process.poll() is not None for client in made)


def test_what_a_broken_wire_harness_did_is_said_in_the_message() -> None:
    checks = {check.id: check for check in wire.checks([wire.SCENARIOS_BY_ID["unknown-event-type"]])}
    said = {}
    for name in ("hangs-on-send-text", "garbage-seen-lines"):
        adapter = BY_NAME[name].adapter()
        try:
            said[name] = run(adapter, [checks["wire/unknown-event-type/stays-alive"]])["wire/unknown-event-type/stays-alive"].message
        finally:
            adapter.close()
    assert "the harness did not answer 'send_text' within 1 s (hanging); it was killed [stderr: stuck on send_text" in said["hangs-on-send-text"]
    assert "the harness wrote a seen line that does not match the harness protocol: $.seen.text: required, but absent" in said["garbage-seen-lines"]


def test_the_wire_matrix_runs_broken_wire_harnesses_and_stops_them() -> None:
    rows = client_matrix([BY_NAME["crashes-on-connect"]], scenarios=["connect", "function-call"])
    assert [row.missed for row in rows] == [()] and rows[0].failing > 0


# --- protocol versions and declarations -----------------------------------------------------------


def _fake(tmp_path: Path, reply: dict) -> list[str]:
    """A harness that answers start with ``reply`` and parses anything as ignored."""
    harness = tmp_path / "fake.py"
    harness.write_text(textwrap.dedent(f"""
        import json, sys
        for line in sys.stdin:
            request = json.loads(line)
            if request["cmd"] == "start":
                print(json.dumps({{"id": request["id"], **{reply!r}}}), flush=True)
            elif request["cmd"] == "parse":
                print(json.dumps({{"id": request["id"], "outcome": "ignored"}}), flush=True)
            else:
                break
    """))
    return [sys.executable, str(harness)]


IMPLEMENTATION = {"name": "old", "version": "1", "language": "go", "sides": ["client"], "transports": ["websocket"]}


def test_a_version_1_harness_runs_the_parse_part_and_has_no_wire_part(tmp_path) -> None:
    adapter = StdioAdapter(_fake(tmp_path, {"version": 1, "implementation": IMPLEMENTATION}))
    try:
        assert adapter.parse("server", '{"type": "x"}').outcome == "ignored"
        assert adapter.conformance_class == "model"
        with pytest.raises(WireAdapterMissing, match="speaks protocol version 1, which has no wire part"):
            wire_adapter_for(adapter)
    finally:
        adapter.close()


def test_a_wire_part_on_anything_but_a_client_is_refused_at_start(tmp_path) -> None:
    reply = {"version": 2, "implementation": {**IMPLEMENTATION, "wire": {}}}
    with pytest.raises(AdapterLoadError, match=r'\$\.implementation: a wire part is judged only for a client, but the class is model: declare "class": "client"'):
        StdioAdapter(_fake(tmp_path, reply))


def test_an_untyped_event_reaches_the_suite_as_delivered_raw(tmp_path) -> None:
    harness = tmp_path / "raw.py"
    harness.write_text(textwrap.dedent("""
        import sys
        from conformance.adapters.adapter import Parsed
        from conformance.adapters.harness_host import serve
        from conformance.implementations.reference.adapter import ReferenceAdapter

        class Raw(ReferenceAdapter):
            def parse(self, direction, text):
                parsed = super().parse(direction, text)
                return parsed if parsed.outcome == "accepted" else Parsed("accepted", "xai.ping", {"type": "xai.ping"}, "no model", untyped=True)

            def dump(self, direction, obj):
                return obj if isinstance(obj, dict) else super().dump(direction, obj)

        serve(Raw(), sys.stdin.buffer, sys.stdout.buffer)
    """))
    adapter = StdioAdapter([sys.executable, str(harness)], cwd=Path.cwd())
    try:
        parsed = adapter.parse("server", '{"type": "xai.ping"}')
        assert (parsed.outcome, parsed.event_type, parsed.untyped, parsed.detail) == ("accepted", "xai.ping", True, "no model")
        assert adapter.dump("server", parsed.obj) == {"type": "xai.ping"}
        assert adapter.parse("server", '{"type": "input_audio_buffer.cleared", "event_id": "e", "item_id": "i"}').untyped is False
    finally:
        adapter.close()


# --- the JavaScript protocol helper ---------------------------------------------------------------


def _js_harness(tmp_path: Path, body: str) -> list[str]:
    harness = tmp_path / "harness.mjs"
    harness.write_text(f"import {{ serve }} from {json.dumps(HELPER.as_uri())};\n" + textwrap.dedent(body))
    return ["node", str(harness)]


@needs_node
def test_build_client_gets_the_exact_text_so_a_big_integer_survives_the_helper(tmp_path) -> None:
    command = _js_harness(tmp_path, """
        serve({
          name: 'echo', version: '1', language: 'javascript', sides: ['client'], transports: ['websocket'],
          parse: () => ({ outcome: 'ignored' }), dump: (d, o) => o,
          buildClient: (event, text) => text,  // a library that sends the text it is given
        });
    """)
    adapter = StdioAdapter(command)
    try:
        big = 2**53 + 1
        sent = adapter.build_client({"type": "session.update", "session": {"type": "realtime", "max_output_tokens": big}})
    finally:
        adapter.close()
    assert json.loads(sent)["session"]["max_output_tokens"] == big, sent


@needs_node
def test_a_failure_after_the_reply_is_blamed_on_its_request_in_stderr(tmp_path) -> None:
    command = _js_harness(tmp_path, """
        serve({
          name: 'late', version: '1', language: 'javascript', sides: ['client'], transports: ['websocket'],
          parse(direction, text) {
            if (text.includes('later')) setTimeout(() => { throw new Error('a timer of the library'); }, 50);
            return { outcome: 'ignored' };
          },
        });
    """)
    adapter = StdioAdapter(command)
    try:
        assert adapter.parse("server", '{"type": "later"}').outcome == "ignored"
        import time

        time.sleep(0.5)
        with pytest.raises(HarnessFailed, match=r"ended \(exit status 70\).*request 1 \(parse\) failed after its reply: Error: a timer of the library"):
            adapter.parse("server", '{"type": "next"}')
    finally:
        adapter.close()


@needs_node
def test_the_helper_answers_a_version_1_suite_in_version_1(tmp_path) -> None:
    import subprocess

    command = _js_harness(tmp_path, """
        serve({ name: 'v', version: '1', language: 'javascript', sides: ['client'], transports: ['websocket'], class: 'client', wire: { session() {} } });
    """)
    done = subprocess.run(command, input='{"cmd": "start", "id": 0, "version": 1}\n', capture_output=True, text=True, timeout=30)
    reply = json.loads(done.stdout.splitlines()[0])
    assert reply["version"] == 1 and set(reply["implementation"]) == {"name", "version", "language", "dialect", "sides", "transports", "missing", "nulls_distinct"}


# --- the shipped harnesses' wire parts -------------------------------------------------------------


@_installed("example-js")
def test_the_example_harness_passes_every_must_wire_check() -> None:
    adapter = StdioAdapter(["node", str(HARNESSES / "example-js" / "harness.mjs")])
    try:
        results = run(adapter, wire.checks())
    finally:
        adapter.close()
    levels = {check.id: check.level for check in wire.checks()}
    failing_must = {check_id: result.message for check_id, result in results.items() if not result.passed and levels[check_id] == "MUST"}
    assert failing_must == {}
    assert len(results) > 20


@_installed("js-agents-realtime")
def test_the_agents_realtime_harness_reports_raw_events_and_untyped_parses(monkeypatch) -> None:
    from conformance.adapters import stdio
    from conformance.adapters.registry import load_adapter

    monkeypatch.setenv(stdio.HARNESSES_VARIABLE, str(HARNESSES))
    adapter = load_adapter("agents-realtime-js")
    try:
        assert adapter.conformance_class == "client"
        parsed = adapter.parse("server", '{"type": "input_audio_buffer.timeout_triggered", "event_id": "e", "audio_start_ms": 1, "audio_end_ms": 2, "item_id": "i"}')
        assert (parsed.outcome, parsed.untyped) == ("accepted", True) and "only a raw '*' event" in parsed.detail
        assert adapter.dump("server", parsed.obj)["audio_end_ms"] == 2
        scenario = wire.SCENARIOS_BY_ID["unknown-event-type"]
        from conformance.live.wire_runner import run_scenario

        played = run_scenario(adapter.wire_adapter(), scenario.build(), scenario.settings, scenario.app, bound=scenario.bound)
    finally:
        adapter.close()
    assert played.failure is None
    raw = {seen.detail["type"] for seen in played.seen if seen.kind == "raw"}
    assert {"session.created", "response.output_audio.delta"} <= raw
