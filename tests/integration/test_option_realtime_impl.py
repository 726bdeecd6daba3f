"""--realtime-impl: the implementation under test."""

from __future__ import annotations

import pytest

from .conftest import outcomes, write_adapter

BROKEN_DUMP = """
from conformance.implementations.reference import ReferenceAdapter

class Adapter(ReferenceAdapter):
    name = "drops-item-id"

    def dump(self, direction, obj):
        wire = super().dump(direction, obj)
        wire.pop("item_id", None)
        return wire
"""


def test_the_reference_is_the_default_and_passes(run_suite) -> None:
    result, report = run_suite()
    result.assert_outcomes(passed=4)
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
        "*corpus/speech-started/lossless-dump [[]MUST] fail for drops-item-id: the dump differs at $.item_id: expected string *, got absent (the member was dropped)*",
        "*input: fixtures/server/input_audio_buffer.speech_started/speech-started.json*",
    ])
    assert outcomes(report)["corpus/speech-started/lossless-dump"] == "fail"
    assert outcomes(report)["corpus/speech-started/parses"] == "pass"


HANGS_AND_CRASHES = """
import time
from conformance.implementations.reference import ReferenceAdapter

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
    result.assert_outcomes(passed=1, failed=3)
    messages = {check["id"]: check["message"] for check in report["checks"]}
    assert "did not return within 1 s (hanging)" in messages["corpus/unknown-type-xai-ping/tolerates-unknown-type"]
    assert "raised MemoryError: boom" in messages["corpus/speech-started/parses"]
    assert report["summary"]["fail"] == 4  # the SHOULD one is reported, without failing the run


MISSING_CLIENT_PARSE = """
from conformance.implementations.adapter import Capability
from conformance.implementations.reference import ReferenceAdapter

class Adapter(ReferenceAdapter):
    name = "server-only"
    missing = frozenset({Capability.PARSE_CLIENT, Capability.DUMP_CLIENT})
"""


def test_a_missing_capability_is_not_implemented_and_fails_a_must_check(run_suite, pytester) -> None:
    result, report = run_suite("--realtime-impl", write_adapter(pytester, MISSING_CLIENT_PARSE), selection="client-commit or client-invalid-append-not-base64")
    found = outcomes(report)
    assert found["corpus/client-commit/parses"] == "not-implemented"
    assert found["corpus/client-invalid-append-not-base64/rejects"] == "not-implemented"
    # MUST checks fail the run; the SHOULD one is reported and skipped.
    result.assert_outcomes(failed=4, skipped=1)


def test_adapters_registered_as_entry_points_are_found(monkeypatch) -> None:
    from importlib.metadata import EntryPoint

    from conformance.implementations import registry

    fake = EntryPoint(name="acme", value="conformance.implementations.reference:ReferenceAdapter", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [fake] if group == registry.ENTRY_POINT_GROUP else [])
    assert registry.load_adapter("acme").name == "reference"
