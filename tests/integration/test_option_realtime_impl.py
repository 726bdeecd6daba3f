"""--realtime-impl: the implementation under test."""

from __future__ import annotations

import pytest

from .conftest import outcomes, write_adapter

BROKEN_DUMP = """
from conformance.implementations.reference.adapter import ReferenceAdapter

class Adapter(ReferenceAdapter):
    name = "drops-item-id"

    def dump(self, direction, obj):
        wire = super().dump(direction, obj)
        wire.pop("item_id", None)
        return wire
"""


def test_the_reference_is_the_default_and_passes(run_suite) -> None:
    result, report = run_suite()
    result.assert_outcomes(passed=5)
    assert report["implementation"]["name"] == "reference"
    assert set(outcomes(report).values()) == {"pass"}


def test_an_unknown_name_is_a_usage_error(run_suite) -> None:
    result, report = run_suite("--realtime-impl", "no-such-library")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown implementation 'no-such-library'*known: *reference*"])
    assert report is None


def test_an_import_path_loads_an_adapter_and_a_broken_one_fails_naming_check_and_payload(run_suite, pytester) -> None:
    result, report = run_suite("--realtime-impl", write_adapter(pytester, BROKEN_DUMP))
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "*corpus/speech-started/lossless-dump [[]MUST] fail for drops-item-id: the dump differs at 1 place: $.item_id: expected string *, got absent (the member was dropped)*",
        "*input: fixtures/server/input_audio_buffer.speech_started/speech-started.json*",
    ])
    assert outcomes(report)["corpus/speech-started/lossless-dump"] == "fail"
    assert outcomes(report)["corpus/speech-started/parses"] == "pass"


HANGS_AND_CRASHES = """
import time
from conformance.implementations.reference.adapter import ReferenceAdapter

class Adapter(ReferenceAdapter):
    name = "unreliable"

    def parse(self, direction, text):
        if "ping" in text:
            time.sleep(30)
        if "1000" in text:
            raise MemoryError("boom")
        return super().parse(direction, text)
"""


def test_a_hanging_or_crashing_implementation_fails_those_checks_and_the_run_goes_on(run_suite, pytester) -> None:
    result, report = run_suite("--realtime-impl", write_adapter(pytester, HANGS_AND_CRASHES), "--call-timeout", "1")
    result.assert_outcomes(passed=2, failed=3)
    messages = {check["id"]: check["message"] for check in report["checks"]}
    assert "did not return within 1 s (hanging)" in messages["corpus/unknown-type-xai-ping/tolerates-unknown-type"]
    assert "did not return within 1 s (hanging)" in messages["corpus/unknown-type-xai-ping/not-typed-as-known-event"]
    assert "MemoryError: boom" in messages["corpus/speech-started/parses"]  # in the worker, or in process with --isolation none
    assert report["summary"]["fail"] == 5  # the two SHOULD ones are reported, without failing the run


MISSING_CLIENT_PARSE = """
from conformance.adapters.adapter import Capability
from conformance.implementations.reference.adapter import ReferenceAdapter

class Adapter(ReferenceAdapter):
    name = "server-only"
    missing = frozenset({Capability.PARSE_CLIENT, Capability.DUMP_CLIENT})
"""


def test_a_missing_capability_is_not_implemented_and_fails_a_must_check(run_suite, pytester) -> None:
    result, report = run_suite("--realtime-impl", write_adapter(pytester, MISSING_CLIENT_PARSE), selection="client-commit or client-invalid-append-not-base64")
    found = outcomes(report)
    assert found["corpus/client-commit/parses"] == "not-implemented"
    assert found["corpus/client-invalid-append-not-base64/rejects"] == "not-implemented"
    assert found["corpus/client-commit/sends-unchanged"] == "pass"
    # MUST checks fail the run; the SHOULD one is reported and skipped.
    result.assert_outcomes(failed=4, skipped=1, passed=2)


CLIENT_LIBRARY = """
from conformance.implementations.reference.adapter import ReferenceAdapter

class Adapter(ReferenceAdapter):
    name = "client-library"
    sides = frozenset({"client"})
    transports = frozenset({"websocket"})
"""


def test_checks_of_the_other_side_or_another_transport_do_not_apply(run_suite, pytester) -> None:
    result, report = run_suite("--realtime-impl", write_adapter(pytester, CLIENT_LIBRARY), selection="client-commit/ or output-audio-buffer-started")
    found = outcomes(report)
    assert found["corpus/client-commit/parses"] == "not-applicable"
    assert found["corpus/client-commit/sends-unchanged"] == "pass"
    assert found["corpus/output-audio-buffer-started/parses"] == "not-applicable"
    messages = {check["id"]: check["message"] for check in report["checks"]}
    assert "only a server needs to parse client events" in messages["corpus/client-commit/parses"]
    assert "travels only over sip/webrtc" in messages["corpus/output-audio-buffer-started/parses"]
    assert result.ret == pytest.ExitCode.OK
    assert report["implementation"]["sides"] == ["client"] and report["implementation"]["transports"] == ["websocket"]


def test_a_baseline_entry_for_a_check_that_does_not_apply_is_stale(run_suite, pytester) -> None:
    from .conftest import baseline

    path = baseline(pytester.path / "stale.json", "client-library", {"corpus/client-commit/parses": "an old reason"})
    result, report = run_suite("--realtime-impl", write_adapter(pytester, CLIENT_LIBRARY), "--baseline", path, selection="client-commit/")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*corpus/client-commit/parses*does not apply*remove the stale entry*"])


def test_adapters_registered_as_entry_points_are_found(monkeypatch) -> None:
    from importlib.metadata import EntryPoint

    from conformance.adapters import registry

    fake = EntryPoint(name="acme", value="conformance.implementations.reference.adapter:ReferenceAdapter", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [fake] if group == registry.ENTRY_POINT_GROUP else [])
    assert registry.load_adapter("acme").name == "reference"
