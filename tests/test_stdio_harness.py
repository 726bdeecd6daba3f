"""The stdio adapter: an implementation behind a harness process. Deliberately broken harness
processes (``conformance.broken.harnesses``) fail exactly the checks of the requests
they break, every other check still passing; a hung process is killed and restarted, not leaked;
a harness that never gets going stops the run with a clear message."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from conformance.checks import Driver, ImplementationFailed, run_check
from conformance.detection import all_checks, matrix, render
from conformance.adapters import stdio
from conformance.broken.harnesses import BROKEN_HARNESSES, BY_NAME, UNSTARTABLE
from conformance.adapters.registry import AdapterLoadError, load_adapter
from conformance.adapters.stdio import HarnessFailed, StdioAdapter

HARNESSES = Path(__file__).resolve().parents[1] / "harnesses"
EXAMPLE_JS = HARNESSES / "example-js" / "harness.mjs"
PYTHON_REFERENCE = [sys.executable, "-m", "conformance.adapters.harness_host", "reference"]
CHECKS = all_checks(("corpus", "snapshot"))
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

SPEECH_STARTED = json.dumps({"type": "input_audio_buffer.speech_started", "event_id": "event_1", "audio_start_ms": 1000, "item_id": "item_1"})
AUDIO_DELTA = json.dumps({"type": "response.output_audio.delta", "event_id": "e", "response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0, "delta": "AAAA"})


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes; the adapter reaps what it kills.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def pid_of(adapter: StdioAdapter) -> int:
    assert adapter._process is not None
    return adapter._process.popen.pid


def run_all(adapter: StdioAdapter, checks, timeout: float = 10.0) -> dict[str, tuple[bool | None, str]]:
    """Each applicable check's (passed, message), with a driver of its own, as the plugin runs them."""
    found = {}
    for check in checks:
        passed, message, applicable = run_check(check, Driver(adapter, timeout))
        if applicable:
            found[check.id] = (passed, message)
    return found


# --- a working harness ---------------------------------------------------------------------------


def test_stdio_prefix_loads_a_harness_and_it_describes_itself() -> None:
    adapter = load_adapter("stdio:" + " ".join(PYTHON_REFERENCE))
    try:
        assert adapter.name == "reference" and adapter.language == "python"
        assert adapter.describe()["harness"] == {"implementation": "reference", "protocol": 2, "wire": True}
        parsed = adapter.parse("server", SPEECH_STARTED)
        assert (parsed.outcome, parsed.event_type) == ("accepted", "input_audio_buffer.speech_started")
        assert adapter.dump("server", parsed.obj) == json.loads(SPEECH_STARTED)
        assert adapter.parse("server", '{"type": "xai.ping"}').outcome == "ignored"
        assert json.loads(adapter.build_client({"type": "response.cancel"})) == {"type": "response.cancel"}
    finally:
        adapter.close()


def test_the_reference_behind_a_harness_passes_what_it_passes_in_process() -> None:
    adapter = StdioAdapter(PYTHON_REFERENCE)
    try:
        failing = {check_id: message for check_id, (passed, message) in run_all(adapter, CHECKS.values()).items() if not passed}
    finally:
        adapter.close()
    assert failing == {}


def test_parse_many_keeps_requests_in_flight_and_answers_in_order() -> None:
    adapter = StdioAdapter(PYTHON_REFERENCE)
    try:
        texts = [SPEECH_STARTED, '{"type": "xai.ping"}', "not json"] * 100
        batched = adapter.parse_many("server", texts)
        assert [p.outcome for p in batched] == [adapter.parse("server", t).outcome for t in texts]
        assert adapter.dump("server", batched[-3].obj) == json.loads(SPEECH_STARTED)
        # Far more than both pipes hold, both ways: the writer and the reader must not stall each other.
        large = json.dumps({"type": "response.output_audio.delta", "event_id": "e", "response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0, "delta": "A" * 65536})
        assert {p.outcome for p in adapter.parse_many("server", [large, large[:-2]] * 100)} == {"accepted", "rejected"}
    finally:
        adapter.close()


def test_a_crash_in_the_middle_of_a_batch_fails_the_batch_and_the_next_call_goes_on() -> None:
    adapter = BY_NAME["crashes-on-audio-delta"].adapter()
    try:
        with pytest.raises(HarnessFailed, match="exit status 70"):
            adapter.parse_many("server", [SPEECH_STARTED] * 50 + [AUDIO_DELTA] + [SPEECH_STARTED] * 50)
        assert [p.outcome for p in adapter.parse_many("server", [SPEECH_STARTED] * 3)] == ["accepted"] * 3
    finally:
        adapter.close()


def test_a_missing_capability_comes_from_the_start_reply(tmp_path) -> None:
    harness = tmp_path / "client_only.py"
    harness.write_text(textwrap.dedent("""
        import sys
        from conformance.adapters.adapter import Capability
        from conformance.adapters.harness_host import serve
        from conformance.implementations.reference.adapter import ReferenceAdapter

        class ClientOnly(ReferenceAdapter):
            name = "client-only"
            sides = frozenset({"client"})
            missing = frozenset({Capability.BUILD_CLIENT})
            nulls_distinct = False

        serve(ClientOnly(), sys.stdin.buffer, sys.stdout.buffer)
    """))
    adapter = StdioAdapter([sys.executable, str(harness)], cwd=Path.cwd())
    try:
        assert adapter.missing == frozenset({stdio.capability("build_client")})
        assert adapter.sides == frozenset({"client"}) and adapter.nulls_distinct is False
        passed, message, applicable = run_check(CHECKS["snapshot/response-cancel/wire"], Driver(adapter))
        assert (passed, applicable) == (None, True) and "build client events" in message
    finally:
        adapter.close()


# --- broken harnesses, one defect each -------------------------------------------------------------


@pytest.mark.parametrize("broken", BROKEN_HARNESSES, ids=[b.name for b in BROKEN_HARNESSES])
def test_a_broken_harness_fails_only_the_checks_of_the_requests_it_breaks(broken) -> None:
    if broken.unavailable():
        pytest.skip(broken.unavailable())
    adapter = broken.adapter()
    try:
        results = run_all(adapter, CHECKS.values(), broken.call_timeout)
    finally:
        adapter.close()
    failing = {check_id: message for check_id, (passed, message) in results.items() if passed is not True}
    assert set(broken.caught_by) <= set(failing), f"{broken.name} slipped through"
    if broken.node_program is not None:  # JSON.parse, not the reference: what the same program fails without the defect stays out
        intact = StdioAdapter([*broken.command(), "intact"])
        try:
            failing = {check_id: m for check_id, m in failing.items() if check_id not in {i for i, (passed, _) in run_all(intact, CHECKS.values()).items() if not passed}}
        finally:
            intact.close()
    # Isolated: nothing fails but the checks of the event type it breaks on.
    elsewhere = {check_id: message for check_id, message in failing.items() if CHECKS[check_id].event_type != broken.event_type}
    assert elsewhere == {}
    passing_same_type = [check_id for check_id, (passed, _) in results.items() if passed and CHECKS[check_id].event_type == broken.event_type]
    if broken.cmd == "dump":
        assert passing_same_type, "parsing that event type still works: only its dump is broken"


def test_a_crash_fails_the_check_in_flight_with_the_stderr_and_the_next_call_gets_a_new_process() -> None:
    adapter = BY_NAME["crashes-on-audio-delta"].adapter()
    try:
        first = adapter.parse("server", SPEECH_STARTED)
        crashed_pid = pid_of(adapter)
        with pytest.raises(HarnessFailed) as crash:
            adapter.parse("server", AUDIO_DELTA)
        message = str(crash.value)
        assert "the harness process ended (exit status 70) during parse; it will be restarted" in message
        assert "[stderr: Traceback (most recent call last): ⏎ RuntimeError: simulated crash on parse" in message
        assert not alive(crashed_pid)
        assert adapter.parse("server", SPEECH_STARTED).outcome == "accepted"
        assert pid_of(adapter) != crashed_pid
        with pytest.raises(HarnessFailed, match="parsed by a harness process that has since been restarted"):
            adapter.dump("server", first.obj)
    finally:
        adapter.close()


def test_a_hang_is_killed_by_the_adapter_when_its_timeout_is_the_shorter() -> None:
    adapter = BY_NAME["hangs-on-speech-started"].adapter(timeout=0.5)
    try:
        hung_pid = pid_of(adapter)
        started = time.monotonic()
        with pytest.raises(ImplementationFailed, match=r"no reply to parse within 0\.5 s \(hanging\); the harness was killed and will be restarted \[stderr: stuck on parse"):
            Driver(adapter, timeout=10).parse("server", SPEECH_STARTED)
        assert time.monotonic() - started < 5
        assert not alive(hung_pid)
        assert Driver(adapter, timeout=10).parse("server", AUDIO_DELTA).outcome == "accepted"
    finally:
        adapter.close()


def test_a_hang_is_killed_by_the_next_call_when_the_drivers_timeout_is_the_shorter() -> None:
    adapter = BY_NAME["hangs-on-speech-started"].adapter(timeout=60)
    try:
        hung_pid = pid_of(adapter)
        with pytest.raises(ImplementationFailed, match=r"did not return within 0\.3 s \(hanging\)"):
            Driver(adapter, timeout=0.3).parse("server", SPEECH_STARTED)
        assert alive(hung_pid), "the driver gave up; the process is still stuck"
        started = time.monotonic()
        assert Driver(adapter, timeout=30).parse("server", AUDIO_DELTA).outcome == "accepted"
        assert time.monotonic() - started < 20, "the stuck call was ended, not waited out"
        assert not alive(hung_pid)
    finally:
        adapter.close()


def test_close_stops_the_process() -> None:
    adapter = StdioAdapter(PYTHON_REFERENCE)
    pid = pid_of(adapter)
    adapter.close()
    assert not alive(pid)
    adapter.close()  # twice is harmless


def test_stderr_attached_to_a_failure_is_bounded(tmp_path) -> None:
    harness = tmp_path / "noisy.py"
    harness.write_text(textwrap.dedent("""
        import json, os, sys
        for line in sys.stdin:
            request = json.loads(line)
            if request["cmd"] == "start":
                print(json.dumps({"id": request["id"], "version": 1, "implementation": {"name": "noisy", "version": "1", "language": "python", "sides": ["client"], "transports": ["websocket"]}}), flush=True)
            else:
                sys.stderr.write("x" * 100000 + "\\nthe last words\\n")
                sys.stderr.flush()
                os._exit(1)
    """))
    adapter = StdioAdapter([sys.executable, str(harness)])
    try:
        with pytest.raises(HarnessFailed) as crash:
            adapter.parse("server", SPEECH_STARTED)
    finally:
        adapter.close()
    message = str(crash.value)
    assert message.endswith("the last words]") and "exit status 1" in message
    assert len(message) < stdio.STDERR_SHOWN + 200


def test_a_harness_that_cannot_be_restarted_fails_later_calls_at_once(tmp_path) -> None:
    marker = tmp_path / "started-once"
    harness = tmp_path / "once.py"
    harness.write_text(textwrap.dedent(f"""
        import json, os, sys
        from pathlib import Path
        marker = Path({str(marker)!r})
        if marker.exists():
            sys.stderr.write("cannot start twice\\n")
            sys.exit(3)
        marker.touch()
        for line in sys.stdin:
            request = json.loads(line)
            if request["cmd"] != "start":
                os._exit(1)
            print(json.dumps({{"id": request["id"], "version": 1, "implementation": {{"name": "once", "version": "1", "language": "python", "sides": ["client"], "transports": ["websocket"]}}}}), flush=True)
    """))
    adapter = StdioAdapter([sys.executable, str(harness)])
    try:
        with pytest.raises(HarnessFailed, match="ended"):
            adapter.parse("server", SPEECH_STARTED)
        with pytest.raises(HarnessFailed, match=r"could not be restarted: .*exit status 3.*cannot start twice"):
            adapter.parse("server", SPEECH_STARTED)
        for _ in range(stdio.RESTART_ATTEMPTS):
            with pytest.raises(HarnessFailed):
                adapter.parse("server", SPEECH_STARTED)
        started = time.monotonic()
        with pytest.raises(HarnessFailed, match=f"not attempted: the harness could not be restarted {stdio.RESTART_ATTEMPTS} times in a row"):
            adapter.parse("server", SPEECH_STARTED)
        assert time.monotonic() - started < 0.5
    finally:
        adapter.close()


# --- harnesses that never get going -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("exits-at-start", r"ended \(exit status 70\) before answering start \[stderr: Traceback"),
        ("silent-at-start", r"did not answer start within 1 s \[stderr: stuck on start"),
        ("wrong-protocol-version", r"answered start wrongly: \$\.version: the harness speaks protocol version 99; this suite speaks 1 and 2"),
        ("start-without-sides", r"answered start wrongly: \$\.implementation\.sides: required, but absent"),
    ],
)
def test_a_harness_that_never_gets_going_cannot_be_loaded(name: str, says: str) -> None:
    assert {b.name for b in UNSTARTABLE} >= {name}
    with pytest.raises(AdapterLoadError, match=says):
        BY_NAME[name].adapter(start_timeout=1 if name == "silent-at-start" else 30)


def test_a_command_that_cannot_run_cannot_be_loaded() -> None:
    with pytest.raises(AdapterLoadError, match="cannot run the harness `no-such-program-here --flag`"):
        load_adapter("stdio:no-such-program-here --flag")
    with pytest.raises(AdapterLoadError, match="needs a command"):
        load_adapter("stdio:")


def test_the_plugin_refuses_to_run_with_a_harness_that_never_starts(pytester) -> None:
    command = " ".join(BY_NAME["wrong-protocol-version"].command())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--pyargs", "conformance", "--realtime-impl", f"stdio:{command}", "-k", "corpus/speech-started/")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*answered start wrongly: $.version: the harness speaks protocol version 99; this suite speaks 1*"])


def test_the_plugin_runs_a_harness_and_fails_only_the_checks_it_breaks(pytester) -> None:
    command = " ".join(BY_NAME["crashes-on-audio-delta"].command())
    report = pytester.path / "report.json"
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--pyargs", "conformance", "--realtime-impl", f"stdio:{command}", "--conformance-report", str(report),
        "-k", "corpus/speech-started/ or corpus/output-audio-delta-20ms/",
    )
    outcomes = {check["id"]: check["outcome"] for check in json.loads(report.read_text())["checks"]}
    assert outcomes["corpus/output-audio-delta-20ms/parses"] == "fail"
    assert outcomes["corpus/speech-started/parses"] == "pass" and outcomes["corpus/speech-started/lossless-dump"] == "pass"
    result.stdout.fnmatch_lines(["*corpus/output-audio-delta-20ms/parses [[]MUST] fail for reference: *exit status 70*simulated crash*"])


# --- the detection matrix ----------------------------------------------------------------------------


def test_the_detection_matrix_runs_broken_harnesses_and_stops_them() -> None:
    made: list[StdioAdapter] = []

    @dataclasses.dataclass(frozen=True)
    class Watched:
        broken: Any

        def __getattr__(self, name: str) -> Any:
            return getattr(self.broken, name)

        def adapter(self) -> StdioAdapter:
            made.append(self.broken.adapter())
            return made[-1]

    chosen = [Watched(BY_NAME["garbage-on-text-delta"]), Watched(BY_NAME["error-reply-on-dump"])]
    rows = matrix(("corpus",), chosen)
    assert all(not row.missed and row.caught["corpus"] >= len(row.broken.caught_by) for row in rows)
    assert all(adapter._process is None for adapter in made), "each harness is stopped after its row"
    table = render(rows, ("corpus",))
    assert "| `garbage-on-text-delta` | writes a line that is not JSON instead of answering a parse of response.output_text.delta |" in table
    assert table.count("| yes |") == 2


# --- the shipped harnesses -------------------------------------------------------------------------


@needs_node
@pytest.mark.skipif(not (EXAMPLE_JS.parent / "node_modules").is_dir(), reason="run npm ci in harnesses/example-js")
def test_the_example_javascript_harness_passes_every_must_check() -> None:
    adapter = load_adapter(f"stdio:node {EXAMPLE_JS}")
    try:
        assert (adapter.name, adapter.language, adapter.missing) == ("example-js", "javascript", frozenset())
        results = run_all(adapter, CHECKS.values())
    finally:
        adapter.close()
    failures = {i: m for i, (passed, m) in results.items() if not passed}
    assert {i for i in failures if CHECKS[i].level == "MUST"} == set(), failures
    # JSON.parse reads every number as a double: an integer beyond 2^53 is the one thing it loses,
    # and that is INFO (RFC 8259 §6 promises interoperability only within ±(2^53-1)); it validates
    # nothing, so the SHOULD rejections fail too.
    info = {i: m for i, m in failures.items() if CHECKS[i].level == "INFO"}
    assert "corpus/rate-limits-updated-large-counts/lossless-dump" in info
    assert all("9007199254740993" in message or i.endswith("/rejects") for i, message in info.items()), info
    assert all(i.endswith("/rejects") for i in failures if CHECKS[i].level == "SHOULD")
    assert all(results[i][0] for i in CHECKS if i.startswith("snapshot/"))


def test_the_agents_realtime_harness_is_found_through_the_variable(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(stdio.HARNESSES_VARIABLE, str(tmp_path))
    with pytest.raises(AdapterLoadError, match=r"cannot find the js-agents-realtime harness: .*\$CONFORMANCE_HARNESSES is .*, which has no js-agents-realtime/.*tox -e agents-realtime-js"):
        load_adapter("agents-realtime-js")
    (tmp_path / "js-agents-realtime").mkdir()
    (tmp_path / "js-agents-realtime" / "package.json").write_text("{}")
    if shutil.which("node"):
        with pytest.raises(AdapterLoadError, match="dependencies are not installed: run `npm ci` in"):
            load_adapter("agents-realtime-js")


@needs_node
@pytest.mark.skipif(not (HARNESSES / "js-agents-realtime" / "node_modules").is_dir(), reason="run npm ci in harnesses/js-agents-realtime")
def test_the_agents_realtime_harness_drives_the_package(monkeypatch) -> None:
    monkeypatch.setenv(stdio.HARNESSES_VARIABLE, str(HARNESSES))
    adapter = load_adapter("agents-realtime-js")
    try:
        assert adapter.name == "agents-realtime-js" and adapter.version == "0.20.0"
        assert adapter.describe()["harness"]["implementation"] == "@openai/agents-realtime"
        assert (adapter.language, adapter.sides, adapter.transports) == ("javascript", frozenset({"client"}), frozenset({"websocket", "webrtc", "sip"}))
        parsed = adapter.parse("server", json.dumps({"type": "input_audio_buffer.cleared", "event_id": "e", "cleared_bytes": 3}))
        assert parsed.outcome == "accepted" and adapter.dump("server", parsed.obj) == {"type": "input_audio_buffer.cleared", "event_id": "e"}
        # No schema for it: handed only to '*' listeners, raw (openaiRealtimeBase.mjs:112-115).
        untyped = adapter.parse("server", '{"type": "input_audio_buffer.timeout_triggered", "event_id": "e"}')
        assert (untyped.outcome, untyped.untyped) == ("accepted", True)
        assert adapter.parse("server", '{"type": "x", "event_id": 7}').outcome == "ignored", "dropped: event_id is no string"
        assert json.loads(adapter.build_client({"type": "response.create"})) == {"type": "response.create", "event_id": "agents_js_response_create_1"}
        assert json.loads(adapter.build_client({"type": "response.create", "event_id": "mine"}))["event_id"] == "mine"
    finally:
        adapter.close()
